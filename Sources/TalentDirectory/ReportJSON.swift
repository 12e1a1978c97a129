/// One JSON object: `title`, `language`, `facts` (an object keyed by fact id), `notes`, and `sections`, each
/// with `id`, `title`, `columns` (`id`, `title`) and `rows` (objects keyed by column id, in column order).
///
/// Shares are fractions (0.0367), growth is in percentage points (1.2), salaries in CNY a month; lists of
/// shares are arrays of `{"key", "label", "count", "share"}`; a missing value is `null`.
public struct JSONReportFormat: ReportFormat {
    public init() {}

    public func render(_ report: Report) throws -> [UInt8] {
        var out = "{\"title\":" + Self.string(report.title) + ",\"language\":" + Self.string(report.language.rawValue)
        out += ",\"facts\":{" + report.facts.map { Self.string($0.id) + ":" + Self.value($0.value) }.joined(separator: ",") + "}"
        out += ",\"notes\":[" + report.notes.map(Self.string).joined(separator: ",") + "]"
        out += ",\"sections\":["
        for (s, section) in report.sections.enumerated() {
            if s > 0 { out += "," }
            out += "\n{\"id\":" + Self.string(section.id) + ",\"title\":" + Self.string(section.title)
            let shown = section.columns.indices.filter { section.columns[$0].role != .readable }
            out += ",\"columns\":[" + shown.map { section.columns[$0] }.map {
                "{\"id\":" + Self.string($0.id) + ",\"title\":" + Self.string($0.title) + "}"
            }.joined(separator: ",") + "]"
            if let note = section.note { out += ",\"note\":" + Self.string(note) }
            out += ",\"rows\":["
            for (r, row) in section.rows.enumerated() {
                out += (r > 0 ? ",\n" : "\n") + "{"
                out += shown.map { Self.string(section.columns[$0].id) + ":" + Self.value(row[$0]) }.joined(separator: ",")
                out += "}"
            }
            out += "]}"
        }
        out += "]}\n"
        return Array(out.utf8)
    }

    static func value(_ v: ReportValue) -> String {
        switch v {
        case .text(let s): return string(s)
        case .integer(let n): return String(n)
        case .percent(let f): return ReportNumber.raw(f, decimals: 4)
        case .points(let p): return ReportNumber.raw(p, decimals: 2)
        case .money(let m): return ReportNumber.raw(m, decimals: 1)
        case .years(let y): return ReportNumber.raw(y, decimals: 1)
        case .ratio(let r): return ReportNumber.raw(r, decimals: 3)
        case .number(let v): return ReportNumber.raw(v, decimals: 4)
        case .shares(let items):
            return "[" + items.map {
                "{\"key\":\(string($0.key)),\"label\":\(string($0.label)),\"count\":\($0.count),\"share\":\(ReportNumber.raw($0.share, decimals: 4))}"
            }.joined(separator: ",") + "]"
        case .list(let items): return "[" + items.map(string).joined(separator: ",") + "]"
        case .missing: return "null"
        }
    }

    /// A JSON string literal.
    static func string(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
