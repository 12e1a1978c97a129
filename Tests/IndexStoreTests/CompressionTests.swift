import CCompression
import Testing

/// Stored fields are LZ4 blocks (zlib streams in indexes written before) and file footers CRC-32s: the
/// footers and old chunks must stay readable by (and equal to) what zlib writes, whichever library talent links.
@Suite struct CompressionTests {
    @Test func crc32IsTheStandardCheckValue() {
        let bytes = Array("123456789".utf8)
        #expect(talent_crc32(0, bytes, bytes.count) == 0xCBF4_3926)
        // Continued over two slices, as the file writer streams it.
        let half = talent_crc32(0, bytes, 4)
        let rest = Array(bytes[4...])
        #expect(talent_crc32(half, rest, rest.count) == 0xCBF4_3926)
    }

    /// A chunk written by zlib (Python's `zlib.compress(…, 6)`), as indexes built before libdeflate hold.
    @Test func inflatesAStreamWrittenByZlib() {
        let stream: [UInt8] = [120, 156, 171, 86, 42, 201, 44, 201, 73, 85, 178, 82, 122, 54, 117, 195, 179, 190, 229, 47,
                               246, 46, 123, 186, 125, 169, 130, 179, 159, 179, 82, 109, 53, 153, 114, 0, 190, 119, 40, 231]
        let expected = Array(String(repeating: #"{"title":"数控车工 CNC"}"#, count: 3).utf8)
        var out = [UInt8](repeating: 0, count: expected.count)
        let n = talent_inflate(stream, stream.count, &out, out.count)
        #expect(n == Int64(expected.count))
        #expect(out == expected)
        // A corrupt stream is refused, not inflated into garbage.
        var bad = stream
        bad[10] ^= 0x40
        #expect(talent_inflate(bad, bad.count, &out, out.count) == -1)
    }

    @Test(arguments: [0, 1, 100, 20_000, 300_000])
    func compressThenDecompressGivesTheBytesBack(size: Int) {
        var generator = SystemRandomNumberGenerator()
        // Half text-like (repetitive), half random (incompressible): the bounds must hold for both.
        let bytes = (0..<size).map { i in i % 2 == 0 ? UInt8(truncatingIfNeeded: i / 64) : UInt8.random(in: 0...255, using: &generator) }
        var out = [UInt8](repeating: 0, count: size)

        var packed = [UInt8](repeating: 0, count: talent_deflate_bound(size))
        let n = talent_deflate(bytes, size, &packed, packed.count, 1)
        #expect(n > 0)
        #expect(talent_inflate(packed, n, &out, size) == Int64(size))
        #expect(out == bytes)

        var block = [UInt8](repeating: 0, count: max(1, talent_lz4_bound(size)))
        let m = talent_lz4_compress(bytes, size, &block, block.count)
        #expect(m > 0)
        out = [UInt8](repeating: 0, count: size)
        #expect(talent_lz4_decompress(block, m, &out, size) == Int64(size))
        #expect(out == bytes)
        // A block cut short is refused, not decompressed into garbage.
        if m > 8 { #expect(talent_lz4_decompress(block, m - 4, &out, size) < 0) }
    }
}
