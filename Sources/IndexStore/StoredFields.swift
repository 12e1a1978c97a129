import CCompression

/// Stored documents (opaque byte blobs, e.g. JSON records) for display, compressed in chunks of 16.
///
/// Body layout of the `.stor` file:
/// ```
/// chunks: vint docs + 32 × codec, vint raw length, vint compressed length, compressed (vint length, bytes)*
/// index:  u64 offset per chunk
/// u64 index offset, u32 docs per chunk, u32 chunks
/// ```
/// Chunks are written with LZ4 (codec 1); chunks of indexes written before it are zlib streams (codec 0) and
/// read alike, and a merge copies a chunk whole with its codec.
struct StoredFieldsWriter {
    static let chunkDocs = 16
    /// How a chunk is compressed, stored with its document count.
    enum Codec: Int {
        /// A zlib stream (RFC 1950): indexes written before LZ4.
        case zlib = 0
        /// An LZ4 block: about three times faster to write than deflate at level 1, and faster to read, for
        /// records about a third larger (as Lucene and Tantivy store documents by default).
        case lz4 = 1
    }
    private(set) var body = ByteWriter(capacity: 1 << 16)
    /// Bytes already handed out by `drain()`: the body continues after them.
    private var drained = 0
    private var pending = ByteWriter()
    private var pendingDocs = 0
    private var offsets: [UInt64] = []
    private var compressed: [UInt8] = []

    mutating func add(_ document: some Collection<UInt8>) {
        pending.vint(document.count)
        pending.append(document)
        pendingDocs += 1
        if pendingDocs == Self.chunkDocs { flushChunk() }
    }

    /// Bytes held in memory: the buffers' capacities, not just their contents.
    var heldBytes: Int {
        body.bytes.capacity + pending.bytes.capacity + offsets.capacity * 8 + compressed.capacity
    }

    private mutating func flushChunk() {
        guard pendingDocs > 0 else { return }
        offsets.append(UInt64(drained + body.count))
        body.vint(pendingDocs + 32 * Codec.lz4.rawValue)
        body.vint(pending.count)
        let raw = pending.bytes
        let bound = talent_lz4_bound(raw.count)
        precondition(bound > 0, "stored chunk too large")
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let n = raw.withUnsafeBufferPointer { src in
            compressed.withUnsafeMutableBufferPointer { dst in
                talent_lz4_compress(src.baseAddress!, src.count, dst.baseAddress!, dst.count)
            }
        }
        precondition(n > 0, "LZ4 compression failed")
        body.vint(n)
        body.append(compressed[0..<n])
        pending.bytes.removeAll(keepingCapacity: true)
        pendingDocs = 0
    }

    /// Whether a whole compressed chunk can be appended as it is: no documents wait for a chunk of their own.
    var isAtChunkBoundary: Bool { pendingDocs == 0 }

    /// Appends a full chunk of another segment without inflating it (a merge copying a segment whose
    /// documents all live). Only at a chunk boundary, and only chunks of `chunkDocs` documents: readers find a
    /// document's chunk by division.
    mutating func appendChunk(_ chunk: StoredFieldsReader.Chunk) {
        precondition(pendingDocs == 0 && chunk.docs == Self.chunkDocs)
        offsets.append(UInt64(drained + body.count))
        body.vint(chunk.docs + 32 * chunk.codec.rawValue)
        body.vint(chunk.rawLength)
        body.vint(chunk.compressed.count)
        body.append(chunk.compressed)
    }

    /// Hands out the finished chunks so far, so a large merge streams them to its file.
    mutating func drain() -> [UInt8] {
        let bytes = body.bytes
        drained += bytes.count
        body.bytes.removeAll(keepingCapacity: true)
        return bytes
    }

    /// The rest of the body (after what `drain()` handed out): last chunk, index, trailer.
    mutating func finish() -> [UInt8] {
        flushChunk()
        let indexOffset = drained + body.count
        for o in offsets { body.u64(o) }
        body.u64(UInt64(indexOffset))
        body.u32(UInt32(Self.chunkDocs))
        body.u32(UInt32(offsets.count))
        return body.bytes
    }
}

final class StoredFieldsReader: @unchecked Sendable {
    let body: UnsafeRawBufferPointer
    let file: String
    private let indexOffset: Int
    private let chunkDocs: Int
    private let chunks: Int

    init(body: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        self.body = body
        self.file = file
        guard body.count >= 16 else { throw .corrupt(file: file, reason: "stored fields too short") }
        var t = ByteReader(body, offset: body.count - 16, file: file)
        indexOffset = Int(try t.u64())
        chunkDocs = Int(try t.u32())
        chunks = Int(try t.u32())
        guard chunkDocs > 0, indexOffset + chunks * 8 == body.count - 16 else {
            throw .corrupt(file: file, reason: "stored fields index does not fit the file")
        }
    }

    /// One compressed chunk as stored.
    struct Chunk {
        let docs: Int
        let codec: StoredFieldsWriter.Codec
        let rawLength: Int
        let compressed: UnsafeRawBufferPointer
    }

    var chunkCount: Int { chunks }
    var documentsPerChunk: Int { chunkDocs }

    /// Chunk `chunk` as stored, header checked.
    func chunk(_ chunk: Int) throws(IndexError) -> Chunk {
        guard chunk < chunks else { throw .corrupt(file: file, reason: "chunk \(chunk) beyond the stored fields") }
        var ir = ByteReader(body, offset: indexOffset + chunk * 8, file: file)
        var r = ByteReader(body, offset: Int(try ir.u64()), file: file)
        let docsAndCodec = try r.int()
        let rawLength = try r.int()
        let compressedLength = try r.int()
        let compressed = try r.bytes(compressedLength)
        let docs = docsAndCodec % 32
        guard docs >= 1, docs <= chunkDocs, rawLength < 1 << 30,
              let codec = StoredFieldsWriter.Codec(rawValue: docsAndCodec / 32)
        else { throw .corrupt(file: file, reason: "bad chunk header") }
        return Chunk(docs: docs, codec: codec, rawLength: rawLength, compressed: compressed)
    }

    /// The documents of chunk `chunk`, inflated once: `(vint length, bytes)` per document.
    func inflatedChunk(_ chunk: Int) throws(IndexError) -> (docs: Int, raw: [UInt8]) {
        let c = try self.chunk(chunk)
        var raw = [UInt8](repeating: 0, count: c.rawLength)
        let n = raw.withUnsafeMutableBufferPointer { dst in
            let src = c.compressed.baseAddress!.assumingMemoryBound(to: UInt8.self)
            switch c.codec {
            case .zlib: return talent_inflate(src, c.compressed.count, dst.baseAddress!, dst.count)
            case .lz4: return talent_lz4_decompress(src, c.compressed.count, dst.baseAddress!, dst.count)
            }
        }
        guard n == c.rawLength else { throw .corrupt(file: file, reason: "stored chunk \(chunk) does not decompress") }
        return (c.docs, raw)
    }

    /// The stored bytes of document `doc`.
    func document(_ doc: Int) throws(IndexError) -> [UInt8] {
        let chunk = doc / chunkDocs
        guard chunk < chunks else { throw .corrupt(file: file, reason: "document \(doc) beyond the stored fields") }
        let (docs, raw) = try inflatedChunk(chunk)
        guard doc % chunkDocs < docs else { throw .corrupt(file: file, reason: "bad chunk header") }
        let result = raw.withUnsafeBytes { all in
            Result { () throws(IndexError) -> [UInt8] in
                var d = ByteReader(all, file: file)
                for _ in 0..<(doc % chunkDocs) { _ = try d.bytes(try d.int()) }
                return Array(try d.bytes(try d.int()))
            }
        }
        return try result.get()
    }
}
