/// GitHub-flavoured Markdown: the title as a heading, the facts as a list, each section as a table of every
/// column but the data-only ones. Text is escaped so that data cannot break the table or inject markup.
public struct MarkdownReportFormat: ReportFormat {
    public init() {}

    public func render(_ report: Report) throws -> [UInt8] {
        var out = "# " + Self.escape(report.title) + "\n\n"
        for fact in report.facts {
            out += "- **" + Self.escape(fact.label) + "**: " + Self.escape(fact.value.text(report.language)) + "\n"
        }
        for section in report.sections {
            out += "\n## " + Self.escape(section.title) + "\n\n"
            if section.rows.isEmpty {
                out += Self.escape(section.emptyMessage) + "\n"
                continue
            }
            let shown = section.columns.indices.filter { section.columns[$0].role != .data }
            out += "| " + shown.map { Self.escape(section.columns[$0].title) }.joined(separator: " | ") + " |\n"
            out += "|" + shown.map { c in section.rows.contains { $0[c].isNumeric } ? "---:|" : "---|" }.joined() + "\n"
            for row in section.rows {
                out += "| " + shown.map { Self.escape(row[$0].text(report.language, separator: ", ")) }
                    .joined(separator: " | ") + " |\n"
            }
            if let note = section.note { out += "\n" + Self.escape(note) + "\n" }
        }
        if !report.notes.isEmpty {
            out += "\n" + report.notes.map { "> " + Self.escape($0) }.joined(separator: "\n>\n") + "\n"
        }
        return Array(out.utf8)
    }

    /// Markdown and HTML metacharacters escaped, line breaks as spaces.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\", "|", "*", "_", "`", "[", "]", "#": out += "\\" + String(c)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\r\n": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}
