import Foundation
import TextAnalysis

/// The language of a report's labels, headers and notes (the data stays as the postings wrote it).
public enum ReportLanguage: String, Sendable, CaseIterable {
    case zh, en

    /// `zh` when the environment's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) is Chinese, else `en`.
    public static var environment: ReportLanguage {
        let env = ProcessInfo.processInfo.environment
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = env[name], !value.isEmpty { return value.lowercased().hasPrefix("zh") ? .zh : .en }
        }
        return .en
    }
}

/// Renders a ``Report`` to the bytes of a file or of standard output.
///
/// Every format shows the same report: the title, the header facts (filters, date range, counts), the notes
/// and each section. Conforming types: ``TableReportFormat`` (terminal), ``CSVReportFormat`` (Excel),
/// ``JSONReportFormat``, ``MarkdownReportFormat``, ``HTMLReportFormat`` (a single self-contained page).
public protocol ReportFormat: Sendable {
    /// The rendered report.
    ///
    /// - Parameter report: the report.
    /// - Returns: the bytes to write.
    /// - Throws: ``ReportError`` when the text cannot be encoded as asked.
    func render(_ report: Report) throws -> [UInt8]
}

/// The format names of `--format`.
public enum ReportFormatName: String, Sendable, CaseIterable {
    case table, csv, json, md, html

    /// The renderer for this name.
    ///
    /// - Parameter encoding: the CSV text encoding (ignored by the other formats, which are UTF-8).
    public func format(encoding: CSVReportFormat.Encoding = .utf8) -> any ReportFormat {
        switch self {
        case .table: return TableReportFormat()
        case .csv: return CSVReportFormat(encoding: encoding)
        case .json: return JSONReportFormat()
        case .md: return MarkdownReportFormat()
        case .html: return HTMLReportFormat()
        }
    }

    /// The format an output file's extension implies (`.csv`, `.json`, `.md`, `.html`/`.htm`), if any.
    public static func of(path: String) -> ReportFormatName? {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "json": return .json
        case "md", "markdown": return .md
        case "html", "htm": return .html
        case "txt": return .table
        default: return nil
        }
    }
}

/// A report that cannot be rendered.
public enum ReportError: Error, Equatable, Sendable, CustomStringConvertible {
    case encoding(String)

    public var description: String {
        switch self {
        case .encoding(let reason): return "cannot encode the report: \(reason)."
        }
    }
}

// MARK: - Formatting values

extension ReportValue {
    /// The value as text for people, in `language`: `12.3%`, `+1.2`, `12,000`, `PLC 62% · 机器视觉 20%`.
    ///
    /// - Parameters:
    ///   - language: the report's language (list separators differ).
    ///   - separator: joins list items.
    public func text(_ language: ReportLanguage, separator: String = " · ") -> String {
        switch self {
        case .text(let s): return s
        case .integer(let n): return ReportNumber.grouped(Double(n), decimals: 0)
        case .percent(let f): return ReportNumber.percent(f)
        case .points(let p): return ReportNumber.signed(p)
        case .money(let m): return ReportNumber.grouped(m, decimals: 0)
        case .years(let y): return ReportNumber.plain(y, decimals: 1)
        case .ratio(let r): return ReportNumber.plain(r, decimals: 2)
        case .number(let v): return v == v.rounded() ? ReportNumber.grouped(v, decimals: 0) : ReportNumber.plain(v, decimals: 2)
        case .shares(let items):
            return items.map { "\($0.label) \(ReportNumber.percent($0.share, decimals: 0))" }.joined(separator: separator)
        case .list(let items): return items.joined(separator: separator)
        case .missing: return "—"
        }
    }

    /// Whether the value is a number (right-aligned in tables).
    var isNumeric: Bool {
        switch self {
        case .integer, .percent, .points, .money, .years, .ratio, .number: return true
        default: return false
        }
    }
}

/// Number formatting shared by the formats, independent of the process locale.
enum ReportNumber {
    /// `12.3%` (`decimals` after the point; tiny non-zero shares show as `<0.1%`).
    static func percent(_ fraction: Double, decimals: Int = 1) -> String {
        let v = fraction * 100
        let unit = pow(10, Double(-decimals))
        if v > 0 && v < unit { return "<" + plain(unit, decimals: decimals) + "%" }
        return plain(v, decimals: decimals) + "%"
    }

    /// `+1.2`, `-0.4`, `0.0`.
    static func signed(_ v: Double, decimals: Int = 1) -> String {
        let text = plain(v, decimals: decimals)
        if text.allSatisfy({ $0 == "0" || $0 == "." || $0 == "-" }) { return plain(0, decimals: decimals) }
        return v > 0 ? "+" + text : text
    }

    /// `3`, `2.5` (trailing zeros dropped), never `-0`.
    static func plain(_ v: Double, decimals: Int) -> String {
        // Round half away from zero first, as `grouped` does (printf rounds 0.5 to even).
        let scale = pow(10, Double(decimals))
        var text = String(format: "%.\(decimals)f", (v * scale).rounded() / scale)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }

    /// `12,000`.
    static func grouped(_ v: Double, decimals: Int) -> String {
        let rounded = v.rounded()
        let negative = rounded < 0
        var digits = String(Int64(abs(rounded)))
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return (negative ? "-" : "") + digits + out
    }

    /// A number for CSV and JSON: no grouping, at most `decimals` decimals, trailing zeros dropped.
    static func raw(_ v: Double, decimals: Int = 4) -> String { plain(v, decimals: decimals) }
}

/// Terminal column widths: East Asian wide and full-width characters take two columns.
enum DisplayWidth {
    static func of(_ s: String) -> Int {
        var w = 0
        for scalar in s.unicodeScalars { w += width(scalar) }
        return w
    }

    static func width(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v == 0 || (0x300...0x36F).contains(v) || v == 0x200B || (0xFE00...0xFE0F).contains(v) { return 0 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0x303E).contains(v) || (0x3041...0x33FF).contains(v)
            || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v) || (0xA000...0xA4CF).contains(v)
            || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v)
            || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
            || v == 0x2014 {
            return 2
        }
        return 1
    }

    /// `s` padded with spaces to `width` columns, on the left when `right`.
    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - of(s)))
        return right ? fill + s : s + fill
    }
}
