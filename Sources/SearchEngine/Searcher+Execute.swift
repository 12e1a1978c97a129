import Foundation
import IndexStore
import Synchronization

/// The best `k` so far: highest score first, ties to the earlier (segment, doc).
struct TopK {
    struct Entry {
        var score: Double
        var segment: Int
        var doc: Int
        /// Whether `self` ranks before `other`.
        @inline(__always) func beats(_ other: Entry) -> Bool {
            if score != other.score { return score > other.score }
            return (segment, doc) < (other.segment, other.doc)
        }
    }
    let k: Int
    /// A min-heap by rank: the root is the worst kept entry.
    private(set) var heap: [Entry] = []

    init(k: Int) {
        self.k = k
        heap.reserveCapacity(k)
    }

    /// The score a new document must beat (strictly, or tie and come earlier) to enter.
    var threshold: Double {
        if k == 0 { return .infinity }
        return heap.count < k ? -Double.infinity : heap[0].score
    }

    mutating func insert(_ e: Entry) {
        guard k > 0 else { return }
        if heap.count < k {
            heap.append(e)
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard heap[parent].beats(heap[i]) else { break }
                heap.swapAt(parent, i)
                i = parent
            }
        } else if e.beats(heap[0]) {
            heap[0] = e
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var worst = i
                if l < heap.count && heap[worst].beats(heap[l]) { worst = l }
                if r < heap.count && heap[worst].beats(heap[r]) { worst = r }
                if worst == i { break }
                heap.swapAt(i, worst)
                i = worst
            }
        }
    }

    func sorted() -> [Entry] { heap.sorted { $0.beats($1) } }
}

/// What a search's two lanes share (``Searcher/searchInLanes``): the next part of the index to take, and one
/// top k both insert into, with its k-th score for either to read without the lock.
final class LaneState: Sendable {
    let next = Atomic<Int>(0)
    let top: Mutex<TopK>
    let threshold = Atomic<UInt64>((-Double.infinity).bitPattern)

    init(k: Int) {
        top = Mutex(TopK(k: k))
        if k == 0 { threshold.store(Double.infinity.bitPattern, ordering: .relaxed) }
    }
}

/// One of a search's two lanes, inserting into the top k both share. Documents come to it from both lanes in
/// no one order, so a lane may drop a document only when it scores strictly below the k-th score: a tie goes to
/// the earlier document, which may be this one.
struct SearchLane {
    let shared: LaneState

    /// The shared k-th score, as a threshold a lane prunes at or below.
    @inline(__always) var threshold: Double {
        Double(bitPattern: shared.threshold.load(ordering: .relaxed)).nextDown
    }

    func insert(_ e: TopK.Entry) {
        guard e.score >= Double(bitPattern: shared.threshold.load(ordering: .relaxed)) else { return }
        let kth = shared.top.withLock { top in
            top.insert(e)
            return top.threshold
        }
        shared.threshold.store(kth.bitPattern, ordering: .relaxed)
    }
}

/// A scoring clause bound to one segment.
private final class SegmentClause {
    let index: Int
    let field: Int
    /// weight × idf (phrases: × the sum of their terms' idf).
    let factor: Double
    let averageLength: Double
    var cursor: PostingsCursor?
    /// A phrase's terms in the segment (empty when one of them is missing here, as for a term clause).
    var phraseTerms: [TermInfo] = []
    private var ownPhraseCursors: [PostingsCursor]?
    /// The segment, for the phrase's own cursors.
    unowned(unsafe) var reader: SegmentReader?
    /// For a phrase that must match: a cursor over its rarest term, which proposes candidates.
    var driver: PostingsCursor?
    let offsets: [UInt32]
    var upperBound: Double = 0

    init(index: Int, field: Int, factor: Double, averageLength: Double, offsets: [UInt32]) {
        self.index = index
        self.field = field
        self.factor = factor
        self.averageLength = averageLength
        self.offsets = offsets
    }

    var isPhrase: Bool { !phraseTerms.isEmpty }

    /// Cursors over the phrase's terms, made when first asked for: MaxScore reads a phrase's positions through
    /// its terms' own clauses where the query has them (as it usually does), so most phrases never need these.
    var phraseCursors: [PostingsCursor] {
        get throws {
            if let ownPhraseCursors { return ownPhraseCursors }
            guard let reader else { return [] }
            let made = try phraseTerms.map { try reader.postings($0) }
            ownPhraseCursors = made
            return made
        }
    }

    /// Hands the clause's cursors to `pool` (those nothing else holds), for the next segment's or search's
    /// clauses (``Searcher/cursorPool``).
    func recycle(into pool: inout [PostingsCursor], limit: Int, blocks: Int) {
        func offer(_ c: consuming PostingsCursor?) {
            guard var c, pool.count < limit, c.blockCapacity <= blocks else { return }
            // Only a cursor this clause held alone: a reference left elsewhere would see it move.
            if isKnownUniquelyReferenced(&c) { pool.append(c) }
        }
        let term = cursor
        cursor = nil
        offer(consume term)
        let proposing = driver
        driver = nil
        offer(consume proposing)
        var own = ownPhraseCursors ?? []
        ownPhraseCursors = nil
        while let c = own.popLast() { offer(consume c) }
    }

    /// The cursor that proposes this clause's candidates: its term's, or its phrase's driver.
    var position: PostingsCursor { cursor ?? driver! }
}

/// A candidate-proposing clause in MaxScore's loop, without reference counting: the clause and cursor are
/// owned by the `SegmentClause` array, which outlives the loop.
private struct TermSlot {
    unowned(unsafe) let clause: SegmentClause
    /// The clause's index in the plan.
    let index: Int
    /// The term's cursor, or the driving cursor of a required phrase (called through
    /// `_withUnsafeGuaranteedRef`, which retains nothing).
    let cursorRef: Unmanaged<PostingsCursor>
    /// Whether the clause is a plain term (scored here), not a required phrase.
    let isTerm: Bool
    let factor: Double
    let averageLength: Double
    /// The field lengths of the clause's field.
    let norms: UnsafeRawPointer?
    /// BM25's length part per field length below `lengthTableSize`.
    let lengthParts: UnsafePointer<Double>

    @inline(__always) var doc: UInt32 { cursorRef._withUnsafeGuaranteedRef { $0.doc } }
    @inline(__always) var freq: UInt32 { cursorRef._withUnsafeGuaranteedRef { $0.freq } }
    @inline(__always) func advance(to target: UInt32) throws -> UInt32 {
        try cursorRef._withUnsafeGuaranteedRef { try $0.advance(to: target) }
    }
    @inline(__always) func next() throws -> UInt32 { try cursorRef._withUnsafeGuaranteedRef { try $0.next() } }
    /// The postings block holding `target` and the clause's bound over it; `nil` past the last block.
    /// `cache` holds the last block asked for and its bound (block -1 at first).
    @inline(__always)
    func blockBound(for target: UInt32, bm25: BM25, cache: inout BlockBound) throws -> (lastDoc: UInt32, bound: Double)? {
        try cursorRef._withUnsafeGuaranteedRef { cursor throws -> (lastDoc: UInt32, bound: Double)? in
            guard let block = cursor.shallowBlock(for: target) else { return nil }
            if block.block != cache.block {
                cache = BlockBound(block: block.block, bound: try impactBound(
                    cursor, block: block.block, factor: factor, averageLength: averageLength, lengthParts: lengthParts, bm25: bm25))
            }
            return (block.lastDoc, cache.bound)
        }
    }
}

/// A clause's bound over one of its postings blocks, remembered while windows stay in the block.
private struct BlockBound {
    var block = -1
    var bound = 0.0
}

/// A phrase clause in MaxScore's loop without reference counting: its cursors, offsets and scoring
/// numbers in plain memory, owned by the `SegmentClause` (cursors) and the loop (the buffers).
private struct PhraseSlot {
    /// Where the clause's score goes in the loop's per-clause parts.
    let index: Int
    let cursors: UnsafeMutableBufferPointer<Unmanaged<PostingsCursor>>
    let offsets: UnsafeMutableBufferPointer<UInt32>
    let factor: Double
    let averageLength: Double
    let norms: UnsafeRawPointer?
    let lengthParts: UnsafePointer<Double>
    /// Whether every cursor is a term slot's (so all sit on a candidate the phrase may occur in).
    let isShared: Bool

    /// `shared[j]`, where given, stands for the phrase's own cursor of its `j`th term: a cursor of the same
    /// term and field that the loop moves to every candidate the phrase is scored on.
    init(_ c: SegmentClause, norms: UnsafeRawPointer?, lengthParts: UnsafePointer<Double>,
         shared: [PostingsCursor?] = []) throws {
        index = c.index
        let count = c.phraseTerms.count
        isShared = count > 0 && shared.count == count && shared.allSatisfy { $0 != nil }
        let own = isShared ? [] : try c.phraseCursors
        cursors = .allocate(capacity: count)
        for i in 0..<count {
            cursors[i] = .passUnretained(i < shared.count ? shared[i] ?? own[i] : own[i])
        }
        offsets = .allocate(capacity: c.offsets.count)
        _ = offsets.initialize(from: c.offsets)
        factor = c.factor
        averageLength = c.averageLength
        self.norms = norms
        self.lengthParts = lengthParts
    }

    func deallocate() {
        cursors.deallocate()
        offsets.deallocate()
    }

    /// A bound on ``score(_:bm25:)`` for `doc`, which every cursor is on: the phrase occurs at most as often
    /// as its rarest term there.
    @inline(__always)
    func bound(_ doc: UInt32, bm25: BM25) -> Double {
        var freq = UInt32.max
        for c in cursors { freq = min(freq, c._withUnsafeGuaranteedRef { $0.freq }) }
        let length = Int(UInt16(littleEndian: norms!.loadUnaligned(fromByteOffset: 2 * Int(doc), as: UInt16.self)))
        let lengthPart = length < LengthTables.size ? lengthParts[length]
            : bm25.lengthPart(length: Double(length), averageLength: averageLength)
        return factor * bm25.tf(Double(freq), lengthPart: lengthPart) * (1 + 1e-9)
    }

    /// The phrase's contribution for `doc` (what `contribution(_:doc:reader:)` gives), 0 when absent.
    @inline(__always)
    func score(_ doc: UInt32, bm25: BM25) throws -> Double {
        for c in cursors {
            let at = try c._withUnsafeGuaranteedRef { cursor throws -> UInt32 in
                cursor.doc < doc ? try cursor.advance(to: doc) : cursor.doc
            }
            guard at == doc else { return 0 }
        }
        let freq = try phraseFrequency(UnsafeBufferPointer(cursors), offsets: UnsafeBufferPointer(offsets))
        guard freq > 0 else { return 0 }
        let length = Int(UInt16(littleEndian: norms!.loadUnaligned(fromByteOffset: 2 * Int(doc), as: UInt16.self)))
        let lengthPart = length < LengthTables.size ? lengthParts[length]
            : bm25.lengthPart(length: Double(length), averageLength: averageLength)
        return factor * bm25.tf(Double(freq), lengthPart: lengthPart)
    }
}

/// Window bounds of phrase clauses from their terms' impacts, remembered while the terms stay in the same
/// blocks.
private final class PhraseBounds {
    private let slots: [PhraseSlot]
    private let upperBounds: [Double]
    private let width: Int
    private let impacts: UnsafeMutableBufferPointer<UnsafeBufferPointer<Impact>>
    /// Per phrase, the blocks of its terms its cached bound is for (-1: none).
    private let blocks: UnsafeMutableBufferPointer<Int>
    private let cached: UnsafeMutableBufferPointer<Double>

    init(_ phrases: [SegmentClause], slots: [PhraseSlot]) {
        self.slots = slots
        upperBounds = phrases.map { $0.upperBound }
        width = max(1, phrases.map { $0.phraseTerms.count }.max() ?? 1)
        impacts = .allocate(capacity: width)
        blocks = .allocate(capacity: max(1, phrases.count) * width)
        blocks.initialize(repeating: -1)
        cached = .allocate(capacity: max(1, phrases.count))
    }

    deinit {
        impacts.deallocate()
        blocks.deallocate()
        cached.deallocate()
    }

    /// Phrase `p`'s bound over its terms' blocks at `target`; lowers `last` to the end of the shortest of them.
    func bound(_ p: Int, at target: UInt32, last: inout UInt32, bm25: BM25) throws -> Double {
        try slots.withUnsafeBufferPointer { slots in
            let c = slots[p]
            let end = DocIterator.end
            var possible = true, same = true
            let mine = blocks.baseAddress! + p * width
            for j in 0..<c.cursors.count {
                let found = c.cursors[j]._withUnsafeGuaranteedRef { cursor in
                    cursor.doc == end ? nil : cursor.shallowBlock(for: target)
                }
                guard let block = found else {
                    possible = false
                    break
                }
                if mine[j] != block.block {
                    mine[j] = block.block
                    same = false
                }
                last = min(last, block.lastDoc)
            }
            guard possible else {
                for j in 0..<c.cursors.count { mine[j] = -1 }
                return 0
            }
            if !same {
                for j in 0..<c.cursors.count {
                    impacts[j] = try c.cursors[j]._withUnsafeGuaranteedRef { try $0.impacts(ofBlock: mine[j]) }
                }
                let bound = phraseImpactBound(UnsafeBufferPointer(rebasing: impacts[0..<c.cursors.count]), factor: c.factor,
                                              averageLength: c.averageLength, lengthParts: c.lengthParts, bm25: bm25)
                cached[p] = min(bound, upperBounds[p])
            }
            return cached[p]
        }
    }
}

/// The largest score a phrase can get in a document of its terms' current blocks, whose competitive impacts
/// are `impacts` (one list per term): the phrase occurs at most as often as each term, so a document where it
/// occurs `f` times has a field at least as long as, for every term, the shortest norm of its pairs with a
/// freq ≥ `f`. The best of these (f, length) corners, with `f` one of the pairs' freqs, scored like
/// ``impactBound(_:block:factor:averageLength:lengthParts:bm25:)``.
private func phraseImpactBound(_ impacts: UnsafeBufferPointer<UnsafeBufferPointer<Impact>>, factor: Double, averageLength: Double,
                         lengthParts: UnsafePointer<Double>, bm25: BM25) -> Double {
    var maxFreq = UInt32.max
    for list in impacts { maxFreq = min(maxFreq, list.last?.freq ?? 0) }
    var best = 0.0
    for list in impacts {
        for candidate in list where candidate.freq <= maxFreq {
            var length: UInt32 = 0
            for other in impacts {
                // Every list holds a pair with freq ≥ maxFreq ≥ candidate.freq.
                var k = 0
                while other[k].freq < candidate.freq { k += 1 }
                length = max(length, other[k].norm)
            }
            let l = Int(length)
            let lengthPart = l < LengthTables.size ? lengthParts[l] : bm25.lengthPart(length: Double(l), averageLength: averageLength)
            best = max(best, bm25.tf(Double(Int(candidate.freq)), lengthPart: lengthPart))
        }
    }
    return factor * best * (1 + 1e-9)
}

/// The largest score a document of the cursor's block `block` can get, from the block's competitive
/// impacts: `factor` × BM25's tf part at the best (freq, norm) pair, slightly inflated so rounding in a sum
/// can never exceed it.
@inline(__always)
private func impactBound(_ cursor: PostingsCursor, block: Int, factor: Double, averageLength: Double,
                         lengthParts: UnsafePointer<Double>, bm25: BM25) throws -> Double {
    var best = 0.0
    for impact in try cursor.impacts(ofBlock: block) {
        let length = Int(impact.norm)
        let lengthPart = length < LengthTables.size ? lengthParts[length]
            : bm25.lengthPart(length: Double(length), averageLength: averageLength)
        best = max(best, bm25.tf(Double(Int(impact.freq)), lengthPart: lengthPart))
    }
    return factor * best * (1 + 1e-9)
}

/// BM25's length part (``BM25/lengthPart(length:averageLength:)``) for the field lengths below `size`, per
/// field: a table lookup instead of a division per scored posting.
final class LengthTables {
    static let size = 4096
    let bm25: BM25
    let averageLengths: [Double]
    let tables: [UnsafeMutablePointer<Double>]

    init(bm25: BM25, averageLengths: [Double]) {
        self.bm25 = bm25
        self.averageLengths = averageLengths
        tables = averageLengths.map { avg in
            let t = UnsafeMutablePointer<Double>.allocate(capacity: Self.size)
            for len in 0..<Self.size { t[len] = bm25.lengthPart(length: Double(len), averageLength: avg) }
            return t
        }
    }

    deinit { for t in tables { t.deallocate() } }

    /// The length part for `length` in field `field`.
    @inline(__always)
    func lengthPart(field: Int, length: Int) -> Double {
        length < Self.size ? tables[field][length]
            : bm25.lengthPart(length: Double(length), averageLength: averageLengths[field])
    }
}

extension Searcher {
    /// Runs `query`.
    ///
    /// - Parameters:
    ///   - limit: how many hits to return.
    ///   - offset: hits to skip (for paging).
    ///   - facets: keyword columns to count over all matching documents.
    ///   - explain: fill each hit's ``Hit/explanation``.
    public func search(_ query: Query, limit: Int = 10, offset: Int = 0, facets: [String] = [], explain: Bool = false,
                       strategy: SearchStrategy = .auto) throws -> SearchResults {
        for f in facets where !schema(hasFacet: f) {
            throw SearchError.unknownFacet(f, known: snapshot.manifest.schema.columns.map(\.name))
        }
        let (plan, stats) = try plannedQuery(query)
        let k = max(0, offset) + max(0, limit)
        var top = TopK(k: k)
        var total = 0
        var counts: [String: [String: Int]] = [:]
        scratch.prepare(plan, coordination: options.coordination, synonymCredit: options.synonymCredit)
        // Facets count every match, but scoring them all is not needed: the top k come from the pruned
        // search and a counting pass walks the matches without scores.
        let countAll = strategy == .exhaustive
        let (union, conjunction) = (plan.unionChecks, plan.conjunctionChecks)
        if !countAll && (union != nil || conjunction != nil), let chunks = laneChunks() {
            try searchInLanes(plan, stats: stats, chunks: chunks, top: &top)
        } else {
            for s in snapshot.segments.indices {
                try search(plan, stats: stats, segment: s, countAll: countAll, top: &top, total: &total, facets: facets, counts: &counts)
            }
        }
        let entries = Array(top.sorted().dropFirst(max(0, offset)))
        var hits: [Hit] = []
        for e in entries {
            let reader = snapshot.segments[e.segment]
            var hit = Hit(segment: e.segment, doc: e.doc, score: e.score, id: reader.id(of: e.doc), explanation: [])
            if explain { hit.explanation = try self.explain(plan, stats: stats, segment: e.segment, doc: e.doc) }
            hits.append(hit)
        }
        if !countAll && !facets.isEmpty { (total, counts) = try countMatches(plan, stats: stats, facets: facets) }
        var facetResults: [String: [(value: String, count: Int)]] = [:]
        for f in facets {
            facetResults[f] = (counts[f] ?? [:]).sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                .map { (value: $0.key, count: $0.value) }
        }
        return SearchResults(hits: hits, totalMatches: countAll || !facets.isEmpty ? total : nil, facets: facetResults,
                             highlightTermList: plan.highlightTerms, highlightPieceList: plan.highlightPieces)
    }

    /// Scores segment `s` into `top`: MaxScore where the plan allows it, else the pruned tree or (with
    /// `countAll`) every match, counting facets.
    private func search(_ plan: QueryPlan, stats: [ClauseStats], segment s: Int, countAll: Bool,
                        top: inout TopK, total: inout Int, facets: [String], counts: inout [String: [String: Int]]) throws {
        let segment = snapshot.segments[s]
        let clauses = try bind(plan, stats: stats, segment: s, pooled: true)
        defer { recycle(clauses) }
        if !countAll && (plan.unionChecks != nil || plan.conjunctionChecks != nil) {
            try maxScore(plan, segment: s, clauses: clauses, lane: nil, range: nil, top: &top)
        } else if !countAll {
            try prunedMatches(segment: s, reader: segment, plan: plan, clauses: clauses, top: &top)
        } else {
            try exhaustive(segment: s, reader: segment, plan: plan, clauses: clauses, top: &top, total: &total,
                           facets: facets, counts: &counts)
        }
    }

    /// The parts a search on two threads takes in turn (a segment, or a run of a large segment's documents), in
    /// index order; nil to search on this thread: only large indexes repay the hand-off.
    func laneChunks() -> [(segment: Int, range: Range<UInt32>)]? {
        let segments = snapshot.segments
        guard searchThreads > 1 else { return nil }
        let total = segments.reduce(0) { $0 + $1.maxDoc }
        guard total >= max(2, parallelMinimumDocuments) else { return nil }
        // About a quarter of the index each: every part sets up MaxScore afresh and starts with its windows'
        // bounds unread, so on the 1M index (8 segments, and optimized to 1) quarters beat eighths and
        // sixteenths (peers' queries, any p50: 353 / 379 / 392 µs), and a second thread still finds work while
        // the first is in a slow part.
        let size = max(minimumPartDocuments, total / partsPerIndex)
        var chunks: [(segment: Int, range: Range<UInt32>)] = []
        for (s, segment) in segments.enumerated() {
            let pieces = max(1, (segment.maxDoc + size / 2) / size)
            for p in 0..<pieces {
                let lo = segment.maxDoc * p / pieces
                let hi = p == pieces - 1 ? Int(DocIterator.end) : segment.maxDoc * (p + 1) / pieces
                chunks.append((s, UInt32(lo)..<UInt32(hi)))
            }
        }
        return chunks
    }

    /// Runs MaxScore on this thread and a second, each taking the next part of the index (``laneChunks()``) when
    /// done with one, into one shared top k (``SearchLane``): the same list as one thread's.
    private func searchInLanes(_ plan: QueryPlan, stats: [ClauseStats], chunks: [(segment: Int, range: Range<UInt32>)],
                               top: inout TopK) throws {
        let helper = laneHelper ?? Searcher(helping: self)
        laneHelper = helper
        helper.options = options
        helper.scratch.prepare(plan, coordination: options.coordination, synonymCredit: options.synonymCredit)
        let shared = LaneState(k: top.k)
        let failures = UnsafeMutableBufferPointer<(any Error)?>.allocate(capacity: 2)
        failures.initialize(repeating: nil)
        defer {
            failures.deinitialize()
            failures.deallocate()
        }
        // Each lane touches only its own searcher (cursors, scratch) and failure slot; the plan and statistics
        // are values both only read, and the segments are read-only maps.
        struct Job: @unchecked Sendable {
            let searchers: (Searcher, Searcher)
            let plan: QueryPlan
            let stats: [ClauseStats]
            let chunks: [(segment: Int, range: Range<UInt32>)]
            let failures: UnsafeMutableBufferPointer<(any Error)?>
        }
        let job = Job(searchers: (self, helper), plan: plan, stats: stats, chunks: chunks, failures: failures)
        DispatchQueue.concurrentPerform(iterations: 2) { lane in
            let searcher = lane == 0 ? job.searchers.0 : job.searchers.1
            let me = SearchLane(shared: shared)
            // A lane's parts come in index order, so within a segment its clauses' cursors carry on.
            var bound: (segment: Int, clauses: [SegmentClause])?
            // Unused: the lane inserts into the shared top k.
            var unused = TopK(k: 0)
            do {
                while true {
                    let i = shared.next.add(1, ordering: .relaxed).oldValue
                    guard i < job.chunks.count else { break }
                    let chunk = job.chunks[i]
                    if bound?.segment != chunk.segment {
                        if let old = bound { searcher.recycle(old.clauses) }
                        bound = (chunk.segment, try searcher.bind(job.plan, stats: job.stats, segment: chunk.segment, pooled: true))
                    }
                    try searcher.maxScore(job.plan, segment: chunk.segment, clauses: bound!.clauses, lane: me,
                                          range: chunk.range, top: &unused)
                }
            } catch {
                job.failures[lane] = error
                // The other lane finishes the parts.
            }
            if let old = bound { searcher.recycle(old.clauses) }
        }
        for case let failure? in failures { throw failure }
        top = shared.top.withLock { $0 }
    }

    /// MaxScore over `clauses` (bound to segment `s`) as the plan allows it, as a union or a conjunction.
    private func maxScore(_ plan: QueryPlan, segment s: Int, clauses: [SegmentClause], lane: SearchLane?,
                          range: Range<UInt32>?, top: inout TopK) throws {
        let reader = snapshot.segments[s]
        if let union = plan.unionChecks {
            try maxScore(segment: s, reader: reader, plan: plan, clauses: clauses, union: union, lane: lane, range: range, top: &top)
        } else if let conjunction = plan.conjunctionChecks {
            try maxScore(segment: s, reader: reader, plan: plan, clauses: clauses,
                         union: (.none, conjunction.excluded, conjunction.filters), groups: conjunction.groups, lane: lane,
                         range: range, top: &top)
        }
    }

    /// Calls `body` with the segment and document of every posting matching `query`, in index order (no
    /// scoring): the postings a report aggregates over.
    public func forEachMatch(_ query: Query, _ body: (SegmentReader, Int) throws -> Void) throws {
        let (plan, stats) = try plannedQuery(query)
        for (s, segment) in snapshot.segments.enumerated() {
            let clauses = try bind(plan, stats: stats, segment: s)
            let matcher = try iterator(plan.match, clauses: clauses, reader: segment)
            try matcher.start()
            var doc = matcher.doc
            while doc != DocIterator.end {
                if !segment.isDeleted(Int(doc)) { try body(segment, Int(doc)) }
                doc = try matcher.next()
            }
        }
    }

    private func schema(hasFacet name: String) -> Bool {
        snapshot.manifest.schema.columns.contains { $0.name == name && $0.kind != .int }
    }

    struct ClauseStats {
        var idf: Double
        var averageLength: Double
        /// The clause's field, and for a phrase its words' offsets (nil for a term): binding reads these
        /// instead of the clause, whose strings it would retain.
        var field = 0
        var offsets: [UInt32]?
        /// A phrase the match tree requires (so a segment gives it a driving cursor).
        var isRequired = false
        /// The dictionary entries of the clause's terms (one for a term, one per word for a phrase), so
        /// binding each segment looks nothing up again.
        var entries: [TermEntry] = []
    }

    /// The plan of `query` with its statistics and coordination weights: made once per query text and kept
    /// (``planCacheLimit``), since it depends only on the query, the options and the snapshot, which a
    /// searcher never changes. The next page of results, a facet count or another user's same search skips
    /// analysis, expansion and dictionary lookups.
    func plannedQuery(_ query: Query) throws -> (plan: QueryPlan, stats: [ClauseStats]) {
        if let known = planCache[query] { return known }
        var plan = try self.plan(query)
        let stats = try clauseStatistics(plan)
        // Each query word's share of coordination: its idf, so missing 的 costs less than missing PLC.
        plan.unitWeights = [Double](repeating: 0, count: plan.unitCount)
        for (i, u) in plan.unitOfClause.enumerated()
        where u >= 0 && plan.creditOfClause[i] >= 1 && (plan.inactiveUnits.isEmpty || !plan.inactiveUnits.contains(u)) {
            plan.unitWeights[u] = max(plan.unitWeights[u], options.coordinationByIDF ? stats[i].idf : 1)
        }
        // Per phrase and word, the term clauses of that word in the phrase's field (`maxScore` reads positions
        // through their cursors): found once per plan, not by comparing strings per segment and search.
        var termClauses: [TermKey: [Int]] = [:]
        for (i, c) in plan.clauses.enumerated() {
            if case .term(let t) = c.kind { termClauses[TermKey(field: c.field, term: t), default: []].append(i) }
        }
        plan.phraseWordClauses = plan.clauses.map { c in
            guard case .phrase(let words, _) = c.kind else { return [] }
            return words.map { termClauses[TermKey(field: c.field, term: $0)] ?? [] }
        }
        // How MaxScore can drive the match tree, worked out once with the plan.
        plan.unionChecks = plan.match.unionWithChecks
        plan.conjunctionChecks = plan.unionChecks == nil ? plan.match.conjunctionWithChecks : nil
        if planCacheLimit > 0 {
            if planCache.count >= planCacheLimit { planCache.removeAll(keepingCapacity: true) }
            planCache[query] = (plan, stats)
        }
        return (plan, stats)
    }

    /// Index-wide statistics per clause: idf from document frequencies summed over segments.
    func clauseStatistics(_ plan: QueryPlan) throws -> [ClauseStats] {
        let required = plan.match.requiredPhrases
        return try plan.clauses.enumerated().map { i, clause in
            let stats = fieldStats[clause.field]
            let avg = stats.docCount > 0 ? Double(stats.sumLength) / Double(stats.docCount) : 1
            switch clause.kind {
            case .term(let t):
                let entry = try termEntry(field: clause.field, term: t)
                return ClauseStats(idf: options.bm25.idf(docFreq: entry.docFreq, docCount: stats.docCount),
                                   averageLength: avg, field: clause.field, entries: [entry])
            case .phrase(let terms, let offsets):
                let entries = try terms.map { try termEntry(field: clause.field, term: $0) }
                let idf = entries.reduce(0.0) { $0 + options.bm25.idf(docFreq: $1.docFreq, docCount: stats.docCount) }
                return ClauseStats(idf: idf, averageLength: avg, field: clause.field, offsets: offsets,
                                   isRequired: required.contains(i), entries: entries)
            }
        }
    }

    /// Hands the cursors of `clauses`, which are done with, to the pool ``bind(_:stats:segment:pooled:)`` takes
    /// from.
    fileprivate func recycle(_ clauses: [SegmentClause]) {
        for c in clauses { c.recycle(into: &cursorPool, limit: Self.cursorPoolLimit, blocks: Self.cursorPoolBlocks) }
    }

    /// The plan's clauses bound to segment `s`: their cursors, factors and bounds. With `pooled`, cursors
    /// come from ``cursorPool`` where it has any (the caller recycles the clauses when done).
    private func bind(_ plan: QueryPlan, stats: [ClauseStats], segment s: Int, pooled: Bool = false) throws -> [SegmentClause] {
        let segment = snapshot.segments[s]
        let bm25 = options.bm25
        func postings(_ info: TermInfo) throws -> PostingsCursor {
            pooled ? try segment.postings(info, reusing: cursorPool.popLast()) : try segment.postings(info)
        }
        return try stats.indices.map { i in
            let factor = plan.weights[i] * stats[i].idf
            let field = stats[i].field
            guard let offsets = stats[i].offsets else {
                let c = SegmentClause(index: i, field: field, factor: factor, averageLength: stats[i].averageLength, offsets: [])
                if let info = stats[i].entries[0].infos[s] {
                    c.cursor = try postings(info)
                    // Slightly inflated so rounding in a sum can never exceed it.
                    c.upperBound = factor * bm25.tf(Double(info.maxFreq), length: Double(info.minNorm),
                                                    averageLength: stats[i].averageLength) * (1 + 1e-9)
                }
                return c
            }
            do {
                let c = SegmentClause(index: i, field: field, factor: factor, averageLength: stats[i].averageLength, offsets: offsets)
                var terms: [TermInfo] = []
                terms.reserveCapacity(stats[i].entries.count)
                for entry in stats[i].entries {
                    guard let info = entry.infos[s] else { return c }
                    terms.append(info)
                }
                c.phraseTerms = terms
                c.reader = segment
                c.upperBound = factor * (bm25.k1 + 1) * (1 + 1e-9)
                if stats[i].isRequired, let rarest = terms.min(by: { $0.docFreq < $1.docFreq }) {
                    c.driver = try postings(rarest)
                }
                return c
            }
        }
    }

    /// A term clause's contribution for `doc`: `contribution(_:doc:reader:)`'s value, without leaving plain
    /// memory.
    @inline(__always)
    private func termScore(_ t: TermSlot, doc: UInt32, bm25: BM25) throws -> Double {
        guard try t.advance(to: doc) == doc else { return 0 }
        let length = Int(UInt16(littleEndian: t.norms!.loadUnaligned(fromByteOffset: 2 * Int(doc), as: UInt16.self)))
        let lengthPart = length < LengthTables.size ? t.lengthParts[length]
            : bm25.lengthPart(length: Double(length), averageLength: t.averageLength)
        return t.factor * bm25.tf(Double(Int(t.freq)), lengthPart: lengthPart)
    }

    /// The slots of `clauses`' terms, and for each clause the index of its slot (-1 for phrases and terms the
    /// segment lacks). The caller deallocates both.
    private func termSlots(_ clauses: [SegmentClause], reader: SegmentReader)
        -> (slots: UnsafeMutableBufferPointer<TermSlot>, slotOf: UnsafeMutableBufferPointer<Int>) {
        let lengths = lengthTables()
        let slots = UnsafeMutableBufferPointer<TermSlot>.allocate(capacity: max(1, clauses.count))
        let slotOf = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, clauses.count))
        var n = 0
        for (i, c) in clauses.enumerated() {
            guard let cursor = c.cursor else {
                slotOf[i] = -1
                continue
            }
            (slots.baseAddress! + n).initialize(to: TermSlot(
                clause: c, index: i, cursorRef: .passUnretained(cursor), isTerm: true, factor: c.factor,
                averageLength: c.averageLength, norms: reader.norms(field: c.field).baseAddress,
                lengthParts: lengths.tables[c.field]))
            slotOf[i] = n
            n += 1
        }
        return (slots, slotOf)
    }

    /// The clause's contribution for `doc`, or 0 when the document lacks it. Cursors only move forward.
    @inline(__always)
    private func contribution(_ c: SegmentClause, doc: UInt32, reader: SegmentReader) throws -> (score: Double, freq: Int) {
        let freq: Int
        if let cursor = c.cursor {
            if cursor.doc < doc { try cursor.advance(to: doc) }
            guard cursor.doc == doc else { return (0, 0) }
            freq = Int(cursor.freq)
        } else if c.isPhrase {
            let cursors = try c.phraseCursors
            for cursor in cursors {
                if cursor.doc < doc { try cursor.advance(to: doc) }
                guard cursor.doc == doc else { return (0, 0) }
            }
            freq = try phraseFrequency(cursors, offsets: c.offsets)
            guard freq > 0 else { return (0, 0) }
        } else {
            return (0, 0)
        }
        let lengthPart = lengthTables().lengthPart(field: c.field, length: reader.norm(field: c.field, doc: Int(doc)))
        return (c.factor * options.bm25.tf(Double(freq), lengthPart: lengthPart), freq)
    }

    /// The BM25 sum of a query without coordination or sub-word credit (``ScoringScratch/plainSum``).
    @inline(__always)
    private func plainTotal(_ parts: UnsafeMutableBufferPointer<Double>) -> Double {
        var sum = 0.0
        for v in parts { sum += v }
        return sum
    }

    /// The score of a document from its clauses' contributions: their sum in clause order (so every strategy
    /// gets the same value), times the coordination factor (matched words / query words)^c.
    ///
    /// A longer word containing a query word (`工具箱` for `工具`) counts only where the word itself is
    /// missing, and then as half a match, so such postings rank below exact ones. Both only lower the BM25
    /// sum, so its upper bounds stay valid for pruning.
    @inline(__always)
    private func finalScore(_ parts: UnsafeMutableBufferPointer<Double>, plan: QueryPlan) -> Double {
        let t = scratch
        if t.plainSum { return plainTotal(parts) }
        let unitCount = t.unitCount
        let exact = t.exact, credit = t.credit
        let unitOfClause = t.unitOfClause, creditOfClause = t.creditOfClause
        let coveredStart = t.coveredStart, covered = t.covered
        for u in 0..<unitCount {
            exact[u] = false
            credit[u] = 0
        }
        for i in 0..<parts.count {
            let u = unitOfClause[i]
            if u >= 0 && parts[i] > 0 && creditOfClause[i] >= 1 { exact[u] = true }
        }
        var sum = 0.0
        for i in 0..<parts.count {
            let v = parts[i]
            let u = unitOfClause[i]
            if u >= 0 && v > 0 {
                if exact[u] && creditOfClause[i] < 1 { continue }
                credit[u] = max(credit[u], creditOfClause[i])
            }
            let first = coveredStart[i], end = coveredStart[i + 1]
            if v > 0 && t.hasCovered[i] {
                if t.isSynonym[i] {
                    // A synonym adds nothing where the query's own words are there.
                    var all = true
                    for j in first..<end where !exact[covered[j]] {
                        all = false
                        break
                    }
                    if all { continue }
                    let given = t.isFull[i] ? 1 : t.synonymCredit
                    for j in first..<end { credit[covered[j]] = max(credit[covered[j]], given) }
                } else {
                    for j in first..<end { credit[covered[j]] = 1 }
                }
            }
            sum += v
        }
        let coordination = t.coordination
        guard coordination > 0 else { return sum }
        var matched = 0.0, total = 0.0
        for u in 0..<unitCount {
            matched += credit[u] * t.unitWeights[u]
            total += t.unitWeights[u]
        }
        if matched >= total || total == 0 { return sum }
        return sum * (coordination == 1 ? matched / total : pow(matched / total, coordination))
    }

    private func accepts(_ filter: RangeFilter, reader: SegmentReader, doc: Int) -> Bool {
        if let text = filter.contains {
            guard let column = filter.columns.first.flatMap(reader.column) else { return false }
            return column.strings(doc).contains { $0.localizedCaseInsensitiveContains(text) }
        }
        if filter.overlap, filter.columns.count == 2 {
            let lo = reader.column(filter.columns[0])?.int(doc)
            let hi = reader.column(filter.columns[1])?.int(doc) ?? lo
            guard let low = lo ?? hi, let high = hi else { return false }
            if let l = filter.lower, high < l { return false }
            if let u = filter.upper, low > u { return false }
            return true
        }
        guard let v = filter.columns.first.flatMap(reader.column)?.int(doc) else { return false }
        if let l = filter.lower, v < l { return false }
        if let u = filter.upper, v > u { return false }
        return true
    }

    // MARK: - Iterators for the match tree

    private func iterator(_ node: MatchNode, clauses: [SegmentClause], reader: SegmentReader) throws -> DocIterator {
        switch node {
        case .clause(let i):
            guard let cursor = clauses[i].cursor else { return EmptyIterator() }
            // A fresh cursor: scoring cursors move independently.
            return TermIterator(try reader.postings(cursor.termInfo))
        case .requiredPhrase(let i):
            let c = clauses[i]
            guard c.isPhrase else { return EmptyIterator() }
            return PhraseIterator(cursors: try c.phraseTerms.map { try reader.postings($0) }, offsets: c.offsets)
        case .and(let parts):
            return ConjunctionIterator(try parts.map { try iterator($0, clauses: clauses, reader: reader) })
        case .or(let parts):
            return DisjunctionIterator(try parts.map { try iterator($0, clauses: clauses, reader: reader) })
        case .exclude(let a, let b):
            return ExclusionIterator(include: try iterator(a, clauses: clauses, reader: reader),
                                     exclude: try iterator(b, clauses: clauses, reader: reader))
        case .filter(let a, let f):
            return FilterIterator(try iterator(a, clauses: clauses, reader: reader)) { [unowned self] doc in
                self.accepts(f, reader: reader, doc: doc)
            }
        case .all:
            return AllDocsIterator(maxDoc: reader.maxDoc)
        case .none:
            return EmptyIterator()
        }
    }

    /// The number of live documents matching `plan` and, per facet column, their values' counts: a pass over
    /// the matches without scoring.
    private func countMatches(_ plan: QueryPlan, stats: [ClauseStats], facets: [String]) throws
        -> (total: Int, counts: [String: [String: Int]])
    {
        var total = 0
        var counts: [String: [String: Int]] = [:]
        for (s, segment) in snapshot.segments.enumerated() {
            let clauses = try bind(plan, stats: stats, segment: s)
            let matcher = try iterator(plan.match, clauses: clauses, reader: segment)
            try matcher.start()
            var counters = facets.map { ColumnCounter(segment.column($0)) }
            var doc = matcher.doc
            while doc != DocIterator.end {
                if !segment.isDeleted(Int(doc)) {
                    total += 1
                    for i in counters.indices { counters[i].add(Int(doc)) }
                }
                doc = try matcher.next()
            }
            for (name, counter) in zip(facets, counters) { counter.merge(into: &counts[name, default: [:]]) }
        }
        return (total, counts)
    }

    // MARK: - Strategies

    /// Scores every matching document.
    private func exhaustive(segment s: Int, reader: SegmentReader, plan: QueryPlan, clauses: [SegmentClause],
                            top: inout TopK, total: inout Int, facets: [String], counts: inout [String: [String: Int]]) throws {
        let matcher = try iterator(plan.match, clauses: clauses, reader: reader)
        try matcher.start()
        var counters = facets.map { ColumnCounter(reader.column($0)) }
        let parts = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, clauses.count))
        defer { parts.deallocate() }
        var doc = matcher.doc
        while doc != DocIterator.end {
            if !reader.isDeleted(Int(doc)) {
                total += 1
                for (i, c) in clauses.enumerated() { parts[i] = try contribution(c, doc: doc, reader: reader).score }
                top.insert(.init(score: finalScore(UnsafeMutableBufferPointer(rebasing: parts[0..<clauses.count]), plan: plan),
                                 segment: s, doc: Int(doc)))
                for i in counters.indices { counters[i].add(Int(doc)) }
            }
            doc = try matcher.next()
        }
        for (name, counter) in zip(facets, counters) { counter.merge(into: &counts[name, default: [:]]) }
    }

    /// Scores the documents the match tree finds (a conjunction, say) with block-max bounds: a window of
    /// documents where every clause stays in one postings block is passed over whole when the clauses' block
    /// bounds together cannot beat the k-th score, and a document stops being scored once its clauses so far
    /// and the bounds of the rest cannot. Coordination only lowers a score, so the bounds hold; the scores of
    /// the documents kept are those ``exhaustive`` computes.
    private func prunedMatches(segment s: Int, reader: SegmentReader, plan: QueryPlan, clauses: [SegmentClause],
                               top: inout TopK) throws {
        let matcher = try iterator(plan.match, clauses: clauses, reader: reader)
        try matcher.start()
        let n = clauses.count
        guard n > 0 else {
            // Nothing scores (filters or negations alone): every match scores 0.
            var doc = matcher.doc
            while doc != DocIterator.end && top.heap.count < top.k {
                if !reader.isDeleted(Int(doc)) {
                    top.insert(.init(score: finalScore(UnsafeMutableBufferPointer(start: nil, count: 0), plan: plan),
                                     segment: s, doc: Int(doc)))
                }
                doc = try matcher.next()
            }
            return
        }
        let parts = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let windowBound = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        var order = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let suffix = UnsafeMutableBufferPointer<Double>.allocate(capacity: n + 1)
        defer {
            parts.deallocate()
            windowBound.deallocate()
            order.deallocate()
            suffix.deallocate()
        }
        for i in 0..<n { order[i] = i }
        let bm25 = options.bm25
        let end = DocIterator.end
        let (slots, slotOf) = termSlots(clauses, reader: reader)
        defer {
            slots.deallocate()
            slotOf.deallocate()
        }
        let hasDeletions = reader.deletions != nil
        let plainSum = scratch.plainSum
        let boundCache = UnsafeMutableBufferPointer<BlockBound>.allocate(capacity: n)
        boundCache.initialize(repeating: BlockBound())
        defer { boundCache.deallocate() }
        // Phrases (bounded by their terms' impacts) are scored after the terms: they cost positions.
        let phraseClauses = clauses.filter { $0.isPhrase }
        let phraseOf = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        defer { phraseOf.deallocate() }
        phraseOf.initialize(repeating: -1)
        for (p, c) in phraseClauses.enumerated() { phraseOf[c.index] = p }
        let phraseSlots = try phraseClauses.map {
            try PhraseSlot($0, norms: reader.norms(field: $0.field).baseAddress, lengthParts: lengthTables().tables[$0.field])
        }
        defer { for slot in phraseSlots { slot.deallocate() } }
        let phraseBounds = PhraseBounds(phraseClauses, slots: phraseSlots)
        var windowEnd: UInt32 = 0
        var doc = matcher.doc
        while doc != end {
            if doc >= windowEnd {
                var last = end
                for i in 0..<n {
                    let j = slotOf[i]
                    if j >= 0 {
                        let t = slots[j]
                        if t.doc != end, let block = try t.blockBound(for: doc, bm25: bm25, cache: &boundCache[j]) {
                            windowBound[i] = block.bound
                            last = min(last, block.lastDoc)
                        } else {
                            windowBound[i] = 0
                        }
                    } else if phraseOf[i] >= 0 {
                        windowBound[i] = try phraseBounds.bound(phraseOf[i], at: doc, last: &last, bm25: bm25)
                    } else {
                        windowBound[i] = clauses[i].upperBound
                    }
                }
                windowEnd = last == end ? end : last + 1
                // Terms, then phrases, highest bounds first, so a document is given up on as early and as
                // cheaply as possible.
                order.sort {
                    let a = phraseOf[$0] >= 0, b = phraseOf[$1] >= 0
                    return a != b ? b : windowBound[$0] > windowBound[$1]
                }
                suffix[n] = 0
                for k in stride(from: n - 1, through: 0, by: -1) { suffix[k] = suffix[k + 1] + windowBound[order[k]] }
                if suffix[0] <= top.threshold {
                    // No document of the window can enter the top k.
                    doc = windowEnd == end ? end : try matcher.advance(to: windowEnd)
                    continue
                }
            }
            if !(hasDeletions && reader.isDeleted(Int(doc))) {
                let theta = top.threshold
                var partial = 0.0
                var pruned = false
                for i in 0..<n { parts[i] = 0 }
                for k in 0..<n {
                    if partial + suffix[k] <= theta {
                        pruned = true
                        break
                    }
                    let i = order[k]
                    let j = slotOf[i]
                    let v = j >= 0 ? try termScore(slots[j], doc: doc, bm25: bm25)
                        : try contribution(clauses[i], doc: doc, reader: reader).score
                    parts[i] = v
                    partial += v
                }
                if !pruned {
                    let score = plainSum ? plainTotal(parts) : finalScore(parts, plan: plan)
                    top.insert(.init(score: score, segment: s, doc: Int(doc)))
                }
            }
            doc = try matcher.next()
        }
    }

    /// Block-max MaxScore (Turtle & Flood 1995; windows over postings blocks as in Lucene's
    /// `MaxScoreBulkScorer`). Within a window where every clause stays in one postings block, each clause's
    /// bound is the best BM25 over its block's competitive (freq, length) pairs, a score some document of the
    /// block reaches (Lucene's impacts, Tantivy's block WAND); clauses whose bounds together cannot
    /// beat the k-th score are only checked for documents the others find, and a window no clause can win in is
    /// skipped whole.
    ///
    /// With `groups` (a conjunction: every group must match, each a union of term clauses), a candidate the
    /// essential clauses propose is kept only when every group has a clause on it, checked rarest group first;
    /// when a group has none, the candidates skip to the group's next document.
    /// The next document of a conjunction at or after `start` and before `windowEnd`, led by its rarest
    /// group (group 0): each other group follows, and where one lacks the target its next document is the
    /// next target, so only the cursors of the groups asked move; last, the candidate must be on an
    /// `essential` slot, as MaxScore proposes none else. `candidate` is `end` when there is none before the
    /// window's end; `floor` is then where the search stopped (nothing before it matches). A method of its
    /// own: inside the loop (or as a function nested in it) it slowed every other query's code.
    @inline(never)
    private static func leapfrog(from start: UInt32, before windowEnd: UInt32, groupStart: UnsafeMutableBufferPointer<Int>,
                                 groupMembers: UnsafeMutableBufferPointer<Int>, groupCount: Int,
                                 docs: UnsafeMutableBufferPointer<UInt32>, slots: UnsafeMutableBufferPointer<TermSlot>,
                                 essential: UnsafeMutableBufferPointer<Int>) throws
        -> (candidate: UInt32, floor: UInt32) {
        let end = DocIterator.end
        /// Moves the cursors of `members` (slot numbers) to `target`: whether one is on it, and the least of
        /// their documents (the next target when none is).
        func follow<S: Sequence<Int>>(_ members: S, to target: UInt32) throws -> (on: Bool, next: UInt32) {
            var on = false
            var next = end
            for i in members {
                if docs[i] < target { docs[i] = try slots[i].advance(to: target) }
                if docs[i] == target { on = true }
                next = min(next, docs[i])
            }
            return (on, next)
        }
        var target = start
        search: while target < windowEnd {
            target = try follow(groupMembers[groupStart[0]..<groupStart[1]], to: target).next
            if target >= windowEnd { break }
            for g in 1..<groupCount {
                let (on, next) = try follow(groupMembers[groupStart[g]..<groupStart[g + 1]], to: target)
                if !on {
                    target = next
                    continue search
                }
            }
            // This also moves every essential cursor to the candidate, which scoring expects.
            let (on, next) = try follow(essential, to: target)
            if !on {
                target = next
                continue search
            }
            return (target, target)
        }
        return (end, target)
    }

    private func maxScore(segment s: Int, reader: SegmentReader, plan: QueryPlan, clauses: [SegmentClause],
                          union: (union: MatchNode, excluded: [MatchNode], filters: [RangeFilter]), groups: [[Int]]? = nil,
                          lane: SearchLane? = nil, range: Range<UInt32>? = nil, top: inout TopK) throws {
        // Term clauses and required phrases (through their driving term) propose candidates.
        let terms = clauses.filter { $0.cursor != nil || $0.driver != nil }
        let n = terms.count
        guard n > 0 else { return }
        // The groups as slot indexes, the rarest group first; a group without postings here matches nothing.
        var groupSlots: [[Int]] = []
        /// The postings the rarest group's clauses hold (what leading with it visits at most).
        var rarestGroupCost = Int.max
        if let groups {
            var slotOfClause = [Int](repeating: -1, count: clauses.count)
            for (i, c) in terms.enumerated() { slotOfClause[c.index] = i }
            for g in groups {
                var members = g.map { slotOfClause[$0] }.filter { $0 >= 0 }.sorted()
                if members.isEmpty { return }
                members = members.indices.compactMap { k in k == 0 || members[k] != members[k - 1] ? members[k] : nil }
                groupSlots.append(members)
            }
            func cost(_ g: [Int]) -> Int { g.reduce(0) { $0 &+ terms[$1].position.docFreq } }
            groupSlots.sort { cost($0) < cost($1) }
            rarestGroupCost = groupSlots.first.map(cost) ?? Int.max
        }
        // The same, flat: group g's slots are groupMembers[groupStart[g]..<groupStart[g + 1]] (no array retained
        // per candidate).
        let groupStart = UnsafeMutableBufferPointer<Int>.allocate(capacity: groupSlots.count + 1)
        let groupMembers = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(1, groupSlots.reduce(0) { $0 + $1.count }))
        defer {
            groupStart.deallocate()
            groupMembers.deallocate()
        }
        groupStart[0] = 0
        for (g, members) in groupSlots.enumerated() {
            for (j, i) in members.enumerated() { groupMembers[groupStart[g] + j] = i }
            groupStart[g + 1] = groupStart[g] + members.count
        }
        let groupCount = groupSlots.count
        let conjunctive = groups != nil
        let leapfrog = conjunctive && groupCount > 1
        /// No candidate before this document matches every group.
        var groupFloor: UInt32 = 0
        let phrases = clauses.filter { $0.isPhrase && $0.driver == nil }
        // The phrases' bounds in the current window, from their terms' impacts (`phraseImpactBound`).
        var phraseBound = phrases.reduce(0.0) { $0 + $1.upperBound }
        let phraseWindow = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, phrases.count))
        defer { phraseWindow.deallocate() }
        for (p, c) in phrases.enumerated() { phraseWindow[p] = c.upperBound }
        let exclusions = try union.excluded.map { node -> DocIterator in
            let it = try iterator(node, clauses: clauses, reader: reader)
            try it.start()
            return it
        }
        // Each clause's score for the candidate. Not cleared per candidate: a candidate that reaches its final
        // score has had every term slot and phrase written (essential slots not on it get 0), and clauses
        // without postings here stay at 0.
        let parts = UnsafeMutableBufferPointer<Double>.allocate(capacity: clauses.count)
        parts.initialize(repeating: 0)
        defer { parts.deallocate() }
        let end = DocIterator.end
        let bm25 = options.bm25
        // Coordination can only lower a score; bound it too when the query has several words: a candidate can
        // at best match the words its clauses so far matched plus those the remaining clauses stand for.
        let coordinated = options.coordination > 0 && plan.unitCount > 1 && plan.unitCount <= 64
        let totalWeight = plan.unitWeights.reduce(0, +)
        func unitMask(_ clause: Int) -> UInt64 {
            var mask: UInt64 = 0
            let u = plan.unitOfClause[clause]
            if u >= 0 && u < 64 { mask |= 1 << UInt64(u) }
            for c in plan.coveredUnits[clause] ?? [] where c < 64 { mask |= 1 << UInt64(c) }
            return mask
        }
        let masks = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
        defer { masks.deallocate() }
        for i in 0..<n { masks[i] = unitMask(terms[i].index) }
        let slotCost = UnsafeMutableBufferPointer<Int>.allocate(capacity: groups == nil ? 1 : n)
        defer { slotCost.deallocate() }
        if groups != nil { for i in 0..<n { slotCost[i] = terms[i].position.docFreq } }
        // What proposing candidates from a clause costs, as its postings count (inverted: a product per comparison).
        let inverseCost = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        defer { inverseCost.deallocate() }
        for i in 0..<n { inverseCost[i] = 1 / Double(max(1, terms[i].position.docFreq)) }
        let hasDeletions = reader.deletions != nil
        let hasFilters = !union.filters.isEmpty
        let hasPhrases = !phrases.isEmpty
        let plainSum = scratch.plainSum
        let lengths = lengthTables()
        let slots = UnsafeMutableBufferPointer<TermSlot>.allocate(capacity: n)
        defer { slots.deallocate() }
        for i in 0..<n {
            let c = terms[i]
            (slots.baseAddress! + i).initialize(to: TermSlot(
                clause: c, index: c.index, cursorRef: Unmanaged.passUnretained(c.position), isTerm: c.cursor != nil, factor: c.factor, averageLength: c.averageLength,
                norms: reader.norms(field: c.field).baseAddress, lengthParts: lengths.tables[c.field]))
        }
        /// The clause's contribution for `doc`: `contribution(_:doc:reader:)`'s value, for terms without
        /// leaving plain memory.
        @inline(__always)
        func score(_ i: Int, _ doc: UInt32) throws -> Double {
            let t = slots[i]
            guard t.isTerm else { return try contribution(t.clause, doc: doc, reader: reader).score }
            return try termScore(t, doc: doc, bm25: bm25)
        }
        let coordination = options.coordination
        func computedFactorBound(_ mask: UInt64) -> Double {
            guard coordinated, totalWeight > 0 else { return 1 }
            var w = 0.0
            var m = mask
            while m != 0 {
                let u = m.trailingZeroBitCount
                w += plan.unitWeights[u]
                m &= m - 1
            }
            if w >= totalWeight { return 1 }
            return coordination == 1 ? w / totalWeight : pow(w / totalWeight, coordination)
        }
        // Bounding is asked for at every pruning step of every candidate: for a few words, a table by mask.
        let tabledUnits = coordinated && plan.unitCount <= 8 ? plan.unitCount : 0
        let factorTable = UnsafeMutableBufferPointer<Double>.allocate(capacity: 1 << tabledUnits)
        defer { factorTable.deallocate() }
        if tabledUnits > 0 { for m in 0..<(1 << tabledUnits) { factorTable[m] = computedFactorBound(UInt64(m)) } }
        let tableMask = UInt64((1 << tabledUnits) - 1)
        @inline(__always) func factorBound(_ mask: UInt64) -> Double {
            tabledUnits > 0 ? factorTable[Int(mask & tableMask)] : computedFactorBound(mask)
        }
        // Current documents of the cursors, kept apart (in plain memory: no uniqueness checks per write) so
        // finding the next candidate touches no object.
        let docs = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: n)
        defer { docs.deallocate() }
        for i in 0..<n { docs[i] = slots[i].doc }
        let windowBound = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        let boundCache = UnsafeMutableBufferPointer<BlockBound>.allocate(capacity: n)
        boundCache.initialize(repeating: BlockBound())
        var order = UnsafeMutableBufferPointer<Int>.allocate(capacity: n)
        let prefix = UnsafeMutableBufferPointer<Double>.allocate(capacity: n + 1)
        let maskPrefix = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n + 1)
        defer {
            windowBound.deallocate()
            boundCache.deallocate()
            order.deallocate()
            prefix.deallocate()
            maskPrefix.deallocate()
        }
        // The term slots that hold each phrase's words in its field. A phrase can occur only where all of them
        // do: a candidate without one of them gets nothing from the phrase, and its bound drops it. And the
        // phrase reads its positions through their cursors: by the time a phrase is scored, every term slot has
        // been moved to the candidate, so the phrase's own cursors would decode the same blocks again.
        // Per phrase and word, the term slot holding the word in the phrase's field (nil: none).
        var slotOfClause = [Int](repeating: -1, count: clauses.count)
        for i in 0..<n where slots[i].isTerm { slotOfClause[terms[i].index] = i }
        let wordSlots: [[Int?]] = phrases.map { phrase in
            plan.phraseWordClauses[phrase.index].map { candidates in
                candidates.lazy.map { slotOfClause[$0] }.filter { $0 >= 0 }.min()
            }
        }
        let phrasesOfSlot = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: n)
        phrasesOfSlot.initialize(repeating: 0)
        defer { phrasesOfSlot.deallocate() }
        for (p, words) in wordSlots.enumerated() where p < 64 {
            for case let i? in words { phrasesOfSlot[i] |= 1 << UInt64(p) }
        }
        let tracksPhrases = phrasesOfSlot.contains { $0 != 0 }
        // Per phrase, the term slots it shares all its cursors with (0: not every word has a slot). A document
        // with such a phrase is on all of them, so the phrase's bound only counts for documents the essential
        // clauses cannot propose when all those slots are non-essential.
        let phraseSlotMask = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, phrases.count))
        phraseSlotMask.initialize(repeating: 0)
        defer { phraseSlotMask.deallocate() }
        if n <= 64 {
            for (p, words) in wordSlots.enumerated() where !words.isEmpty && words.allSatisfy({ $0 != nil }) {
                // Its window bound is rescaled from its words' slots' bounds, which needs their factors.
                guard words.allSatisfy({ slots[$0!].factor > 0 }) else { continue }
                phraseSlotMask[p] = words.reduce(0) { $0 | 1 << UInt64($1!) }
            }
        }
        let phraseSlots = try phrases.enumerated().map { p, phrase in
            try PhraseSlot(phrase, norms: reader.norms(field: phrase.field).baseAddress,
                       lengthParts: lengths.tables[phrase.field], shared: wordSlots[p].map { $0.flatMap { terms[$0].cursor } })
        }
        defer { for slot in phraseSlots { slot.deallocate() } }
        let phraseBounds = PhraseBounds(phrases, slots: phraseSlots)
        /// The candidate's bound of each phrase.
        let phraseTight = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(1, phrases.count))
        defer { phraseTight.deallocate() }
        let phraseCount = phrases.count
        for i in 0..<n { order[i] = i }
        prefix[0] = 0
        maskPrefix[0] = 0
        var firstEssential = 0
        var windowEnd: UInt32 = 0
        /// The window's bounds of the phrases that have a word outside the slots (those that do not share every
        /// cursor count always).
        var unsharedPhraseBound = 0.0
        /// The postings of the essential clauses (what proposing candidates from them visits at most).
        /// Whether the rarest group leads (``leapfrog(from:before:groupStart:groupMembers:groupCount:docs:slots:essential:)``):
        /// it holds fewer postings than the essential clauses. Set with them.
        var leadByGroup = false
        func partition() {
            defer {
                if leapfrog {
                    var essentialCost = 0
                    for k in firstEssential..<n { essentialCost &+= slotCost[order[k]] }
                    leadByGroup = rarestGroupCost < essentialCost
                }
            }
            let theta = lane?.threshold ?? top.threshold
            firstEssential = 0
            var budget = unsharedPhraseBound
            var nonEssential: UInt64 = 0
            while firstEssential < n {
                let grown = nonEssential | (1 << UInt64(order[firstEssential]))
                var added = 0.0
                for p in 0..<phraseCount where phraseSlotMask[p] != 0 {
                    let mask = phraseSlotMask[p]
                    if mask & ~grown == 0 && mask & ~nonEssential != 0 { added += phraseWindow[p] }
                }
                guard prefix[firstEssential + 1] + budget + added <= theta else { break }
                budget += added
                nonEssential = grown
                firstEssential += 1
            }
        }
        // A lane searching part of the segment starts its cursors at the part's first document and stops at the
        // next part's.
        let stop = range?.upperBound ?? end
        if let first = range?.lowerBound, first > 0 {
            for i in 0..<n where docs[i] < first { docs[i] = try slots[i].advance(to: first) }
        }
        var doc = end
        for i in 0..<n where docs[i] < doc { doc = docs[i] }
        /// The least document of the essential cursors, when the step before found it (nil: to be found).
        var nextCandidate: UInt32?
        /// Whether a step led by the rarest group came last (the essential cursors may lag behind `doc`).
        var led = false
        while doc < stop {
            if doc >= windowEnd {
                // A new window at `doc`. Only the blocks' impacts are read here: a cursor behind `doc` moves up
                // (decoding a block) once the window makes its clause essential or a candidate needs its score.
                var last = end
                for i in 0..<n {
                    let t = slots[i]
                    if t.isTerm {
                        if docs[i] != end, let block = try t.blockBound(for: doc, bm25: bm25, cache: &boundCache[i]) {
                            windowBound[i] = block.bound
                            last = min(last, block.lastDoc)
                        } else {
                            windowBound[i] = 0
                        }
                    } else {
                        windowBound[i] = t.clause.upperBound
                    }
                }
                phraseBound = 0
                unsharedPhraseBound = 0
                for p in phrases.indices {
                    if phraseSlotMask[p] != 0 {
                        // A phrase occurs at most as often as each of its words, in a field of the same length:
                        // its bound is the smallest of its words' bounds, rescaled to its weight.
                        var b = phrases[p].upperBound
                        var m = phraseSlotMask[p]
                        while m != 0 {
                            let i = m.trailingZeroBitCount
                            b = min(b, phrases[p].factor * (windowBound[i] / slots[i].factor))
                            m &= m - 1
                        }
                        phraseWindow[p] = b
                    } else {
                        phraseWindow[p] = try phraseBounds.bound(p, at: doc, last: &last, bm25: bm25)
                    }
                    phraseBound += phraseWindow[p]
                    if phraseSlotMask[p] == 0 { unsharedPhraseBound += phraseWindow[p] }
                }
                windowEnd = last == end ? end : last + 1
                // Non-essential first, by bound per posting (Lucene's MaxScoreBulkScorer): a long postings list with
                // a small bound stops proposing candidates before a short one with a larger bound does. By bound
                // alone, body `维修` (509 postings per copy of jobs.csv) proposed every candidate of `设备维修` at 1M,
                // each then checked against title `维修` (98).
                order.sort { (a: Int, b: Int) -> Bool in windowBound[a] * inverseCost[a] < windowBound[b] * inverseCost[b] }
                for k in 0..<n {
                    prefix[k + 1] = prefix[k] + windowBound[order[k]]
                    maskPrefix[k + 1] = maskPrefix[k] | masks[order[k]]
                }
                partition()
                if firstEssential == n {
                    // No clause can win here: skip the window.
                    doc = windowEnd
                    continue
                }
                for k in firstEssential..<n where docs[order[k]] < doc { docs[order[k]] = try slots[order[k]].advance(to: doc) }
                nextCandidate = nil
            }
            var candidate = end
            // A conjunction whose rarest group holds fewer postings than its essential clauses is led by that
            // group; otherwise the essential clauses propose candidates, as in a union.
            let leading = leadByGroup
            if leading {
                nextCandidate = nil
                let found = try Self.leapfrog(from: max(doc, groupFloor), before: windowEnd, groupStart: groupStart,
                                              groupMembers: groupMembers, groupCount: groupCount, docs: docs, slots: slots,
                                              essential: UnsafeMutableBufferPointer(rebasing: order[firstEssential..<n]))
                candidate = found.candidate
                if candidate == end { groupFloor = max(groupFloor, found.floor) }
            } else if let known = nextCandidate {
                candidate = known
                nextCandidate = nil
            } else {
                if led {
                    // The group-led steps left the essential cursors where they were.
                    for k in firstEssential..<n where docs[order[k]] < doc { docs[order[k]] = try slots[order[k]].advance(to: doc) }
                    led = false
                }
                for k in firstEssential..<n where docs[order[k]] < candidate { candidate = docs[order[k]] }
            }
            if candidate >= windowEnd {
                // The window is done; the next starts where it ends, so no clause's documents are passed over
                // (in a conjunction, none before the floor can match).
                doc = max(windowEnd, groupFloor)
                continue
            }
            if candidate >= stop { break }
            doc = candidate
            var accepted = !(hasDeletions && reader.isDeleted(Int(doc)))
            if accepted && hasFilters {
                for f in union.filters where !accepts(f, reader: reader, doc: Int(doc)) {
                    accepted = false
                    break
                }
            }
            if accepted && !exclusions.isEmpty {
                for e in exclusions {
                    if e.doc < doc { try e.advance(to: doc) }
                    if e.doc == doc {
                        accepted = false
                        break
                    }
                }
            }
            var skipTo: UInt32 = 0
            if accepted && conjunctive {
                // Every group must have a clause on the document, the rarest group checked first; a group
                // without one tells where the next match can be at the earliest.
                for g in 0..<groupCount {
                    var next = end
                    var found = false
                    for j in groupStart[g]..<groupStart[g + 1] {
                        let i = groupMembers[j]
                        if docs[i] < doc { docs[i] = try slots[i].advance(to: doc) }
                        if docs[i] == doc {
                            // A required phrase's driving term is on the document; the phrase must be too.
                            let present = try slots[i].isTerm || contribution(slots[i].clause, doc: doc, reader: reader).freq > 0
                            if present {
                                found = true
                                break
                            }
                            next = min(next, doc + 1)
                        } else {
                            next = min(next, docs[i])
                        }
                    }
                    if !found {
                        accepted = false
                        skipTo = next
                        break
                    }
                }
            }
            if accepted {
                var partial = 0.0
                var matched: UInt64 = 0
                // Phrases whose words are known to be missing from the candidate.
                var dead: UInt64 = 0
                for k in firstEssential..<n {
                    let i = order[k]
                    guard docs[i] == doc else {
                        parts[slots[i].index] = 0
                        dead |= phrasesOfSlot[i]
                        continue
                    }
                    let v = try score(i, doc)
                    parts[slots[i].index] = v
                    partial += v
                    if v > 0 { matched |= masks[i] }
                }
                let theta = lane?.threshold ?? top.threshold
                var pruned = false
                var phrasesLeft = phraseBound
                if dead != 0 {
                    phrasesLeft = 0
                    for p in 0..<phraseCount where dead & (1 << UInt64(p)) == 0 { phrasesLeft += phraseWindow[p] }
                }
                var k = firstEssential - 1
                while k >= 0 {
                    let bound = partial + prefix[k + 1] + phrasesLeft
                    if bound <= theta || (coordinated && bound * factorBound(matched | maskPrefix[k + 1]) <= theta) {
                        pruned = true
                        break
                    }
                    let i = order[k]
                    let v = try score(i, doc)
                    docs[i] = slots[i].doc
                    parts[slots[i].index] = v
                    partial += v
                    if v > 0 {
                        matched |= masks[i]
                    } else if tracksPhrases && docs[i] != doc && phrasesOfSlot[i] & ~dead != 0 {
                        dead |= phrasesOfSlot[i]
                        phrasesLeft = 0
                        for p in 0..<phraseCount where dead & (1 << UInt64(p)) == 0 { phrasesLeft += phraseWindow[p] }
                    }
                    k -= 1
                }
                if !pruned && hasPhrases {
                    // Every term slot is on the candidate or known absent now: a phrase over term slots is bounded
                    // by its rarest term's frequency here, read before any of its positions.
                    var remaining = 0.0
                    for p in 0..<phraseCount {
                        var b = 0.0
                        if dead & (1 << UInt64(p)) == 0 {
                            b = phraseWindow[p]
                            if phraseSlots[p].isShared { b = min(b, phraseSlots[p].bound(doc, bm25: bm25)) }
                        }
                        phraseTight[p] = b
                        remaining += b
                    }
                    let factor = factorBound(matched)
                    try phraseSlots.withUnsafeBufferPointer { slots in
                        for p in 0..<slots.count {
                            if (partial + remaining) * factor <= theta {
                                pruned = true
                                break
                            }
                            if dead & (1 << UInt64(p)) != 0 {
                                parts[slots[p].index] = 0
                                continue
                            }
                            let v = try slots[p].score(doc, bm25: bm25)
                            parts[slots[p].index] = v
                            partial += v
                            remaining -= phraseTight[p]
                        }
                    }
                }
                if !pruned {
                    // A driver's term without its phrase matched nothing: such a document scores 0 and is no hit.
                    let score = plainSum ? plainTotal(parts) : finalScore(parts, plan: plan)
                    if score > 0 || conjunctive {
                        if let lane {
                            lane.insert(.init(score: score, segment: s, doc: Int(doc)))
                        } else {
                            top.insert(.init(score: score, segment: s, doc: Int(doc)))
                        }
                        partition()
                    }
                }
            }
            if skipTo > doc {
                if skipTo == end { return }
                groupFloor = skipTo
                for k in firstEssential..<n where docs[order[k]] < skipTo { docs[order[k]] = try slots[order[k]].advance(to: skipTo) }
                doc = skipTo
                continue
            }
            if leading {
                // The groups' cursors move on when the next target is sought.
                led = true
                doc = doc + 1
                continue
            }
            // The essential cursors on the candidate move on; the least of them is the next candidate unless a
            // new window starts first. Non-essential cursors the candidate moved past stay where they are; the
            // next window start fixes them.
            var least = end
            for k in firstEssential..<n {
                let i = order[k]
                if docs[i] == doc { docs[i] = try slots[i].next() }
                least = min(least, docs[i])
            }
            nextCandidate = least
            doc = doc + 1
        }
    }

    // MARK: - Explain

    private func explain(_ plan: QueryPlan, stats: [ClauseStats], segment s: Int, doc: Int) throws -> [Contribution] {
        let reader = snapshot.segments[s]
        let clauses = try bind(plan, stats: stats, segment: s)
        var out: [Contribution] = []
        for (i, c) in clauses.enumerated() {
            let (score, freq) = try contribution(c, doc: UInt32(doc), reader: reader)
            guard score > 0 else { continue }
            let term: String
            switch plan.clauses[i].kind {
            case .term(let t): term = t
            case .phrase(let ts, _): term = ts.joined(separator: " ")
            }
            out.append(Contribution(field: schema.textFields[c.field], term: term, origin: plan.clauses[i].origin,
                                    freq: freq, fieldLength: reader.norm(field: c.field, doc: doc),
                                    averageLength: c.averageLength, idf: stats[i].idf, weight: plan.weights[i],
                                    score: score))
        }
        return out
    }
}
