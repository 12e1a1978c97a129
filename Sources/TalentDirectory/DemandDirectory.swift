import Foundation
import IndexStore
import SearchEngine
import TextAnalysis

// MARK: - Postings

/// One posting as the directory and the gap analysis see it: the values of its columns, nothing of its text.
///
/// Built by ``DemandPosting/load(from:matching:analyzer:)`` from an index, or directly in tests.
///
/// ```swift
/// let p = DemandPosting(id: "zh-0001", occupation: "数控车工", region: "广东·佛山", skills: ["cnc", "fanuc"],
///                       salaryMin: 8000, salaryMax: 12000, headcount: 3, posted: Day.number("2025-03-02"))
/// p.salary  // 10000.0
/// ```
public struct DemandPosting: Sendable, Equatable {
    public var id: String
    /// The occupation as the posting names it (`数控车工`, `CNC machinist`).
    public var occupation: String
    /// An occupation code (`6-18-01-01`), or `""`.
    public var occupationCode: String
    public var industry: String
    public var region: String
    public var education: String
    /// Canonical lexicon skill ids (the `skill_ids` column).
    public var skills: [String]
    /// Minimum years of experience asked for.
    public var experience: Int?
    /// Monthly salary range in CNY.
    public var salaryMin: Int?
    public var salaryMax: Int?
    /// Openings; `nil` when the posting does not say.
    public var headcount: Int?
    /// Publication day (days since 1970-01-01, see ``Day``).
    public var posted: Int?

    public init(id: String, occupation: String = "", occupationCode: String = "", industry: String = "",
                region: String = "", education: String = "", skills: [String] = [], experience: Int? = nil,
                salaryMin: Int? = nil, salaryMax: Int? = nil, headcount: Int? = nil, posted: Int? = nil) {
        self.id = id
        self.occupation = occupation
        self.occupationCode = occupationCode
        self.industry = industry
        self.region = region
        self.education = education
        self.skills = skills
        self.experience = experience
        self.salaryMin = salaryMin
        self.salaryMax = salaryMax
        self.headcount = headcount
        self.posted = posted
    }

    /// The monthly salary that stands for the posting: the midpoint of its range, the one bound it gives, or
    /// `nil` when it gives none (bounds of 0 or less count as missing).
    public var salary: Double? {
        let lo = salaryMin.flatMap { $0 > 0 ? Double($0) : nil }
        let hi = salaryMax.flatMap { $0 > 0 ? Double($0) : nil }
        switch (lo, hi) {
        case let (lo?, hi?): return (lo + hi) / 2
        case let (v?, nil), let (nil, v?): return v
        default: return nil
        }
    }

    /// The openings the posting counts for in headcount-weighted shares: its headcount, or 1 when unknown.
    public var weight: Int { max(1, headcount ?? 1) }

    /// The occupation key postings are grouped by: the code when there is one, else the occupation text.
    public var occupationKey: String { occupationCode.isEmpty ? occupation : occupationCode }
}

extension DemandPosting {
    /// Reads the postings of an index, or only those matching `query`.
    ///
    /// Values are read from the columns in place (stored documents are not decoded), so this takes tens of
    /// milliseconds for tens of thousands of postings.
    ///
    /// - Parameters:
    ///   - snapshot: the index.
    ///   - query: a `--where` query; `nil` reads every live posting.
    ///   - analyzer: analyses the query's words as the index did.
    /// - Returns: the postings in index order.
    /// - Throws: ``IndexError`` or ``SearchError`` from reading the index or running the query.
    public static func load(from snapshot: IndexSnapshot, matching query: Query?, analyzer: Analyzer) throws
        -> [DemandPosting]
    {
        var postings: [DemandPosting] = []
        postings.reserveCapacity(snapshot.liveDocuments)
        var readers: [ObjectIdentifier: SegmentColumns] = [:]
        func columns(_ segment: SegmentReader) -> SegmentColumns {
            if let c = readers[ObjectIdentifier(segment)] { return c }
            let c = SegmentColumns(segment)
            readers[ObjectIdentifier(segment)] = c
            return c
        }
        if let query {
            let searcher = try Searcher(snapshot: snapshot, analyzer: analyzer)
            try searcher.forEachMatch(query) { segment, doc in
                postings.append(columns(segment).posting(doc))
            }
        } else {
            for segment in snapshot.segments {
                let c = columns(segment)
                for doc in 0..<segment.maxDoc where !segment.isDeleted(doc) {
                    postings.append(c.posting(doc))
                }
            }
        }
        return postings
    }
}

/// The directory's columns of one segment, with each keyword value decoded once.
private final class SegmentColumns {
    let segment: SegmentReader
    let occupation, occupationCode, industry, region, education: CachedKeywords
    let skills: CachedKeywords
    let experience, salaryMin, salaryMax, headcount, posted: Column?

    init(_ segment: SegmentReader) {
        self.segment = segment
        occupation = CachedKeywords(segment.column("occupation"))
        occupationCode = CachedKeywords(segment.column("occupation_code"))
        industry = CachedKeywords(segment.column("industry"))
        region = CachedKeywords(segment.column("region"))
        education = CachedKeywords(segment.column("education"))
        skills = CachedKeywords(segment.column("skill_ids"))
        experience = segment.column("experience")
        salaryMin = segment.column("salary_min")
        salaryMax = segment.column("salary_max")
        headcount = segment.column("headcount")
        posted = segment.column("posted")
    }

    func posting(_ doc: Int) -> DemandPosting {
        func int(_ c: Column?) -> Int? { c?.int(doc).map { Int($0) } }
        return DemandPosting(
            id: segment.id(of: doc), occupation: occupation.first(doc), occupationCode: occupationCode.first(doc),
            industry: industry.first(doc), region: region.first(doc), education: education.first(doc),
            skills: skills.all(doc), experience: int(experience), salaryMin: int(salaryMin),
            salaryMax: int(salaryMax), headcount: int(headcount), posted: int(posted))
    }
}

/// A keyword column whose dictionary strings are decoded on first use.
private final class CachedKeywords {
    let column: Column?
    var strings: [String?]

    init(_ column: Column?) {
        self.column = column
        strings = [String?](repeating: nil, count: column?.dictionary?.count ?? 0)
    }

    func string(_ ordinal: Int) -> String {
        if let s = strings[ordinal] { return s }
        let s = column!.dictionary![ordinal]
        strings[ordinal] = s
        return s
    }

    /// The value of a single-valued column (or the first of a multi-valued one), `""` when missing.
    func first(_ doc: Int) -> String {
        guard let column else { return "" }
        if case .keyword = column {
            let o = column.keywordOrdinal(doc)
            return o == 0 ? "" : string(o - 1)
        }
        return column.keywordOrdinals(doc).first.map(string) ?? ""
    }

    func all(_ doc: Int) -> [String] {
        guard let column else { return [] }
        return column.keywordOrdinals(doc).map(string)
    }
}

// MARK: - Periods

/// A range of calendar days, both ends included, as day numbers (see ``Day``).
///
/// ```swift
/// DayRange.parse("2025-01-01..2025-06-30")  // 2025-01-01..2025-06-30
/// DayRange.parse("2025-03")                 // 2025-03-01..2025-03-31
/// DayRange.parse("2025")                    // 2025-01-01..2025-12-31
/// ```
public struct DayRange: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var first: Int
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = first
        self.last = last
    }

    public func contains(_ day: Int) -> Bool { day >= first && day <= last }

    /// The number of days.
    public var count: Int { max(0, last - first + 1) }

    /// `2025-01-01..2025-06-30`, or one date when the range is one day.
    public var description: String {
        first == last ? Day.string(first) : Day.string(first) + ".." + Day.string(last)
    }

    /// Parses `A..B` (either end a date, month or year; an end may be left out when the other is given) or a
    /// single date, month (`2025-03`) or year (`2025`). Returns `nil` for anything else or when `B` < `A`.
    public static func parse(_ text: String) -> DayRange? {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let r = text.range(of: "..") {
            let a = String(text[..<r.lowerBound]), b = String(text[r.upperBound...])
            let lo = a.isEmpty ? Int.min / 4 : Self.day(a, end: false)
            let hi = b.isEmpty ? Int.max / 4 : Self.day(b, end: true)
            guard let lo, let hi, !(a.isEmpty && b.isEmpty), lo <= hi else { return nil }
            return DayRange(first: lo, last: hi)
        }
        guard let lo = day(text, end: false), let hi = day(text, end: true) else { return nil }
        return DayRange(first: lo, last: hi)
    }

    /// A date (`2025-03-15`), month (`2025-03`: its first or last day) or year (`2025`) as a day number.
    ///
    /// - Parameters:
    ///   - text: the date.
    ///   - end: `true` for the last day of a month or year, `false` for the first.
    public static func day(_ text: String, end: Bool) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else {
            return nil
        }
        switch parts.count {
        case 3:
            guard let d = Day.number(text), Day.string(d) == Self.padded(parts) else { return nil }
            return d
        case 2:
            guard let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), parts[0].count == 4 else { return nil }
            guard let start = Day.number(String(format: "%04d-%02d-01", y, m)) else { return nil }
            if !end { return start }
            let next = m == 12 ? Day.number(String(format: "%04d-01-01", y + 1)) : Day.number(String(format: "%04d-%02d-01", y, m + 1))
            return next.map { $0 - 1 }
        case 1:
            guard parts[0].count == 4, let y = Int(parts[0]) else { return nil }
            return Day.number(String(format: end ? "%04d-12-31" : "%04d-01-01", y))
        default:
            return nil
        }
    }

    private static func padded(_ parts: [Substring]) -> String {
        guard let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return "" }
        return String(format: "%04d-%02d-%02d", y, m, d)
    }
}

// MARK: - Slices

/// The postings a report covers, with the two periods growth compares.
///
/// **Dates.** `since`/`until` keep the postings dated within them (postings without a date are then left
/// out, since they cannot be placed); without them every posting is kept, dated or not. The slice's date
/// range is `since ?? earliest date … until ?? latest date`.
///
/// **Periods.** By default the range is cut in two halves at the midpoint day of its dates, moved to the
/// nearest first of a month when they span two months or more (so 2025-01-02…2025-12-31 splits at
/// 2025-07-01): the *earlier* period is the range before the cut, the *recent* one the range from it on.
/// The midpoint is that of `since` (else the 1st percentile of the dates) and `until` (else the 99th
/// percentile), so that a few stray dates years away do not move the cut (with up to 100 dated postings the
/// percentiles are the first and last dates). `compare` names the earlier period instead; the recent period
/// is then the rest of the range after it. Postings without a date are in neither period, and neither are
/// postings dated before a `compare` period.
///
/// ```swift
/// let slice = DemandSlice(postings: postings, since: Day.number("2025-01-01"))
/// slice.earlier  // 2025-01-01..2025-06-30
/// ```
public struct DemandSlice: Sendable {
    /// Which of the two periods a posting falls in.
    public enum Period: Sendable { case earlier, recent }

    public let postings: [DemandPosting]
    /// Postings of the slice without a date (counted in shares, not in growth).
    public let undated: Int
    /// Postings left out because they have no date and `since` or `until` was given.
    public let droppedUndated: Int
    /// The slice's date range; `nil` when no posting has a date and no bound was given.
    public let range: DayRange?
    public let earlier: DayRange?
    public let recent: DayRange?
    /// Postings in the earlier and recent periods.
    public let earlierCount: Int
    public let recentCount: Int
    /// Weighted headcount of all postings (see ``DemandPosting/weight``).
    public let weightedHeadcount: Int

    /// Makes a slice.
    ///
    /// - Parameters:
    ///   - postings: the candidate postings (already filtered by a `--where` query, if any).
    ///   - since: the first day kept, or `nil`.
    ///   - until: the last day kept, or `nil`.
    ///   - compare: the earlier period for growth; `nil` for halves.
    public init(postings: [DemandPosting], since: Int? = nil, until: Int? = nil, compare: DayRange? = nil) {
        var kept: [DemandPosting] = []
        var dropped = 0
        if since == nil && until == nil {
            kept = postings
        } else {
            kept.reserveCapacity(postings.count)
            for p in postings {
                guard let day = p.posted else { dropped += 1; continue }
                if let since, day < since { continue }
                if let until, day > until { continue }
                kept.append(p)
            }
        }
        var days: [Int] = [], undated = 0, weighted = 0
        days.reserveCapacity(kept.count)
        for p in kept {
            weighted += p.weight
            if let d = p.posted { days.append(d) } else { undated += 1 }
        }
        days.sort()
        var range: DayRange?
        if let first = since ?? days.first, let last = until ?? days.last, first <= last {
            range = DayRange(first: first, last: last)
        }
        var earlier: DayRange?, recent: DayRange?
        if let range {
            if let compare {
                let a = DayRange(first: max(range.first, compare.first), last: min(range.last, compare.last))
                earlier = a.count > 0 ? a : nil
                let b = DayRange(first: max(range.first, compare.last + 1), last: range.last)
                recent = b.count > 0 ? b : nil
            } else {
                // Cut at the middle of the central 98 % of dates, so that a few stray dates years away do
                // not move the cut to where one half is nearly empty; a bound the user gave is used as given.
                let n = days.count
                let lo = since ?? (n > 0 ? days[Int((0.01 * Double(n - 1)).rounded(.down))] : range.first)
                let hi = until ?? (n > 0 ? days[Int((0.99 * Double(n - 1)).rounded(.up))] : range.last)
                let span = DayRange(first: lo, last: hi)
                if span.count >= 2 {
                    let cut = Self.cut(span)
                    earlier = DayRange(first: range.first, last: cut - 1)
                    recent = DayRange(first: cut, last: range.last)
                }
            }
        }
        var e = 0, r = 0
        for p in kept {
            guard let d = p.posted else { continue }
            if earlier?.contains(d) == true { e += 1 } else if recent?.contains(d) == true { r += 1 }
        }
        self.postings = kept
        self.undated = undated
        self.droppedUndated = dropped
        self.range = range
        self.earlier = earlier
        self.recent = recent
        self.earlierCount = e
        self.recentCount = r
        self.weightedHeadcount = weighted
    }

    /// The first day of the recent half of `range` (which has at least two days).
    static func cut(_ range: DayRange) -> Int {
        let middle = range.first + range.count / 2
        let firstMonth = Day.string(range.first).prefix(7), lastMonth = Day.string(range.last).prefix(7)
        guard firstMonth != lastMonth else { return middle }
        // The first of the month nearest the midpoint, if it falls strictly inside the range.
        let text = Day.string(middle)
        guard let thisMonth = DayRange.day(String(text.prefix(7)), end: false),
              let nextMonth = DayRange.day(String(text.prefix(7)), end: true).map({ $0 + 1 }) else { return middle }
        let candidates = [thisMonth, nextMonth].filter { $0 > range.first && $0 <= range.last }
        return candidates.min { abs($0 - middle) < abs($1 - middle) } ?? middle
    }

    /// The period `posting` falls in, if any.
    public func period(of posting: DemandPosting) -> Period? {
        guard let d = posting.posted else { return nil }
        if earlier?.contains(d) == true { return .earlier }
        if recent?.contains(d) == true { return .recent }
        return nil
    }

    /// Whether both periods have postings, so growth can be measured.
    public var hasGrowth: Bool { earlierCount > 0 && recentCount > 0 }
}

// MARK: - Measures

/// A value's count and share, as in "PLC: 27 postings, 62 % of the group".
public struct DemandShare: Sendable, Equatable, Codable {
    public var key: String
    public var count: Int
    /// `count` over the postings the share is of, 0…1.
    public var share: Double

    public init(key: String, count: Int, share: Double) {
        self.key = key
        self.count = count
        self.share = share
    }
}

/// Growth of a share between the earlier and the recent period.
public struct DemandGrowth: Sendable, Equatable {
    /// Postings with the value in the earlier and recent periods.
    public var earlierCount: Int
    public var recentCount: Int
    /// Those counts over all postings of the slice in each period.
    public var earlierShare: Double
    public var recentShare: Double

    /// Recent share minus earlier share, in percentage points (+3.0 = from 10 % to 13 %).
    public var points: Double { (recentShare - earlierShare) * 100 }

    /// Growth of `earlier`/`recent` postings with a value in a slice; `nil` when a period has no postings.
    public init?(earlier: Int, recent: Int, in slice: DemandSlice) {
        guard slice.hasGrowth else { return nil }
        earlierCount = earlier
        recentCount = recent
        earlierShare = Double(earlier) / Double(slice.earlierCount)
        recentShare = Double(recent) / Double(slice.recentCount)
    }
}

/// Quartiles of the monthly salary (CNY) over postings that give one.
public struct SalaryStatistics: Sendable, Equatable {
    /// Postings with a salary.
    public var count: Int
    public var lowerQuartile: Double
    public var median: Double
    public var upperQuartile: Double

    /// Quartiles of `values` by linear interpolation between order statistics (as in Excel's `QUARTILE.INC`
    /// and NumPy's default); `nil` when `values` is empty.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        count = sorted.count
        lowerQuartile = Self.quantile(sorted, 0.25)
        median = Self.quantile(sorted, 0.5)
        upperQuartile = Self.quantile(sorted, 0.75)
    }

    /// The `q` quantile of sorted, non-empty `values`.
    public static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let i = Int(h.rounded(.down))
        guard i + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[i] + (h - Double(i)) * (sorted[i + 1] - sorted[i])
    }
}

// MARK: - Directory

/// What the directory groups postings by.
public enum DemandDimension: String, Sendable, CaseIterable {
    /// The occupation code when there is one, else the occupation text.
    case occupation
    /// The occupation's 中类 (`6-18` 机械制造基础加工人员): postings with a CSCO code only, grouped a level up,
    /// where the classification's sums are steadier than its single occupations.
    case occupationGroup = "occupation-group"
    /// Each skill a posting requires (a posting is in several groups).
    case skill
    /// The region, cut to its city (`广东·深圳`, `深圳·南山区` and `广东省深圳市` → `深圳`).
    case region
    case industry
}

/// The talent demand directory (人才需求目录): postings of a slice grouped by occupation, skill, region or
/// industry, with demand, growth, skills, education, experience, salary, regions and examples per group.
///
/// Every share is of postings: a group's share is its postings over the slice's; a skill's share within a
/// group is the group's postings requiring it over the group's postings; education and region mixes are of
/// the group's postings that give one. Headcount is reported twice: the sum of the headcounts postings give,
/// and a headcount-weighted share in which a posting without headcount counts as one opening.
///
/// ```swift
/// let slice = DemandSlice(postings: try DemandPosting.load(from: snapshot, matching: nil, analyzer: analyzer))
/// let directory = DemandDirectory(slice: slice, by: .occupation)
/// for g in directory.groups { print(g.name, g.postings, g.share, g.growth?.points ?? .nan) }
/// ```
///
/// ## Topics
/// - ``Group``
/// - ``Options``
public struct DemandDirectory: Sendable {
    /// How much to report per group.
    public struct Options: Sendable {
        /// Groups to keep, largest first; `nil` keeps all.
        public var top: Int? = 20
        public var skillsPerGroup = 5
        public var educationPerGroup = 3
        public var regionsPerGroup = 3
        public var examplesPerGroup = 3

        public init(top: Int? = 20) { self.top = top }
    }

    /// One row of the directory.
    public struct Group: Sendable, Equatable {
        /// The grouping value (occupation code or text, skill id, region, industry); `nil` for the postings
        /// that have none.
        public var key: String?
        /// A display name: for occupations, the code's name or the group's most frequent occupation text;
        /// else the key.
        public var name: String
        public var postings: Int
        /// `postings` over the slice's postings.
        public var share: Double
        /// The sum of the headcounts postings give.
        public var headcount: Int
        /// Postings that give a headcount.
        public var headcountKnown: Int
        /// Headcount with one opening per posting that does not say.
        public var weightedHeadcount: Int
        /// `weightedHeadcount` over the slice's.
        public var weightedShare: Double
        public var growth: DemandGrowth?
        /// Skills by share of the group's postings (for a skill group, the skills that come with it).
        public var skills: [DemandShare]
        /// Education levels (``Education`` keys where recognised) by share of the group's postings giving one.
        public var education: [DemandShare]
        public var experienceMedian: Double?
        public var salary: SalaryStatistics?
        /// Regions (cities, see ``regionKey(_:)``) by share of the group's postings giving one.
        public var regions: [DemandShare]
        /// Ids of the group's most recent postings.
        public var examples: [String]
    }

    public let slice: DemandSlice
    public let dimension: DemandDimension
    /// Groups by postings, largest first (ties by key); the group without a value comes last.
    public let groups: [Group]
    /// Groups before `top` cut them.
    public let groupCount: Int

    /// Builds the directory.
    ///
    /// - Parameters:
    ///   - slice: the postings and periods.
    ///   - dimension: what to group by.
    ///   - options: how many groups and values per group.
    ///   - occupationName: the name of an occupation code (CSCO), when known.
    public init(slice: DemandSlice, by dimension: DemandDimension, options: Options = Options(),
                occupationName: (String) -> String? = { _ in nil }) {
        self.slice = slice
        self.dimension = dimension
        // Values are interned once per posting (region and education keys once per distinct raw value), so
        // that the per-group sums below hash integers, not strings.
        var skills = Interner(), educations = Interner(), regions = Interner(), occupations = Interner()
        var groupKeys = Interner()
        var educationMemo: [String: Int] = [:], regionMemo: [String: Int] = [:]
        var accumulators: [Accumulator] = []
        let limit = max(0, options.examplesPerGroup)
        var none = Accumulator(exampleLimit: limit)
        var postingSkills: [Int] = []
        for (i, p) in slice.postings.enumerated() {
            postingSkills.removeAll(keepingCapacity: true)
            for s in p.skills { postingSkills.append(skills.id(s)) }
            let education: Int
            if let e = educationMemo[p.education] { education = e } else {
                let key = Education.key(p.education)
                education = key.isEmpty ? -1 : educations.id(key)
                educationMemo[p.education] = education
            }
            let region: Int
            if let r = regionMemo[p.region] { region = r } else {
                let key = Self.regionKey(p.region)
                region = key.isEmpty ? -1 : regions.id(key)
                regionMemo[p.region] = region
            }
            let facts = Facts(
                index: i, posting: p, period: slice.period(of: p), skills: postingSkills, education: education,
                region: region,
                occupation: dimension == .occupation && !p.occupation.isEmpty ? occupations.id(p.occupation) : -1)
            func add(_ key: String, excluding: Int) {
                let g = groupKeys.id(key)
                if g == accumulators.count { accumulators.append(Accumulator(exampleLimit: limit)) }
                accumulators[g].add(facts, excluding: excluding)
            }
            switch dimension {
            case .occupation:
                let key = p.occupationKey
                if key.isEmpty { none.add(facts, excluding: -1) } else { add(key, excluding: -1) }
            case .occupationGroup:
                let key = Self.occupationGroup(of: p.occupationCode)
                if key.isEmpty { none.add(facts, excluding: -1) } else { add(key, excluding: -1) }
            case .skill:
                if p.skills.isEmpty { none.add(facts, excluding: -1) }
                for (k, s) in p.skills.enumerated() { add(s, excluding: postingSkills[k]) }
            case .region:
                if region < 0 { none.add(facts, excluding: -1) } else { add(regions.values[region], excluding: -1) }
            case .industry:
                if p.industry.isEmpty { none.add(facts, excluding: -1) } else { add(p.industry, excluding: -1) }
            }
        }
        var order = Array(accumulators.indices)
        order.sort { accumulators[$0].postings != accumulators[$1].postings
            ? accumulators[$0].postings > accumulators[$1].postings : groupKeys.values[$0] < groupKeys.values[$1] }
        groupCount = order.count + (none.postings > 0 ? 1 : 0)
        if let top = options.top, top >= 0, order.count > top { order.removeLast(order.count - top) }
        let tables = Tables(skills: skills.values, educations: educations.values, regions: regions.values,
                            occupations: occupations.values)
        var groups = order.map { Self.group(key: groupKeys.values[$0], accumulators[$0], tables: tables, slice: slice,
                                            dimension: dimension, options: options, occupationName: occupationName) }
        if none.postings > 0 {
            groups.append(Self.group(key: nil, none, tables: tables, slice: slice, dimension: dimension,
                                     options: options, occupationName: occupationName))
        }
        self.groups = groups
    }

    /// The 中类 of a CSCO code (`6-18` for `6-18-01-01`), or "" for a value that is not a four-part code.
    public static func occupationGroup(of code: String) -> String {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) else { return "" }
        return "\(parts[0])-\(parts[1])"
    }

    /// Strings numbered in order of first sight.
    private struct Interner {
        var ids: [String: Int] = [:]
        var values: [String] = []

        mutating func id(_ s: String) -> Int {
            if let i = ids[s] { return i }
            ids[s] = values.count
            values.append(s)
            return values.count - 1
        }
    }

    /// The interned values' strings.
    private struct Tables {
        var skills, educations, regions, occupations: [String]
    }

    /// One posting, interned.
    private struct Facts {
        var index: Int
        var posting: DemandPosting
        var period: DemandSlice.Period?
        var skills: [Int]
        /// -1 when missing.
        var education: Int
        var region: Int
        var occupation: Int
    }

    private static func group(key: String?, _ a: Accumulator, tables: Tables, slice: DemandSlice,
                              dimension: DemandDimension, options: Options,
                              occupationName: (String) -> String?) -> Group {
        func shares(_ counts: [Int: Int], _ names: [String], of total: Int, top: Int) -> [DemandShare] {
            guard total > 0, top > 0 else { return [] }
            var items: [DemandShare] = counts.map { id, count in
                DemandShare(key: names[id], count: count, share: Double(count) / Double(total))
            }
            items.sort { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
            return Array(items.prefix(top))
        }
        var name = key ?? ""
        if dimension == .occupation, let key {
            var text: String?, best = 0
            for (id, count) in a.occupationTexts {
                let candidate = tables.occupations[id]
                if count > best || (count == best && candidate < text!) { (text, best) = (candidate, count) }
            }
            name = occupationName(key) ?? text ?? key
        } else if dimension == .occupationGroup, let key {
            name = occupationName(key + "-00-00") ?? key
        }
        let educationTotal = a.educationCounts.values.reduce(0, +)
        let regionTotal = a.regionCounts.values.reduce(0, +)
        let total = slice.postings.count
        let examples = a.examples.sorted { ($0.day ?? Int.min, $0.index) > ($1.day ?? Int.min, $1.index) }
            .map { slice.postings[$0.index].id }
        return Group(
            key: key, name: name, postings: a.postings,
            share: total > 0 ? Double(a.postings) / Double(total) : 0,
            headcount: a.headcount, headcountKnown: a.headcountKnown, weightedHeadcount: a.weighted,
            weightedShare: slice.weightedHeadcount > 0 ? Double(a.weighted) / Double(slice.weightedHeadcount) : 0,
            growth: DemandGrowth(earlier: a.earlier, recent: a.recent, in: slice),
            skills: shares(a.skillCounts, tables.skills, of: a.postings, top: options.skillsPerGroup),
            education: shares(a.educationCounts, tables.educations, of: educationTotal, top: options.educationPerGroup),
            experienceMedian: a.experiences.isEmpty ? nil : SalaryStatistics.quantile(a.experiences.sorted(), 0.5),
            salary: SalaryStatistics(a.salaries),
            regions: shares(a.regionCounts, tables.regions, of: regionTotal, top: options.regionsPerGroup),
            examples: examples)
    }

    /// Running sums of one group.
    private struct Accumulator {
        let exampleLimit: Int
        var postings = 0
        var headcount = 0
        var headcountKnown = 0
        var weighted = 0
        var earlier = 0
        var recent = 0
        var skillCounts: [Int: Int] = [:]
        var educationCounts: [Int: Int] = [:]
        var regionCounts: [Int: Int] = [:]
        var occupationTexts: [Int: Int] = [:]
        var experiences: [Double] = []
        var salaries: [Double] = []
        /// The most recent postings so far, by day then index.
        var examples: [(day: Int?, index: Int)] = []

        init(exampleLimit: Int) {
            self.exampleLimit = exampleLimit
        }

        /// Adds a posting; `excluding` is a skill not to count (the group's own, for skill groups), or -1.
        mutating func add(_ f: Facts, excluding: Int) {
            let p = f.posting
            postings += 1
            if let h = p.headcount, h > 0 {
                headcount += h
                headcountKnown += 1
            }
            weighted += p.weight
            switch f.period {
            case .earlier: earlier += 1
            case .recent: recent += 1
            case nil: break
            }
            for s in f.skills where s != excluding { skillCounts[s, default: 0] += 1 }
            if f.education >= 0 { educationCounts[f.education, default: 0] += 1 }
            if f.region >= 0 { regionCounts[f.region, default: 0] += 1 }
            if f.occupation >= 0 { occupationTexts[f.occupation, default: 0] += 1 }
            if let e = p.experience, e >= 0 { experiences.append(Double(e)) }
            if let s = p.salary { salaries.append(s) }
            // Keep the most recent; later postings win ties of day (they were indexed later).
            let candidate = (day: p.posted, index: f.index)
            func newer(_ a: (day: Int?, index: Int), _ b: (day: Int?, index: Int)) -> Bool {
                (a.day ?? Int.min, a.index) > (b.day ?? Int.min, b.index)
            }
            if examples.count < exampleLimit {
                examples.append(candidate)
            } else if exampleLimit > 0, let oldest = examples.indices.min(by: { newer(examples[$1], examples[$0]) }),
                      newer(candidate, examples[oldest]) {
                examples[oldest] = candidate
            }
        }
    }

    /// Provinces and autonomous regions (short names, Chinese and English): a region's first part when it is
    /// one of these is followed by the city.
    static let provinces: Set<String> = [
        "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
        "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
        "Hebei", "Shanxi", "Liaoning", "Jilin", "Heilongjiang", "Jiangsu", "Zhejiang", "Anhui", "Fujian", "Jiangxi",
        "Shandong", "Henan", "Hubei", "Hunan", "Guangdong", "Hainan", "Sichuan", "Guizhou", "Yunnan", "Shaanxi",
        "Gansu", "Qinghai", "Taiwan", "Inner Mongolia", "Guangxi", "Tibet", "Ningxia", "Xinjiang",
    ]

    /// What separates a region's parts (`广东·深圳`, `Suzhou, Jiangsu`).
    private static let regionSeparators: Set<Character> = ["·", "•", "・", "-", "/", "|", "，", ","]

    /// A region cut to its city, so that sites writing `广东·深圳`, `深圳·南山区`, `广东省深圳市南山区` and
    /// `深圳市` all give `深圳`: the part after a province when the region starts with one, else the first part,
    /// without 省/市/自治区. Municipalities give themselves (`上海·浦东新区` → `上海`); a province alone, a
    /// country or text of another shape is kept (`Malaysia·Penang` → `Malaysia`). English names of Chinese
    /// cities and provinces give the Chinese ones (`Jiangsu·Suzhou`, `Suzhou, Jiangsu` → `苏州`; `Shanghai` →
    /// `上海`; see ``RegionNames``).
    public static func regionKey(_ raw: String) -> String {
        let text = ValueParsing.trimmed(raw)
        guard !text.isEmpty else { return "" }
        var parts = text.split(whereSeparator: { regionSeparators.contains($0) })
            .map(ValueParsing.trimmingSpaces).filter { !$0.isEmpty }
        if parts.count == 1, let compact = compactRegion(parts[0]) { parts = compact }
        guard let head = parts.first else { return text }
        let first = trimSuffix(head, ["维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"])
        // English names become Chinese ones (`Jiangsu·Suzhou` → 苏州), the province choosing among cities of
        // one spelling; unknown names stay as written.
        if provinces.contains(first), parts.count > 1 {
            let city = trimSuffix(parts[1], ["自治州", "地区", "市"])
            if city.isEmpty { return RegionNames.province(first) ?? first }
            return RegionNames.city(city, province: RegionNames.province(first)) ?? city
        }
        let province = parts.count > 1 ? RegionNames.province(parts[1]) : nil
        return RegionNames.city(first, province: province) ?? RegionNames.province(first) ?? first
    }

    /// `广东省广州市白云区` → [`广东省`, `广州市`]; `深圳市南山区` → [`深圳市`]; `nil` when the text has no
    /// 省/自治区 or 市 part.
    private static func compactRegion(_ text: String) -> [String]? {
        for marker in ["省", "自治区", "特别行政区"] {
            if let r = text.range(of: marker), r.lowerBound > text.startIndex {
                let province = String(text[..<r.upperBound])
                let rest = String(text[r.upperBound...])
                if let c = rest.range(of: "市"), c.lowerBound > rest.startIndex {
                    return [province, String(rest[..<c.upperBound])]
                }
                return rest.isEmpty ? [province] : [province, rest]
            }
        }
        if let c = text.range(of: "市"), c.lowerBound > text.startIndex {
            return [String(text[..<c.upperBound])]
        }
        return nil
    }

    /// Tries `suffixes` in the order given: list longer ones first.
    private static func trimSuffix(_ text: String, _ suffixes: [String]) -> String {
        for s in suffixes where text.hasSuffix(s) && text.count > s.count {
            return String(text.dropLast(s.count))
        }
        return text
    }
}

/// Education levels in Chinese and English postings, folded to one set of keys (`本科`, `大学本科`, `统招本科`
/// and `bachelor` are all `bachelor`).
public enum Education {
    /// Keys, from lowest to highest, with their Chinese and English labels.
    public static let levels: [(key: String, zh: String, en: String)] = [
        ("none", "学历不限", "no requirement"),
        ("primary", "小学", "primary school"),
        ("junior-high", "初中", "junior high school"),
        ("high-school", "高中", "high school"),
        ("vocational", "中专/中技", "vocational school"),
        ("associate", "大专", "associate degree"),
        ("bachelor", "本科", "bachelor's degree"),
        ("master", "硕士", "master's degree"),
        ("doctorate", "博士", "doctorate"),
    ]

    private static let aliases: [String: String] = {
        let table: [String: [String]] = [
            "none": ["学历不限", "不限", "不限制", "无", "无要求", "none", "any", "no requirement", "not required"],
            "primary": ["小学", "小学及以上", "primary", "primary school"],
            "junior-high": ["初中", "初中及以上", "初中以上", "初中及以下", "junior high", "junior high school",
                            "middle school"],
            "high-school": ["高中", "高中及以上", "普通高中", "high school", "high school diploma"],
            "vocational": ["中专", "中技", "中专/中技", "中技/中专", "中等专科", "技校", "技工学校", "职高", "职业高中",
                           "中专及以上", "vocational", "vocational school", "technical school"],
            "associate": ["大专", "专科", "大学专科", "大专及以上", "高职", "associate", "associate degree", "college",
                          "diploma"],
            "bachelor": ["本科", "大学本科", "统招本科", "本科及以上", "大学", "学士", "bachelor", "bachelor's",
                         "bachelor's degree", "bachelor degree", "undergraduate"],
            "master": ["硕士", "研究生", "硕士研究生", "硕士及以上", "master", "master's", "master's degree",
                       "master degree", "postgraduate"],
            "doctorate": ["博士", "博士研究生", "博士及以上", "doctorate", "phd", "ph.d."],
        ]
        var aliases: [String: String] = [:]
        for (key, values) in table { for v in values { aliases[v] = key } }
        return aliases
    }()

    /// The key of an education value (`本科`, `bachelor` → `bachelor`), or the trimmed value when unknown.
    public static func key(_ value: String) -> String {
        let v = value.trimmingCharacters(in: .whitespaces)
        if v.isEmpty { return "" }
        return aliases[v] ?? aliases[v.lowercased()] ?? v
    }

    /// The label of an education key in `language`; unknown keys are returned as they are.
    public static func label(_ key: String, language: ReportLanguage) -> String {
        guard let level = levels.first(where: { $0.key == key }) else { return key }
        return language == .zh ? level.zh : level.en
    }
}
