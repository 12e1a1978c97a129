/// One job posting (or skill description) of the corpus, as the readers make it from a CSV row, a JSON object
/// or a text file.
///
/// Text fields are empty and numeric fields `nil` when the source does not give them. Records encode to
/// JSON with snake_case keys (`occupation_code`, `experience_years`, `salary_min`, `salary_max`), leaving
/// out `nil` fields; decoding accepts any subset of keys but `id`.
///
/// ```swift
/// let record = Record(id: "51JOB_157952052", title: "数控车工", region: "广东·佛山",
///                     skills: ["FANUC", "UG/NX"], salaryMin: 8000, salaryMax: 12000)
/// record.hasText  // true
/// ```
public struct Record: Codable, Equatable, Sendable {
    public var id: String
    public var title: String = ""
    public var employer: String = ""
    public var occupation: String = ""
    /// An occupation code such as `6-18-01-01` (中华人民共和国职业分类大典).
    public var occupationCode: String = ""
    public var industry: String = ""
    public var region: String = ""
    public var skills: [String] = []
    public var description: String = ""
    public var education: String = ""
    /// The minimum years of experience asked for; `0` when none is required.
    public var experienceYears: Int? = nil
    /// Monthly salary in CNY, lower end.
    public var salaryMin: Int? = nil
    /// Monthly salary in CNY, upper end.
    public var salaryMax: Int? = nil
    public var headcount: Int? = nil
    /// Publication date, `YYYY-MM-DD`.
    public var posted: String? = nil
    /// The corpus file the record came from, relative to the indexed root.
    public var source: String = ""
    /// `zh`, `en`, `zh-Hant`, or `""` when unknown.
    public var lang: String = ""

    public init(id: String) {
        self.id = id
    }

    /// Creates a record; every field but `id` is optional.
    public init(
        id: String, title: String = "", employer: String = "", occupation: String = "", occupationCode: String = "",
        industry: String = "", region: String = "", skills: [String] = [], description: String = "",
        education: String = "", experienceYears: Int? = nil, salaryMin: Int? = nil, salaryMax: Int? = nil,
        headcount: Int? = nil, posted: String? = nil, source: String = "", lang: String = ""
    ) {
        self.id = id
        self.title = title
        self.employer = employer
        self.occupation = occupation
        self.occupationCode = occupationCode
        self.industry = industry
        self.region = region
        self.skills = skills
        self.description = description
        self.education = education
        self.experienceYears = experienceYears
        self.salaryMin = salaryMin
        self.salaryMax = salaryMax
        self.headcount = headcount
        self.posted = posted
        self.source = source
        self.lang = lang
    }

    /// Whether the record has something to index: a title, a description or skills.
    public var hasText: Bool { !title.isEmpty || !description.isEmpty || !skills.isEmpty }

    enum CodingKeys: String, CodingKey {
        case id, title, employer, occupation
        case occupationCode = "occupation_code"
        case industry, region, skills, description, education
        case experienceYears = "experience_years"
        case salaryMin = "salary_min"
        case salaryMax = "salary_max"
        case headcount, posted, source, lang
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        employer = try c.decodeIfPresent(String.self, forKey: .employer) ?? ""
        occupation = try c.decodeIfPresent(String.self, forKey: .occupation) ?? ""
        occupationCode = try c.decodeIfPresent(String.self, forKey: .occupationCode) ?? ""
        industry = try c.decodeIfPresent(String.self, forKey: .industry) ?? ""
        region = try c.decodeIfPresent(String.self, forKey: .region) ?? ""
        skills = try c.decodeIfPresent([String].self, forKey: .skills) ?? []
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        education = try c.decodeIfPresent(String.self, forKey: .education) ?? ""
        experienceYears = try c.decodeIfPresent(Int.self, forKey: .experienceYears)
        salaryMin = try c.decodeIfPresent(Int.self, forKey: .salaryMin)
        salaryMax = try c.decodeIfPresent(Int.self, forKey: .salaryMax)
        headcount = try c.decodeIfPresent(Int.self, forKey: .headcount)
        posted = try c.decodeIfPresent(String.self, forKey: .posted)
        source = try c.decodeIfPresent(String.self, forKey: .source) ?? ""
        lang = try c.decodeIfPresent(String.self, forKey: .lang) ?? ""
    }
}
