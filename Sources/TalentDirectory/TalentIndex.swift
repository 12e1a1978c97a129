import Foundation
import IndexStore
import SearchEngine

/// How talent records map onto the index: the text fields searched with BM25 and the value columns used for
/// filters, facets and the directory.
public enum TalentIndex {
    /// Text fields, in field-number order.
    public static let textFields = ["title", "body", "skills", "employer", "occupation", "industry", "region"]

    public static let schema = Schema(
        textFields: textFields,
        columns: [
            ColumnSpec(name: "region", kind: .keyword),
            ColumnSpec(name: "industry", kind: .keyword),
            ColumnSpec(name: "occupation", kind: .keyword),
            ColumnSpec(name: "occupation_code", kind: .keyword),
            ColumnSpec(name: "employer", kind: .keyword),
            ColumnSpec(name: "education", kind: .keyword),
            ColumnSpec(name: "experience", kind: .int),
            ColumnSpec(name: "salary_min", kind: .int),
            ColumnSpec(name: "salary_max", kind: .int),
            ColumnSpec(name: "headcount", kind: .int),
            ColumnSpec(name: "posted", kind: .int),
            ColumnSpec(name: "skills", kind: .keywords),
            ColumnSpec(name: "source", kind: .keyword),
            ColumnSpec(name: "lang", kind: .keyword),
            // Canonical skill ids of the lexicon, tagged at index time (see `SkillCatalog`).
            ColumnSpec(name: "skill_ids", kind: .keywords),
        ])

    /// The index of the `skill_ids` column in `schema.columns`.
    public static let skillIDsColumn = 14

    /// The record as the writer takes it; the stored bytes are the record's JSON.
    public static func document(_ record: Record) -> IndexableDocument {
        let stored = record.jsonBytes()
        func keyword(_ s: String) -> ColumnValue { .keyword(s.isEmpty ? nil : s) }
        func int(_ v: Int?) -> ColumnValue { .int(v.map(Int64.init)) }
        return IndexableDocument(
            id: record.id,
            fields: [[record.title], [record.description], record.skills, [record.employer], [record.occupation],
                     [record.industry], [record.region]],
            stored: stored,
            values: [
                keyword(record.region), keyword(record.industry), keyword(record.occupation),
                keyword(record.occupationCode), keyword(record.employer), keyword(record.education),
                int(record.experienceYears), int(record.salaryMin), int(record.salaryMax), int(record.headcount),
                int(record.posted.flatMap(Day.number)), .keywords(record.skills), keyword(record.source),
                keyword(record.lang), .keywords([]),
            ])
    }

    /// The record stored for a document.
    public static func record(from stored: [UInt8]) throws -> Record {
        try JSONDecoder().decode(Record.self, from: Data(stored))
    }
}

/// Calendar days as integers (days since 1970-01-01), for the `posted` column and date ranges.
public enum Day {
    /// `YYYY-MM-DD` → day number, or `nil` when malformed.
    public static func number(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Howard Hinnant's days_from_civil.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Day number → `YYYY-MM-DD`.
    public static func string(_ z: Int) -> String {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}
