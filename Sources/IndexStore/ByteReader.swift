/// Reads what ``ByteWriter`` writes, from a region of a mapped file, with bounds checks that throw
/// ``IndexError/corrupt(file:reason:)`` instead of reading past the end.
public struct ByteReader {
    public let base: UnsafeRawBufferPointer
    public var offset: Int
    let file: String

    public init(_ base: UnsafeRawBufferPointer, offset: Int = 0, file: String) {
        self.base = base
        self.offset = offset
        self.file = file
    }

    public var isAtEnd: Bool { offset >= base.count }

    @inline(__always)
    func overrun() -> IndexError { .corrupt(file: file, reason: "read past the end at byte \(offset)") }

    @inline(__always)
    public mutating func u8() throws(IndexError) -> UInt8 {
        guard offset < base.count else { throw overrun() }
        defer { offset += 1 }
        return base[offset]
    }

    @inline(__always)
    public mutating func u16() throws(IndexError) -> UInt16 {
        guard offset + 2 <= base.count else { throw overrun() }
        defer { offset += 2 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt16.self).littleEndian
    }

    @inline(__always)
    public mutating func u32() throws(IndexError) -> UInt32 {
        guard offset + 4 <= base.count else { throw overrun() }
        defer { offset += 4 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt32.self).littleEndian
    }

    @inline(__always)
    public mutating func u64() throws(IndexError) -> UInt64 {
        guard offset + 8 <= base.count else { throw overrun() }
        defer { offset += 8 }
        return base.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian
    }

    @inline(__always)
    public mutating func vint() throws(IndexError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < base.count, shift < 64 else { throw overrun() }
            let b = base[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
    }

    /// Moves past one vint without decoding it.
    @inline(__always)
    public mutating func skipVInt() throws(IndexError) {
        let start = offset
        while true {
            guard offset < base.count, offset - start < 10 else { throw overrun() }
            let b = base[offset]
            offset += 1
            if b < 0x80 { return }
        }
    }

    @inline(__always)
    public mutating func int() throws(IndexError) -> Int {
        let v = try vint()
        guard v <= UInt64(Int.max) else { throw IndexError.corrupt(file: file, reason: "integer out of range at byte \(offset)") }
        return Int(v)
    }

    public mutating func svint() throws(IndexError) -> Int64 {
        let v = try vint()
        return Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)
    }

    public mutating func bytes(_ count: Int) throws(IndexError) -> UnsafeRawBufferPointer {
        guard count >= 0, offset + count <= base.count else { throw overrun() }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: base[offset..<offset + count])
    }

    public mutating func string() throws(IndexError) -> String {
        let n = try int()
        return String(decoding: try bytes(n), as: UTF8.self)
    }

    /// Unpacks `count` values of `bits` bits into `out`.
    @inline(__always)
    public mutating func unpack(into out: UnsafeMutablePointer<UInt32>, count: Int, bits: Int) throws(IndexError) {
        guard bits > 0 else {
            out.update(repeating: 0, count: count)
            return
        }
        guard bits <= 32 else { throw IndexError.corrupt(file: file, reason: "bit width \(bits) at byte \(offset)") }
        let byteCount = (count * bits + 7) / 8
        guard offset + byteCount <= base.count else { throw overrun() }
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        var acc: UInt64 = 0
        var filled = 0
        var p = offset
        for i in 0..<count {
            while filled < bits {
                acc |= UInt64(base[p]) << UInt64(filled)
                p += 1
                filled += 8
            }
            out[i] = UInt32(truncatingIfNeeded: acc & mask)
            acc >>= UInt64(bits)
            filled -= bits
        }
        offset += byteCount
    }
}
