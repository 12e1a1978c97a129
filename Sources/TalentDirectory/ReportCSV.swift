import TextAnalysis

/// CSV for Excel: UTF-8 with a byte order mark (so Excel detects UTF-8 and shows Chinese), or GB18030 for
/// old Excel versions; CRLF line ends, RFC 4180 quoting.
///
/// A report with one section is a plain table: a header row of column titles, then one row per group.
/// Several sections follow one another, each after a blank line and a row holding its title. Numbers are
/// written without grouping (`12000`), shares as percentages Excel reads as numbers (`3.67%`), growth in
/// percentage points (`1.2`), lists joined with `; `. Text that Excel would take for a formula (`=`, `+`,
/// `-`, `@` first) is prefixed with `'`.
public struct CSVReportFormat: ReportFormat {
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8 with a byte order mark.
        case utf8
        /// GB18030, no byte order mark.
        case gb18030
    }

    public var encoding: Encoding

    public init(encoding: Encoding = .utf8) {
        self.encoding = encoding
    }

    public func render(_ report: Report) throws -> [UInt8] {
        var out = ""
        let titled = report.sections.count > 1
        for (s, section) in report.sections.enumerated() {
            if s > 0 { out += "\r\n" }
            if titled { out += Self.row([section.title]) }
            let shown = section.columns.indices.filter { section.columns[$0].role != .readable }
            out += Self.row(shown.map { section.columns[$0].title })
            for row in section.rows { out += Self.row(shown.map { Self.cell(row[$0]) }) }
        }
        switch encoding {
        case .utf8:
            return [0xEF, 0xBB, 0xBF] + Array(out.utf8)
        case .gb18030:
            do {
                return try TextDecoder.encodeGB18030(out)
            } catch {
                throw ReportError.encoding("GB18030 conversion failed (\(error))")
            }
        }
    }

    static func row(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        let needs = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || field.hasPrefix(" ") || field.hasSuffix(" ")
        return needs ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
    }

    /// Text Excel would run as a formula gets a leading `'`.
    static func safe(_ text: String) -> String {
        guard let first = text.first, "=+-@".contains(first), Double(text) == nil else { return text }
        return "'" + text
    }

    static func cell(_ value: ReportValue) -> String {
        switch value {
        case .text(let s): return safe(s)
        case .integer(let n): return String(n)
        case .percent(let f): return ReportNumber.plain(f * 100, decimals: 2) + "%"
        case .points(let p): return ReportNumber.plain(p, decimals: 2)
        case .money(let m): return ReportNumber.plain(m, decimals: 0)
        case .years(let y): return ReportNumber.plain(y, decimals: 1)
        case .ratio(let r): return ReportNumber.plain(r, decimals: 2)
        case .number(let v): return ReportNumber.plain(v, decimals: 4)
        case .shares(let items):
            return safe(items.map { "\($0.label) \(ReportNumber.percent($0.share, decimals: 0))" }.joined(separator: "; "))
        case .list(let items): return safe(items.joined(separator: "; "))
        case .missing: return ""
        }
    }
}
