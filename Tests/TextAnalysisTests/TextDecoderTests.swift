import Testing

@testable import TextAnalysis
import CICUShim

struct DecodingCase: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var text: String
    var encoding: TextDecoder.Encoding
    var testDescription: String { name }
}

struct TextDecoderTests {
    static let sample = "数控车工,广东·深圳\n焊工证€"

    static let cases: [DecodingCase] = [
        DecodingCase(name: "UTF-8", bytes: Array(sample.utf8), text: sample, encoding: .utf8),
        DecodingCase(name: "UTF-8 with BOM", bytes: [0xEF, 0xBB, 0xBF] + Array(sample.utf8), text: sample, encoding: .utf8),
        DecodingCase(name: "UTF-16LE with BOM",
                     bytes: [0xFF, 0xFE] + sample.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] },
                     text: sample, encoding: .utf16LE),
        DecodingCase(name: "UTF-16BE with BOM",
                     bytes: [0xFE, 0xFF] + sample.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] },
                     text: sample, encoding: .utf16BE),
        // GBK bytes of 数控 / 焊工证, as a Chinese Excel export writes them; € is A2E3 in GB18030.
        DecodingCase(name: "GBK/GB18030", bytes: [0xCA, 0xFD, 0xBF, 0xD8, 0x2C, 0xBA, 0xB8, 0xB9, 0xA4, 0xD6, 0xA4, 0xA2, 0xE3],
                     text: "数控,焊工证€", encoding: .gb18030),
        DecodingCase(name: "empty", bytes: [], text: "", encoding: .utf8),
    ]

    @Test(arguments: cases)
    func decodes(_ c: DecodingCase) throws {
        let decoded = try TextDecoder.decode(c.bytes, path: "f.csv", strict: true)
        #expect(decoded.text == c.text)
        #expect(decoded.encoding == c.encoding)
        #expect(decoded.invalidCount == 0)
    }

    @Test func gb18030RoundTrip() throws {
        let bytes = try TextDecoder.encodeGB18030(Self.sample)
        #expect(bytes != Array(Self.sample.utf8))
        let decoded = try TextDecoder.decode(bytes, path: "f.csv", strict: true)
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == Self.sample)
    }

    @Test func undecodableBytesNameFileAndOffsetWhenStrict() throws {
        // Valid UTF-8 up to byte 6, then 0xFF, which is neither UTF-8 nor GB18030.
        let bytes = Array("数控".utf8) + [0xFF] + Array("焊工".utf8)
        #expect {
            try TextDecoder.decode(bytes, path: "jobs.csv", strict: true)
        } throws: { error in
            guard let error = error as? TextDecoder.DecodingError else { return false }
            return error.path == "jobs.csv" && error.offset == 6 && error.encoding == .utf8
                && "\(error)" == "jobs.csv: byte offset 6: invalid UTF-8 (1 undecodable sequence in the file)"
        }
        let lenient = try TextDecoder.decode(bytes, path: "jobs.csv")
        #expect(lenient.text == "数控\u{FFFD}焊工")
        #expect(lenient.invalidCount == 1)
        #expect(lenient.firstInvalidOffset == 6)
    }

    @Test func badByteInGBKFileIsCountedAtItsOffset() throws {
        let bytes: [UInt8] = [0xCA, 0xFD, 0xBF, 0xD8, 0xFF, 0xBA, 0xB8]
        let decoded = try TextDecoder.decode(bytes, path: "gbk.csv")
        #expect(decoded.encoding == .gb18030)
        #expect(decoded.text == "数控\u{FFFD}焊")
        #expect(decoded.invalidCount == 1)
        #expect(decoded.firstInvalidOffset == 4)
    }

    @Test func loneSurrogateInUTF16IsReported() throws {
        let bytes: [UInt8] = [0xFF, 0xFE, 0x70, 0x65, 0x00, 0xD8, 0x41, 0x00]
        let decoded = try TextDecoder.decode(bytes, path: "u16.txt")
        #expect(decoded.text == "数\u{FFFD}A")
        #expect(decoded.firstInvalidOffset == 4)
        #expect(throws: TextDecoder.DecodingError.self) { try TextDecoder.decode(bytes, path: "u16.txt", strict: true) }
    }
}

struct FoldTableTests {
    /// The shipped Traditional → Simplified table is what this machine's ICU transliterator gives.
    @Test func shippedTableMatchesICU() {
        var live = [UInt16](repeating: 0, count: 0x10000)
        let status = live.withUnsafeMutableBufferPointer { talent_t2s_from_icu($0.baseAddress!) }
        #expect(status <= 0)
        let shipped = UnsafeBufferPointer(start: talent_t2s_table(), count: 0x10000)
        let differences = (0..<0x10000).filter { live[$0] != shipped[$0] }
        #expect(differences.isEmpty, "regenerate with `swift run talent-bench t2s > Sources/CICUShim/t2s_pairs.inc`: \(differences.prefix(10))")
        #expect(live.indices.filter { live[$0] != UInt16($0) }.count > 2000)
    }
}

struct UTF16StringTests {
    @Test(arguments: ["", "abc", "数控机床", "𠀀𪚥 emoji 😀 ", "é\u{301}ß"])
    func matchesTheStandardLibrary(_ text: String) {
        #expect(String(utf16Units: Array(text.utf16)) == text)
    }

    @Test func loneSurrogatesBecomeReplacementCharacters() {
        #expect(String(utf16Units: [0x41, 0xD800, 0x42, 0xDC00]) == "A\u{FFFD}B\u{FFFD}")
        #expect(String(utf16Units: [0xD83D]) == "\u{FFFD}")
    }
}
