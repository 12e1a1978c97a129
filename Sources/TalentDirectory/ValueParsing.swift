#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses the free-text values of job-posting exports into record fields: salaries, years of experience,
/// dates, headcounts and skill lists, plus HTML-to-text stripping.
///
/// Every function is pure and total: a value it cannot read gives `nil` (or an empty list), never a guess.
///
/// ```swift
/// ValueParsing.salary("15-25K·13薪")      // SalaryRange(min: 15000, max: 25000)
/// ValueParsing.experienceYears("3-5年")   // 3
/// ValueParsing.date("2025年3月5日")        // "2025-03-05"
/// ValueParsing.skills("PLC、UG/NX；焊接")   // ["PLC", "UG/NX", "焊接"]
/// ```
///
/// ## Topics
///
/// ### Numbers
/// - ``salary(_:)``
/// - ``experienceYears(_:)``
/// - ``headcount(_:)``
///
/// ### Text
/// - ``date(_:)``
/// - ``skills(_:)``
/// - ``language(_:)``
/// - ``stripHTML(_:)``
/// - ``trimmed(_:)``
public enum ValueParsing {
    /// A monthly salary range in CNY; either end may be open.
    public struct SalaryRange: Equatable, Sendable, CustomStringConvertible {
        public var min: Int?
        public var max: Int?

        public init(min: Int?, max: Int?) {
            self.min = min
            self.max = max
        }

        public var description: String { "\(min.map(String.init) ?? "")-\(max.map(String.init) ?? "")" }
    }

    // MARK: - Salary

    /// Reads a salary as a monthly range in CNY.
    ///
    /// - Parameter text: a salary as posted: `9000.00`, `8000-12000`, `1.5万-2万`, `1.5-2万`, `8k-12k`,
    ///   `15-25K·13薪`, `20-30万/年`, `8000元以上`.
    /// - Returns: the range, or `nil` for empty text, `面议` (negotiable), and daily, hourly or weekly pay,
    ///   which cannot be turned into a monthly figure without guessing the hours worked.
    ///
    /// A single amount is a closed range (`9000` → 9000–9000) unless marked open (`8000以上`, `3000起` →
    /// 8000–nil; `5000以下` → nil–5000). `万`/`w` multiply by 10,000 and `千`/`k` by 1,000; a unit written only
    /// on the second amount applies to both unless the first is already the larger number (`8000-1.2万`).
    /// Yearly pay (`/年`, `年薪`, `per year`) is divided by 12 and rounded. Anything after the range (`·13薪`,
    /// `/月`) is ignored. Zero amounts count as missing, and a reversed range is put in order.
    public static func salary(_ text: String) -> SalaryRange? {
        let s = asciiFolded(text).lowercased()
        guard !s.isEmpty else { return nil }
        if has(s, "面议") || has(s, "面谈") || has(s, "negotiable") { return nil }
        let perShortPeriod = ["/天", "每天", "/日", "日薪", "/day", "per day", "daily", "/小时", "/时", "时薪",
                              "/hour", "/hr", "per hour", "hourly", "/h", "/周", "周薪", "/week", "weekly"]
        if perShortPeriod.contains(where: { has(s, $0) }) { return nil }
        let yearly = ["/年", "年薪", "每年", "/year", "/yr", "per year", "a year", "annual", "p.a."].contains {
            has(s, $0)
        }

        let chars = Array(s.unicodeScalars)
        var i = 0
        func isDigit(_ k: Int) -> Bool { k < chars.count && chars[k].value >= 0x30 && chars[k].value <= 0x39 }
        func readAmount() -> (value: Double, unit: Double?)? {
            var digits = String.UnicodeScalarView()
            var sawPoint = false
            while i < chars.count {
                let c = chars[i]
                if isDigit(i) {
                    digits.append(c)
                } else if c == ".", !sawPoint, !digits.isEmpty, isDigit(i + 1) {
                    sawPoint = true
                    digits.append(c)
                } else if c == ",", !sawPoint, !digits.isEmpty, isDigit(i + 1), isDigit(i + 2), isDigit(i + 3),
                    !isDigit(i + 4)
                {
                    // A thousands separator.
                } else {
                    break
                }
                i += 1
            }
            guard let value = Double(String(digits)) else { return nil }
            while i < chars.count, chars[i] == " " { i += 1 }
            var unit: Double?
            if i < chars.count {
                switch chars[i] {
                case "万", "w": unit = 10_000; i += 1
                case "千", "k": unit = 1_000; i += 1
                case "元": unit = 1; i += 1
                default: break
                }
            }
            return (value, unit)
        }

        // Skip a prefix such as `月薪`, `¥` or `salary:`.
        while i < chars.count, !isDigit(i) { i += 1 }
        guard let first = readAmount() else { return nil }
        var second: (value: Double, unit: Double?)?
        var j = i
        while j < chars.count, chars[j] == " " { j += 1 }
        if j < chars.count, ["-", "~", "至", "到", "—", "–"].contains(chars[j]) {
            i = j + 1
            while i < chars.count, chars[i] == " " || chars[i] == "¥" || chars[i] == "￥" { i += 1 }
            second = readAmount()
        }

        let scale = yearly ? 1.0 / 12 : 1
        func monthly(_ value: Double, _ unit: Double?) -> Int? {
            let amount = (value * (unit ?? 1) * scale).rounded()
            guard amount >= 1, amount < 1e9 else { return nil }
            return Int(amount)
        }
        if let second {
            // A unit written once applies to both ends (`1.5-2万`, `8-12k`) unless the amounts say otherwise
            // (`8000-1.2万`).
            let unit = second.unit ?? first.unit
            let firstUnit = first.unit ?? (first.value <= second.value ? unit : nil)
            var low = monthly(first.value, firstUnit)
            var high = monthly(second.value, unit)
            if let l = low, let h = high, l > h { (low, high) = (h, l) }
            guard low != nil || high != nil else { return nil }
            return SalaryRange(min: low, max: high)
        }
        guard let amount = monthly(first.value, first.unit) else { return nil }
        let rest = String(String.UnicodeScalarView(chars[i...]))
        if rest.hasPrefix("以上") || rest.hasPrefix("起") || rest.hasPrefix("+") || has(rest, "以上") {
            return SalaryRange(min: amount, max: nil)
        }
        if rest.hasPrefix("以下") || rest.hasPrefix("以内") || has(rest, "以下") {
            return SalaryRange(min: nil, max: amount)
        }
        return SalaryRange(min: amount, max: amount)
    }

    // MARK: - Experience

    /// Reads the years of experience a posting asks for, as the lower bound of what it states.
    ///
    /// - Parameter text: `3`, `3年`, `3-5年`, `3年以上`, `5年及以上`, `3+ years`, `三年以上`, `经验不限`, `应届`.
    /// - Returns: the minimum years; `0` when no experience is required (`不限`, `无经验`, `应届`, `在校`,
    ///   `1年以下`, `no experience`); `nil` for empty text or text without a number (`three`).
    public static func experienceYears(_ text: String) -> Int? {
        let s = asciiFolded(text).lowercased()
        guard !s.isEmpty else { return nil }
        if has(s, "不限") { return 0 }
        guard let (value, end) = leadingNumber(in: s, allowChineseNumerals: true) else {
            let none = ["无经验", "无需经验", "无要求", "应届", "在校", "no experience", "none", "not required",
                        "entry level", "entry-level", "graduate"]
            return none.contains(where: { has(s, $0) }) ? 0 : nil
        }
        let rest = String(s[end...])
        if has(rest, "以下") || has(rest, "以内") || has(rest, "不到") || has(s, "less than") || has(s, "under ")
            || has(s, "below") || s.hasPrefix("<")
        {
            return 0
        }
        guard value < 100 else { return nil }
        return Int(value)
    }

    // MARK: - Headcount

    /// Reads how many people a posting hires.
    ///
    /// - Parameter text: `5`, `5人`, `招3人`, `10+`, `2-3人` (the lower bound).
    /// - Returns: the count, or `nil` for `若干` (several), empty text, zero or text without a number.
    public static func headcount(_ text: String) -> Int? {
        let s = asciiFolded(text)
        guard let (value, _) = leadingNumber(in: s, allowChineseNumerals: false), value >= 1, value < 1_000_000
        else { return nil }
        return Int(value)
    }

    // MARK: - Date

    /// Reads a calendar date, ignoring any time of day.
    ///
    /// - Parameter text: `2024-12-18 17:50:58`, `2025-02-19T16:48:55+08:00`, `2025/3/5`, `2025.3.5`,
    ///   `2025-03-05`, `2025年3月5日`, `20250305`.
    /// - Returns: the date as `YYYY-MM-DD`, or `nil` when the text does not start with a valid date.
    public static func date(_ text: String) -> String? {
        let s = Array(trimmed(asciiFolded(text)).unicodeScalars)
        func isDigit(_ k: Int) -> Bool { k < s.count && s[k].value >= 0x30 && s[k].value <= 0x39 }
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(s[$1].value - 0x30) } }
        var year = 0, month = 0, day = 0
        var k = 0
        while isDigit(k) { k += 1 }
        if k == 8 {
            (year, month, day) = (number(0..<4), number(4..<6), number(6..<8))
        } else if k == 4 {
            year = number(0..<4)
            guard k < s.count, ["-", "/", ".", "年"].contains(s[k]) else { return nil }
            let separator = s[k]
            k += 1
            var m = k
            while isDigit(m) { m += 1 }
            guard (1...2).contains(m - k) else { return nil }
            month = number(k..<m)
            let expected: Unicode.Scalar = separator == "年" ? "月" : separator
            guard m < s.count, s[m] == expected else { return nil }
            k = m + 1
            m = k
            while isDigit(m) { m += 1 }
            guard (1...2).contains(m - k) else { return nil }
            day = number(k..<m)
            k = m
            if separator == "年", k < s.count, s[k] == "日" || s[k] == "号" { k += 1 }
        } else {
            return nil
        }
        // Only a time of day or the end may follow.
        if k < s.count, !(s[k] == " " || s[k] == "T" || s[k] == "t") { return nil }
        guard (1000...9999).contains(year), (1...12).contains(month) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(pad(month))-\(pad(day))"
    }

    // MARK: - Skills

    /// Splits a skill list into skills.
    ///
    /// - Parameter text: skills separated by `,` `，` `、` `;` `；` `|` `｜`, tabs or line breaks.
    /// - Returns: the trimmed, non-empty skills in order, without repeats (compared case-insensitively, the
    ///   first spelling kept). A slash does not separate: `UG/NX` is one skill.
    public static func skills(_ text: String) -> [String] {
        var result: [String] = []
        var seen: Set<String> = []
        appendSkills(text, to: &result, seen: &seen)
        return result
    }

    /// Splits `text` into skills and appends those not yet in `seen`.
    static func appendSkills(_ text: String, to result: inout [String], seen: inout Set<String>) {
        for part in text.unicodeScalars.split(whereSeparator: { isSkillSeparator($0) }) {
            let skill = trimmed(String(String.UnicodeScalarView(part)))
            guard !skill.isEmpty, seen.insert(skill.lowercased()).inserted else { continue }
            result.append(skill)
        }
    }

    private static func isSkillSeparator(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case ",", "，", "、", ";", "；", "|", "｜", "\n", "\r", "\t": true
        default: false
        }
    }

    // MARK: - Language

    /// Reads a language label as `zh`, `zh-Hant`, `en`, or `""` when unknown.
    ///
    /// - Parameter text: a code (`zh`, `zh-CN`, `zh_TW`, `en-US`) or name (`中文`, `繁體中文`, `English`).
    public static func language(_ text: String) -> String {
        let s = String(trimmed(text).lowercased().map { $0 == "_" ? "-" : $0 })
        switch s {
        case "zh-hant", "zh-tw", "zh-hk", "zh-mo", "繁体", "繁體", "繁体中文", "繁體中文", "traditional chinese":
            return "zh-Hant"
        case "zh", "zh-cn", "zh-hans", "zh-sg", "cn", "chi", "zho", "中文", "汉语", "漢語", "简体中文", "簡體中文", "chinese",
             "simplified chinese":
            return "zh"
        case "en", "eng", "english", "英文", "英语", "英語":
            return "en"
        default:
            if s.hasPrefix("en-") { return "en" }
            return ""
        }
    }

    // MARK: - HTML

    /// Turns HTML into plain text.
    ///
    /// - Parameter text: text that may hold tags and character references.
    /// - Returns: the text without tags; `<br>` and the ends of blocks (`</p>`, `</div>`, `</li>`, headings,
    ///   table rows) become line breaks, character references (`&nbsp;`, `&amp;`, `&#20013;`, `&#x4E2D;`)
    ///   are decoded, trailing spaces are cut from lines, and runs of blank lines become one.
    ///
    /// Text without `<` or `&` comes back unchanged at the cost of one scan, and so does text in which
    /// neither starts markup: `<` begins a tag only when a letter, `/` or `!` follows, the name is an HTML
    /// element's, and a `>` closes it, so `薪资<8000`, `a < b` and `熟悉<Linux>` survive; an `&` that does not
    /// start a known reference stays. The contents of
    /// `<script>` and `<style>` elements and comments are dropped.
    public static func stripHTML(_ text: String) -> String {
        let lt = UInt8(ascii: "<"), amp = UInt8(ascii: "&")
        var scanned = text
        let hasMarkup = scanned.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, Int32(lt), buffer.count) != nil || memchr(base, Int32(amp), buffer.count) != nil
        }
        guard hasMarkup else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var changed = false
        // A line break written in the source right before or after one a tag makes (`…\n<br />…`,
        // `</p>\n<p>`) is one break, as HTML treats source line breaks as spaces.
        var lastBreak = -1
        var lastBreakFromTag = false
        func appendBreak(fromTag: Bool) {
            if lastBreak >= 0, lastBreakFromTag != fromTag,
                out[(lastBreak + 1)...].allSatisfy(isSpaceByte)
            {
                lastBreakFromTag = lastBreakFromTag || fromTag
                return
            }
            out.append(UInt8(ascii: "\n"))
            lastBreak = out.count - 1
            lastBreakFromTag = fromTag
        }
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == lt, i + 1 < n, isTagStart(bytes[i + 1]), let tag = readTag(bytes, at: i) {
                changed = true
                i = tag.end
                if tag.name == "script" || tag.name == "style", !tag.closing {
                    i = skipElementContents(bytes, from: i, name: tag.name)
                }
                if breaksLine(tag) {
                    appendBreak(fromTag: true)
                } else if tag.name == "td" || tag.name == "th", tag.closing {
                    out.append(UInt8(ascii: " "))
                }
                continue
            }
            if b == amp, let (decoded, end) = readEntity(bytes, at: i) {
                changed = true
                out.append(contentsOf: decoded)
                i = end
                continue
            }
            if b == UInt8(ascii: "\r"), i + 1 < n, bytes[i + 1] == UInt8(ascii: "\n") {
                // CRLF is one break.
            } else if b == UInt8(ascii: "\n") {
                appendBreak(fromTag: false)
            } else {
                out.append(b)
            }
            i += 1
        }
        guard changed else { return text }
        return collapseBlankLines(out)
    }

    private struct Tag {
        var name: String
        var closing: Bool
        var end: Int
    }

    private static func isTagStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "/") || b == UInt8(ascii: "!")
    }

    /// Reads the tag starting at `bytes[start] == "<"`; `nil` when no `>` closes it.
    private static func readTag(_ bytes: [UInt8], at start: Int) -> Tag? {
        let n = bytes.count
        var i = start + 1
        if bytes[i] == UInt8(ascii: "!") {
            // A comment runs to `-->`; a declaration (`<!DOCTYPE …>`) to `>`.
            if i + 2 < n, bytes[i + 1] == UInt8(ascii: "-"), bytes[i + 2] == UInt8(ascii: "-") {
                var k = i + 3
                while k + 2 < n {
                    if bytes[k] == UInt8(ascii: "-"), bytes[k + 1] == UInt8(ascii: "-"),
                        bytes[k + 2] == UInt8(ascii: ">")
                    {
                        return Tag(name: "!--", closing: false, end: k + 3)
                    }
                    k += 1
                }
                return nil
            }
            guard let close = bytes[i...].firstIndex(of: UInt8(ascii: ">")) else { return nil }
            return Tag(name: "!", closing: false, end: close + 1)
        }
        let closing = bytes[i] == UInt8(ascii: "/")
        if closing { i += 1 }
        let nameStart = i
        while i < n, isNameByte(bytes[i]) { i += 1 }
        let name = String(decoding: bytes[nameStart..<i], as: UTF8.self).lowercased()
        guard htmlElements.contains(name) || name.utf8.contains(UInt8(ascii: ":")) else { return nil }
        // Find the closing `>`, skipping quoted attribute values.
        var quote: UInt8?
        while i < n {
            let c = bytes[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == UInt8(ascii: ">") {
                return Tag(name: name, closing: closing, end: i + 1)
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: "<") {
                return nil
            }
            i += 1
        }
        return nil
    }

    /// Element names taken as tags; `<Linux>` or `<C++>` in plain text is not one. Names with a prefix
    /// (`<o:p>` from Word) count too.
    private static let htmlElements: Set<String> = [
        "a", "abbr", "address", "article", "aside", "b", "big", "blockquote", "body", "br", "button", "caption",
        "center", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em",
        "figcaption", "figure", "font", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header",
        "hr", "html", "i", "iframe", "img", "input", "ins", "kbd", "label", "li", "link", "main", "mark", "meta",
        "nav", "nobr", "ol", "option", "p", "pre", "q", "s", "samp", "script", "section", "select", "small",
        "span", "strike", "strong", "style", "sub", "summary", "sup", "table", "tbody", "td", "textarea",
        "tfoot", "th", "thead", "title", "tr", "tt", "u", "ul", "var", "wbr",
    ]

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "-")
            || b == UInt8(ascii: ":")
    }

    private static let lineBreakingClosers: Set<String> = [
        "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
        "blockquote", "pre", "header", "footer", "dd", "dt",
    ]

    private static func breaksLine(_ tag: Tag) -> Bool {
        if tag.name == "br" || tag.name == "hr" { return true }
        return tag.closing && lineBreakingClosers.contains(tag.name)
    }

    private static func skipElementContents(_ bytes: [UInt8], from start: Int, name: String) -> Int {
        let closer = Array("</\(name)".utf8)
        var k = start
        while k + closer.count <= bytes.count {
            if bytes[k] == UInt8(ascii: "<"),
                zip(bytes[k..<(k + closer.count)], closer).allSatisfy({ a, b in a | 0x20 == b | 0x20 })
            {
                return k
            }
            k += 1
        }
        return bytes.count
    }

    private static let namedEntities: [String: String] = [
        "nbsp": " ", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "ensp": " ", "emsp": " ",
        "thinsp": " ", "middot": "·", "bull": "•", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘",
        "rsquo": "’", "ldquo": "“", "rdquo": "”", "times": "×", "divide": "÷", "yen": "¥", "copy": "©",
        "reg": "®", "deg": "°", "plusmn": "±", "le": "≤", "ge": "≥", "laquo": "«", "raquo": "»",
    ]

    /// Decodes the character reference at `bytes[start] == "&"`; `nil` when it is not one.
    private static func readEntity(_ bytes: [UInt8], at start: Int) -> ([UInt8], Int)? {
        let n = bytes.count
        var i = start + 1
        let limit = min(n, start + 12)
        if i < n, bytes[i] == UInt8(ascii: "#") {
            i += 1
            let hex = i < n && (bytes[i] == UInt8(ascii: "x") || bytes[i] == UInt8(ascii: "X"))
            if hex { i += 1 }
            let digitsStart = i
            var value: UInt32 = 0
            while i < limit, let d = digitValue(bytes[i], hex: hex) {
                value = value &* (hex ? 16 : 10) &+ d
                i += 1
            }
            guard i > digitsStart, i < n, bytes[i] == UInt8(ascii: ";"), i - digitsStart <= 8, value != 0,
                let scalar = Unicode.Scalar(value)
            else { return nil }
            return (Array(String(Character(scalar == "\u{A0}" ? " " : scalar)).utf8), i + 1)
        }
        let nameStart = i
        while i < limit, (bytes[i] >= 0x61 && bytes[i] <= 0x7A) || (bytes[i] >= 0x41 && bytes[i] <= 0x5A) { i += 1 }
        guard i > nameStart, i < n, bytes[i] == UInt8(ascii: ";"),
            let replacement = namedEntities[String(decoding: bytes[nameStart..<i], as: UTF8.self)]
        else { return nil }
        return (Array(replacement.utf8), i + 1)
    }

    private static func digitValue(_ b: UInt8, hex: Bool) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x61...0x66 where hex: UInt32(b - 0x61 + 10)
        case 0x41...0x46 where hex: UInt32(b - 0x41 + 10)
        default: nil
        }
    }

    /// Cuts trailing spaces from lines, makes runs of blank lines one blank line, and drops blank lines at
    /// both ends.
    private static func collapseBlankLines(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var pendingBlank = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            var end = line.endIndex
            while end > line.startIndex, isSpaceByte(line[end - 1]) { end -= 1 }
            let content = line[line.startIndex..<end]
            if content.isEmpty {
                pendingBlank = !out.isEmpty
                continue
            }
            if !out.isEmpty { out.append(UInt8(ascii: "\n")) }
            if pendingBlank { out.append(UInt8(ascii: "\n")) }
            pendingBlank = false
            out.append(contentsOf: content)
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpaceByte(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r")
    }

    // MARK: - Helpers

    /// Whether `text` contains `needle`, comparing UTF-8 bytes (Foundation's `contains` is much slower).
    static func has(_ text: String, _ needle: String) -> Bool {
        var text = text
        var needle = needle
        return text.withUTF8 { h in
            needle.withUTF8 { n in
                guard !n.isEmpty else { return true }
                guard n.count <= h.count else { return false }
                let first = n[0]
                var i = 0
                let last = h.count - n.count
                while i <= last {
                    if h[i] == first {
                        var k = 1
                        while k < n.count, h[i + k] == n[k] { k += 1 }
                        if k == n.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// `s` without the spaces and tabs around it (`CharacterSet.whitespaces`: tab and Unicode's space
    /// separators), without Foundation's bridging.
    static func trimmingSpaces(_ s: Substring) -> String {
        func isSpace(_ c: Unicode.Scalar) -> Bool { c == "\t" || c.properties.generalCategory == .spaceSeparator }
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[first...last])
    }

    /// `text` without leading and trailing white space (including line breaks, U+3000 and a BOM).
    ///
    /// Returns `text` itself, without copying, when there is nothing to trim.
    public static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return text }
        if !isTrimmable(first) && !isTrimmable(last) { return text }
        guard let start = scalars.firstIndex(where: { !isTrimmable($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isTrimmable($0) })!
        return String(scalars[start...end])
    }

    private static func isTrimmable(_ c: Unicode.Scalar) -> Bool {
        // White_Space holds 9–13 and 32 below 128 and nothing above U+3000; the property lookup between.
        let v = c.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        if v > 0x3000 { return v == 0xFEFF }
        return c.properties.isWhitespace
    }

    /// `text` trimmed, with full-width ASCII (`１５Ｋ`, `－`) and ideographic spaces turned into ASCII.
    static func asciiFolded(_ text: String) -> String {
        let t = trimmed(text)
        guard t.unicodeScalars.contains(where: { $0.value >= 0xFF01 && $0.value <= 0xFF5E || $0 == "\u{3000}" })
        else { return t }
        var scalars = String.UnicodeScalarView()
        for c in t.unicodeScalars {
            if c.value >= 0xFF01 && c.value <= 0xFF5E, c != "￥" {
                scalars.append(Unicode.Scalar(c.value - 0xFEE0)!)
            } else if c == "\u{3000}" {
                scalars.append(" ")
            } else {
                scalars.append(c)
            }
        }
        return String(scalars)
    }

    private static let chineseDigits: [Character: Int] = [
        "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    ]

    /// The first number in `s` (ASCII digits with an optional fraction, or with `allowChineseNumerals` a
    /// number from 一 to 九十九), and the index after it.
    private static func leadingNumber(in s: String, allowChineseNumerals: Bool) -> (Double, String.Index)? {
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isWholeNumber }
        var index = s.startIndex
        while index < s.endIndex {
            let c = s[index]
            if isDigit(c) {
                var end = index
                var sawPoint = false
                while end < s.endIndex {
                    let next = s.index(after: end)
                    if isDigit(s[end]) {
                        end = next
                    } else if s[end] == ".", !sawPoint, next < s.endIndex, isDigit(s[next]) {
                        sawPoint = true
                        end = next
                    } else {
                        break
                    }
                }
                guard let value = Double(s[index..<end]) else { return nil }
                return (value, end)
            }
            if allowChineseNumerals, chineseDigits[c] != nil || c == "十" {
                // 三, 十, 十五, 二十, 二十五
                var end = index
                var tens = 0, units = 0
                if let d = chineseDigits[c] { units = d; end = s.index(after: end) }
                if end < s.endIndex, s[end] == "十" {
                    tens = max(units, 1)
                    units = 0
                    end = s.index(after: end)
                    if end < s.endIndex, let d = chineseDigits[s[end]] { units = d; end = s.index(after: end) }
                }
                return (Double(tens * 10 + units), end)
            }
            index = s.index(after: index)
        }
        return nil
    }
}
