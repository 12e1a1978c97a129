/// Appends little-endian integers, variable-length integers and strings to a byte array.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public var count: Int { bytes.count }

    @inline(__always)
    public mutating func u8(_ v: UInt8) { bytes.append(v) }

    @inline(__always)
    public mutating func u16(_ v: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: v))
        bytes.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inline(__always)
    public mutating func u32(_ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
    }

    @inline(__always)
    public mutating func u64(_ v: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
    }

    /// LEB128: seven bits a byte, low bits first.
    @inline(__always)
    public mutating func vint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    @inline(__always)
    public mutating func vint(_ v: Int) { vint(UInt64(v)) }

    /// Zig-zag, for values that may be negative.
    public mutating func svint(_ v: Int64) { vint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    public mutating func append<C: Collection>(_ other: C) where C.Element == UInt8 { bytes.append(contentsOf: other) }

    public mutating func string(_ s: String) {
        vint(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    /// Packs `values` with `bits` bits each, low bits first.
    public mutating func pack(_ values: UnsafeBufferPointer<UInt32>, bits: Int) {
        guard bits > 0 else { return }
        var acc: UInt64 = 0
        var filled = 0
        for v in values {
            acc |= UInt64(v) << UInt64(filled)
            filled += bits
            while filled >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: acc))
                acc >>= 8
                filled -= 8
            }
        }
        if filled > 0 { bytes.append(UInt8(truncatingIfNeeded: acc)) }
    }
}

/// The number of bits needed for the largest of `values`.
@inline(__always)
func bitWidth(_ values: UnsafeBufferPointer<UInt32>) -> Int {
    var or: UInt32 = 0
    for v in values { or |= v }
    return or == 0 ? 0 : 32 - or.leadingZeroBitCount
}
