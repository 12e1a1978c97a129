import IndexStore
import TextAnalysis

/// Derives a keywords column from the terms indexing produces: each term (or run of up to four words) found in
/// the tagger's tables adds its values to the document's column. Talent uses it to tag postings with canonical
/// skill ids from their title, description and skill tags, at no extra analysis cost.
///
/// Lookups run on the analyzer's UTF-16 term units, with no `String` per token.
public final class TermTagger: Sendable {
    /// Text fields whose tokens are looked at.
    public let fields: Set<Int>
    /// The keywords column (by schema index) the values go to.
    public let column: Int
    private let singles: TermTable
    /// Values are numbered: a document's tags are collected by number (a stamp per value), not hashed as
    /// strings per token.
    private let names: [String]
    /// The value numbers of every single term and run, one list after another: list `i` is
    /// `valueList[listStarts[i]..<listStarts[i + 1]]`. Single term `t` has list `t`; a run has the list
    /// `runLists` names. (An array per list cost a retain and release per token.)
    private let valueList: [Int32]
    private let listStarts: [Int32]
    /// Words that occur in runs; a run is the ids (+1) of its 2…4 words packed 16 bits each.
    private let runWords: TermTable
    private let runLists: [UInt64: Int32]
    /// Per run word id: whether some run ends with it.
    private let runEnds: [Bool]

    /// - Parameters:
    ///   - single: term → values, for single tokens (lexicon terms, words, compounds).
    ///   - runs: runs of 2…4 word terms (`["machine", "vision"]`) → values.
    public init(fields: Set<Int>, column: Int, single: [String: [String]], runs: [[String]: [String]]) {
        self.fields = fields
        self.column = column
        var numbering = Numbering()
        var singles = TermTable(capacity: 1024)
        var singleValues: [[Int32]] = []
        for (term, values) in single.sorted(by: { $0.key < $1.key }) {
            let units = Array(term.utf16)
            let id = units.withUnsafeBufferPointer { singles.intern($0) }
            let numbers = numbering.numbers(values)
            if Int(id) == singleValues.count { singleValues.append(numbers) } else { singleValues[Int(id)] += numbers }
        }
        var runWords = TermTable(capacity: 256)
        var runValues: [UInt64: [Int32]] = [:]
        var runEnds: [Bool] = [false]
        for (words, values) in runs where (2...4).contains(words.count) {
            var key: UInt64 = 0
            var last: UInt16 = 0
            for w in words {
                let units = Array(w.utf16)
                let id = units.withUnsafeBufferPointer { runWords.intern($0) }
                last = UInt16(truncatingIfNeeded: id + 1)
                key = key << 16 | UInt64(last)
            }
            runValues[key, default: []] += numbering.numbers(values)
            if runEnds.count <= Int(last) { runEnds += Array(repeating: false, count: Int(last) + 1 - runEnds.count) }
            runEnds[Int(last)] = true
        }
        var valueList: [Int32] = []
        var listStarts: [Int32] = [0]
        for values in singleValues {
            valueList += values
            listStarts.append(Int32(valueList.count))
        }
        var runLists: [UInt64: Int32] = [:]
        for (key, values) in runValues {
            runLists[key] = Int32(listStarts.count - 1)
            valueList += values
            listStarts.append(Int32(valueList.count))
        }
        self.singles = singles
        self.runWords = runWords
        self.runEnds = runEnds
        self.runLists = runLists
        self.valueList = valueList
        self.listStarts = listStarts
        names = numbering.names
    }

    /// Numbers values in the order first seen.
    private struct Numbering {
        var names: [String] = []
        var numberOf: [String: Int32] = [:]

        mutating func numbers(_ values: [String]) -> [Int32] {
            values.map { v in
                if let n = numberOf[v] { return n }
                let n = Int32(names.count)
                numberOf[v] = n
                names.append(v)
                return n
            }
        }
    }

    /// How many distinct values the tables hold (numbered from 0).
    var valueCount: Int { names.count }

    /// The value numbered `n`.
    func name(_ n: Int32) -> String { names[Int(n)] }

    /// The number of the single term `units` (its value list), or -1.
    func single(_ units: UnsafeBufferPointer<UInt16>) -> Int32 { singles.lookup(units) ?? -1 }

    /// Calls `body` with each value number of list `list` (a single term's number, or a run's list).
    @inline(__always)
    func forEachValue(list: Int32, _ body: (Int32) -> Void) {
        let start = Int(listStarts[Int(list)]), end = Int(listStarts[Int(list) + 1])
        valueList.withUnsafeBufferPointer { v in
            for i in start..<end { body(v[i]) }
        }
    }

    func runWord(_ units: UnsafeBufferPointer<UInt16>) -> UInt16 {
        runWords.lookup(units).map { UInt16(truncatingIfNeeded: $0 + 1) } ?? 0
    }

    var hasRuns: Bool { !runLists.isEmpty }
    func isRunEnd(_ word: UInt16) -> Bool { Int(word) < runEnds.count && runEnds[Int(word)] }
    /// The value list of a run of words, or -1.
    func runList(_ key: UInt64) -> Int32 { runLists[key] ?? -1 }
}

/// Collects one document's tags while its tokens stream by.
struct TagCollector {
    let tagger: TermTagger
    private(set) var values: [String] = []
    /// Per value number: the document (``generation``) that last added it.
    private var stamps: [UInt32]
    private var generation: UInt32 = 1
    /// The last (up to) four words, as run-word ids (0: not a run word), 16 bits each, the newest lowest.
    private var recent: UInt64 = 0
    private var recentCount = 0
    /// What the tagger makes of each term number the segment builder gave, per field: the single term's
    /// number + 1 (0: none; -1: not looked up yet) and the run word (only meaningful once looked up).
    /// Indexing sees a term thousands of times and looks it up once.
    private var singleOfTerm: [[Int32]] = []
    private var wordOfTerm: [[UInt16]] = []

    init(_ tagger: TermTagger) {
        self.tagger = tagger
        stamps = Array(repeating: 0, count: tagger.valueCount)
    }

    /// Forgets the term numbers (the segment builder they came from was written).
    mutating func forgetTerms() {
        singleOfTerm.removeAll()
        wordOfTerm.removeAll()
    }

    mutating func reset() {
        values.removeAll(keepingCapacity: true)
        generation &+= 1
        if generation == 0 {
            for i in stamps.indices { stamps[i] = 0 }
            generation = 1
        }
        boundary()
    }

    /// Ends a run of words (a new field or value starts).
    mutating func boundary() {
        recent = 0
        recentCount = 0
    }

    mutating func observe(_ token: TokenView) {
        add(list: tagger.single(token.units))
        // A compound is followed by its words, which carry the runs.
        guard token.length == 1, tagger.hasRuns else { return }
        observeWord(tagger.runWord(token.units))
    }

    /// ``observe(_:)`` for a token the segment builder numbered `term` in `field`.
    mutating func observe(_ token: TokenView, field: Int, term: Int32) {
        observe(token.units, length: token.length, field: field, term: term)
    }

    /// ``observe(_:)`` for a token (its term's code units, the positions it spans) the segment builder
    /// numbered `term` in `field`.
    mutating func observe(_ units: UnsafeBufferPointer<UInt16>, length: Int, field: Int, term: Int32) {
        if field >= singleOfTerm.count {
            singleOfTerm += Array(repeating: [], count: field + 1 - singleOfTerm.count)
            wordOfTerm += Array(repeating: [], count: field + 1 - wordOfTerm.count)
        }
        let t = Int(term)
        if t >= singleOfTerm[field].count {
            let n = max(t + 1, singleOfTerm[field].count * 2, 1024)
            singleOfTerm[field] += Array(repeating: -1, count: n - singleOfTerm[field].count)
            wordOfTerm[field] += Array(repeating: 0, count: n - wordOfTerm[field].count)
        }
        var single = singleOfTerm[field][t]
        if single < 0 {
            single = tagger.single(units) + 1
            singleOfTerm[field][t] = single
            wordOfTerm[field][t] = tagger.hasRuns ? tagger.runWord(units) : 0
        }
        if single > 0 { add(list: single - 1) }
        guard length == 1, tagger.hasRuns else { return }
        observeWord(wordOfTerm[field][t])
    }

    private mutating func observeWord(_ word: UInt16) {
        recent = recent << 16 | UInt64(word)
        recentCount = min(recentCount + 1, 4)
        guard word != 0, recentCount >= 2, tagger.isRunEnd(word) else { return }
        // Runs ending here, shortest first: the word with the one before it, then the two before, ….
        var key = UInt64(word)
        for back in 1..<recentCount {
            let shift = UInt64(16 * back)
            let earlier = recent >> shift & 0xFFFF
            guard earlier != 0 else { break }
            key |= earlier << shift
            add(list: tagger.runList(key))
        }
    }

    private mutating func add(list: Int32) {
        guard list >= 0 else { return }
        tagger.forEachValue(list: list) { n in
            if stamps[Int(n)] != generation {
                stamps[Int(n)] = generation
                values.append(tagger.name(n))
            }
        }
    }
}

extension TermTagger {
    /// The tags of a text, as indexing would find them in a tagged field.
    public func tags(in text: String, session: AnalysisSession) throws -> [String] {
        var collector = TagCollector(self)
        try session.forEachToken(in: text) { collector.observe($0) }
        return collector.values
    }
}
