import Foundation
import IndexStore
import SearchEngine

/// How talent records map onto the index: the text fields searched with BM25 and the value columns used for
/// filters, facets and the directory.
public enum TalentIndex {
    /// Text fields, in field-number order.
    /// `place` holds only the names of the posting's city and province, in Chinese and English (see
    /// ``regionText(_:)``): unfielded query words match there, so `数控车工 深圳` ranks Shenzhen postings first
    /// without `开发` matching 经济技术开发区.
    public static let textFields = ["title", "body", "skills", "employer", "occupation", "industry", "region", "place"]

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
            // The region cut to its city in Chinese (`DemandDirectory.regionKey`): one facet value for 深圳,
            // 深圳·南山区, 广东省深圳市 and Guangdong·Shenzhen.
            ColumnSpec(name: "city", kind: .keyword),
        ])

    /// The index of the `skill_ids` column in `schema.columns`.
    public static let skillIDsColumn = 14

    /// The record as the writer takes it; the stored bytes are the record's JSON.
    ///
    /// - Parameter regionText: the region as searched (``regionText(_:)``), when the caller has it (regions
    ///   repeat across records); worked out here otherwise.
    public static func document(_ record: Record, regionText: RegionText? = nil) -> IndexableDocument {
        let region = regionText ?? Self.regionText(record.region)
        let stored = record.jsonBytes()
        func keyword(_ s: String) -> ColumnValue { .keyword(s.isEmpty ? nil : s) }
        func int(_ v: Int?) -> ColumnValue { .int(v.map(Int64.init)) }
        return IndexableDocument(
            id: record.id,
            fields: [[record.title], [record.description], record.skills, [record.employer], [record.occupation],
                     [record.industry], region.region, [region.place]],
            stored: stored,
            values: [
                keyword(record.region), keyword(record.industry), keyword(record.occupation),
                keyword(record.occupationCode), keyword(record.employer), keyword(record.education),
                int(record.experienceYears), int(record.salaryMin), int(record.salaryMax), int(record.headcount),
                int(record.posted.flatMap(Day.number)), .keywords(record.skills), keyword(record.source),
                keyword(record.lang), .keywords([]), keyword(region.city),
            ])
    }

    /// A region as indexed.
    public struct RegionText: Sendable, Equatable {
        /// The `region` field's values: the region as written (a quoted filter matches it as a phrase), then
        /// its parts apart when ICU would keep Latin words around `·` together (`Guangdong·Shenzhen` →
        /// `Guangdong Shenzhen`).
        public var region: [String]
        /// The `place` field: the names of its city and province in Chinese and English
        /// (``RegionNames/searchNames(for:)``); empty for a region the table does not know. A `region:` clause
        /// searches it too (``SearchOptions/alsoSearched``).
        public var place: String
        /// The `city` column: ``DemandDirectory/regionKey(_:)``.
        public var city: String
    }

    /// `Jiangsu·Suzhou` → region `Jiangsu·Suzhou` + `Jiangsu Suzhou`, place `苏州 suzhou 江苏 jiangsu`, city `苏州`:
    /// `region:苏州` finds postings written in English, `region:广东` those naming only the city.
    public static func regionText(_ raw: String) -> RegionText {
        let apart = String(raw.map { "·•・/|".contains($0) ? " " : $0 })
        let latin = apart != raw && raw.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic }
        let city = DemandDirectory.regionKey(raw)
        return RegionText(region: latin ? [raw, apart] : [raw],
                          place: RegionNames.searchNames(forKey: city).joined(separator: " "), city: city)
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
