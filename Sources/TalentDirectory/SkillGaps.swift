import Foundation
import TextAnalysis

// MARK: - Curriculum

/// A course of a curriculum, or one line of a plain list of skills, with the lexicon skills it teaches.
public struct Course: Sendable, Equatable {
    public var name: String
    public var description: String
    /// Canonical skill ids, in order of first mention.
    public var skills: [String]
    /// The 1-based line the course starts on in its file.
    public var line: Int

    public init(name: String, description: String = "", skills: [String] = [], line: Int = 0) {
        self.name = name
        self.description = description
        self.skills = skills
        self.line = line
    }
}

/// The ways a curriculum file can be written.
public enum CurriculumFormat: String, Sendable, CaseIterable {
    /// A header row naming the course and description columns (课程/course/name, 描述/内容/description…);
    /// without a recognised header the first column is the name and the others its description.
    case csv
    /// Like CSV, tab-separated.
    case tsv
    /// JSON Lines, or a JSON array, of objects (`name`/`course`/`课程`, `description`/`内容`, `skills`) or of
    /// strings (skills).
    case json
    /// Headings start courses and the text under them describes them; list items or table rows before any
    /// heading are entries of their own.
    case markdown
    /// One skill (or short course title) a line; `#` starts a comment.
    case list

    /// The format of a file by its extension: `.csv`, `.tsv`, `.jsonl`/`.ndjson`/`.json`, `.md`/`.markdown`;
    /// anything else is a plain list.
    public static func of(path: String) -> CurriculumFormat {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv": return .csv
        case "tsv", "tab": return .tsv
        case "jsonl", "ndjson", "json": return .json
        case "md", "markdown": return .markdown
        default: return .list
        }
    }
}

/// Errors of reading a curriculum or a supply file.
public enum SkillGapsError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(path: String, line: Int, reason: String)
    /// The curriculum names no skill of the lexicon.
    case noSkills(path: String, entries: Int)
    /// The supply file has no usable row.
    case emptySupply(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "\(path): cannot read the file: \(reason)."
        case .malformed(let path, let line, let reason):
            return "\(path):\(line): \(reason)."
        case .noSkills(let path, let entries):
            return "\(path): no recognisable skill in \(entries) entr\(entries == 1 ? "y" : "ies"). Skills are "
                + "recognised by the names of the lexicon, in Chinese or English (PLC, 机器视觉, 焊工证, SolidWorks, "
                + "machine vision); describe each course with the skills it teaches, or list one skill a line "
                + "(`talent analyze --skills TEXT` shows what a text is tagged with)."
        case .emptySupply(let path, let reason):
            return "\(path): no supply figures: \(reason)."
        }
    }
}

/// A curriculum tagged with the skill lexicon: its courses and the skills each teaches.
///
/// Postings and courses are tagged the same way (``SkillCatalog``), so a course that describes "PLC 编程与调试"
/// covers postings asking for `可编程控制器`. A line of a plain list that names a lexicon entry exactly (even
/// a word the tagger leaves alone in running text, such as `Excel`) counts too.
///
/// ```swift
/// let curriculum = try Curriculum(text: "PLC\n机器视觉\nwelding\n", format: .list, path: "skills.txt",
///                                 catalog: catalog, session: session)
/// curriculum.skills  // ["plc", "machine-vision", "welding"]
/// ```
public struct Curriculum: Sendable {
    public var path: String
    public var courses: [Course]

    /// Reads and tags a curriculum file (UTF-8, UTF-16 or GB18030, detected).
    ///
    /// - Parameters:
    ///   - path: the file; its extension picks the ``CurriculumFormat``.
    ///   - catalog: the skills to recognise.
    ///   - session: analyses course text.
    /// - Throws: ``SkillGapsError`` when the file cannot be read or parsed, or names no skill.
    public init(path: String, catalog: SkillCatalog, session: AnalysisSession) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkillGapsError.unreadable(path: path, reason: FileManager.default.fileExists(atPath: path)
                ? "permission denied or not a file" : "no such file")
        }
        let text = try TextDecoder.decode(Array(data), path: path).text
        try self.init(text: text, format: CurriculumFormat.of(path: path), path: path, catalog: catalog,
                      session: session)
    }

    /// Parses and tags a curriculum's text.
    ///
    /// - Parameters:
    ///   - text: the file's text.
    ///   - format: how it is written.
    ///   - path: names the file in errors.
    ///   - catalog: the skills to recognise.
    ///   - session: analyses course text.
    /// - Throws: ``SkillGapsError/noSkills(path:entries:)`` when no entry names a skill, and
    ///   ``SkillGapsError/malformed(path:line:reason:)`` for bad CSV or JSON.
    public init(text: String, format: CurriculumFormat, path: String, catalog: SkillCatalog,
                session: AnalysisSession) throws {
        self.path = path
        var courses = try Self.parse(text, format: format, path: path)
        for i in courses.indices {
            courses[i].skills = try Self.tag(courses[i], exact: format == .list || courses[i].description.isEmpty,
                                            catalog: catalog, session: session)
        }
        self.courses = courses
        if skills.isEmpty { throw SkillGapsError.noSkills(path: path, entries: courses.count) }
    }

    /// Every skill taught, in order of first mention.
    public var skills: [String] {
        var seen = Set<String>(), out: [String] = []
        for c in courses { for s in c.skills where seen.insert(s).inserted { out.append(s) } }
        return out
    }

    /// The courses teaching each skill.
    public var coursesBySkill: [String: [String]] {
        var map: [String: [String]] = [:]
        for c in courses { for s in c.skills where map[s]?.last != c.name { map[s, default: []].append(c.name) } }
        return map
    }

    /// Entries in which no skill was recognised.
    public var unrecognised: [Course] { courses.filter { $0.skills.isEmpty } }

    /// The skills of a course: those tagged in its name and description, plus, for a short entry, the lexicon
    /// entry its whole text names.
    static func tag(_ course: Course, exact: Bool, catalog: SkillCatalog, session: AnalysisSession) throws -> [String] {
        var ids = try catalog.skills(in: course.name + "\n" + course.description, session: session).map(\.id)
        if exact, let id = try exactSkill(course.name, catalog: catalog, session: session), !ids.contains(id) {
            ids.insert(id, at: 0)
        }
        return ids
    }

    /// The skill a short text names exactly (`machine vision`, `机器视觉`), if any.
    ///
    /// Words the tagger leaves alone because they mostly mean something else (`Excel`, `Go`, `Spring`, see
    /// ``SkillCatalog``) do not count: postings are never tagged with them, so a course could not cover them.
    static func exactSkill(_ text: String, catalog: SkillCatalog, session: AnalysisSession) throws -> String? {
        let tokens = try session.analyze(text)
        let words = tokens.filter { $0.length == 1 }.map(\.term)
        guard !words.isEmpty, words.count <= 6 else { return nil }
        var candidates = [words.joined(separator: " "), words.joined()]
        candidates += tokens.filter { $0.length == words.count }.map(\.term)
        for c in candidates where !SkillCatalog.ambiguousWords.contains(c) {
            if let entry = catalog.lexicon.entries(forFolded: c).first(where: { catalog.skills[$0.id] != nil }) {
                return entry.id
            }
        }
        return nil
    }

    // MARK: Parsing

    static let nameHeaders: Set<String> = [
        "课程", "课程名", "课程名称", "名称", "科目", "模块", "项目", "技能", "技能点", "course", "course name", "name",
        "title", "module", "subject", "skill", "unit",
    ]
    static let descriptionHeaders: Set<String> = [
        "描述", "课程描述", "内容", "课程内容", "教学内容", "简介", "课程简介", "大纲", "教学大纲", "要点", "知识点", "技能点",
        "目标", "教学目标", "description", "content", "contents", "summary", "outline", "syllabus", "topics",
        "skills", "objectives", "details",
    ]

    static func headerKey(_ s: String) -> String {
        s.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().replacingOccurrences(of: "_", with: " ")
    }

    static func parse(_ text: String, format: CurriculumFormat, path: String) throws -> [Course] {
        switch format {
        case .csv, .tsv: return try parseTable(text, tab: format == .tsv, path: path)
        case .json: return try parseJSON(text, path: path)
        case .markdown: return parseMarkdown(text)
        case .list: return parseList(text)
        }
    }

    static func parseList(_ text: String) -> [Course] {
        var courses: [Course] = []
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = stripListMarker(String(raw))
            if line.isEmpty || line.hasPrefix("#") { continue }
            courses.append(Course(name: line, line: i + 1))
        }
        return courses
    }

    /// `- PLC`, `* PLC`, `1. PLC`, `1、PLC` → `PLC`.
    static func stripListMarker(_ raw: String) -> String {
        var s = Substring(raw.trimmingCharacters(in: .whitespaces))
        if let f = s.first, "-*+•·".contains(f) { s = s.dropFirst() }
        else if let r = s.firstIndex(where: { !$0.isASCII || !$0.isNumber }), r > s.startIndex,
                [".", "、", ")", "）"].contains(s[r]) {
            s = s[s.index(after: r)...]
        }
        return s.trimmingCharacters(in: .whitespaces)
    }

    static func parseTable(_ text: String, tab: Bool, path: String) throws -> [Course] {
        var rows: [CSVReader.Row] = []
        if tab {
            for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
            where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                rows.append(CSVReader.Row(fields: line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init),
                                          line: i + 1))
            }
        } else {
            var reader = CSVReader(text: text)
            do {
                while let row = try reader.next() { rows.append(row) }
            } catch {
                throw SkillGapsError.malformed(path: path, line: error.line, reason: error.reason)
            }
        }
        guard let header = rows.first else { return [] }
        let keys = header.fields.map(headerKey)
        var nameColumn = keys.firstIndex { nameHeaders.contains($0) }
        let descriptionColumns = keys.indices.filter { descriptionHeaders.contains(keys[$0]) && $0 != nameColumn }
        let hasHeader = nameColumn != nil || !descriptionColumns.isEmpty
        if nameColumn == nil { nameColumn = hasHeader ? keys.indices.first { !descriptionColumns.contains($0) } : 0 }
        var courses: [Course] = []
        for row in rows.dropFirst(hasHeader ? 1 : 0) {
            let fields = row.fields.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            let name = nameColumn.flatMap { $0 < fields.count ? fields[$0] : nil } ?? ""
            let others = hasHeader ? descriptionColumns : Array(fields.indices.filter { $0 != nameColumn })
            let description = others.compactMap { $0 < fields.count ? fields[$0] : nil }.filter { !$0.isEmpty }
                .joined(separator: "\n")
            if name.isEmpty && description.isEmpty { continue }
            courses.append(Course(name: name.isEmpty ? String(description.prefix(30)) : name,
                                  description: description, line: row.line))
        }
        return courses
    }

    static func parseJSON(_ text: String, path: String) throws -> [Course] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var items: [(Any, Int)] = []
        if trimmed.hasPrefix("[") {
            do {
                let value = try JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])
                items = ((value as? [Any]) ?? []).map { ($0, 1) }
            } catch {
                throw SkillGapsError.malformed(path: path, line: 1, reason: "not valid JSON")
            }
        } else {
            for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
                let s = line.trimmingCharacters(in: .whitespaces)
                if s.isEmpty { continue }
                guard let value = try? JSONSerialization.jsonObject(with: Data(s.utf8), options: [.fragmentsAllowed])
                else { throw SkillGapsError.malformed(path: path, line: i + 1, reason: "not a JSON value") }
                items.append((value, i + 1))
            }
        }
        var courses: [Course] = []
        func strings(_ v: Any?) -> [String] {
            if let s = v as? String { return [s] }
            if let a = v as? [Any] { return a.flatMap { strings($0) } }
            if let n = v as? NSNumber { return [n.stringValue] }
            return []
        }
        for (value, line) in items {
            if let s = value as? String {
                courses.append(Course(name: s.trimmingCharacters(in: .whitespaces), line: line))
                continue
            }
            guard let object = value as? [String: Any] else {
                throw SkillGapsError.malformed(path: path, line: line, reason: "expected an object or a string")
            }
            var name = "", description: [String] = []
            for (k, v) in object.sorted(by: { $0.key < $1.key }) {
                let key = headerKey(k)
                if name.isEmpty, nameHeaders.contains(key), key != "skill", key != "技能", let s = v as? String {
                    name = s
                } else if descriptionHeaders.contains(key) || key == "skill" || key == "技能" {
                    description += strings(v)
                }
            }
            if name.isEmpty && description.isEmpty { continue }
            courses.append(Course(name: name.isEmpty ? String(description.joined(separator: " ").prefix(30)) : name,
                                  description: description.joined(separator: "\n"), line: line))
        }
        return courses
    }

    static func parseMarkdown(_ text: String) -> [Course] {
        var courses: [Course] = []
        var current: Course?
        var body: [String] = []
        func flush() {
            if var c = current {
                c.description = body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                courses.append(c)
            }
            current = nil
            body = []
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var sawHeading = false
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#") {
                let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
                flush()
                // A top heading followed by others is the document's title, not a course.
                let level = line.prefix { $0 == "#" }.count
                let deeper = lines[(i + 1)...].contains { $0.hasPrefix(String(repeating: "#", count: level + 1)) }
                if level == 1 && deeper && !sawHeading { sawHeading = true; continue }
                sawHeading = true
                current = Course(name: title, line: i + 1)
                continue
            }
            if current != nil { body.append(line); continue }
            // Before any heading: list items and table rows are entries of their own.
            if line.hasPrefix("|") {
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                if cells.allSatisfy({ $0.allSatisfy { "-: ".contains($0) } }) { continue }
                guard let first = cells.first, !first.isEmpty else { continue }
                if nameHeaders.contains(headerKey(first)) { continue }
                courses.append(Course(name: first, description: cells.dropFirst().joined(separator: "\n"), line: i + 1))
            } else if let f = line.first, "-*+".contains(f) || f.isNumber {
                let item = stripListMarker(line)
                if item.isEmpty { continue }
                if let colon = item.firstIndex(where: { $0 == ":" || $0 == "：" }) {
                    courses.append(Course(name: String(item[..<colon]).trimmingCharacters(in: .whitespaces),
                                          description: String(item[item.index(after: colon)...]), line: i + 1))
                } else {
                    courses.append(Course(name: item, line: i + 1))
                }
            }
        }
        flush()
        return courses
    }
}

// MARK: - Supply

/// Job seekers or graduates per occupation or skill, for the demand/supply ratio (求人倍率).
///
/// A CSV with a header: a name column (`occupation`/`职业`/`岗位`/`工种`, or `skill`/`技能`) and a count column
/// (`count`/`人数`/`求职人数`/`毕业生`/`supply`/`job seekers`/`graduates`). Without a recognised header the first
/// column is the name and the first numeric column the count. A name is a skill when the column says so, or
/// when the column does not say and the name is a lexicon skill; otherwise an occupation (code or text).
public struct SupplyTable: Sendable {
    public enum Kind: String, Sendable { case occupation, skill }

    public struct Row: Sendable, Equatable {
        public var name: String
        public var kind: Kind
        /// The skill id, for a skill row.
        public var skill: String?
        public var count: Double
        public var line: Int
    }

    public var path: String
    public var rows: [Row]

    static let occupationHeaders: Set<String> = ["occupation", "occupation code", "occupation name", "job",
                                                 "position", "职业", "职业名称", "职业代码", "岗位", "岗位名称", "工种", "职位"]
    static let skillHeaders: Set<String> = ["skill", "skills", "技能", "技能名称", "专业技能"]
    static let countHeaders: Set<String> = [
        "count", "number", "supply", "job seekers", "jobseekers", "seekers", "graduates", "applicants", "人数",
        "求职人数", "求职者", "求职者人数", "毕业生", "毕业生人数", "供给", "供给人数", "数量", "人才供给",
    ]

    /// Reads a supply CSV (UTF-8, UTF-16 or GB18030, detected).
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - catalog: recognises skill names.
    ///   - session: analyses names.
    /// - Throws: ``SkillGapsError`` when the file cannot be read or has no row with a name and a count.
    public init(path: String, catalog: SkillCatalog, session: AnalysisSession) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SkillGapsError.unreadable(path: path, reason: "no such file")
        }
        let text = try TextDecoder.decode(Array(data), path: path).text
        try self.init(text: text, path: path, catalog: catalog, session: session)
    }

    /// Parses a supply CSV's text; see ``init(path:catalog:session:)``.
    public init(text: String, path: String, catalog: SkillCatalog, session: AnalysisSession) throws {
        self.path = path
        var reader = CSVReader(text: text)
        var rows: [CSVReader.Row] = []
        do {
            while let row = try reader.next() { rows.append(row) }
        } catch {
            throw SkillGapsError.malformed(path: path, line: error.line, reason: error.reason)
        }
        guard let header = rows.first else { throw SkillGapsError.emptySupply(path: path, reason: "the file is empty") }
        let keys = header.fields.map(Curriculum.headerKey)
        let occupationColumn = keys.firstIndex { Self.occupationHeaders.contains($0) }
        let skillColumn = keys.firstIndex { Self.skillHeaders.contains($0) }
        var countColumn = keys.firstIndex { Self.countHeaders.contains($0) }
        let hasHeader = occupationColumn != nil || skillColumn != nil || countColumn != nil
        let body = rows.dropFirst(hasHeader ? 1 : 0)
        if countColumn == nil {
            countColumn = (0..<(header.fields.count)).first { c in
                c != occupationColumn && c != skillColumn && body.contains { $0.fields.count > c && Self.number($0.fields[c]) != nil }
            }
        }
        guard let countColumn else {
            throw SkillGapsError.emptySupply(path: path, reason: "no count column (count, 人数, 求职人数, graduates…)")
        }
        let nameColumn = occupationColumn ?? skillColumn ?? (countColumn == 0 ? 1 : 0)
        var out: [Row] = []
        for row in body {
            guard row.fields.count > max(nameColumn, countColumn) else { continue }
            let name = row.fields[nameColumn].trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, let count = Self.number(row.fields[countColumn]) else { continue }
            let skill = try Curriculum.exactSkill(name, catalog: catalog, session: session)
                ?? (skillColumn != nil ? catalog.skills(in: name, session: session).first?.id : nil)
            let kind: Kind = skillColumn != nil && occupationColumn == nil ? .skill
                : occupationColumn != nil ? .occupation : (skill != nil ? .skill : .occupation)
            out.append(Row(name: name, kind: kind, skill: kind == .skill ? skill : nil, count: count, line: row.line))
        }
        guard !out.isEmpty else {
            throw SkillGapsError.emptySupply(path: path, reason: "no row has both a name and a number")
        }
        self.rows = out
    }

    static func number(_ text: String) -> Double? {
        let s = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ",", with: "")
        guard let v = Double(s), v >= 0, v.isFinite else { return nil }
        return v
    }
}

// MARK: - Gaps

/// A curriculum's skill gaps against the demand of a slice of postings.
///
/// - A skill's **demand** is the postings of the slice requiring it, and its **share** of the slice's postings.
/// - **Growth** is its share in the recent period minus its share in the earlier one (``DemandSlice``).
/// - A skill is **covered** when at least one course teaches it (tagged the same way as postings).
/// - **Gap** = share × (0 when covered, 1 when not); skills rank by gap, then share, then id, so uncovered
///   skills come first, most demanded first, and covered ones follow.
/// - Skills **taught but little demanded** are the curriculum's skills whose share is below
///   ``Options/lowDemand`` (1 % by default), least demanded first.
/// - With a supply table, the **demand/supply ratio** (求人倍率) of each row is the slice's openings for the
///   occupation or skill (headcount, a posting without headcount counting as one) over the row's count. An
///   occupation row matches postings by code, occupation text or code name, ignoring case.
///
/// ```swift
/// let gaps = SkillGaps(slice: slice, curriculum: curriculum)
/// for g in gaps.gaps where g.courses.isEmpty { print(g.skill, g.share, g.growth?.points ?? .nan) }
/// ```
///
/// ## Topics
/// - ``Gap``
/// - ``LowDemand``
/// - ``SupplyRatio``
public struct SkillGaps: Sendable {
    public struct Options: Sendable {
        /// Demanded skills to keep, by rank; `nil` keeps all.
        public var top: Int? = 30
        /// A taught skill demanded by fewer than this share of postings is listed as little demanded.
        public var lowDemand = 0.01
        public var examples = 3

        public init(top: Int? = 30, lowDemand: Double = 0.01) {
            self.top = top
            self.lowDemand = lowDemand
        }
    }

    /// A demanded skill and whether the curriculum covers it.
    public struct Gap: Sendable, Equatable {
        public var skill: String
        public var postings: Int
        public var share: Double
        public var growth: DemandGrowth?
        /// Courses teaching the skill; empty when it is not covered.
        public var courses: [String]
        /// `share` when not covered, else 0.
        public var gap: Double
        /// Ids of the most recent postings requiring the skill.
        public var examples: [String]
    }

    /// A taught skill few postings ask for.
    public struct LowDemand: Sendable, Equatable {
        public var skill: String
        public var postings: Int
        public var share: Double
        public var courses: [String]
    }

    /// Demand over supply for one row of the supply table.
    public struct SupplyRatio: Sendable, Equatable {
        public var name: String
        public var kind: SupplyTable.Kind
        /// Postings of the occupation or requiring the skill.
        public var postings: Int
        /// Their openings (headcount; a posting without one counts as one).
        public var demand: Int
        public var supply: Double
        /// `demand / supply`; `nil` when the supply is 0.
        public var ratio: Double?
    }

    public let slice: DemandSlice
    public let curriculum: Curriculum
    /// Demanded skills by gap, then share (cut to `top`).
    public let gaps: [Gap]
    /// Demanded skills before the cut, and how many of them are not covered.
    public let demandedCount: Int
    public let uncoveredCount: Int
    /// Postings requiring at least one taught skill, over the slice's postings.
    public let reach: Double
    public let lowDemand: [LowDemand]
    public let supply: [SupplyRatio]

    /// Ranks the gaps.
    ///
    /// - Parameters:
    ///   - slice: the postings and periods.
    ///   - curriculum: the tagged courses.
    ///   - supply: job seekers or graduates, if given.
    ///   - options: cut-offs.
    ///   - occupationName: the name of an occupation code, so supply rows may name occupations by name.
    public init(slice: DemandSlice, curriculum: Curriculum, supply: SupplyTable? = nil, options: Options = Options(),
                occupationName: (String) -> String? = { _ in nil }) {
        self.slice = slice
        self.curriculum = curriculum
        let taught = curriculum.coursesBySkill
        var index: [String: Int] = [:]
        var counts: [(postings: Int, earlier: Int, recent: Int, weighted: Int, examples: [(day: Int, index: Int)])] = []
        var reached = 0
        let limit = max(0, options.examples)
        for (i, p) in slice.postings.enumerated() {
            let period = slice.period(of: p)
            var touches = false
            for s in p.skills {
                if !touches, taught[s] != nil { touches = true }
                let k: Int
                if let existing = index[s] { k = existing } else {
                    k = counts.count
                    index[s] = k
                    counts.append((0, 0, 0, 0, []))
                }
                counts[k].postings += 1
                counts[k].weighted += p.weight
                if period == .earlier { counts[k].earlier += 1 } else if period == .recent { counts[k].recent += 1 }
                let candidate = (day: p.posted ?? Int.min, index: i)
                if counts[k].examples.count < limit {
                    counts[k].examples.append(candidate)
                } else if limit > 0, let oldest = counts[k].examples.indices.min(by: {
                    (counts[k].examples[$0].day, counts[k].examples[$0].index) < (counts[k].examples[$1].day, counts[k].examples[$1].index)
                }), (candidate.day, candidate.index) > (counts[k].examples[oldest].day, counts[k].examples[oldest].index) {
                    counts[k].examples[oldest] = candidate
                }
            }
            if touches { reached += 1 }
        }
        let total = slice.postings.count
        func share(_ n: Int) -> Double { total > 0 ? Double(n) / Double(total) : 0 }
        var all: [Gap] = index.map { skill, k in
            let c = counts[k]
            let courses = taught[skill] ?? []
            let examples = c.examples.sorted { ($0.day, $0.index) > ($1.day, $1.index) }.map { slice.postings[$0.index].id }
            return Gap(skill: skill, postings: c.postings, share: share(c.postings),
                       growth: DemandGrowth(earlier: c.earlier, recent: c.recent, in: slice), courses: courses,
                       gap: courses.isEmpty ? share(c.postings) : 0, examples: examples)
        }
        all.sort { a, b in
            if a.gap != b.gap { return a.gap > b.gap }
            if a.share != b.share { return a.share > b.share }
            return a.skill < b.skill
        }
        demandedCount = all.count
        uncoveredCount = all.filter(\.courses.isEmpty).count
        if let top = options.top, top >= 0, all.count > top { all.removeLast(all.count - top) }
        gaps = all
        reach = share(reached)
        var low: [LowDemand] = []
        for skill in curriculum.skills {
            let n = index[skill].map { counts[$0].postings } ?? 0
            if total == 0 || share(n) < options.lowDemand {
                low.append(LowDemand(skill: skill, postings: n, share: share(n), courses: taught[skill] ?? []))
            }
        }
        low.sort { $0.share != $1.share ? $0.share < $1.share : $0.skill < $1.skill }
        lowDemand = low
        var ratios: [SupplyRatio] = []
        // Openings per occupation code, occupation text and code name, lower-cased.
        var occupations: [String: (postings: Int, demand: Int)] = [:]
        if supply?.rows.contains(where: { $0.kind == .occupation }) == true {
            var names: [String: String?] = [:]
            for p in slice.postings {
                var keys: Set<String> = [p.occupationCode.lowercased(), p.occupation.lowercased()]
                if !p.occupationCode.isEmpty {
                    if names[p.occupationCode] == nil { names[p.occupationCode] = .some(occupationName(p.occupationCode)) }
                    if let name = names[p.occupationCode]!, !name.isEmpty { keys.insert(name.lowercased()) }
                }
                for key in keys where !key.isEmpty {
                    occupations[key, default: (0, 0)].postings += 1
                    occupations[key, default: (0, 0)].demand += p.weight
                }
            }
        }
        for row in supply?.rows ?? [] {
            var postings = 0, demand = 0
            switch row.kind {
            case .skill:
                if let skill = row.skill, let k = index[skill] {
                    postings = counts[k].postings
                    demand = counts[k].weighted
                }
            case .occupation:
                if let o = occupations[row.name.lowercased()] { (postings, demand) = o }
            }
            ratios.append(SupplyRatio(name: row.name, kind: row.kind, postings: postings, demand: demand,
                                      supply: row.count, ratio: row.count > 0 ? Double(demand) / row.count : nil))
        }
        self.supply = ratios
    }
}
