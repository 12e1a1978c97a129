import CCompression

/// The frame every index file shares: a 12-byte header (magic `TLNT`, a four-letter kind, format version)
/// and an 8-byte footer (magic `TEND`, CRC-32 of everything before the CRC).
///
/// Readers check the header and the footer magic when they open a file (cheap: two pages); `talent check`
/// also recomputes the CRC, which reads the whole file.
public enum FileFormat {
    public static let version: UInt32 = 2
    static let headerMagic: [UInt8] = Array("TLNT".utf8)
    static let footerMagic: [UInt8] = Array("TEND".utf8)
    public static let headerSize = 12
    public static let footerSize = 8

    /// The kind code a file's header carries.
    public enum Kind: String, CaseIterable, Sendable {
        case terms = "TDIC"
        case postings = "POST"
        case positions = "POSI"
        case stored = "STOR"
        case values = "VALS"
        case deletes = "DELS"
    }

    static func header(_ kind: Kind) -> [UInt8] {
        var w = ByteWriter(capacity: headerSize)
        w.append(headerMagic)
        w.append(Array(kind.rawValue.utf8))
        w.u32(version)
        return w.bytes
    }

    /// Checks the frame of a mapped file and returns its body (between header and footer).
    static func body(of bytes: UnsafeRawBufferPointer, kind: Kind, file: String) throws(IndexError) -> UnsafeRawBufferPointer {
        guard bytes.count >= headerSize + footerSize else {
            throw .corrupt(file: file, reason: "\(bytes.count) bytes is too short for an index file")
        }
        guard Array(bytes[0..<4]) == headerMagic else { throw .corrupt(file: file, reason: "not a talent index file (bad magic)") }
        let foundKind = String(decoding: bytes[4..<8], as: UTF8.self)
        guard foundKind == kind.rawValue else {
            throw .corrupt(file: file, reason: "expected a \(kind.rawValue) file, found \(foundKind)")
        }
        let version = bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self).littleEndian
        guard version == FileFormat.version else {
            throw .versionMismatch(file: file, found: version, supported: FileFormat.version)
        }
        let end = bytes.count - footerSize
        guard Array(bytes[end..<end + 4]) == footerMagic else {
            throw .corrupt(file: file, reason: "missing footer (file truncated?)")
        }
        return UnsafeRawBufferPointer(rebasing: bytes[headerSize..<end])
    }

    /// Recomputes the CRC-32 of a whole file and compares it with its footer.
    static func verifyChecksum(of bytes: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        guard bytes.count >= headerSize + footerSize else { throw .corrupt(file: file, reason: "too short") }
        let stored = bytes.loadUnaligned(fromByteOffset: bytes.count - 4, as: UInt32.self).littleEndian
        let computed = crc32(UnsafeRawBufferPointer(rebasing: bytes[0..<bytes.count - 4]))
        guard stored == computed else {
            throw .corrupt(file: file, reason: "checksum mismatch (stored \(hex(stored)), computed \(hex(computed)))")
        }
    }

    static func crc32(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return seed }
        return talent_crc32(seed, base.assumingMemoryBound(to: UInt8.self), bytes.count)
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
