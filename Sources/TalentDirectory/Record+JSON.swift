extension Record {
    /// The record as compact JSON (the same keys `Codable` uses, `nil` fields left out).
    ///
    /// Indexing stores every record this way; a hand-written writer because Foundation's `JSONEncoder` cost
    /// more than analysing the text.
    public func jsonBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(description.utf8.count + title.utf8.count + 256)
        out.append(UInt8(ascii: "{"))
        var first = true
        func key(_ k: StaticString) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        func string(_ s: String) {
            out.append(UInt8(ascii: "\""))
            var s = s
            s.withUTF8 { bytes in
                // Copy runs of plain bytes at once; escape only quotes, backslashes and controls. Eight bytes
                // are checked at a time: descriptions are long and seldom need an escape.
                var runStart = 0
                var i = 0
                let raw = UnsafeRawPointer(bytes.baseAddress)
                while i < bytes.count {
                    if let raw, i + 8 <= bytes.count {
                        let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                        let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
                        let flagged = ((x &- ones &* 0x20) & ~x) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                        if flagged & highs == 0 {
                            i += 8
                            continue
                        }
                    }
                    let b = bytes[i]
                    i += 1
                    guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                    let at = i - 1
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<at]))
                    switch b {
                    case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                    case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                    case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                    case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                    case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                    default:
                        let hex = Array("0123456789abcdef".utf8)
                        out.append(contentsOf: Array("\\u00".utf8))
                        out.append(hex[Int(b >> 4)])
                        out.append(hex[Int(b & 15)])
                    }
                    runStart = at + 1
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            }
            out.append(UInt8(ascii: "\""))
        }
        func text(_ k: StaticString, _ v: String) {
            guard !v.isEmpty else { return }
            key(k)
            string(v)
        }
        func number(_ k: StaticString, _ v: Int?) {
            guard let v else { return }
            key(k)
            out.append(contentsOf: String(v).utf8)
        }
        key("id")
        string(id)
        text("title", title)
        text("employer", employer)
        text("occupation", occupation)
        text("occupation_code", occupationCode)
        text("industry", industry)
        text("region", region)
        if !skills.isEmpty {
            key("skills")
            out.append(UInt8(ascii: "["))
            for (i, s) in skills.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                string(s)
            }
            out.append(UInt8(ascii: "]"))
        }
        text("description", description)
        text("education", education)
        number("experience_years", experienceYears)
        number("salary_min", salaryMin)
        number("salary_max", salaryMax)
        number("headcount", headcount)
        if let posted { text("posted", posted) }
        text("source", source)
        text("lang", lang)
        out.append(UInt8(ascii: "}"))
        return out
    }
}
