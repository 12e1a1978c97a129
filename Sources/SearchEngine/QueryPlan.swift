import IndexStore
import TextAnalysis

/// How unfielded words combine when a query does not say.
public enum MatchMode: String, Sendable, CaseIterable {
    /// Every word must match (in some field); words found only as part of a longer word count.
    case all
    /// Any word may match; postings that match more words score higher.
    case any
}

/// Settings of ranking and matching, chosen by evaluation (see `docs/RELEVANCE.md`).
public struct SearchOptions: Sendable, Equatable {
    /// Fields searched by unfielded words, with their BM25 weights.
    public var fieldWeights: [String: Double] = ["title": 1, "body": 1]
    /// Fields where unfielded words also match as they are (no longer words, phrases or synonyms), where the
    /// field holds them: `place` (the names of a posting's city and province), so `数控车工 深圳` ranks Shenzhen
    /// postings first and `welder shenzhen` finds postings in 深圳. Such a match counts as matching the word;
    /// at half weight, a posting in the city without the occupation ranks below the occupation elsewhere.
    public var exactFieldWeights: [String: Double] = ["place": 0.5]
    /// Fields a field clause searches besides its own: `region:苏州` also searches `place`, which holds the
    /// names of the posting's city and province in both languages, so it finds `Jiangsu·Suzhou` too.
    public var alsoSearched: [String: [String]] = ["region": ["place"]]
    /// Weight of each query chunk scored again as a phrase, relative to its terms.
    public var phraseBoost: Double = 0.5
    /// Weight of a dictionary term that contains a query word (`工具` → `工具箱`), relative to an exact match.
    public var subwordWeight: Double = 0.3
    /// Sub-words and synonyms are added for a word only when it is held by less than this share of the
    /// postings (0.55%, 200 of jobs.csv's 36k): they fill in where exact matches are few, and cost nothing where
    /// exact matches abound.
    public var expansionShare = 0.0055
    /// Weight of a synonym or translation from the lexicon (`可编程控制器` for `PLC`, `焊工` for `welder`);
    /// 0 turns expansion off (`--no-expand`).
    public var synonymWeight: Double = 0.5
    /// How much a synonym counts as matching the words it stands for, for coordination.
    public var synonymCredit: Double = 0.5
    /// A word or chunk held by less than this share of the postings (0.14%, 50 of 36k) gets its synonyms at
    /// full weight and credit: the query's own words are nearly absent (an English query over Chinese postings).
    public var synonymFullShare = 0.0014
    /// How much a longer word counts as matching its query word, for coordination.
    public var subwordCredit: Double = 0.5
    /// Weight of a lexicon compound the query's words spell (`数控机床` over `数 控 机床`).
    public var compoundWeight: Double = 0.2
    /// At most this many longer terms per query word and field, the most frequent first.
    public var maxSubwordExpansions = 16
    public var match: MatchMode = .any
    /// Coordination: 0 ranks by BM25 alone; above 0 a posting's score is multiplied by
    /// (matched words / query words) to this power, so postings matching more of the query rank first.
    public var coordination: Double = 1
    /// Weigh each word's share of coordination by its idf (rare words matter more).
    public var coordinationByIDF = false
    public var bm25 = BM25()

    public init() {}
}

/// One scored part of a query: a term in a field, or a phrase in a field.
struct ScoringClause: Hashable {
    enum Kind: Hashable {
        case term(String)
        case phrase([String], offsets: [UInt32])
    }
    let field: Int
    let kind: Kind
    /// Why it is there, for `--explain`: `exact`, `subword of 工具`, `phrase`.
    let origin: String
    /// A hash of the UTF-8 bytes of all the above, made once: a plan finds a clause it already holds by this
    /// number, where hashing or comparing the strings themselves (non-ASCII: normalized first) cost a fifth
    /// of planning a one-word query.
    let fingerprint: UInt64

    init(field: Int, kind: Kind, origin: String) {
        self.field = field
        self.kind = kind
        self.origin = origin
        var h = FNV1a()
        h.add(UInt64(bitPattern: Int64(field)))
        switch kind {
        case .term(let t):
            h.add(t)
        case .phrase(let words, let offsets):
            h.add(UInt64(words.count) | 1 << 32)
            for w in words { h.add(w) }
            for o in offsets { h.add(UInt64(o)) }
        }
        h.add(origin)
        fingerprint = h.value
    }

    static func == (a: ScoringClause, b: ScoringClause) -> Bool {
        a.fingerprint == b.fingerprint && a.field == b.field && a.kind == b.kind && a.origin == b.origin
    }

    func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
}

/// 64-bit FNV-1a (strings: their UTF-8 bytes and a separator, so `ab`+`c` ≠ `a`+`bc`).
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    @inline(__always) mutating func add(_ b: UInt8) {
        value = (value ^ UInt64(b)) &* 0x100_0000_01b3
    }

    mutating func add(_ n: UInt64) {
        var n = n
        for _ in 0..<8 {
            add(UInt8(truncatingIfNeeded: n))
            n >>= 8
        }
    }

    mutating func add(_ s: String) {
        var s = s
        s.withUTF8 { for b in $0 { add(b) } }
        add(0xFF as UInt8)  // never in UTF-8
    }
}

/// What a document must satisfy, before scoring.
indirect enum MatchNode {
    /// A scoring clause's documents (index into the plan's clauses).
    case clause(Int)
    /// A phrase that must occur (index into the plan's clauses).
    case requiredPhrase(Int)
    case and([MatchNode])
    case or([MatchNode])
    /// Documents of the first node without those of the second.
    case exclude(MatchNode, MatchNode)
    case filter(MatchNode, RangeFilter)
    case all
    case none

    /// Whether the node matches exactly the union of some scoring clauses (so MaxScore can drive it).
    var isUnionOfClauses: Bool {
        switch self {
        case .clause, .requiredPhrase: return true
        case .or(let parts): return parts.allSatisfy(\.isUnionOfClauses)
        default: return false
        }
    }

    /// The phrase clauses that must match somewhere in the tree.
    var requiredPhrases: Set<Int> {
        switch self {
        case .requiredPhrase(let i): return [i]
        case .and(let parts), .or(let parts): return parts.reduce(into: Set<Int>()) { $0.formUnion($1.requiredPhrases) }
        case .exclude(let a, let b): return a.requiredPhrases.union(b.requiredPhrases)
        case .filter(let a, _): return a.requiredPhrases
        case .clause, .all, .none: return []
        }
    }

    /// The clauses of a union of term clauses and required phrases; `nil` otherwise.
    var groupMembers: [Int]? {
        switch self {
        case .clause(let i), .requiredPhrase(let i): return [i]
        case .or(let parts):
            var out: [Int] = []
            for p in parts {
                guard let c = p.groupMembers else { return nil }
                out += c
            }
            return out
        default: return nil
        }
    }

    /// A conjunction of unions of term clauses (every query word required), with the exclusions and filters
    /// that wrap it split off: each group's clauses, so MaxScore can drive it and check the groups per candidate.
    var conjunctionWithChecks: (groups: [[Int]], excluded: [MatchNode], filters: [RangeFilter])? {
        switch self {
        case .exclude(let a, let b):
            guard let inner = a.conjunctionWithChecks else { return nil }
            return (inner.groups, inner.excluded + [b], inner.filters)
        case .filter(let a, let f):
            guard let inner = a.conjunctionWithChecks else { return nil }
            return (inner.groups, inner.excluded, inner.filters + [f])
        case .and, .or:
            guard let groups = clauseGroups, !groups.isEmpty else { return nil }
            return (groups, [], [])
        default:
            return nil
        }
    }

    /// The node as a conjunction of unions of term clauses (a document matches when every group has a clause
    /// on it), or `nil` when it is not one. A union that holds conjunctions is distributed over them: an
    /// all-words chunk `(数控 ∧ 编程) ∨ 数控编程 ∨ synonyms` is `(数控 ∨ 数控编程 ∨ …) ∧ (编程 ∨ 数控编程 ∨ …)`,
    /// the same documents. At most 64 groups.
    var clauseGroups: [[Int]]? {
        if let c = groupMembers { return [c] }
        switch self {
        case .and(let parts):
            var groups: [[Int]] = []
            for p in parts {
                guard let inner = p.clauseGroups else { return nil }
                groups += inner
            }
            return groups.count <= 64 ? groups : nil
        case .or(let parts):
            var groups: [[Int]] = [[]]
            for p in parts {
                guard let inner = p.clauseGroups, !inner.isEmpty else { return nil }
                guard groups.count * inner.count <= 64 else { return nil }
                groups = groups.flatMap { g in inner.map { g + $0 } }
            }
            return groups
        default:
            return nil
        }
    }

    /// Splits off exclusions and filters that wrap a union, so MaxScore can check them per candidate.
    var unionWithChecks: (union: MatchNode, excluded: [MatchNode], filters: [RangeFilter])? {
        switch self {
        case .exclude(let a, let b):
            guard let inner = a.unionWithChecks else { return nil }
            return (inner.union, inner.excluded + [b], inner.filters)
        case .filter(let a, let f):
            guard let inner = a.unionWithChecks else { return nil }
            return (inner.union, inner.excluded, inner.filters + [f])
        default:
            return isUnionOfClauses ? (self, [], []) : nil
        }
    }
}

/// A condition on column values: numeric (`salary>=8000`, `posted>=2025-01-01`) or, with `contains`, a
/// keyword holding a text (`education:本科`).
public struct RangeFilter: Sendable, Equatable {
    public var columns: [String]
    public var lower: Int64?
    public var upper: Int64?
    /// For salary: a posting matches when its range (min, max columns) overlaps the condition.
    public var overlap: Bool
    public var contains: String? = nil
}

/// The query, analysed and resolved against the schema: scoring clauses and the match tree.
struct QueryPlan {
    var clauses: [ScoringClause] = []
    var weights: [Double] = []
    /// For each clause, the query word it stands for (-1 for phrases and compounds), and how much matching
    /// it counts for coordination (1 exact, less for a longer word that contains it).
    var unitOfClause: [Int] = []
    var creditOfClause: [Double] = []
    // Per clause, in arrays rather than sets and dictionaries: hashing an Int costs a SipHash round, and a
    // plan is built for every search.
    /// For a compound or synonym clause, the query words it stands for: matching it counts as matching all
    /// of them.
    var coveredUnits: [[Int]?] = []
    /// Whether the clause is a synonym: it counts only where the words it covers are missing.
    var isSynonym: [Bool] = []
    /// Whether it is the synonym of a word nearly absent from the index: it counts like the word itself.
    var isFullSynonym: [Bool] = []
    /// Words inside a negation (`-实习`): they match, to exclude, but never count for coordination.
    var inactiveUnits: Set<Int> = []
    var negationDepth = 0
    /// Each query word's weight in coordination (set once statistics are known).
    var unitWeights: [Double] = []

    /// Whether every clause of a word counts fully (no longer words, no compounds): then one word's score
    /// is a plain sum.
    var simpleUnits: Bool { coveredUnits.allSatisfy { $0 == nil } && creditOfClause.allSatisfy { $0 >= 1 } }
    var unitCount = 0
    var match: MatchNode = .none
    /// `match` as MaxScore drives it (``MatchNode/unionWithChecks``, else ``MatchNode/conjunctionWithChecks``),
    /// set with the statistics.
    var unionChecks: (union: MatchNode, excluded: [MatchNode], filters: [RangeFilter])?
    var conjunctionChecks: (groups: [[Int]], excluded: [MatchNode], filters: [RangeFilter])?
    /// Per clause: for a phrase, per word, the term clauses of the word in the phrase's field (in clause
    /// order); empty for terms.
    var phraseWordClauses: [[[Int]]] = []
    /// The fields unfielded words search, and the fields they also match exactly in
    /// (``SearchOptions/exactFieldWeights``).
    var defaultFields: [Int] = []
    var exactFields: [(Int, Double)] = []

    /// The exact fields for words searched in `fields`: those of unfielded words; fielded words match only
    /// where they say.
    func exactFields(for fields: [(Int, Double)]) -> [(Int, Double)] {
        guard fields.count == defaultFields.count else { return [] }
        for (i, f) in fields.enumerated() where f.0 != defaultFields[i] { return [] }
        return exactFields
    }

    /// Folded query terms, for highlighting, repeats included: made into a set only when a snippet needs it
    /// (hashing each non-ASCII term was a quarter of planning a one-word query).
    var highlightTerms: [String] = []
    /// Single characters the analyzer cut a longer query word into (数控编程 → 数 控 编 程).
    var highlightPieces: [String] = []
    /// Each clause's fingerprint: a plan holds tens of clauses, fewer than make a hash table pay.
    private var fingerprints: [UInt64] = []

    mutating func add(_ clause: ScoringClause, weight: Double, unit: Int = -1, credit: Double = 1) -> Int {
        var from = 0
        while let i = fingerprints[from...].firstIndex(of: clause.fingerprint) {
            // Another clause with the same fingerprint would need a 64-bit collision; checked anyway.
            if clauses[i] == clause {
                weights[i] += weight
                return i
            }
            from = i + 1
        }
        fingerprints.append(clause.fingerprint)
        coveredUnits.append(nil)
        isSynonym.append(false)
        isFullSynonym.append(false)
        clauses.append(clause)
        weights.append(weight)
        unitOfClause.append(unit)
        creditOfClause.append(credit)
        return clauses.count - 1
    }
}

/// Per-word scratch space for scoring, reused across documents and searches, and the plan's scoring rules
/// laid out in plain memory (set by ``prepare(_:coordination:synonymCredit:)`` once per search), so scoring a
/// document reads no dictionaries or sets and retains nothing.
final class ScoringScratch {
    private(set) var exact = UnsafeMutablePointer<Bool>.allocate(capacity: 16)
    private(set) var credit = UnsafeMutablePointer<Double>.allocate(capacity: 16)
    private(set) var unitWeights = UnsafeMutablePointer<Double>.allocate(capacity: 16)
    private var capacity = 16
    /// Per clause: its word (-1 for none), its credit, whether it is a synonym (of a missing word), whether
    /// it counts in full, and where the words it covers start in `covered`
    /// (`covered[coveredStart[i]..<coveredStart[i + 1]]`).
    private(set) var unitOfClause = UnsafeMutablePointer<Int>.allocate(capacity: 16)
    private(set) var creditOfClause = UnsafeMutablePointer<Double>.allocate(capacity: 16)
    private(set) var isSynonym = UnsafeMutablePointer<Bool>.allocate(capacity: 16)
    private(set) var isFull = UnsafeMutablePointer<Bool>.allocate(capacity: 16)
    /// Whether the clause stands for words of the query (a compound, a synonym), even none here.
    private(set) var hasCovered = UnsafeMutablePointer<Bool>.allocate(capacity: 16)
    private(set) var coveredStart = UnsafeMutablePointer<Int>.allocate(capacity: 17)
    private(set) var covered = UnsafeMutablePointer<Int>.allocate(capacity: 16)
    private var clauseCapacity = 16
    private var coveredCapacity = 16
    private(set) var clauseCount = 0
    private(set) var unitCount = 0
    /// ``SearchOptions/coordination`` and ``SearchOptions/synonymCredit`` of the search.
    private(set) var coordination = 0.0
    private(set) var synonymCredit = 0.0
    /// One word counting fully in every clause: the score is the plain sum.
    private(set) var plainSum = true

    /// Replaces `buffer` with room for `n` values (its contents are not kept).
    private func regrow<T>(_ buffer: inout UnsafeMutablePointer<T>, to n: Int) {
        buffer.deallocate()
        buffer = .allocate(capacity: n)
    }

    private func reserve(units n: Int) {
        guard n > capacity else { return }
        capacity = n
        regrow(&exact, to: n)
        regrow(&credit, to: n)
        regrow(&unitWeights, to: n)
    }

    private func reserve(clauses n: Int, covered m: Int) {
        if n > clauseCapacity {
            clauseCapacity = n
            regrow(&unitOfClause, to: n)
            regrow(&creditOfClause, to: n)
            regrow(&isSynonym, to: n)
            regrow(&isFull, to: n)
            regrow(&hasCovered, to: n)
            regrow(&coveredStart, to: n + 1)
        }
        if m > coveredCapacity {
            coveredCapacity = m
            regrow(&covered, to: m)
        }
    }

    /// Lays out `plan`'s rules (after its unit weights are set).
    func prepare(_ plan: QueryPlan, coordination: Double, synonymCredit: Double) {
        let n = plan.clauses.count
        reserve(units: plan.unitCount)
        reserve(clauses: n, covered: plan.coveredUnits.reduce(0) { $0 + ($1?.count ?? 0) })
        clauseCount = n
        unitCount = plan.unitCount
        self.coordination = coordination
        self.synonymCredit = synonymCredit
        var m = 0
        coveredStart[0] = 0
        for i in 0..<n {
            unitOfClause[i] = plan.unitOfClause[i]
            creditOfClause[i] = plan.creditOfClause[i]
            isSynonym[i] = plan.isSynonym[i]
            isFull[i] = plan.isFullSynonym[i]
            hasCovered[i] = plan.coveredUnits[i] != nil
            for c in plan.coveredUnits[i] ?? [] {
                covered[m] = c
                m += 1
            }
            coveredStart[i + 1] = m
        }
        for u in 0..<plan.unitCount { unitWeights[u] = plan.unitWeights[u] }
        plainSum = plan.unitCount == 0 || (plan.unitCount == 1 && plan.simpleUnits && plan.inactiveUnits.isEmpty)
    }

    deinit {
        exact.deallocate()
        credit.deallocate()
        unitWeights.deallocate()
        unitOfClause.deallocate()
        creditOfClause.deallocate()
        isSynonym.deallocate()
        isFull.deallocate()
        hasCovered.deallocate()
        coveredStart.deallocate()
        covered.deallocate()
    }
}
