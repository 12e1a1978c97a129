import Foundation
import IndexStore
import TextAnalysis

/// One result: where it is, its score, and (with `explain`) why.
public struct Hit: Sendable {
    public var segment: Int
    public var doc: Int
    public var score: Double
    public var id: String
    public var explanation: [Contribution]
}

/// One clause's share of a hit's score, for `--explain`.
public struct Contribution: Sendable, Codable {
    public var field: String
    /// The term, or the phrase's terms joined by spaces.
    public var term: String
    /// `exact`, `phrase`, or `subword of 工具`.
    public var origin: String
    public var freq: Int
    public var fieldLength: Int
    public var averageLength: Double
    public var idf: Double
    public var weight: Double
    public var score: Double
}

public struct SearchResults: Sendable {
    public var hits: [Hit]
    /// All matching documents, when counted (with facets or an exhaustive search); `nil` otherwise.
    public var totalMatches: Int?
    /// Per requested facet, values with their counts over all matching documents, most frequent first.
    public var facets: [String: [(value: String, count: Int)]]
    /// The query's folded terms and those it expanded to, as planned (repeats included).
    var highlightTermList: [String]
    var highlightPieceList: [String] = []

    /// Folded terms that matched, for highlighting.
    public var highlightTerms: Set<String> { Set(highlightTermList) }
    /// Those of `highlightTerms` that are single characters of a longer query word (`数控编程` → `数 控 编 程`):
    /// a snippet marks them only where they touch another match, not every lone `数` of the text.
    public var highlightPieces: Set<String> { Set(highlightPieceList) }
}

/// How the top documents are found.
public enum SearchStrategy: Sendable {
    /// MaxScore pruning when the query allows it, else exhaustive.
    case auto
    /// Score every matching document (for tests and facets).
    case exhaustive
}

/// Finds the best documents for a query in an index snapshot.
///
/// Query words are analysed exactly as documents were. Each word becomes a BM25 clause per searched field
/// (``SearchOptions/fieldWeights``); each multi-word chunk is scored again as a phrase; a lexicon compound the
/// words spell stands for them. Rare words also get the longer dictionary terms that contain them (`工具` finds
/// `工具箱`) and the lexicon's synonyms and translations (`welder` finds `焊工`), which count only where the
/// query's own words are missing. The sum is multiplied by the share of the query's words a document matches
/// (coordination), so documents matching more of the query rank first.
///
/// The top *k* come from block-max MaxScore (bounds from each postings block's competitive (freq, length)
/// pairs, and from the coordination a candidate can still reach), which returns exactly what scoring every matching
/// document would; ties go to the earlier document.
///
/// ```swift
/// let searcher = try Searcher(snapshot: try IndexSnapshot(directory: "index"), analyzer: try Analyzer())
/// let results = try searcher.search(try QueryParser().parse("数控车工 深圳 salary>=8000"), limit: 10)
/// for hit in results.hits { print(hit.id, hit.score) }
/// ```
///
/// Not thread-safe (it owns an ICU session); make one per thread.
public final class Searcher {
    public let snapshot: IndexSnapshot
    public var options: SearchOptions {
        didSet { if options != oldValue { planCache.removeAll() } }
    }
    /// Plans kept by query (``plannedQuery(_:)``); 0 plans every search afresh (benchmarks of distinct
    /// queries). A plan of a two-chunk query holds ~10 KB, and `talent serve` keeps up to 64 searchers.
    public var planCacheLimit = 128 {
        didSet { if planCacheLimit <= 0 { planCache.removeAll() } }
    }
    var planCache: [Query: (plan: QueryPlan, stats: [ClauseStats])] = [:]
    let session: AnalysisSession
    let schema: Schema
    let fieldStats: [FieldStats]
    private var expansionCache: [ExpansionKey: [String]] = [:]
    /// Passes over a field's dictionaries for sub-word expansion so far (tests count them).
    private(set) var dictionaryPasses = 0

    struct ExpansionKey: Hashable {
        let field: Int
        let term: String
    }
    let scratch = ScoringScratch()
    /// Cursors of finished clauses, reused by the next segment's and search's (a one-word query opens tens per
    /// segment: sub-words, synonyms, fields), at most ``cursorPoolLimit``, each with a skip table of at most
    /// ``cursorPoolBlocks`` blocks: under 1 MB a searcher, and `talent serve` keeps up to 64 searchers.
    var cursorPool: [PostingsCursor] = []
    static let cursorPoolLimit = 64
    static let cursorPoolBlocks = 256
    private var lengths: LengthTables?
    /// Dictionary entries looked up so far, by field and term, with one entry per segment: planning,
    /// statistics and binding ask for the same terms, and so do later searches on the same snapshot (which
    /// never changes). Bounded by ``termInfoLimit``.
    private var termInfos: [TermKey: TermEntry] = [:]
    static let termInfoLimit = 1 << 16
    /// Lexicon forms (synonyms, translations) as the analyzer folds and splits them: the same for every
    /// query that names their skill.
    private var analysedForms: [String: (folded: String, tokens: [Token])] = [:]
    /// ``synonymRecipe(for:fields:)``'s answers.
    private var synonymRecipes: [SynonymKey: SynonymRecipe] = [:]
    /// The texts the current plan analysed and the word lists it joined: the expansion prefetch walks the
    /// query first, and planning asks again. Searched by identity in practice (the strings come from the one
    /// query), so a list beats hashing.
    private var planAnalyses: [(text: String, words: [(term: String, position: Int)], compounds: [Token])] = []
    private var planJoins: [(parts: [Query], joined: [Query])] = []

    struct SynonymKey: Hashable {
        let text: String
        let fields: [Int]
        let weights: [Double]
    }

    struct SynonymRecipe {
        struct Step {
            let clause: ScoringClause
            /// The field's weight; the synonym weight applies when the recipe is used (options may change).
            let fieldWeight: Double
            let phrase: Bool
        }
        var steps: [Step] = []
        var highlight: [String] = []
        /// Single characters of a form's words: marked only where they touch another match.
        var pieces: [String] = []
    }

    /// Compared and hashed by the term's UTF-8 bytes, as the dictionary compares terms: String's own hashing
    /// normalizes non-ASCII text first, which was most of a cached lookup.
    struct TermKey: Hashable {
        var field: Int
        var term: String

        static func == (a: TermKey, b: TermKey) -> Bool {
            guard a.field == b.field else { return false }
            var x = a.term, y = b.term
            return x.withUTF8 { p in y.withUTF8 { q in p.count == q.count && (p.isEmpty || memcmp(p.baseAddress!, q.baseAddress!, p.count) == 0) } }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(field)
            var term = term
            term.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Threads one search may use: on an index of at least ``parallelMinimumDocuments`` documents, MaxScore runs
    /// on a second thread too, the two taking parts of the index in turn and sharing one top k, so the result is
    /// the same. 1 keeps every search on the caller's thread.
    public var searchThreads = min(2, ProcessInfo.processInfo.activeProcessorCount)
    /// Below this many documents a search stays on one thread: waking a second one costs tens of µs on a
    /// virtual machine, which a search of a small index does not win back (peers' queries, any p50, one
    /// thread → two: jobs.csv's 36k 80 → 96 µs; 108k 137 → 133; 215k 166 → 157; 1M 495 → 281).
    public var parallelMinimumDocuments = 100_000
    /// A parallel search takes the index in about this many parts, each at least ``minimumPartDocuments`` long
    /// (tests lower both to split small segments).
    var partsPerIndex = 4
    var minimumPartDocuments = 1 << 16
    /// The searcher the second thread uses (its own cursors and scratch), made on first need.
    var laneHelper: Searcher?

    public init(snapshot: IndexSnapshot, analyzer: Analyzer, options: SearchOptions = SearchOptions()) throws {
        self.snapshot = snapshot
        self.options = options
        self.session = try analyzer.makeSession()
        self.schema = snapshot.manifest.schema
        self.fieldStats = snapshot.fieldStats
    }

    /// A searcher for `parent`'s second thread: it only runs plans its parent made, so it shares the parent's
    /// analysis session without ever using it.
    init(helping parent: Searcher) {
        self.snapshot = parent.snapshot
        self.options = parent.options
        self.session = parent.session
        self.schema = parent.schema
        self.fieldStats = parent.fieldStats
        self.searchThreads = 1
        self.planCacheLimit = 0
    }

    /// BM25 length parts per field for the current options (made on first use, again when `bm25` changes).
    func lengthTables() -> LengthTables {
        if let lengths, lengths.bm25 == options.bm25 { return lengths }
        let averages = fieldStats.map { $0.docCount > 0 ? Double($0.sumLength) / Double($0.docCount) : 1 }
        let made = LengthTables(bm25: options.bm25, averageLengths: averages)
        lengths = made
        return made
    }

    /// A term's dictionary entries in every segment of the snapshot.
    struct TermEntry {
        /// Per segment, `nil` where the segment lacks the term.
        var infos: [TermInfo?]
        /// Document frequency summed over the segments (deleted documents included, as BM25's statistics are).
        var docFreq: Int
    }

    /// The dictionary entries of `term` in `field`, one per segment, remembered.
    func termEntry(field: Int, term: String) throws -> TermEntry {
        let key = TermKey(field: field, term: term)
        if let known = termInfos[key] { return known }
        let infos = try snapshot.segments.map { try $0.termInfo(field: field, term: term) }
        let entry = TermEntry(infos: infos, docFreq: infos.reduce(0) { $0 + ($1?.docFreq ?? 0) })
        if termInfos.count >= Self.termInfoLimit { termInfos = [:] }
        termInfos[key] = entry
        return entry
    }

    /// A lexicon form folded and analysed, remembered (the lexicon holds a few thousand forms).
    func analysedForm(_ form: String) throws -> (folded: String, tokens: [Token]) {
        if let known = analysedForms[form] { return known }
        let made = (folded: try session.fold(form), tokens: try session.analyze(form))
        analysedForms[form] = made
        return made
    }

    // MARK: - Planning

    /// Field name aliases users type.
    static func resolveField(_ name: String) -> String {
        switch name.lowercased() {
        case "description", "desc", "text": return "body"
        case "skill": return "skills"
        case "company": return "employer"
        default: return name.lowercased()
        }
    }

    var defaultFields: [(Int, Double)] {
        schema.textFields.enumerated().compactMap { i, name in
            options.fieldWeights[name].flatMap { $0 > 0 ? (i, $0) : nil }
        }
    }

    /// The fields a `name:` clause searches: the field, and those ``SearchOptions/alsoSearched`` adds to it.
    func fieldedFields(_ f: Int) -> [(Int, Double)] {
        var fields = [(f, 1.0)]
        for other in options.alsoSearched[schema.textFields[f]] ?? [] {
            if let o = schema.fieldNumber(other), o != f { fields.append((o, 1)) }
        }
        return fields
    }

    /// ``SearchOptions/exactFieldWeights`` as field numbers, leaving out fields searched in full anyway.
    var exactFields: [(Int, Double)] {
        schema.textFields.enumerated().compactMap { i, name in
            guard options.fieldWeights[name] == nil else { return nil }
            return options.exactFieldWeights[name].flatMap { $0 > 0 ? (i, $0) : nil }
        }
    }

    func plan(_ query: Query) throws -> QueryPlan {
        defer {
            planAnalyses.removeAll(keepingCapacity: true)
            planJoins.removeAll(keepingCapacity: true)
        }
        try prefetchExpansions(query)
        var p = QueryPlan()
        let fields = defaultFields
        p.defaultFields = fields.map(\.0)
        p.exactFields = exactFields
        p.match = try node(query, fields: fields, plan: &p) ?? .none
        return p
    }

    /// The words of `text` at their positions, and apart the compounds laid over several of them.
    private func analyse(_ text: String) throws -> (words: [(term: String, position: Int)], compounds: [Token]) {
        if let known = planAnalyses.first(where: { $0.text == text }) { return (known.words, known.compounds) }
        let tokens = try session.analyze(text)
        let made = (words: tokens.filter { $0.length == 1 }.map { ($0.term, $0.position) }, compounds: tokens.filter { $0.length > 1 })
        planAnalyses.append((text, made.words, made.compounds))
        return made
    }

    /// The match node of a query part; `nil` when it has nothing to match (only punctuation).
    private func node(_ q: Query, fields: [(Int, Double)], plan p: inout QueryPlan) throws -> MatchNode? {
        switch q {
        case .text(let text):
            return try textNode(text, fields: fields, exactFields: p.exactFields(for: fields), plan: &p)
        case .phrase(let text):
            let terms = try analyse(text).words
            guard !terms.isEmpty else { return nil }
            if terms.count == 1 { return try textNode(text, fields: fields, exactFields: p.exactFields(for: fields), plan: &p) }
            let base = terms[0].position
            var alternatives: [MatchNode] = []
            for (f, w) in fields {
                let clause = ScoringClause(field: f, kind: .phrase(terms.map(\.term), offsets: terms.map { UInt32($0.position - base) }),
                                           origin: "phrase")
                alternatives.append(.requiredPhrase(p.add(clause, weight: w)))
            }
            p.highlightTerms += terms.map(\.term)
            return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
        case .field(let name, let inner):
            let field = Self.resolveField(name)
            if let f = schema.fieldNumber(field) {
                return try node(inner, fields: fieldedFields(f), plan: &p)
            }
            if schema.columns.contains(where: { $0.name == field }) {
                return try keywordNode(column: field, inner)
            }
            return try node(inner, fields: fields, plan: &p)
        case .range(let field, let op, let value):
            guard let filter = try rangeFilter(field: field, op: op, value: value) else { return nil }
            return .filter(.all, filter)
        case .not(let inner):
            p.negationDepth += 1
            defer { p.negationDepth -= 1 }
            guard let n = try node(inner, fields: fields, plan: &p) else { return nil }
            return .exclude(.all, n)
        case .and(let parts):
            return try combine(parts, required: true, fields: fields, plan: &p)
        case .or(let parts):
            let nodes = try parts.compactMap { try node($0, fields: fields, plan: &p) }
            if nodes.isEmpty { return nil }
            return nodes.count == 1 ? nodes[0] : .or(nodes)
        case .group(let parts):
            return try combine(parts, required: options.match == .all, fields: fields, plan: &p)
        }
    }

    /// Clauses side by side: words combine by `required` (all or any); fielded clauses, ranges and
    /// negations always filter.
    private func combine(_ parts: [Query], required: Bool, fields: [(Int, Double)], plan p: inout QueryPlan) throws -> MatchNode? {
        var words: [MatchNode] = []
        var filters: [MatchNode] = []
        var negatives: [MatchNode] = []
        for part in try joiningLexiconTerms(parts) {
            switch part {
            case .not(let inner):
                p.negationDepth += 1
                defer { p.negationDepth -= 1 }
                if let n = try node(inner, fields: fields, plan: &p) { negatives.append(n) }
            case .range, .field:
                if let n = try node(part, fields: fields, plan: &p) { filters.append(n) }
            default:
                if let n = try node(part, fields: fields, plan: &p) { words.append(n) }
            }
        }
        var positive: MatchNode?
        if !words.isEmpty { positive = words.count == 1 ? words[0] : (required ? .and(words) : .or(words)) }
        // Filters narrow the words; pull ranges out so MaxScore can still drive a union of words.
        var ranges: [RangeFilter] = []
        var others: [MatchNode] = []
        for f in filters {
            if case .filter(.all, let r) = f { ranges.append(r) } else { others.append(f) }
        }
        if !others.isEmpty { positive = positive.map { .and([$0] + others) } ?? (others.count == 1 ? others[0] : .and(others)) }
        if positive == nil && (!ranges.isEmpty || !negatives.isEmpty) { positive = .all }
        guard var result = positive else { return nil }
        for r in ranges { result = .filter(result, r) }
        for n in negatives { result = .exclude(result, n) }
        return result
    }

    /// Adjacent words that together name a lexicon entry (`quality inspector`, `forklift driver`) become one
    /// chunk, so the entry's synonyms and translations apply to them as a whole.
    private func joiningLexiconTerms(_ parts: [Query]) throws -> [Query] {
        if let known = planJoins.first(where: { $0.parts == parts }) { return known.joined }
        let out = try joinLexiconTerms(parts)
        planJoins.append((parts, out))
        return out
    }

    private func joinLexiconTerms(_ parts: [Query]) throws -> [Query] {
        var out: [Query] = []
        var i = 0
        while i < parts.count {
            guard case .text = parts[i] else {
                out.append(parts[i])
                i += 1
                continue
            }
            var joined: (text: String, next: Int)?
            var texts: [String] = []
            var j = i
            while j < parts.count, j < i + 4, case .text(let t) = parts[j] {
                texts.append(t)
                j += 1
                if texts.count > 1 {
                    let candidate = texts.joined(separator: " ")
                    if !session.lexicon.entries(forFolded: try session.fold(candidate)).isEmpty { joined = (candidate, j) }
                }
            }
            if let joined {
                out.append(.text(joined.text))
                i = joined.next
            } else {
                out.append(parts[i])
                i += 1
            }
        }
        return out
    }

    private func textNode(_ text: String, fields: [(Int, Double)], exactFields: [(Int, Double)] = [],
                          plan p: inout QueryPlan) throws -> MatchNode? {
        let (terms, compounds) = try analyse(text)
        guard !terms.isEmpty else { return nil }
        var units: [MatchNode] = []
        // Longer words are looked up for a Chinese word typed on its own, or for a single character typed
        // alone; not for the pieces ICU cut a compound into (编程 → 编 程 must not find 工程).
        let expandable = compounds.isEmpty
        var seen: [String: Int] = [:]  // query word → its unit
        var unitOfPosition: [Int: Int] = [:]
        let firstUnit = p.unitCount
        for (term, position) in terms {
            if let known = seen[term] {
                unitOfPosition[position] = known
                continue
            }
            p.highlightTerms.append(term)
            if terms.count > 1 && term.unicodeScalars.count == 1 { p.highlightPieces.append(term) }
            var alternatives: [MatchNode] = []
            let unit = p.unitCount
            p.unitCount += 1
            if p.negationDepth > 0 { p.inactiveUnits.insert(unit) }
            seen[term] = unit
            unitOfPosition[position] = unit
            let expand = try expandsToLongerWords(term, wordCount: terms.count, expandable: expandable, fields: fields)
            for (f, w) in fields {
                alternatives.append(.clause(p.add(ScoringClause(field: f, kind: .term(term), origin: "exact"), weight: w, unit: unit)))
                guard expand else { continue }
                for longer in try expansions(field: f, term: term) {
                    let clause = ScoringClause(field: f, kind: .term(longer), origin: "subword of \(term)")
                    alternatives.append(.clause(p.add(clause, weight: w * options.subwordWeight, unit: unit,
                                                      credit: options.subwordCredit)))
                    p.highlightTerms.append(longer)
                }
            }
            for (f, w) in exactFields where try termEntry(field: f, term: term).docFreq > 0 {
                alternatives.append(.clause(p.add(ScoringClause(field: f, kind: .term(term), origin: "exact"), weight: w, unit: unit)))
            }
            units.append(alternatives.count == 1 ? alternatives[0] : .or(alternatives))
        }
        // A compound the words spell (数控机床 over 数 控 机床) also stands for them: a posting that has it only
        // in another spelling (程式設計 for 编程) matches every word it covers.
        for compound in compounds {
            p.highlightTerms.append(compound.term)
            let covered = Set((compound.position..<compound.position + compound.length).compactMap { unitOfPosition[$0] }).sorted()
            guard !covered.isEmpty else { continue }
            for (f, w) in fields {
                let i = p.add(ScoringClause(field: f, kind: .term(compound.term), origin: "compound"),
                              weight: w * options.compoundWeight)
                p.coveredUnits[i] = covered
                for u in covered { units[u - firstUnit] = .or([units[u - firstUnit], .clause(i)]) }
            }
        }
        if terms.count > 1 && options.phraseBoost > 0 {
            let base = terms[0].position
            for (f, w) in fields {
                let clause = ScoringClause(field: f, kind: .phrase(terms.map(\.term), offsets: terms.map { UInt32($0.position - base) }),
                                           origin: "phrase")
                _ = p.add(clause, weight: w * options.phraseBoost)
            }
        }
        // Synonyms and translations from the lexicon (PLC = 可编程控制器, welder = 焊工): for the whole chunk
        // and for each word, at a lower weight so postings in the query's own words rank first.
        var alternatives: [MatchNode] = []
        if options.synonymWeight > 0 {
            let chunkUnits = Array(firstUnit..<p.unitCount)
            var counts: [String: Int] = [:]
            for term in seen.keys { counts[term] = try exactCount(term, fields: fields) }
            let fewest = counts.values.min() ?? 0
            // Where the query's own words are nearly absent (an English query over Chinese postings), its
            // synonyms and translations are what the user is after: they count in full. So where the chunk is
            // one lexicon entry spelt with common words (数据库管理员 over 数据 库 管理 员) that postings rarely
            // write: DBA postings say DBA.
            var full = fewest < synonymFullLimit
            if !full, terms.count > 1, let first = terms.first?.position, let last = terms.last?.position,
               let whole = compounds.first(where: { $0.position == first && $0.position + $0.length == last + 1 }) {
                full = try exactCount(whole.term, fields: fields) < synonymFullLimit
            }
            if fewest < expansionLimit || full {
                alternatives += try synonymNodes(for: text, covering: chunkUnits, fields: fields, plan: &p, full: full)
            }
            if chunkUnits.count > 1 {
                for (term, unit) in seen.sorted(by: { $0.value < $1.value }) where counts[term]! < expansionLimit {
                    let nodes = try synonymNodes(for: term, covering: [unit], fields: fields, plan: &p,
                                                 full: counts[term]! < synonymFullLimit)
                    if !nodes.isEmpty { units[unit - firstUnit] = .or([units[unit - firstUnit]] + nodes) }
                }
            }
        }
        var node = units.count == 1 ? units[0] : (options.match == .all ? .and(units) : .or(units))
        if !alternatives.isEmpty { node = .or([node] + alternatives) }
        return node
    }

    /// Match nodes for the other names of the lexicon entries that `text` names; each counts as matching
    /// `covering`.
    private func synonymNodes(for text: String, covering: [Int], fields: [(Int, Double)], plan p: inout QueryPlan,
                              full: Bool = false) throws -> [MatchNode] {
        guard !covering.isEmpty else { return [] }
        let recipe = try synonymRecipe(for: text, fields: fields)
        var nodes: [MatchNode] = []
        nodes.reserveCapacity(recipe.steps.count)
        for step in recipe.steps {
            let i = p.add(step.clause, weight: step.fieldWeight * (full ? 1 : options.synonymWeight))
            p.coveredUnits[i] = covering
            p.isSynonym[i] = true
            if full { p.isFullSynonym[i] = true }
            nodes.append(step.phrase ? .requiredPhrase(i) : .clause(i))
        }
        p.highlightTerms += recipe.highlight
        p.highlightPieces += recipe.pieces
        return nodes
    }

    /// The clauses `synonymNodes` adds for `text` over `fields`, and the words to highlight: they depend on
    /// the lexicon, the analyzer and the snapshot (a searcher's never changes), so they are worked out once per
    /// searcher (bounded).
    private func synonymRecipe(for text: String, fields: [(Int, Double)]) throws -> SynonymRecipe {
        let key = SynonymKey(text: text, fields: fields.map(\.0), weights: fields.map(\.1))
        if let known = synonymRecipes[key] { return known }
        var recipe = SynonymRecipe()
        let own = try session.fold(text)
        var seenForms: Set<String> = [own.lowercased()]
        for entry in session.lexicon.entries(forFolded: own) {
            for form in [entry.zh, entry.en] + entry.synonyms where !form.isEmpty {
                let (folded, tokens) = try analysedForm(form)
                guard seenForms.insert(folded).inserted else { continue }
                let words = tokens.filter { $0.length == 1 }
                guard !words.isEmpty else { continue }
                // One term when the form is one token, or a compound over all its words.
                var single: String?
                if tokens.count == 1 { single = tokens[0].term }
                if let c = tokens.first(where: { $0.length > 1 }), c.length == words.count { single = c.term }
                for (f, w) in fields {
                    // A form the field never holds matches nothing here: no clause to plan, bind and bound.
                    if let single {
                        guard try termEntry(field: f, term: single).docFreq > 0 else { continue }
                    } else {
                        guard try words.allSatisfy({ try termEntry(field: f, term: $0.term).docFreq > 0 }) else { continue }
                    }
                    let clause: ScoringClause
                    if let single {
                        clause = ScoringClause(field: f, kind: .term(single), origin: "synonym \(form) of \(text)")
                    } else {
                        let base = words[0].position
                        clause = ScoringClause(field: f, kind: .phrase(words.map(\.term), offsets: words.map { UInt32($0.position - base) }),
                                               origin: "synonym \(form) of \(text)")
                    }
                    recipe.steps.append(.init(clause: clause, fieldWeight: w, phrase: single == nil))
                }
                if let single {
                    // Only the whole form matches (a document's 电焊工 is one token over 电焊 工): marking its
                    // words too marked every lone 工 of a welder's snippet.
                    recipe.highlight.append(single)
                } else {
                    recipe.highlight.append(contentsOf: words.map(\.term))
                    recipe.pieces.append(contentsOf: words.map(\.term).filter { $0.unicodeScalars.count == 1 })
                }
            }
        }
        if synonymRecipes.count >= 4096 { synonymRecipes = [:] }
        synonymRecipes[key] = recipe
        return recipe
    }

    /// Postings below which a word gets sub-words and synonyms: a share of the index, so a small index
    /// behaves like a large one.
    /// (At least 20, so a small index still finds `工具箱` for `工具`.)
    var expansionLimit: Int { max(20, Int((Double(snapshot.liveDocuments) * options.expansionShare).rounded())) }

    /// Postings below which a word's synonyms count in full.
    var synonymFullLimit: Int { max(1, Int((Double(snapshot.liveDocuments) * options.synonymFullShare).rounded())) }

    /// How many postings hold `term` in the busiest of `fields` (document frequencies summed over segments).
    func exactCount(_ term: String, fields: [(Int, Double)]) throws -> Int {
        var best = 0
        for (f, _) in fields {
            best = max(best, try termEntry(field: f, term: term).docFreq)
        }
        return best
    }

    /// Whether a word of a query text is looked up in longer dictionary words: a Chinese word typed on its own
    /// or a single character typed alone (`expandable`: not a piece ICU cut a compound into, 编程 → 编 程 must
    /// not find 工程), and not so common that its own postings suffice.
    private func expandsToLongerWords(_ term: String, wordCount: Int, expandable: Bool, fields: [(Int, Double)]) throws -> Bool {
        try expandable && options.subwordWeight > 0 && term.unicodeScalars.contains(where: \.properties.isIdeographic)
            && (term.count > 1 || wordCount == 1) && exactCount(term, fields: fields) < expansionLimit
    }

    /// Dictionary terms of `field` that contain `term` (not `term` itself), most frequent first.
    func expansions(field: Int, term: String) throws -> [String] {
        if let cached = expansionCache[ExpansionKey(field: field, term: term)] { return cached }
        try findExpansions(field: field, terms: [term])
        return expansionCache[ExpansionKey(field: field, term: term)] ?? []
    }

    /// Finds the expansions of every word of `query` that will need them, a pass over each field's
    /// dictionaries for all words at once: a pass reads every term of every segment (tens of milliseconds on
    /// an index of many segments), whatever the number of words it looks for. The query is walked as `node`
    /// walks it; a word the plan still asks about (it never should) is looked up on its own.
    private func prefetchExpansions(_ query: Query) throws {
        guard options.subwordWeight > 0 else { return }
        var wanted: [Int: Set<String>] = [:]
        func visit(_ q: Query, _ fields: [(Int, Double)]) throws {
            switch q {
            case .text(let text), .phrase(let text):
                let (terms, compounds) = try analyse(text)
                if case .phrase = q, terms.count > 1 { return }
                for (term, _) in terms
                where try expandsToLongerWords(term, wordCount: terms.count, expandable: compounds.isEmpty, fields: fields) {
                    for (f, _) in fields where expansionCache[ExpansionKey(field: f, term: term)] == nil {
                        wanted[f, default: []].insert(term)
                    }
                }
            case .field(let name, let inner):
                let field = Self.resolveField(name)
                if let f = schema.fieldNumber(field) {
                    try visit(inner, fieldedFields(f))
                } else if !schema.columns.contains(where: { $0.name == field }) {
                    try visit(inner, fields)
                }
            case .not(let inner):
                try visit(inner, fields)
            case .and(let parts), .group(let parts):
                // As `combine` sees them: words that spell a lexicon term together are one text.
                for part in try joiningLexiconTerms(parts) { try visit(part, fields) }
            case .or(let parts):
                for part in parts { try visit(part, fields) }
            case .range:
                break
            }
        }
        try visit(query, defaultFields)
        for (field, terms) in wanted.sorted(by: { $0.key < $1.key }) { try findExpansions(field: field, terms: terms.sorted()) }
    }

    /// Fills the expansion cache for `terms` of `field`.
    private func findExpansions(field: Int, terms: [String]) throws {
        let needles = terms.map { Array($0.utf8) }
        dictionaryPasses += 1
        var docFreqs = [[String: Int]](repeating: [:], count: terms.count)
        for segment in snapshot.segments {
            for (i, found) in try segment.terms(field: field, containingAny: needles).enumerated() {
                for (bytes, df) in found { docFreqs[i][String(decoding: bytes, as: UTF8.self), default: 0] += df }
            }
        }
        for (i, term) in terms.enumerated() {
            expansionCache[ExpansionKey(field: field, term: term)] = docFreqs[i]
                .sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .prefix(options.maxSubwordExpansions).map(\.key)
        }
    }

    private func keywordNode(column: String, _ inner: Query) throws -> MatchNode? {
        let value: String
        switch inner {
        case .text(let s), .phrase(let s): value = s
        default: return nil
        }
        // A keyword column matched by containment, so `education:本科` finds 统招本科.
        return .filter(.all, RangeFilter(columns: [column], lower: nil, upper: nil, overlap: false, contains: value))
    }

    private func rangeFilter(field: String, op: RangeOperator, value: String) throws -> RangeFilter? {
        let name = field.lowercased()
        let number: Int64
        if name == "posted" {
            guard let day = Self.parseDay(value) else {
                throw SearchError.badValue("\(field)\(op.rawValue)\(value): a date is written 2025-01-31")
            }
            number = Int64(day)
        } else {
            guard let n = Self.parseNumber(value) else {
                throw SearchError.badValue("\(field)\(op.rawValue)\(value): not a number (try 8000, 8k or 1.5万)")
            }
            number = n
        }
        var lower: Int64?, upper: Int64?
        switch op {
        case .gt: lower = number + 1
        case .ge: lower = number
        case .lt: upper = number - 1
        case .le: upper = number
        case .eq: lower = number; upper = number
        }
        switch name {
        case "salary": return RangeFilter(columns: ["salary_min", "salary_max"], lower: lower, upper: upper, overlap: true)
        case "experience": return RangeFilter(columns: ["experience"], lower: lower, upper: upper, overlap: false)
        case "posted": return RangeFilter(columns: ["posted"], lower: lower, upper: upper, overlap: false)
        case "headcount": return RangeFilter(columns: ["headcount"], lower: lower, upper: upper, overlap: false)
        default: throw SearchError.badValue("\(field): not a numeric field (salary, experience, posted, headcount)")
        }
    }

    /// `8000`, `8k`, `1.5万`, `12,000` → integer.
    static func parseNumber(_ text: String) -> Int64? {
        var s = text.lowercased().replacingOccurrences(of: ",", with: "").trimmingCharacters(in: .whitespaces)
        var scale = 1.0
        if s.hasSuffix("k") { scale = 1000; s.removeLast() } else if s.hasSuffix("w") || s.hasSuffix("万") { scale = 10000; s.removeLast() }
        if s.hasSuffix("年") { s.removeLast() }
        guard let v = Double(s), v.isFinite, abs(v * scale) < 1e15 else { return nil }
        return Int64((v * scale).rounded())
    }

    /// `2025-01-31`, `2025-1-31`, `2025/01/31`, `2025-01` (first day) → day number.
    static func parseDay(_ text: String) -> Int? {
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." }).map(String.init)
        guard parts.count >= 2, parts.count <= 3, let y = Int(parts[0]), let m = Int(parts[1]),
              (1...12).contains(m), (1900...2200).contains(y) else { return nil }
        let d = parts.count == 3 ? Int(parts[2]) : 1
        guard let d, (1...31).contains(d) else { return nil }
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }
}

public enum SearchError: Error, CustomStringConvertible, Equatable {
    case badValue(String)
    case unknownFacet(String, known: [String])

    public var description: String {
        switch self {
        case .badValue(let m): return m
        case .unknownFacet(let f, let known): return "cannot facet on \(f); choose one of \(known.joined(separator: ", "))"
        }
    }
}
