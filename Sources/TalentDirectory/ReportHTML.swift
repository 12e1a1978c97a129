/// A single self-contained HTML page: inline CSS and inline SVG bar charts, no scripts, no fonts, images or
/// links to fetch, so it opens offline and can be mailed as one file.
///
/// The header holds the title and the facts (filters, date range, periods, counts). Each section has its
/// charts (horizontal bars; growth diverges either side of zero) and its table. On a narrow screen (a
/// phone) the table turns into one card per row, each value under its column's title. Light and dark
/// colour schemes follow the reader's setting. All text is escaped.
public struct HTMLReportFormat: ReportFormat {
    public init() {}

    public func render(_ report: Report) throws -> [UInt8] {
        let lang = report.language
        var out = "<!DOCTYPE html>\n<html lang=\"\(lang == .zh ? "zh-Hans" : "en")\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>" + Self.escape(report.title) + "</title>\n<style>\n" + Self.css + "</style>\n</head>\n<body>\n"
        out += "<header>\n<h1>" + Self.escape(report.title) + "</h1>\n"
        if !report.facts.isEmpty {
            out += "<dl class=\"facts\">\n"
            for fact in report.facts {
                out += "<dt>" + Self.escape(fact.label) + "</dt><dd>" + Self.escape(fact.value.text(lang)) + "</dd>\n"
            }
            out += "</dl>\n"
        }
        out += "</header>\n<main>\n"
        for section in report.sections {
            out += "<section id=\"" + Self.escape(section.id) + "\">\n<h2>" + Self.escape(section.title) + "</h2>\n"
            if section.rows.isEmpty {
                out += "<p class=\"empty\">" + Self.escape(section.emptyMessage) + "</p>\n</section>\n"
                continue
            }
            for chart in section.charts { out += Self.chart(chart, section: section, language: lang) }
            let shown = section.columns.indices.filter { section.columns[$0].role != .data }
            let numeric = shown.map { c in section.rows.contains { $0[c].isNumeric } }
            out += "<div class=\"wrap\"><table>\n<thead><tr>"
            for (i, c) in shown.enumerated() {
                out += (numeric[i] ? "<th class=\"num\">" : "<th>") + Self.escape(section.columns[c].title) + "</th>"
            }
            out += "</tr></thead>\n<tbody>\n"
            for row in section.rows {
                out += "<tr>"
                for (i, c) in shown.enumerated() {
                    let label = Self.escape(section.columns[c].title)
                    var cls = numeric[i] ? "num" : ""
                    if case .points(let p) = row[c] { cls += p > 0.05 ? " up" : p < -0.05 ? " down" : "" }
                    if case .missing = row[c] { cls += " none" }
                    out += "<td" + (cls.isEmpty ? "" : " class=\"\(cls.trimmingCharacters(in: .whitespaces))\"")
                        + " data-label=\"\(label)\">" + Self.escape(row[c].text(lang, separator: lang == .zh ? "、" : ", "))
                        + "</td>"
                }
                out += "</tr>\n"
            }
            out += "</tbody>\n</table></div>\n"
            if let note = section.note { out += "<p class=\"note\">" + Self.escape(note) + "</p>\n" }
            out += "</section>\n"
        }
        out += "</main>\n"
        if !report.notes.isEmpty {
            out += "<footer>\n<ul>\n" + report.notes.map { "<li>" + Self.escape($0) + "</li>\n" }.joined() + "</ul>\n</footer>\n"
        }
        out += "</body>\n</html>\n"
        return Array(out.utf8)
    }

    /// An inline SVG bar chart of one column of `section`.
    static func chart(_ chart: ReportChart, section: ReportSection, language: ReportLanguage) -> String {
        guard let labelColumn = section.column(chart.labelColumn), let valueColumn = section.column(chart.valueColumn)
        else { return "" }
        var bars: [(label: String, value: Double, text: String)] = []
        var diverging = false
        for row in section.rows.prefix(chart.limit) {
            switch row[valueColumn] {
            case .percent(let f): bars.append((row[labelColumn].text(language), f, row[valueColumn].text(language)))
            case .points(let p):
                diverging = true
                bars.append((row[labelColumn].text(language), p, row[valueColumn].text(language)))
            default: continue
            }
        }
        guard !bars.isEmpty else { return "" }
        let width = 640.0, labelWidth = 200.0, valueWidth = 56.0, rowHeight = 24.0, barHeight = 16.0
        let plot = width - labelWidth - valueWidth
        let height = rowHeight * Double(bars.count) + 8
        let maxValue = bars.map { abs($0.value) }.max() ?? 0
        let scale = maxValue > 0 ? (diverging ? plot / 2 : plot) / maxValue : 0
        let zero = diverging ? labelWidth + plot / 2 : labelWidth
        var svg = "<figure>\n<figcaption>" + escape(chart.title) + "</figcaption>\n"
        svg += "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" role=\"img\" aria-label=\""
            + escape(chart.title) + "\">\n"
        if diverging {
            svg += "<line class=\"axis\" x1=\"\(fmt(zero))\" y1=\"0\" x2=\"\(fmt(zero))\" y2=\"\(fmt(height))\"/>\n"
        }
        for (i, bar) in bars.enumerated() {
            let y = 4 + rowHeight * Double(i)
            let length = abs(bar.value) * scale
            let x = bar.value < 0 ? zero - length : zero
            let label = truncated(bar.label, columns: 28)
            svg += "<text class=\"label\" x=\"\(fmt(labelWidth - 8))\" y=\"\(fmt(y + barHeight - 3))\">" + escape(label)
                + "</text>"
            svg += "<rect class=\"\(bar.value < 0 ? "bar down" : "bar")\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(max(length, 1)))\" height=\"\(fmt(barHeight))\"><title>"
                + escape(bar.label + ": " + bar.text) + "</title></rect>"
            // A negative value is written right of the axis, where its row is empty, clear of the labels.
            let textX = bar.value < 0 ? zero + 4 : x + length + 4
            svg += "<text class=\"value\" x=\"\(fmt(textX))\" y=\"\(fmt(y + barHeight - 3))\">" + escape(bar.text)
                + "</text>\n"
        }
        svg += "</svg>\n</figure>\n"
        return svg
    }

    /// `s` cut to `columns` display columns, with an ellipsis when cut.
    static func truncated(_ s: String, columns: Int) -> String {
        guard DisplayWidth.of(s) > columns else { return s }
        var out = "", w = 0
        for c in s {
            let cw = DisplayWidth.of(String(c))
            if w + cw > columns - 1 { break }
            out.append(c)
            w += cw
        }
        return out + "…"
    }

    static func fmt(_ v: Double) -> String { ReportNumber.plain(v, decimals: 1) }

    /// Text and attribute values escaped for HTML.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    static let css = """
        :root { color-scheme: light dark; --fg: #1d2330; --muted: #5b6472; --line: #dfe3ea; --bg: #ffffff;
          --head: #f3f5f8; --bar: #2f6fde; --down: #c8463a; --up: #1f8a4c; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6e9ef; --muted: #a2aab8; --line: #353b46; --bg: #16191f; --head: #1f232b;
            --bar: #5b92f0; --down: #ef6b5e; --up: #4cc27f; }
        }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1280px; padding: 16px; color: var(--fg); background: var(--bg);
          font: 15px/1.5 system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
          "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
        h1 { font-size: 1.45em; margin: 0.2em 0 0.6em; }
        h2 { font-size: 1.2em; margin: 1.6em 0 0.6em; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0; }
        dl.facts dt { color: var(--muted); }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        figure { margin: 12px 0 18px; max-width: 760px; }
        figcaption { font-weight: 600; margin-bottom: 4px; }
        svg text { font-size: 12px; fill: var(--fg); }
        svg text.label { text-anchor: end; }
        svg text.value { fill: var(--muted); }
        svg rect.bar { fill: var(--bar); }
        svg rect.bar.down { fill: var(--down); }
        svg line.axis { stroke: var(--muted); stroke-width: 1; }
        .wrap { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: var(--head); position: sticky; top: 0; }
        .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.up { color: var(--up); }
        td.down { color: var(--down); }
        td.none { color: var(--muted); }
        .note, .empty, footer { color: var(--muted); }
        footer { margin-top: 2em; font-size: 0.9em; }
        @media (max-width: 720px) {
          body { padding: 10px; font-size: 14px; }
          table, thead, tbody, tr, td { display: block; width: auto; }
          thead { display: none; }
          tr { border: 1px solid var(--line); border-radius: 8px; margin: 10px 0; padding: 6px 10px; }
          td { border: none; padding: 2px 0; text-align: left; white-space: normal; }
          td::before { content: attr(data-label) ": "; color: var(--muted); }
          dl.facts { grid-template-columns: 1fr; }
          dl.facts dd { margin-bottom: 4px; }
        }

        """
}
