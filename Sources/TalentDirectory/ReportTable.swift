/// The terminal format: the header facts, then per section an aligned table of the summary columns with the
/// detail columns (skills, education, regions, examples…) on indented lines under each row.
///
/// Widths count Chinese characters as two columns. Detail lines are packed up to ``width`` columns.
///
/// ```
/// Talent demand directory by occupation
///   Postings: 354 (9 without a date)
///   …
///  #  Occupation  Postings  Share  Growth (pp)  Headcount  Median salary
///  1  电气工程师         13   3.7%         +1.2         45         12,000
///     Skills: PLC 62% · 电气设计 46%   Education: 本科 70% · 大专 30%
/// ```
public struct TableReportFormat: ReportFormat {
    /// Columns detail lines are packed into.
    public var width: Int

    public init(width: Int = 110) {
        self.width = width
    }

    public func render(_ report: Report) throws -> [UInt8] {
        var out = report.title + "\n"
        for fact in report.facts {
            out += "  \(fact.label): \(fact.value.text(report.language))\n"
        }
        for section in report.sections {
            out += "\n" + section.title + "\n"
            if section.rows.isEmpty {
                out += "  " + section.emptyMessage + "\n"
                continue
            }
            let summary = section.columns.indices.filter { section.columns[$0].role == .summary }
            let details = section.columns.indices.filter { [.detail, .readable].contains(section.columns[$0].role) }
            let cells = section.rows.map { row in summary.map { row[$0].text(report.language) } }
            var widths = summary.map { DisplayWidth.of(section.columns[$0].title) }
            for row in cells { for (i, c) in row.enumerated() { widths[i] = max(widths[i], DisplayWidth.of(c)) } }
            // A column is right-aligned when its values are numbers.
            let numeric = summary.map { c in section.rows.contains { $0[c].isNumeric } }
            func line(_ values: [String]) -> String {
                var parts: [String] = []
                for (i, v) in values.enumerated() {
                    let last = i == values.count - 1 && !numeric[i]
                    parts.append(last ? v : DisplayWidth.pad(v, widths[i], right: numeric[i]))
                }
                return " " + parts.joined(separator: "  ")
            }
            out += line(summary.map { section.columns[$0].title }) + "\n"
            let indent = String(repeating: " ", count: 1 + (widths.first.map { $0 + 2 } ?? 0))
            for (r, row) in section.rows.enumerated() {
                out += line(cells[r]) + "\n"
                var chunks: [String] = []
                for c in details {
                    if case .missing = row[c] { continue }
                    let text = row[c].text(report.language)
                    if text.isEmpty { continue }
                    chunks.append("\(section.columns[c].title): \(text)")
                }
                out += Self.pack(chunks, indent: indent, width: width)
            }
            if let note = section.note { out += "  " + note + "\n" }
        }
        if !report.notes.isEmpty {
            out += "\n" + report.notes.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return Array(out.utf8)
    }

    /// Lines of `chunks`, several a line when they fit in `width`, each line starting with `indent`.
    static func pack(_ chunks: [String], indent: String, width: Int) -> String {
        var out = "", current = ""
        for chunk in chunks {
            if current.isEmpty {
                current = chunk
            } else if DisplayWidth.of(indent + current + "   " + chunk) <= width {
                current += "   " + chunk
            } else {
                out += indent + current + "\n"
                current = chunk
            }
        }
        if !current.isEmpty { out += indent + current + "\n" }
        return out
    }
}
