import TextAnalysis

/// What a report needs besides its data: the language, skill labels, and the filters the user gave (shown
/// in the header).
public struct ReportContext: Sendable {
    public var language: ReportLanguage
    /// Lexicon skills by id (``SkillCatalog/skills``), for labels.
    public var skills: [String: Lexicon.Entry]
    /// The `--where` query, or `nil`.
    public var query: String?
    /// `--since`, `--until` and `--compare` as given.
    public var since: String?
    public var until: String?
    public var compare: String?

    public init(language: ReportLanguage, skills: [String: Lexicon.Entry] = [:], query: String? = nil,
                since: String? = nil, until: String? = nil, compare: String? = nil) {
        self.language = language
        self.skills = skills
        self.query = query
        self.since = since
        self.until = until
        self.compare = compare
    }

    /// A skill's label: English in English reports; in Chinese ones the Chinese label, or the English one
    /// when it is an acronym people use in Chinese too (`PLC`, `CNC`, `SMT`). Unknown ids are returned as
    /// they are.
    public func skill(_ id: String) -> String {
        guard let e = skills[id] else { return id }
        if language == .en { return e.en.isEmpty ? e.zh : e.en }
        let acronym = !e.en.isEmpty && e.en.count <= 8 && e.en.allSatisfy { $0.isASCII && !$0.isLowercase && $0 != " " }
            && e.en.contains { $0.isLetter }
        return acronym || e.zh.isEmpty ? e.en : e.zh
    }

    /// The word for `key` in the report's language.
    public func text(_ key: ReportLabels.Key) -> String { ReportLabels.text(key, language) }

    /// `zh` or `en` text, by the report's language.
    func pick(_ zh: String, _ en: String) -> String { language == .zh ? zh : en }
}

/// The fixed words of reports, in Chinese and English.
public enum ReportLabels {
    public enum Key: String, Sendable, CaseIterable {
        case directoryTitle, gapsTitle
        case byOccupation, byOccupationGroup, bySkill, byRegion, byIndustry
        case occupation, occupationGroup, skill, region, industry
        case rank, postings, share, growth, headcount, weightedShare, salaryMedian, salaryQuartiles, salaryQ1, salaryQ3
        case experienceMedian, topSkills, coSkills, education, regions, examples
        case earlierShare, recentShare
        case query, allPostings, dates, noDates, undated, droppedUndated, periods, noGrowth, groups
        case notGiven, emptySlice
        case curriculum, courses, skillsTaught, unrecognised, reach
        case gapsSection, gap, coveredBy, notCovered, lowDemandSection, lowDemandEmpty, courseList
        case supplySection, name, kind, demand, supply, ratio, kindOccupation, kindSkill
        case chartShare, chartGrowth, chartGap
    }

    static let table: [Key: (zh: String, en: String)] = [
        .directoryTitle: ("人才需求目录", "Talent demand directory"),
        .gapsTitle: ("课程技能差距", "Curriculum skill gaps"),
        .byOccupation: ("按职业", "by occupation"),
        .byOccupationGroup: ("按职业中类", "by occupation group"),
        .bySkill: ("按技能", "by skill"),
        .byRegion: ("按地区", "by region"),
        .byIndustry: ("按行业", "by industry"),
        .occupation: ("职业", "Occupation"),
        .occupationGroup: ("职业中类", "Occupation group (中类)"),
        .skill: ("技能", "Skill"),
        .region: ("地区", "Region"),
        .industry: ("行业", "Industry"),
        .rank: ("#", "#"),
        .postings: ("职位数", "Postings"),
        .share: ("占比", "Share"),
        .growth: ("增长(百分点)", "Growth (pp)"),
        .headcount: ("招聘人数", "Headcount"),
        .weightedShare: ("按人数加权占比", "Headcount-weighted share"),
        .salaryMedian: ("月薪中位数(元)", "Median pay (CNY)"),
        .salaryQuartiles: ("月薪四分位(Q1–Q3)", "Pay quartiles (Q1–Q3)"),
        .salaryQ1: ("月薪下四分位", "Pay Q1"),
        .salaryQ3: ("月薪上四分位", "Pay Q3"),
        .experienceMedian: ("经验中位数(年)", "Median exp. (years)"),
        .topSkills: ("主要技能", "Top skills"),
        .coSkills: ("常同时要求", "Asked with"),
        .education: ("学历", "Education"),
        .regions: ("主要地区", "Main regions"),
        .examples: ("示例职位", "Example postings"),
        .earlierShare: ("前期占比", "Earlier share"),
        .recentShare: ("近期占比", "Recent share"),
        .query: ("筛选条件", "Where"),
        .allPostings: ("全部职位", "all postings"),
        .dates: ("数据日期", "Dates"),
        .noDates: ("无日期", "no dates"),
        .undated: ("无发布日期的职位(计入占比，不计入增长)", "Postings without a date (in shares, not in growth)"),
        .droppedUndated: ("因日期筛选而排除的无日期职位", "Postings without a date left out by the date filter"),
        .periods: ("增长比较(前期 → 近期)", "Growth compares (earlier → recent)"),
        .noGrowth: ("无法计算(需两期都有带日期的职位)", "not measurable (both periods need dated postings)"),
        .groups: ("分组", "Groups"),
        .notGiven: ("(未注明)", "(not given)"),
        .emptySlice: ("没有符合条件的职位。", "No postings match."),
        .curriculum: ("课程文件", "Curriculum"),
        .courses: ("课程/条目", "Courses or entries"),
        .skillsTaught: ("所授技能", "Skills taught"),
        .unrecognised: ("未识别出技能的条目", "Entries with no recognised skill"),
        .reach: ("要求至少一项所授技能的职位", "Postings asking for at least one taught skill"),
        .gapsSection: ("技能差距(按差距排序)", "Skill gaps (ranked by gap)"),
        .gap: ("差距", "Gap"),
        .coveredBy: ("覆盖课程", "Covered by"),
        .notCovered: ("未覆盖", "not covered"),
        .lowDemandSection: ("已授但需求少的技能", "Taught but little demanded"),
        .lowDemandEmpty: ("每项所授技能的需求都不低于阈值。", "Every taught skill is demanded above the threshold."),
        .courseList: ("课程", "Courses"),
        .supplySection: ("求人倍率(需求 ÷ 供给)", "Demand/supply ratio (求人倍率)"),
        .name: ("名称", "Name"),
        .kind: ("类型", "Kind"),
        .demand: ("需求人数", "Openings"),
        .supply: ("供给人数", "Supply"),
        .ratio: ("求人倍率", "Ratio"),
        .kindOccupation: ("职业", "occupation"),
        .kindSkill: ("技能", "skill"),
        .chartShare: ("职位占比", "Share of postings"),
        .chartGrowth: ("增长(近期占比 − 前期占比，百分点)", "Growth (recent share − earlier share, pp)"),
        .chartGap: ("未覆盖技能的需求占比", "Demand share of skills not covered"),
    ]

    /// The word for `key` in `language`.
    public static func text(_ key: Key, _ language: ReportLanguage) -> String {
        guard let pair = table[key] else { return key.rawValue }
        return language == .zh ? pair.zh : pair.en
    }
}
