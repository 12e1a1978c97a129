import CCompression

/// Stored documents (opaque byte blobs, e.g. JSON records) for display, deflated in chunks of 16.
///
/// Body layout of the `.stor` file:
/// ```
/// chunks: vint docs, vint raw length, vint compressed length, deflated (vint length, bytes)*
/// index:  u64 offset per chunk
/// u64 index offset, u32 docs per chunk, u32 chunks
/// ```
struct StoredFieldsWriter {
    static let chunkDocs = 16
    /// Level 1: on postings text it compresses nearly as well as the default level 6 at a third of the time,
    /// and compression runs on every indexing thread.
    static let level: Int32 = 1
    private(set) var body = ByteWriter(capacity: 1 << 16)
    /// Bytes already handed out by `drain()`: the body continues after them.
    private var drained = 0
    private var pending = ByteWriter()
    private var pendingDocs = 0
    private var offsets: [UInt64] = []
    private let deflater = Deflater(level: StoredFieldsWriter.level)
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
        body.vint(pendingDocs)
        body.vint(pending.count)
        let raw = pending.bytes
        let bound = talent_deflate_bound(raw.count)
        if compressed.count < bound { compressed = [UInt8](repeating: 0, count: bound) }
        let n = raw.withUnsafeBufferPointer { src in
            compressed.withUnsafeMutableBufferPointer { dst in deflater.run(src, into: dst) }
        }
        precondition(n > 0, "deflate failed")
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
        body.vint(chunk.docs)
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

/// A deflate context kept across chunks (same output as `talent_deflate`, without setting the compressor up
/// per chunk).
private final class Deflater {
    private let handle: OpaquePointer?
    let level: Int32

    init(level: Int32) {
        self.level = level
        handle = talent_deflater_create(level)
    }

    deinit { talent_deflater_destroy(handle) }

    /// Deflates `src` into `dst`; returns the compressed size, 0 on failure.
    func run(_ src: UnsafeBufferPointer<UInt8>, into dst: UnsafeMutableBufferPointer<UInt8>) -> Int {
        guard let handle else { return talent_deflate(src.baseAddress!, src.count, dst.baseAddress!, dst.count, level) }
        return talent_deflater_run(handle, src.baseAddress!, src.count, dst.baseAddress!, dst.count)
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
        let docs = try r.int()
        let rawLength = try r.int()
        let compressedLength = try r.int()
        let compressed = try r.bytes(compressedLength)
        guard docs >= 1, docs <= chunkDocs, rawLength < 1 << 30 else { throw .corrupt(file: file, reason: "bad chunk header") }
        return Chunk(docs: docs, rawLength: rawLength, compressed: compressed)
    }

    /// The documents of chunk `chunk`, inflated once: `(vint length, bytes)` per document.
    func inflatedChunk(_ chunk: Int) throws(IndexError) -> (docs: Int, raw: [UInt8]) {
        let c = try self.chunk(chunk)
        var raw = [UInt8](repeating: 0, count: c.rawLength)
        let n = raw.withUnsafeMutableBufferPointer { dst in
            talent_inflate(c.compressed.baseAddress!.assumingMemoryBound(to: UInt8.self), c.compressed.count,
                           dst.baseAddress!, dst.count)
        }
        guard n == c.rawLength else { throw .corrupt(file: file, reason: "stored chunk \(chunk) does not inflate") }
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
