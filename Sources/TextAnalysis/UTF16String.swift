extension String {
    /// A string from UTF-16 code units, transcoded to UTF-8 in one pass; lone surrogates become U+FFFD.
    ///
    /// `String(decoding:as: UTF16.self)` took a slow path for Chinese text that made building the lexicon
    /// a fifth of a cold `talent search`.
    public init(utf16Units units: some Collection<UInt16>) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(units.count * 3)
        var iterator = units.makeIterator()
        var pending: UInt16?
        while true {
            guard let u = pending ?? iterator.next() else { break }
            pending = nil
            var scalar: UInt32
            if u < 0xD800 || u > 0xDFFF {
                scalar = UInt32(u)
            } else if u <= 0xDBFF, let low = iterator.next() {
                if low >= 0xDC00 && low <= 0xDFFF {
                    scalar = 0x10000 + (UInt32(u - 0xD800) << 10) + UInt32(low - 0xDC00)
                } else {
                    scalar = 0xFFFD
                    pending = low
                }
            } else {
                scalar = 0xFFFD
            }
            switch scalar {
            case 0..<0x80:
                bytes.append(UInt8(scalar))
            case 0x80..<0x800:
                bytes.append(UInt8(0xC0 | scalar >> 6))
                bytes.append(UInt8(0x80 | scalar & 0x3F))
            case 0x800..<0x10000:
                bytes.append(UInt8(0xE0 | scalar >> 12))
                bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | scalar & 0x3F))
            default:
                bytes.append(UInt8(0xF0 | scalar >> 18))
                bytes.append(UInt8(0x80 | scalar >> 12 & 0x3F))
                bytes.append(UInt8(0x80 | scalar >> 6 & 0x3F))
                bytes.append(UInt8(0x80 | scalar & 0x3F))
            }
        }
        self = String(decoding: bytes, as: UTF8.self)
    }
}
