import CCompression
import Testing

@testable import IndexStore

/// Stored chunks are LZ4 now; chunks of indexes written before are zlib streams, marked by their codec, and
/// must still read, and be copied whole by a merge with their codec.
struct StoredFieldsTests {
    /// A `.stor` body as an index written with deflate holds it: one chunk of `documents`, codec 0.
    static func zlibBody(_ documents: [[UInt8]]) -> [UInt8] {
        var raw = ByteWriter()
        for d in documents {
            raw.vint(d.count)
            raw.append(d)
        }
        var packed = [UInt8](repeating: 0, count: talent_deflate_bound(raw.count))
        let n = talent_deflate(raw.bytes, raw.count, &packed, packed.count, 1)
        var body = ByteWriter()
        body.vint(documents.count)  // codec 0 above the document count
        body.vint(raw.count)
        body.vint(n)
        body.append(packed[0..<n])
        let index = body.count
        body.u64(0)
        body.u64(UInt64(index))
        body.u32(UInt32(StoredFieldsWriter.chunkDocs))
        body.u32(1)
        return body.bytes
    }

    static let documents = (0..<StoredFieldsWriter.chunkDocs).map { Array(#"{"id":"old-\#($0)","title":"数控车工 \#($0)"}"#.utf8) }

    @Test func chunksWrittenWithDeflateStillRead() throws {
        let body = Self.zlibBody(Self.documents)
        try body.withUnsafeBytes { bytes in
            let reader = try StoredFieldsReader(body: bytes, file: "old.stor")
            #expect(try reader.chunk(0).codec == .zlib)
            for (i, d) in Self.documents.enumerated() { #expect(try reader.document(i) == d) }
        }
    }

    @Test func aMergeCopiesOldAndNewChunksWithTheirCodecs() throws {
        let old = Self.zlibBody(Self.documents)
        let fresh = Self.documents.map { Array("new ".utf8) + $0 }
        var writer = StoredFieldsWriter()
        try old.withUnsafeBytes { bytes in
            writer.appendChunk(try StoredFieldsReader(body: bytes, file: "old.stor").chunk(0))
        }
        for d in fresh { writer.add(d) }
        let merged = writer.finish()
        try merged.withUnsafeBytes { bytes in
            let reader = try StoredFieldsReader(body: bytes, file: "merged.stor")
            #expect(reader.chunkCount == 2)
            #expect(try reader.chunk(0).codec == .zlib)
            #expect(try reader.chunk(1).codec == .lz4)
            for (i, d) in (Self.documents + fresh).enumerated() { #expect(try reader.document(i) == d) }
        }
    }

    @Test func aChunkWithAnUnknownCodecIsRefused() throws {
        var body = Self.zlibBody(Self.documents)
        body[0] = UInt8(Self.documents.count + 32 * 3)  // codec 3: none such
        try body.withUnsafeBytes { bytes in
            let reader = try StoredFieldsReader(body: bytes, file: "odd.stor")
            #expect(throws: IndexError.self) { try reader.document(0) }
        }
    }
}
