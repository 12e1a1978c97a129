import Foundation
import IndexStore
import SearchEngine
import TalentDirectory
import TextAnalysis

/// The slice of postings a directory or gaps report covers, and its language: `--where`, `--since`, `--until`,
/// `--compare`, `--lang` of the CLI, and the same parameters of the API.
public struct ReportRequest: Sendable, Equatable {
    public var query: String?
    public var since: String?
    public var until: String?
    public var compare: String?
    public var language: ReportLanguage

    public init(query: String? = nil, since: String? = nil, until: String? = nil, compare: String? = nil,
                language: ReportLanguage = .en) {
        self.query = query
        self.since = since
        self.until = until
        self.compare = compare
        self.language = language
    }

    public var sinceDay: Int? { since.flatMap { DayRange.day($0, end: false) } }
    public var untilDay: Int? { until.flatMap { DayRange.day($0, end: true) } }

    /// Checks the dates and the period; `names` are how the caller calls them (`--since` or `since`).
    public func validate(names: (since: String, until: String, compare: String) = ("since", "until", "compare"))
        throws(ServiceError)
    {
        for (name, value, end) in [(names.since, since, false), (names.until, until, true)] {
            if let value, DayRange.day(value, end: end) == nil {
                throw ServiceError(.badRequest, "\(name) \(value): expected a date YYYY-MM-DD, a month YYYY-MM or a year YYYY.")
            }
        }
        if let s = sinceDay, let u = untilDay, s > u {
            throw ServiceError(.badRequest, "\(names.since) \(since!) is after \(names.until) \(until!).")
        }
        if let compare, DayRange.parse(compare) == nil {
            throw ServiceError(.badRequest, "\(names.compare) \(compare): expected a period such as 2025-01-01..2025-06-30, 2025-01..2025-06 or 2025-03.")
        }
    }

    /// The `where` query parsed, `nil` when there is none.
    public func parsedQuery(name: String = "where") throws(ServiceError) -> Query? {
        let trimmed = query?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard !trimmed.isEmpty else { return nil }
        do {
            return try QueryParser().parse(trimmed)
        } catch {
            throw ServiceError(.badRequest, "\(name): query syntax: \(error.description)", detail: error.caretLine())
        }
    }

    /// The postings of `snapshot` that match the query, cut to the dates, with the growth periods.
    public func slice(snapshot: IndexSnapshot, analyzer: Analyzer) throws -> DemandSlice {
        let postings = try DemandPosting.load(from: snapshot, matching: try parsedQuery(), analyzer: analyzer)
        return DemandSlice(postings: postings, since: sinceDay, until: untilDay, compare: compare.flatMap(DayRange.parse))
    }

    /// The context reports are rendered in.
    public func context(skills: [String: Lexicon.Entry]) -> ReportContext {
        ReportContext(language: language, skills: skills, query: query, since: since, until: until, compare: compare)
    }
}

/// The two reports, built the same way for `talent directory`/`gaps` and the API.
public enum Reports {
    /// The demand directory of `slice` grouped `by`, the `top` largest groups (`nil`: all).
    public static func directory(slice: DemandSlice, by: DemandDimension, top: Int?, request: ReportRequest,
                                 catalog: SkillCatalog, occupations: OccupationCatalog) -> Report {
        var settings = DemandDirectory.Options(top: top)
        settings.skillsPerGroup = 5
        let directory = DemandDirectory(slice: slice, by: by, options: settings,
                                        occupationName: { occupations[$0]?.name })
        return Report(directory: directory, context: request.context(skills: catalog.skills))
    }

    /// The skill gaps of `curriculum` against `slice`.
    public static func gaps(slice: DemandSlice, curriculum: Curriculum, supply: SupplyTable?, top: Int?,
                            lowDemand: Double, request: ReportRequest, catalog: SkillCatalog) -> Report {
        let gaps = SkillGaps(slice: slice, curriculum: curriculum, supply: supply,
                             options: SkillGaps.Options(top: top, lowDemand: lowDemand))
        return Report(gaps: gaps, context: request.context(skills: catalog.skills), lowDemand: lowDemand)
    }
}
