import CICUShim

/// Decodes the bytes of corpus files: UTF-8 (with or without BOM), UTF-16 with BOM, and GB18030/GBK, the
/// encoding of many Chinese Excel and CSV exports.
///
/// Detection: a BOM decides; otherwise well-formed UTF-8 is UTF-8, and anything else is tried as GB18030
/// through ICU's converter. Bytes that fit neither are replaced by U+FFFD and counted, or, when `strict`,
/// reported as an error naming the file and byte offset.
public enum TextDecoder {
    public enum Encoding: String, Sendable, Codable {
        case utf8 = "UTF-8"
        case utf16LE = "UTF-16LE"
        case utf16BE = "UTF-16BE"
        case gb18030 = "GB18030"
    }

    public struct Decoded: Sendable {
        public var text: String
        public var encoding: Encoding
        /// Whether the bytes began with a byte order mark (removed from `text`).
        public var hadBOM: Bool
        /// How many ill-formed sequences became U+FFFD.
        public var invalidCount: Int
        /// Byte offset of the first ill-formed sequence, if any.
        public var firstInvalidOffset: Int?
    }

    /// Bytes that cannot be decoded, in strict mode.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public var path: String
        public var offset: Int
        public var encoding: Encoding
        public var count: Int
        public var description: String {
            "\(path): byte offset \(offset): invalid \(encoding.rawValue) (\(count) undecodable sequence\(count == 1 ? "" : "s") in the file)"
        }
    }

    /// Detects the encoding of `bytes` and decodes them.
    ///
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - path: names the file in errors.
    ///   - strict: throw ``DecodingError`` instead of replacing undecodable bytes.
    public static func decode(_ bytes: [UInt8], path: String, strict: Bool = false) throws -> Decoded {
        let decoded = try bytes.withUnsafeBufferPointer { try detectAndDecode($0) }
        if strict, decoded.invalidCount > 0 {
            throw DecodingError(path: path, offset: decoded.firstInvalidOffset ?? 0, encoding: decoded.encoding,
                                count: decoded.invalidCount)
        }
        return decoded
    }

    private static func detectAndDecode(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Decoded {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return decodeUTF8(UnsafeBufferPointer(rebasing: bytes[3...]), bomLength: 3)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return decodeUTF16(bytes, bigEndian: false) }
        if bytes.starts(with: [0xFE, 0xFF]) { return decodeUTF16(bytes, bigEndian: true) }
        let utf8 = decodeUTF8(bytes, bomLength: 0)
        if utf8.invalidCount == 0 { return utf8 }
        let gb = try decodeGB18030(bytes)
        // Pick whichever reading needs fewer replacements; GB18030 accepts most byte pairs, so it wins ties
        // only when it is clean.
        return gb.invalidCount < utf8.invalidCount ? gb : utf8
    }

    private static func decodeUTF8(_ bytes: UnsafeBufferPointer<UInt8>, bomLength: Int) -> Decoded {
        if let text = String(validating: bytes, as: UTF8.self) {
            return Decoded(text: text, encoding: .utf8, hadBOM: bomLength > 0, invalidCount: 0,
                           firstInvalidOffset: nil)
        }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = bomLength
        var invalid = 0
        var first: Int?
        var scalars = String.UnicodeScalarView()
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                scalars.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                if first == nil { first = offset }
                invalid += 1
                scalars.append("\u{FFFD}")
                offset += length
            case .emptyInput:
                break loop
            }
        }
        return Decoded(text: String(scalars), encoding: .utf8, hadBOM: bomLength > 0, invalidCount: invalid,
                       firstInvalidOffset: first)
    }

    private static func decodeUTF16(_ bytes: UnsafeBufferPointer<UInt8>, bigEndian: Bool) -> Decoded {
        let encoding: Encoding = bigEndian ? .utf16BE : .utf16LE
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 2
        while i + 1 < bytes.count {
            let a = UInt16(bytes[i]), b = UInt16(bytes[i + 1])
            units.append(bigEndian ? a << 8 | b : b << 8 | a)
            i += 2
        }
        var invalid = 0
        var first: Int?
        func bad(_ unitIndex: Int) {
            if first == nil { first = 2 + 2 * unitIndex }
            invalid += 1
        }
        // A trailing odd byte is an error too.
        var scalars = String.UnicodeScalarView()
        var k = 0
        while k < units.count {
            let u = units[k]
            if UTF16.isLeadSurrogate(u), k + 1 < units.count, UTF16.isTrailSurrogate(units[k + 1]) {
                let value = 0x10000 + (UInt32(u - 0xD800) << 10 | UInt32(units[k + 1] - 0xDC00))
                scalars.append(Unicode.Scalar(value)!)
                k += 2
            } else if let scalar = Unicode.Scalar(u) {
                scalars.append(scalar)
                k += 1
            } else {
                bad(k)
                scalars.append("\u{FFFD}")
                k += 1
            }
        }
        if bytes.count % 2 == 1 {
            if first == nil { first = bytes.count - 1 }
            invalid += 1
            scalars.append("\u{FFFD}")
        }
        return Decoded(text: String(scalars), encoding: encoding, hadBOM: true, invalidCount: invalid,
                       firstInvalidOffset: first)
    }

    private static func decodeGB18030(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Decoded {
        guard bytes.count < Int(Int32.max) else { throw ICUError(code: 1) }
        var invalid: Int32 = 0
        var first: Int32 = -1
        var status: Int32 = 0
        var units = [UInt16](repeating: 0, count: bytes.count + 1)
        let written = units.withUnsafeMutableBufferPointer { dst in
            talent_gb18030_decode(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!, Int32(bytes.count),
                                  dst.baseAddress!, &invalid, &first, &status)
        }
        guard written >= 0 else { throw ICUError(code: max(status, 1)) }
        units.removeSubrange(Int(written)...)
        return Decoded(text: String(decoding: units, as: UTF16.self), encoding: .gb18030, hadBOM: false,
                       invalidCount: Int(invalid), firstInvalidOffset: first >= 0 ? Int(first) : nil)
    }

    /// Encodes text as GB18030, as old Excel versions expect.
    public static func encodeGB18030(_ text: String) throws -> [UInt8] {
        let units = Array(text.utf16)
        var out = [UInt8](repeating: 0, count: units.count * 4 + 4)
        var status: Int32 = 0
        let n = units.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                talent_gb18030_encode(src.baseAddress ?? UnsafePointer(bitPattern: 2)!, Int32(src.count),
                                      dst.baseAddress!, Int32(dst.count), &status)
            }
        }
        guard n >= 0 else { throw ICUError(code: max(status, 1)) }
        out.removeSubrange(Int(n)...)
        return out
    }
}
