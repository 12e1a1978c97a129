import Foundation
import IndexStore
import SearchEngine
import TextAnalysis

/// An occupation a title was mapped to.
public struct OccupationMatch: Sendable, Codable, Equatable {
    /// The CSCO 2022 code, e.g. `6-18-01-01`.
    public var code: String
    /// The official name, without its S/L marker.
    public var name: String
    /// Higher is better: about the number of title characters a name or alias of the occupation covers
    /// (焊工 counts 2, a Latin word 1.5), plus up to 2 for the engine's text match and small bonuses. Below
    /// ``OccupationClassifier/confidentScore`` the match is a guess.
    public var score: Double
    /// The 中类 (level 2) code, e.g. `6-18`.
    public var middle: String
    /// Whether the score reaches ``OccupationClassifier/confidentScore``: below it the match is a guess.
    public var confident: Bool { score >= OccupationClassifier.confidentScore }

    public init(code: String, name: String, score: Double, middle: String) {
        self.code = code
        self.name = name
        self.score = score
        self.middle = middle
    }
}

/// Maps job titles to codes of China's Occupational Classification 2022 (CSCO).
///
/// The classifier indexes the occupations with the search engine: official names, talent's aliases of the
/// bundled `csco2022.tsv`, and, when a classification file is given, the official definitions and main tasks.
/// A title is first cleaned (``OccupationTitle``: brackets, pay and shift words, the employer before 招聘,
/// places and numbers go) and cut into segments at punctuation. Each candidate occupation then scores:
/// - the weight of its longest name or alias found in a segment (``OccupationAliases``: a character counts 1,
///   a bare role word such as 工程师 half; a role may be qualified in between, 电气销售工程师 holding 电气…工程师),
///   more when it ends the segment (the head of a Chinese title: 暖通销售工程师 is a 销售工程师), plus a little
///   for its other forms found;
/// - up to 2 for the engine's BM25 score relative to the best hit;
/// - a bonus when the title's head word names its kind (…工程师 → 工程技术人员; only for occupations whose
///   name or alias was found), a little support from other candidates of its 中类, and a small penalty per
///   level above 细类;
/// - for a sales title headed by a manager's word (饲料销售经理, 渠道销售总监) or qualified as senior
///   (高级销售代表), 市场营销专业人员 takes the best salesman's score plus a bonus: job boards' sales managers
///   are marketing professionals, their staff 营销员 (international trade, 海外销售经理, is left alone).
///
/// ```swift
/// let classifier = try OccupationClassifier(analyzer: try Analyzer())
/// let best = try classifier.classify("招聘數控車工（兩班倒）").first
/// // best?.code == "6-18-01-01", best?.name == "车工", best?.middle == "6-18"
/// ```
///
/// The engine's index (about 2,000 documents, a tenth of a second) is built when first consulted: written to a
/// temporary folder, opened, and the folder removed (the open snapshot keeps its files mapped). Indexing,
/// which assigns codes without it, never builds it. Not thread-safe (it owns an
/// analysis session and a searcher): make one per thread.
///
/// ## Topics
///
/// ### Classifying
/// - ``classify(_:limit:)``
/// - ``assign(_:)``
/// - ``confidentScore``
/// - ``name(of:)``
/// - ``catalog``
public final class OccupationClassifier {
    public let catalog: OccupationCatalog
    private let session: AnalysisSession
    private let analyzer: Analyzer
    private var engine: Searcher?
    private let aliases: OccupationAliases
    private let indexOfCode: [String: Int]
    /// Each occupation's 中类 code, worked out once (ranking asks for it per candidate).
    private let middles: [String]
    private var marketingIndex: Int? { indexOfCode[Self.marketingCode] }
    /// Ranking weights; the benchmark varies them.
    package var tuning = Tuning()

    /// The weights of the re-ranking.
    package struct Tuning: Sendable {
        /// Added when the longest form found ends a segment (the head of the title).
        package var headBonus = 0.45
        /// Multiplies a form of another kind found before a head word that names one (轴承 in 轴承工程师).
        package var modifier = 0.5
        /// Per character of the occupation's other forms found apart from the longest.
        package var coverage = 0.3
        /// Multiplies forms found inside brackets.
        package var bracketed = 0.6
        /// Multiplies a workplace found before a job word (养老院 in 养老院厨师), which the engine's query then
        /// leaves out too.
        package var workplace = 0.3
        /// Multiplies forms found in the employer's name, added to what the job title gave.
        package var employer = 0.3
        /// Multiplies forms found in the second and later segments (`行政专员/助理`).
        package var laterSegment = 0.9
        /// The engine's score, relative to the best candidate's, counts this much.
        package var engine = 2.0
        /// Added to occupations of the kind the title's head word names (工程师 → 工程技术人员, 老师 → 教学人员).
        package var headKind = 0.8
        /// Each candidate gains this share of the scores of the other candidates of its 中类 (within
        /// ``voteWindow`` of the best score): related matches support each other.
        package var middleVote = 0.1
        package var voteWindow = 1.5
        /// Added to 市场营销专业人员 when a sales title's head is a manager's (饲料销售经理, 电话销售主管): job boards'
        /// sales managers are marketing professionals, their staff 营销员.
        package var salesManager = 1.0
        /// Subtracted per level above 4, so that a 细类 wins ties.
        package var levelPenalty = 0.1
        /// Engine candidates considered.
        package var candidates = 30
        /// Field weights of the engine's query.
        package var fieldWeights: [String: Double] = ["name": 1, "alias": 1, "text": 0.6]
    }

    static let schema = Schema(textFields: ["name", "alias", "text"], columns: [])

    /// Reads the bundled classification and `classificationFile`; the engine's index waits for its first use.
    ///
    /// - Parameters:
    ///   - analyzer: the analyzer of titles and occupation texts (use the index's, so both fold alike).
    ///   - classificationFile: a copy of csco22.csv; its definitions and main tasks are indexed too.
    /// - Throws: ``OccupationError`` when a file cannot be read. (The engine's error, when its temporary index
    ///   cannot be written, comes from the first classification that consults it.)
    public init(analyzer: Analyzer, classificationFile: String? = nil) throws {
        catalog = try OccupationCatalog(classificationFile: classificationFile)
        session = try analyzer.makeSession()
        var aliases = OccupationAliases()
        var indexOfCode: [String: Int] = [:]
        for (i, o) in catalog.occupations.enumerated() {
            indexOfCode[o.code] = i
            aliases.add(try session.fold(o.name), occupation: i)
            for a in o.aliases { aliases.add(try session.fold(a), occupation: i) }
            for w in o.workplaces { aliases.add(try session.fold(w), occupation: i, workplace: true) }
        }
        self.aliases = aliases
        self.indexOfCode = indexOfCode
        middles = catalog.occupations.map(\.middle)
        self.analyzer = analyzer
    }

    /// The engine's searcher over the occupations, built on first use.
    private func engineSearcher() throws -> Searcher {
        if let engine { return engine }
        Self.removeAbandonedEngineFolders()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(Self.engineFolderPrefix)\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let searcher: Searcher
        do {
            let writer = try IndexWriter(directory: directory, schema: Self.schema, analyzer: analyzer, ramBudget: 8 << 20,
                                         threads: 1, purpose: "occupation classifier")
            for o in catalog.occupations {
                let text = [o.definition, o.tasks].filter { !$0.isEmpty }
                try writer.add(IndexableDocument(id: o.code, fields: [[o.name], (o.aliases + o.workplaces).map { $0.replacingOccurrences(of: "*", with: " ") }, text],
                                                 stored: [], values: []))
            }
            try writer.finish()
            try writer.transaction.commit()
            var options = SearchOptions()
            options.fieldWeights = tuning.fieldWeights
            searcher = try Searcher(snapshot: try IndexSnapshot(directory: directory), analyzer: analyzer, options: options)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        // The snapshot maps every file when it opens: the folder can go now, and nothing is left behind.
        try? FileManager.default.removeItem(atPath: directory)
        engine = searcher
        return searcher
    }

    static let engineFolderPrefix = "talent-occupations-"

    /// Removes the engine folders of processes that died while building theirs (killed between creating the
    /// folder and opening it): the folder's name carries its process id.
    static func removeAbandonedEngineFolders() {
        let fm = FileManager.default
        let temporary = fm.temporaryDirectory
        guard let names = try? fm.contentsOfDirectory(atPath: temporary.path) else { return }
        for name in names where name.hasPrefix(engineFolderPrefix) {
            guard let pid = Int32(name.dropFirst(engineFolderPrefix.count).prefix { $0.isNumber }), pid > 0,
                  kill(pid, 0) == -1, errno == ESRCH
            else { continue }
            try? fm.removeItem(at: temporary.appendingPathComponent(name))
        }
    }

    /// The score from which a match is trusted without review: a name or alias of three or more characters
    /// covers the title. On the hand-mapped dev titles, matches below it are right about one time in four.
    public static let confidentScore = 3.0

    /// The score from which a match found without the engine is recorded: a name or alias of two characters
    /// or one Latin word (电工, 焊工, welder) found in the title. Without the engine's up to 2 points, a title that
    /// is exactly an occupation's name scores about 2.5, and ``confidentScore`` left one posting in five of
    /// jobs.csv without a code. On the dev titles (`talent-bench classify`), codes from 2 on reach 93% of titles
    /// and are as often right as those from 3 on (77%): 0.69 against 0.71 at the 细类 level.
    public static let assignScore = 2.0

    /// The occupation to record for a posting whose title is `title`, or `nil` when the title names none
    /// clearly: what indexing assigns when a record has no code.
    ///
    /// - Parameters:
    ///   - title: the posting's title.
    ///   - useEngine: also consult the BM25 engine (slower), and trust matches from ``confidentScore``;
    ///     indexing leaves it out, since a clear match comes from a name or alias in the title anyway, and
    ///     trusts matches from ``assignScore``.
    /// - Returns: the best match, when clear enough.
    public func assign(_ title: String, useEngine: Bool = true) throws -> OccupationMatch? {
        guard let best = try explain(title, limit: 1, useEngine: useEngine).first?.match,
              best.score >= (useEngine ? Self.confidentScore : Self.assignScore)
        else { return nil }
        return best
    }

    /// The official name of a code (without its S/L marker), or `nil` for an unknown code.
    public func name(of code: String) -> String? { catalog[code]?.name }

    /// The occupations a job title most likely names, best first.
    ///
    /// - Parameters:
    ///   - title: a job title as posted, Chinese or English (`数控车工（两班倒）`, `Senior Java Developer`).
    ///   - limit: how many occupations to return at most.
    /// - Returns: up to `limit` matches, best first; empty when nothing in the title names an occupation
    ///   (an empty title, pay and shift words only, or words the classification does not know).
    public func classify(_ title: String, limit: Int = 3) throws -> [OccupationMatch] {
        try explain(title, limit: limit).map(\.match)
    }

    /// ``classify(_:limit:)`` with, per match, the name or alias found in the title (`nil` when only the
    /// engine's text match found it), for the benchmark and debugging.
    package func explain(_ title: String, limit: Int = 3, useEngine: Bool = true) throws -> [(match: OccupationMatch, form: String?)] {
        guard limit > 0 else { return [] }
        let folded = try session.fold(String(title.prefix(200)))
        let candidates = try rank(OccupationTitle(folded: folded), useEngine: useEngine)
        let before = { (a: (key: Int, value: Candidate), b: (key: Int, value: Candidate)) in
            a.value.score != b.value.score ? a.value.score > b.value.score : a.key < b.key
        }
        // Indexing asks for the best only: no sort of every candidate.
        let ranked = limit == 1 ? candidates.min(by: before).map { [$0] } ?? [] : candidates.sorted(by: before)
        return ranked.prefix(limit).map { i, c in
            let o = catalog.occupations[i]
            let form = c.form.map { aliases.forms[$0].parts.map { String(String.UnicodeScalarView($0)) }.joined(separator: "*") }
            return (OccupationMatch(code: o.code, name: o.name, score: (c.score * 1000).rounded() / 1000, middle: middles[i]), form)
        }
    }

    private struct Candidate {
        var score: Double
        /// The form that scored it, if any.
        var form: Int?
    }

    /// The score of every candidate occupation (by index in the catalog).
    private func rank(_ title: OccupationTitle, useEngine: Bool = true) throws -> [Int: Candidate] {
        let t = tuning
        var formScore: [Int: Candidate] = [:]
        // Forms found in the title: per occupation, the best weighted form, plus coverage by its others.
        let sources = title.segments.enumerated().map { ($1, $0 == 0 ? 1.0 : t.laterSegment) }
            + title.bracketed.map { ($0, t.bracketed) }
        // The segments as the engine is asked about them: without a workplace that only says where the job is.
        var engineSegments = title.segments
        for (s, (segment, factor)) in sources.enumerated() {
            var best: [Int: (score: Double, start: Int, end: Int, form: Int)] = [:]
            var covered: [Int: [Bool]] = [:]
            let matches = aliases.matches(in: segment)
            // A job word at the head: a workplace before it only says where the job is (养老院厨师 is a cook). Not
            // a bare role word, which the workplace qualifies (电子厂普工 makes electronics).
            let jobAtHead = matches.contains {
                $0.end == segment.count && !aliases.forms[$0.form].workplace && !aliases.forms[$0.form].takesFieldFromWorkplace
            }
            if useEngine && jobAtHead && s < engineSegments.count {
                var keep = [Bool](repeating: true, count: segment.count)
                for m in matches where aliases.forms[m.form].workplace && m.end < segment.count {
                    for k in m.start..<m.end { keep[k] = false }
                }
                engineSegments[s] = segment.indices.filter { keep[$0] }.map { segment[$0] }
            }
            // A head word naming a kind (轴承工程师: an engineer) makes the words before it a qualifier: an
            // occupation of another kind found there (轴承制造工) counts less, and none may end inside the head
            // (水泵工 in 水泵工程师).
            let head = Self.kindHead(segment)
            for m in matches {
                let form = aliases.forms[m.form]
                var weight = m.weight
                if form.workplace && jobAtHead && m.end < segment.count { weight *= t.workplace }
                if let (h, kinds) = head, m.start < h, m.end < segment.count {
                    if m.end > h { continue }
                    if !kinds.contains(where: { catalog.occupations[form.occupation].code.hasPrefix($0) }) { weight *= t.modifier }
                }
                let s = weight + (m.end == segment.count ? t.headBonus : 0)
                if best[form.occupation].map({ s > $0.score }) ?? true { best[form.occupation] = (s, m.start, m.end, m.form) }
                var cover = covered[form.occupation] ?? [Bool](repeating: false, count: segment.count)
                for k in m.start..<m.end { cover[k] = true }
                covered[form.occupation] = cover
            }
            for (o, b) in best {
                let extra = (covered[o] ?? []).enumerated().filter { $0.element && !(b.start..<b.end).contains($0.offset) }.count
                let s = factor * (b.score + t.coverage * Double(extra))
                if s > formScore[o]?.score ?? 0 { formScore[o] = Candidate(score: s, form: b.form) }
            }
        }
        // The employer's name adds to occupations it names (某某奶茶店招聘店员).
        if t.employer > 0 {
            var context: [Int: Double] = [:]
            for segment in title.employer {
                for m in aliases.matches(in: segment) {
                    let o = aliases.forms[m.form].occupation
                    context[o] = max(context[o] ?? 0, t.employer * m.weight)
                }
            }
            for (o, s) in context { formScore[o, default: Candidate(score: 0, form: nil)].score += s }
        }
        // The engine's candidates.
        var engineScore: [Int: Double] = [:]
        if useEngine, case let text = (title.segments.isEmpty ? title.bracketed : engineSegments)
            .map({ String(String.UnicodeScalarView($0)) }).joined(separator: " "), !text.isEmpty {
            let searcher = try engineSearcher()
            if searcher.options.fieldWeights != t.fieldWeights { searcher.options.fieldWeights = t.fieldWeights }
            let hits = try searcher.search(.text(text), limit: t.candidates).hits
            let top = hits.first?.score ?? 0
            if top > 0 {
                for h in hits { if let i = indexOfCode[h.id] { engineScore[i] = h.score / top } }
            }
        }
        let kinds = title.segments.first.map(Self.headKinds) ?? []
        let managesSales = title.segments.first.map { Self.managesSales($0) || (title.senior && Self.sellsSenior($0)) } ?? false
        var result: [Int: Candidate] = [:]
        for i in Set(formScore.keys).union(engineScore.keys) {
            let o = catalog.occupations[i]
            var score = (formScore[i]?.score ?? 0) + t.engine * (engineScore[i] ?? 0) - t.levelPenalty * Double(4 - o.level)
            // The head word supports a name or alias found, not the engine's guesses: `工程师` alone is the
            // generic engineer, not whichever engineer's aliases repeat the word most.
            if formScore[i] != nil && kinds.contains(where: { o.code.hasPrefix($0) }) { score += t.headKind }
            result[i] = Candidate(score: score, form: formScore[i]?.form)
        }
        // A sales title headed by a manager, or senior, names a marketing professional: it takes the best
        // salesman's score (高级销售代表 matched only 销售代表), plus a bonus.
        if managesSales, let m = marketingIndex {
            var base = result[m]?.score ?? 0
            var form = result[m]?.form
            for (i, c) in result where c.score > base && catalog.occupations[i].code.hasPrefix("4-01-0") {
                base = c.score
                form = c.form
            }
            result[m] = Candidate(score: base + t.salesManager, form: result[m]?.form ?? form)
        }
        if t.middleVote > 0, let top = result.values.map(\.score).max() {
            var support: [String: Double] = [:]
            for (i, c) in result where c.score >= top - t.voteWindow { support[middles[i], default: 0] += c.score }
            // Support goes to occupations the title names, not to the engine's guesses: a title naming none
            // (正式工) must not look confident because its guesses share a 中类.
            for (i, c) in result where c.score >= top - t.voteWindow && c.form != nil {
                result[i]!.score += t.middleVote * ((support[middles[i]] ?? 0) - c.score)
            }
        }
        return result
    }

    /// Head words of titles and the code prefixes of the occupations they name.
    static let headWords: [(head: [Unicode.Scalar], prefixes: [String])] = [
        ("工程师", ["2-02"]), ("技术员", ["2-02", "4-08"]), ("研发", ["2-02", "2-01"]), ("研究员", ["2-01", "2-02"]),
        ("老师", ["2-08", "2-06-08-04", "4-13-04", "4-14-05-01"]), ("教师", ["2-08", "2-06-08-04"]), ("讲师", ["2-08", "2-06-08-04"]),
        ("教练", ["4-14-05-01", "2-09-07"]), ("医生", ["2-05"]), ("医师", ["2-05"]), ("护士", ["2-05-08"]),
        ("司机", ["4-02-02", "6-30"]), ("驾驶员", ["4-02-02", "6-30"]),
        ("普工", ["6-"]), ("操作工", ["6-"]), ("工人", ["6-"]), ("技工", ["6-", "4-12"]), ("师傅", ["6-", "4-12", "4-03-02"]),
    ].map { (Array($0.0.unicodeScalars), $0.1) }

    static let marketingCode = "2-06-07-02"
    static let salesWords: [[Unicode.Scalar]] = ["销售", "营销", "业务", "市场", "渠道"].map { Array($0.unicodeScalars) }
    static let managerHeads: [[Unicode.Scalar]] = ["经理", "总监", "主管", "负责人", "主任", "组长", "团队长", "队长", "部长", "总", "副总", "大区经理"]
        .map { Array($0.unicodeScalars) }

    /// Whether `segment` is a sales title headed by a manager's word: 饲料销售经理, 渠道销售总监.
    static func managesSales(_ segment: [Unicode.Scalar]) -> Bool {
        guard let head = managerHeads.first(where: { segment.count > $0.count && segment.suffix($0.count).elementsEqual($0) }) else { return false }
        let field = segment.dropLast(head.count)
        guard field.count >= 2 else { return false }
        // 海外销售经理, 外贸业务主管: international trade names them better.
        for word in foreignTradeWords where contains(field, word) { return false }
        return salesWords.contains { contains(field, $0) }
    }

    /// Whether `segment`, qualified as senior, is a sales title (高级销售代表, 资深化工销售).
    static func sellsSenior(_ segment: [Unicode.Scalar]) -> Bool {
        let field = segment[...]
        for word in foreignTradeWords where contains(field, word) { return false }
        return contains(field, salesWords[0]) || contains(field, salesWords[1])
    }

    static let foreignTradeWords: [[Unicode.Scalar]] = ["海外", "外贸", "国际", "跨境", "外销", "出口"].map { Array($0.unicodeScalars) }

    private static func contains(_ text: ArraySlice<Unicode.Scalar>, _ word: [Unicode.Scalar]) -> Bool {
        var i = text.startIndex
        while i + word.count <= text.endIndex {
            if text[i..<(i + word.count)].elementsEqual(word) { return true }
            i += 1
        }
        return false
    }

    /// Head words whose kind outranks the qualifiers before them: an engineer or technician of a product or
    /// material (轴承工程师, 特气工程师) is an engineering professional, not its production worker.
    static let kindHeads: Set<[Unicode.Scalar]> = [Array("工程师".unicodeScalars), Array("技术员".unicodeScalars)]

    /// Where the head word ending `segment` starts and the code prefixes it names, when words precede it and
    /// the head is one of ``kindHeads``.
    static func kindHead(_ segment: [Unicode.Scalar]) -> (start: Int, kinds: [String])? {
        for (head, prefixes) in headWords where segment.count > head.count && segment.suffix(head.count).elementsEqual(head) {
            guard kindHeads.contains(head) else { return nil }
            return (segment.count - head.count, prefixes)
        }
        return nil
    }

    /// The code prefixes the head word ending `segment` names, if any.
    static func headKinds(_ segment: [Unicode.Scalar]) -> [String] {
        for (head, prefixes) in headWords where segment.count >= head.count && segment.suffix(head.count).elementsEqual(head) {
            return prefixes
        }
        return []
    }
}
