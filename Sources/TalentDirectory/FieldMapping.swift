/// A field of ``Record`` that a source column (CSV) or key (JSON) can feed.
///
/// The raw values are the names used in `--map FIELD=COLUMN`. Three fields are read rather than copied:
/// `experience` becomes ``Record/experienceYears``, and `salary` (a single `8000-12000`, `1.5万-2万`, `8k-12k`,
/// `面议` column) fills ``Record/salaryMin`` and ``Record/salaryMax`` when no `salary_min`/`salary_max`
/// column gives them.
public enum RecordField: String, CaseIterable, Sendable {
    case id, title, employer, occupation
    case occupationCode = "occupation_code"
    case industry, region, skills, description, education, experience
    case salaryMin = "salary_min"
    case salaryMax = "salary_max"
    case salary, headcount, posted, source, lang

    /// Whether several columns can feed the field at once (their texts are joined by line breaks).
    public var takesSeveralColumns: Bool { self == .description }

    /// Whether a column can be mapped to the field. `source` cannot: it is always the corpus file.
    public var isMappable: Bool { self != .source }
}

/// Which source column feeds which ``RecordField``: a built-in table of common Chinese and English headers,
/// overridden by explicit `--map FIELD=COLUMN` choices.
///
/// Header names match case-insensitively, ignoring surrounding spaces, a UTF-8 BOM, and `_`, `-` and space
/// inside the name (`Job Title`, `job_title` and `JOB-TITLE` are the same). When several columns match one
/// field, the first name in the field's list wins (`公司` before `招聘公司`), except for `description`, which
/// takes every matching column, in column order.
///
/// ```swift
/// let mapping = try FieldMapping(parsing: ["title=岗位", "description=备注"])
/// let map = mapping.columns(forHeader: ["岗位", "公司", "岗位职责", "任职要求", "备注"])
/// map[.title]        // [0]
/// map[.employer]     // [1]
/// map[.description]  // [4]: an explicit mapping replaces the built-in choice for its field
/// ```
///
/// ## Topics
///
/// ### Creating a mapping
/// - ``init(explicit:)``
/// - ``init(parsing:)``
/// - ``parse(_:)``
///
/// ### Resolving headers
/// - ``columns(forHeader:)``
/// - ``field(forColumn:)``
/// - ``builtInHeaders``
public struct FieldMapping: Sendable {
    /// Column name → field, from `--map`; these win over the built-in table.
    public var explicit: [String: RecordField] {
        didSet { normalizedExplicit = Self.normalizeKeys(explicit) }
    }
    private var normalizedExplicit: [String: RecordField]

    public init(explicit: [String: RecordField] = [:]) {
        self.explicit = explicit
        self.normalizedExplicit = Self.normalizeKeys(explicit)
    }

    /// Creates a mapping from `--map` arguments.
    ///
    /// - Parameter specs: `FIELD=COLUMN` strings, such as `title=岗位名称` or `salary_min=起薪`.
    /// - Throws: ``CorpusError/invalidMapping(spec:reason:)`` for a string without `=`, an empty side, or an
    ///   unknown field; the message lists the valid fields.
    public init(parsing specs: [String]) throws {
        var explicit: [String: RecordField] = [:]
        for spec in specs {
            let (column, field) = try Self.parse(spec)
            explicit[column] = field
        }
        self.init(explicit: explicit)
    }

    /// Parses one `FIELD=COLUMN` string.
    ///
    /// - Parameter spec: the argument of `--map`. Field names match like headers: `occupation_code`,
    ///   `occupationCode` and `Occupation Code` are the same.
    /// - Returns: the column name (trimmed) and the field.
    /// - Throws: ``CorpusError/invalidMapping(spec:reason:)``.
    public static func parse(_ spec: String) throws -> (column: String, field: RecordField) {
        guard let equals = spec.firstIndex(of: "=") else {
            throw CorpusError.invalidMapping(spec: spec, reason: "expected FIELD=COLUMN, such as title=岗位名称")
        }
        let name = ValueParsing.trimmed(String(spec[..<equals]))
        let column = ValueParsing.trimmed(String(spec[spec.index(after: equals)...]))
        let valid = RecordField.allCases.filter(\.isMappable).map(\.rawValue).joined(separator: ", ")
        guard !name.isEmpty else {
            throw CorpusError.invalidMapping(spec: spec, reason: "the field name is missing; valid fields: \(valid)")
        }
        guard !column.isEmpty else {
            throw CorpusError.invalidMapping(spec: spec, reason: "the column name after \"=\" is missing")
        }
        let key = normalize(name)
        guard let field = RecordField.allCases.first(where: { normalize($0.rawValue) == key }) else {
            throw CorpusError.invalidMapping(spec: spec, reason: "unknown field \"\(name)\"; valid fields: \(valid)")
        }
        guard field.isMappable else {
            throw CorpusError.invalidMapping(
                spec: spec, reason: "\"source\" is always the corpus file's path and cannot come from a column")
        }
        return (column, field)
    }

    /// The field a column name feeds, explicit mappings first; `nil` when none.
    public func field(forColumn name: String) -> RecordField? {
        let key = Self.normalize(name)
        if let field = normalizedExplicit[key] { return field }
        return Self.builtInIndex[key]?.field
    }

    /// Maps a header to column indices per field.
    ///
    /// - Parameter header: the column names, in order.
    /// - Returns: for each field that some column feeds, the indices of its columns: one, except for
    ///   `description`, which may have several, in column order. A field with an explicit mapping takes only
    ///   its explicit columns, and an explicitly mapped column feeds no other field.
    public func columns(forHeader header: [String]) -> ColumnMap {
        let keys = header.map(Self.normalize)
        var map = ColumnMap()
        var used = Set<Int>()
        for (index, key) in keys.enumerated() {
            guard let field = normalizedExplicit[key] else { continue }
            map.columns[field, default: []].append(index)
            used.insert(index)
        }
        // Built-in: the best-ranked name per field, or every matching column for description.
        let explicitFields = Set(map.columns.keys)
        var bestRank: [RecordField: Int] = [:]
        for (index, key) in keys.enumerated() where !used.contains(index) {
            guard let (field, rank) = Self.builtInIndex[key], !explicitFields.contains(field) else { continue }
            if field.takesSeveralColumns {
                map.columns[field, default: []].append(index)
            } else if bestRank[field].map({ rank < $0 }) ?? true {
                bestRank[field] = rank
                map.columns[field] = [index]
            }
        }
        return map
    }

    /// The field `name` feeds and its rank: `-1` for an explicit mapping, else its place in the field's
    /// built-in list (`0` first). JSON keys are ordered by rank the way header columns are by position.
    func resolve(column name: String) -> (field: RecordField, rank: Int)? {
        let key = Self.normalize(name)
        if let field = normalizedExplicit[key] { return (field, -1) }
        return Self.builtInIndex[key]
    }

    /// The built-in header names per field, best first.
    public static let builtInHeaders: [(field: RecordField, names: [String])] = [
        (.id, ["职位自编号", "编号", "职位编号", "id", "job_id", "posting_id"]),
        (.title, ["职位", "职位名称", "岗位", "岗位名称", "招聘职位", "title", "job_title", "position"]),
        (.employer, ["公司", "公司名称", "企业名称", "单位名称", "招聘单位", "招聘公司", "employer", "company", "company_name"]),
        (.occupation, ["职业", "职业名称", "工种", "职位类别", "occupation", "category", "job_category"]),
        (.occupationCode, ["职业代码", "职业编码", "occupation_code"]),
        (.industry, ["行业", "所属行业", "行业类别", "industry", "sector"]),
        (.region, ["地区", "工作地点", "工作地区", "城市", "所在地", "region", "location", "city"]),
        (.description, [
            "职位描述", "岗位职责", "任职要求", "职位要求", "工作内容", "岗位描述", "description", "job_description",
            "responsibilities", "requirements", "minimum_qualifications", "preferred_qualifications",
            "qualifications", "text", "body",
        ]),
        (.education, ["学历", "学历要求", "最低学历", "education"]),
        (.experience, ["所需经验", "工作经验", "经验要求", "工作年限", "experience", "experience_years", "years"]),
        (.salaryMin, ["最低薪资", "薪资下限", "salary_min", "min_salary"]),
        (.salaryMax, ["最高薪资", "薪资上限", "salary_max", "max_salary"]),
        (.salary, ["薪资", "薪酬", "月薪", "工资", "salary"]),
        (.headcount, ["招聘人数", "人数", "需求人数", "headcount", "openings"]),
        (.skills, ["技能", "技能要求", "技能标签", "skills", "skill_tags"]),
        (.posted, ["首次发布时间", "发布时间", "发布日期", "posted", "date", "posted_date", "publish_date"]),
        (.lang, ["语言", "lang", "language"]),
    ]

    private static let builtInIndex: [String: (field: RecordField, rank: Int)] = {
        var index: [String: (field: RecordField, rank: Int)] = [:]
        for (field, names) in builtInHeaders {
            for (rank, name) in names.enumerated() {
                let key = normalize(name)
                precondition(index[key] == nil, "header \(name) is listed twice in FieldMapping.builtInHeaders")
                index[key] = (field, rank)
            }
        }
        return index
    }()

    /// The form header names are compared in: lowercased, without white space, BOM, `_` and `-`.
    static func normalize(_ name: String) -> String {
        var scalars = String.UnicodeScalarView()
        for c in name.lowercased().unicodeScalars
        where !(c == "_" || c == "-" || c == "\u{FEFF}" || c.properties.isWhitespace) {
            scalars.append(c)
        }
        return String(scalars)
    }

    private static func normalizeKeys(_ explicit: [String: RecordField]) -> [String: RecordField] {
        Dictionary(explicit.map { (normalize($0.key), $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// The columns of one header that feed each ``RecordField``, as ``FieldMapping/columns(forHeader:)`` finds.
public struct ColumnMap: Equatable, Sendable {
    /// Field → column indices (several only for `description`).
    public var columns: [RecordField: [Int]] = [:]

    public init(columns: [RecordField: [Int]] = [:]) {
        self.columns = columns
    }

    /// The columns feeding `field`, or `[]`.
    public subscript(field: RecordField) -> [Int] { columns[field] ?? [] }

    /// Whether a title, description or skills column exists, without which no record has text.
    public var hasTextColumn: Bool { !self[.title].isEmpty || !self[.description].isEmpty || !self[.skills].isEmpty }
}
