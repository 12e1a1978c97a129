/// A report ready to render in any ``ReportFormat``: a title, header facts (filters, date range, counts),
/// notes that define its measures, and sections of rows.
///
/// Values stay typed (``ReportValue``) until a format renders them, so CSV and JSON get numbers and the
/// table, Markdown and HTML get text formatted for the report's language.
///
/// ```swift
/// var report = Report(language: .en, title: "Talent demand directory by occupation")
/// report.facts.append(ReportFact(id: "postings", label: "Postings", value: .integer(354)))
/// let section = ReportSection(id: "groups", title: "Occupations",
///                             columns: [ReportColumn(id: "name", title: "Occupation"),
///                                       ReportColumn(id: "share", title: "Share")],
///                             rows: [[.text("焊工"), .percent(0.037)]])
/// report.sections.append(section)
/// let bytes = try HTMLReportFormat().render(report)
/// ```
///
/// ## Topics
/// - ``ReportSection``
/// - ``ReportColumn``
/// - ``ReportValue``
/// - ``ReportFact``
/// - ``ReportChart``
public struct Report: Sendable {
    public var language: ReportLanguage
    public var title: String
    /// The header: filters, date range, periods, counts.
    public var facts: [ReportFact] = []
    /// Definitions of the measures, printed under the header.
    public var notes: [String] = []
    public var sections: [ReportSection] = []

    public init(language: ReportLanguage, title: String) {
        self.language = language
        self.title = title
    }
}

/// One header line: `where: PLC`, `postings: 354`.
public struct ReportFact: Sendable {
    /// The key in JSON.
    public var id: String
    public var label: String
    public var value: ReportValue

    public init(id: String, label: String, value: ReportValue) {
        self.id = id
        self.label = label
        self.value = value
    }
}

/// A table of a report, with optional bar charts (drawn in HTML).
public struct ReportSection: Sendable {
    /// The key in JSON.
    public var id: String
    public var title: String
    public var columns: [ReportColumn]
    public var rows: [[ReportValue]]
    public var charts: [ReportChart] = []
    /// Said instead of the table when there are no rows.
    public var emptyMessage: String = ""
    /// A line under the table (how many rows were left out, and why).
    public var note: String?

    public init(id: String, title: String, columns: [ReportColumn], rows: [[ReportValue]],
                charts: [ReportChart] = [], emptyMessage: String = "", note: String? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.charts = charts
        self.emptyMessage = emptyMessage
        self.note = note
    }

    /// The index of the column with `id`.
    public func column(_ id: String) -> Int? { columns.firstIndex { $0.id == id } }
}

/// A column of a section.
public struct ReportColumn: Sendable {
    /// Where a column shows.
    public enum Role: Sendable {
        /// In the row itself everywhere.
        case summary
        /// Under the row in the terminal table; a column like the others elsewhere.
        case detail
        /// Only in CSV and JSON (keys such as skill ids, numbers a readable column shows as text).
        case data
        /// Like `detail`, but left out of CSV and JSON, which carry the same numbers in `data` columns
        /// (`12,000–15,000` here, `salary_q1` and `salary_q3` there).
        case readable
    }

    /// The key in JSON and the header in CSV is `title`; `id` is snake_case ASCII.
    public var id: String
    public var title: String
    public var role: Role

    public init(id: String, title: String, role: Role = .summary) {
        self.id = id
        self.title = title
        self.role = role
    }
}

/// A horizontal bar chart of one column against the labels of another.
public struct ReportChart: Sendable {
    public var title: String
    /// The column holding bar labels.
    public var labelColumn: String
    /// The column holding the values: ``ReportValue/percent(_:)`` bars from zero, or
    /// ``ReportValue/points(_:)`` bars either side of zero.
    public var valueColumn: String
    /// Bars drawn at most (the first rows).
    public var limit: Int

    public init(title: String, labelColumn: String, valueColumn: String, limit: Int = 20) {
        self.title = title
        self.labelColumn = labelColumn
        self.valueColumn = valueColumn
        self.limit = limit
    }
}

/// One item of a ranked list inside a cell: `PLC 62%`.
public struct ReportShare: Sendable, Equatable {
    /// A stable key (skill id, education key); the label is what readers see.
    public var key: String
    public var label: String
    public var count: Int
    /// 0…1.
    public var share: Double

    public init(key: String, label: String, count: Int, share: Double) {
        self.key = key
        self.label = label
        self.count = count
        self.share = share
    }
}

/// A typed cell value.
public enum ReportValue: Sendable, Equatable {
    case text(String)
    case integer(Int)
    /// A fraction, 0…1, shown as a percentage.
    case percent(Double)
    /// A signed difference in percentage points (growth), shown with its sign.
    case points(Double)
    /// Monthly CNY.
    case money(Double)
    /// Years (a median may be fractional).
    case years(Double)
    /// A plain ratio (demand over supply).
    case ratio(Double)
    /// Any other quantity (a count that may be fractional).
    case number(Double)
    /// A ranked list of values with their shares.
    case shares([ReportShare])
    /// A list of names or ids.
    case list([String])
    /// No value (no salary given, growth not measurable).
    case missing
}
