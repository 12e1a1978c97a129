import Foundation
import IndexStore
import TextAnalysis

/// A document as the writer takes it: text per field of the schema, bytes to store, column values.
public struct IndexableDocument: Sendable {
    public var id: String
    /// Text of each schema text field, in schema order; values of a multi-valued field are separate strings.
    public var fields: [[String]]
    public var stored: [UInt8]
    public var values: [ColumnValue]

    public init(id: String, fields: [[String]], stored: [UInt8], values: [ColumnValue]) {
        self.id = id
        self.fields = fields
        self.stored = stored
        self.values = values
    }
}

/// Analyses documents on several threads and writes them as segments of an index, committed at once.
///
/// Batches of documents go to whichever worker has the fewest waiting, so a thread that gets less of a
/// core (the reading thread shares one with a worker) does not hold the other back. Versions of an id that
/// different workers indexed are settled at ``finish()``: the one read last stays. A worker flushes its
/// segment when its share of the RAM budget is used, so memory stays flat however large the corpus.
public final class IndexWriter: @unchecked Sendable {
    public let transaction: IndexTransaction
    public let schema: Schema
    private let analyzer: Analyzer
    private let workers: [Worker]
    private let batchSize = 64
    private var pending: [IndexableDocument] = []
    /// The reading-order number of the next document added (4 bytes a document while it is held; a single
    /// build of more than four billion documents would wrap it).
    private var sequence: UInt32 = 0
    private var finished = false

    /// Gap between the values of a multi-valued field, so a phrase does not match across two values.
    static let valueGap = 100

    /// Opens `directory` for writing (taking its lock).
    ///
    /// - Parameters:
    ///   - ramBudget: bytes of in-memory postings for all workers together before segments are flushed.
    ///   - threads: analysis threads; defaults to the number of cores.
    ///   - tagger: derives a keywords column from the terms of some fields (e.g. skill ids).
    ///   - fresh: rebuild from nothing; the old commit stays readable until the new one replaces it.
    public init(directory: String, schema: Schema, analyzer: Analyzer, ramBudget: Int = 128 << 20,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount, tagger: TermTagger? = nil,
                fresh: Bool = false, purpose: String) throws {
        transaction = try IndexTransaction(directory: directory, schema: schema, purpose: purpose, fresh: fresh)
        mapLargeBlocksApart()
        self.schema = schema
        self.analyzer = analyzer
        let n = max(1, threads)
        var workers: [Worker] = []
        // Names unique without shared state: a generation is committed at most once, and the files of a
        // generation that failed are removed before it is tried again.
        let prefix = "seg-g\(transaction.base.generation + 1)"
        for i in 0..<n {
            workers.append(try Worker(index: i, schema: schema, session: analyzer.makeSession(),
                                      budget: max(4 << 20, ramBudget / n), directory: directory,
                                      namePrefix: "\(prefix)-w\(i)", tagger: tagger))
        }
        self.workers = workers
        for w in workers { w.start() }
    }

    /// Queues a document for analysis. Blocks while the workers are behind, to bound memory.
    public func add(_ document: IndexableDocument) throws {
        precondition(!finished, "add after finish")
        pending.append(document)
        if pending.count >= batchSize { try dispatch() }
    }

    /// Hands the pending batch to the worker with the fewest batches waiting (blocking while even that one
    /// is full). A worker's batches arrive in reading order, so within a worker a later version of an id
    /// is always the newer.
    private func dispatch() throws {
        guard !pending.isEmpty else { return }
        // The batches the workers are done with are released here, on the thread that allocated them.
        var spent: [[IndexableDocument]] = []
        defer { spent.removeAll() }
        var target = 0
        var fewest = Int.max
        for (i, w) in workers.enumerated() {
            let n = w.poll(handingBack: &spent)
            if n < fewest { (target, fewest) = (i, n) }
        }
        let first = sequence
        sequence &+= UInt32(pending.count)
        try workers[target].enqueue(pending, first: first)
        pending = []
    }

    /// Flushes every worker, adds their segments to the transaction (superseding older documents with the
    /// same ids, from the last commit or read earlier in this build) and returns how many older documents
    /// were replaced. Call ``IndexTransaction/commit()`` on ``transaction`` afterwards.
    @discardableResult
    public func finish() throws -> Int {
        precondition(!finished, "finish once")
        finished = true
        try dispatch()
        for w in workers { w.close() }
        var firstError: (any Error)?
        for w in workers {
            w.join()
            if let e = w.error, firstError == nil { firstError = e }
        }
        if let firstError { throw firstError }
        // Each new segment replaces the last commit's documents with its ids; among the new segments, an id
        // indexed more than once keeps the version read last. They are added in the order their last
        // documents were read (the segments flushed full, then the smaller ones of the final flushes), so
        // the merge policy finds the full ones side by side.
        let fresh = workers.flatMap { w in zip(w.segments, w.sequences).map { (info: $0, sequences: $1) } }
            .sorted { ($0.sequences.last ?? 0) < ($1.sequences.last ?? 0) }
        let names = Set(fresh.map(\.info.name))
        var replaced = 0
        for segment in fresh {
            replaced += try transaction.addSegment(segment.info, skipping: names)
            // Versions superseded inside the segment were deleted as it was written.
            replaced += transaction.reader(for: segment.info.name)?.deletions?.count ?? 0
        }
        replaced += transaction.supersede(within: fresh.map { (name: $0.info.name, sequences: $0.sequences) })
        return replaced
    }

    /// Stops the workers without adding their segments (after an error, or in strict mode); nothing is
    /// committed, and the next writer removes the files they wrote.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for w in workers { w.close() }
        for w in workers { w.join() }
    }

    /// Documents analysed so far (for progress).
    public var documentsAnalysed: Int { workers.reduce(0) { $0 + $1.analysedCount } }
}


/// One analysis thread with its own ICU session and segment builder.
private final class Worker: @unchecked Sendable {
    let index: Int
    private let schema: Schema
    private let session: AnalysisSession
    private let budget: Int
    private let directory: String
    private let namePrefix: String
    private let condition = NSCondition()
    private var queue: [(documents: [IndexableDocument], first: UInt32)] = []
    /// Batches analysed, to be released by the thread that queued them (``poll(handingBack:)``).
    private var spent: [[IndexableDocument]] = []
    private var closed = false
    private var done = false
    private var thread: Thread?
    private var builder: SegmentBuilder
    private(set) var segments: [SegmentInfo] = []
    /// Per segment written, each document's place in the reading order.
    private(set) var sequences: [[UInt32]] = []
    /// The same for the segment being built.
    private var building: [UInt32] = []
    private(set) var error: (any Error)?
    private var analysed = 0
    private let queueLimit = 8
    private var tags: TagCollector?
    private let batch = TokenBatch()

    init(index: Int, schema: Schema, session: AnalysisSession, budget: Int, directory: String,
         namePrefix: String, tagger: TermTagger?) throws {
        tags = tagger.map(TagCollector.init)
        self.index = index
        self.schema = schema
        self.session = session
        self.budget = budget
        self.directory = directory
        self.namePrefix = namePrefix
        builder = SegmentBuilder(schema: schema)
    }

    var analysedCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return analysed
    }

    func start() {
        let t = Thread { [self] in run() }
        t.stackSize = 4 << 20
        thread = t
        t.start()
    }

    /// The number of batches queued and not yet taken; appends the batches analysed since the last call to
    /// `spent`.
    func poll(handingBack spent: inout [[IndexableDocument]]) -> Int {
        condition.lock()
        defer { condition.unlock() }
        spent += self.spent
        self.spent.removeAll()
        return queue.count
    }

    /// Queues `batch`, whose first document was read `first`-th (the others follow in order).
    func enqueue(_ batch: [IndexableDocument], first: UInt32) throws {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= queueLimit && error == nil { condition.wait() }
        if let error { throw error }
        queue.append((batch, first))
        condition.broadcast()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    func join() {
        condition.lock()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closed { condition.wait() }
            if queue.isEmpty && closed {
                condition.unlock()
                break
            }
            let (batch, first) = queue.removeFirst()
            condition.broadcast()
            condition.unlock()
            do {
                for (i, doc) in batch.enumerated() {
                    try analyse(doc)
                    building.append(first &+ UInt32(i))
                }
                condition.lock()
                analysed += batch.count
                // The documents' strings and arrays were allocated by the thread that queued them; freed
                // here, each free would take that thread's allocator lock from under it. They go back to it.
                spent.append(batch)
                condition.unlock()
                if builder.approximateBytes >= budget { try flush() }
            } catch {
                fail(error)
                return
            }
        }
        do {
            if builder.docCount > 0 { try flush() }
        } catch {
            fail(error)
            return
        }
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    private func fail(_ e: any Error) {
        condition.lock()
        error = e
        queue.removeAll()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    private func analyse(_ doc: IndexableDocument) throws {
        // The collector is taken out of its property for the document and put back after: mutated through
        // the optional property, it was copied (and its tables retained and released) per token.
        var collector = tags.take()
        defer { tags = collector }
        collector?.reset()
        let batch = self.batch
        for (field, values) in doc.fields.enumerated() where field < schema.textFields.count {
            var base = 0
            let tagged = collector?.tagger.fields.contains(field) ?? false
            for text in values where !text.isEmpty {
                var last = -1
                batch.removeAll()
                try session.forEachToken(in: text) { token in
                    batch.append(token.units, position: UInt32(clamping: base + token.position), length: token.length)
                    last = token.position
                }
                builder.addTokens(field: field, units: batch.units, ends: batch.ends, positions: batch.positions,
                                  count: batch.count, terms: batch.terms)
                if tagged, var c = collector.take() {
                    c.boundary()
                    for i in 0..<batch.count {
                        c.observe(batch.tokenUnits(i), length: Int(batch.lengths[i]), field: field, term: batch.terms[i])
                    }
                    collector = c
                }
                base += last + 1 + IndexWriter.valueGap
            }
        }
        var values = doc.values
        // A copy sized to its contents: handing over the collector's own buffer would make its next
        // `removeAll(keepingCapacity:)` allocate a fresh one as large as the most tags any document had, so
        // every stored list held that capacity until the flush (74 MB of 228 MB at the heap's peak).
        // `Array(tags.values[...])` is no copy (a slice over a whole array converts to it without one):
        // `map` makes new storage of the list's size.
        if let collector { values[collector.tagger.column] = .keywords(collector.values.map { $0 }) }
        builder.finishDocument(id: doc.id, stored: doc.stored, values: values)
    }

    private func flush() throws {
        let info = try builder.write(to: directory, name: "\(namePrefix)-\(segments.count + 1)")
        segments.append(info)
        sequences.append(building)
        building = []
        builder = SegmentBuilder(schema: schema)
        tags?.forgetTerms()
        // glibc keeps what a flush freed in this thread's arena; handed back, the process stays near its
        // budget over a long build instead of near its highest point.
        releaseFreeMemory()
    }
}

/// The tokens of one text, gathered so the segment builder takes them at once.
private final class TokenBatch {
    private(set) var units: UnsafeMutablePointer<UInt16>
    private(set) var ends: UnsafeMutablePointer<Int32>
    private(set) var positions: UnsafeMutablePointer<UInt32>
    private(set) var lengths: UnsafeMutablePointer<UInt16>
    /// Filled by the builder: each token's term number.
    private(set) var terms: UnsafeMutablePointer<Int32>
    private(set) var count = 0
    private var unitCount = 0
    private var capacity = 1024
    private var unitCapacity = 4096

    init() {
        units = .allocate(capacity: unitCapacity)
        ends = .allocate(capacity: capacity)
        positions = .allocate(capacity: capacity)
        lengths = .allocate(capacity: capacity)
        terms = .allocate(capacity: capacity)
    }

    deinit {
        units.deallocate()
        ends.deallocate()
        positions.deallocate()
        lengths.deallocate()
        terms.deallocate()
    }

    func removeAll() {
        count = 0
        unitCount = 0
    }

    /// The code units of token `i`.
    func tokenUnits(_ i: Int) -> UnsafeBufferPointer<UInt16> {
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return UnsafeBufferPointer(start: units + start, count: Int(ends[i]) - start)
    }

    @inline(__always)
    func append(_ token: UnsafeBufferPointer<UInt16>, position: UInt32, length: Int) {
        if count == capacity { grow() }
        if unitCount + token.count > unitCapacity { growUnits(token.count) }
        if let base = token.baseAddress { (units + unitCount).update(from: base, count: token.count) }
        unitCount += token.count
        ends[count] = Int32(unitCount)
        positions[count] = position
        lengths[count] = UInt16(clamping: length)
        count += 1
    }

    private func grow() {
        let n = capacity * 2
        func moved<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let q = UnsafeMutablePointer<T>.allocate(capacity: n)
            q.moveInitialize(from: p, count: count)
            p.deallocate()
            return q
        }
        ends = moved(ends)
        positions = moved(positions)
        lengths = moved(lengths)
        terms = moved(terms)
        capacity = n
    }

    private func growUnits(_ extra: Int) {
        var n = unitCapacity * 2
        while n < unitCount + extra { n *= 2 }
        let q = UnsafeMutablePointer<UInt16>.allocate(capacity: n)
        q.moveInitialize(from: units, count: unitCount)
        units.deallocate()
        units = q
        unitCapacity = n
    }
}
