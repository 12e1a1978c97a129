import IndexStore

/// Iterates the documents of one segment that match part of a query, in increasing order.
///
/// `doc` is ``PostingsCursor/noMoreDocs`` when exhausted; iterators start before their first document.
class DocIterator {
    static let end = PostingsCursor.noMoreDocs
    var doc: UInt32 = 0
    /// Positions the iterator on its first document.
    func start() throws { _ = try advance(to: 0) }
    @discardableResult func next() throws -> UInt32 { try advance(to: doc &+ 1) }
    @discardableResult func advance(to target: UInt32) throws -> UInt32 { fatalError("abstract") }
    /// An estimate of the matching documents, to order conjunctions.
    var cost: Int { Int.max }
}

/// Documents holding a term in a field.
final class TermIterator: DocIterator {
    let cursor: PostingsCursor
    init(_ cursor: PostingsCursor) {
        self.cursor = cursor
    }
    override func start() throws { doc = cursor.doc }
    override func advance(to target: UInt32) throws -> UInt32 {
        doc = try cursor.advance(to: target)
        return doc
    }
    override var cost: Int { cursor.docFreq }
}

/// Every document of the segment.
final class AllDocsIterator: DocIterator {
    let maxDoc: UInt32
    init(maxDoc: Int) { self.maxDoc = UInt32(maxDoc) }
    override func advance(to target: UInt32) throws -> UInt32 {
        doc = target < maxDoc ? target : Self.end
        return doc
    }
    override var cost: Int { Int(maxDoc) }
}

/// No document.
final class EmptyIterator: DocIterator {
    override func advance(to target: UInt32) throws -> UInt32 {
        doc = Self.end
        return doc
    }
    override var cost: Int { 0 }
}

/// An iterator a parent holds in plain memory: stepping through children makes no reference counting (the
/// parent's `parts` array owns them).
struct ChildIterator {
    let ref: Unmanaged<DocIterator>
    @inline(__always) var doc: UInt32 { ref._withUnsafeGuaranteedRef { $0.doc } }
    @inline(__always) func advance(to target: UInt32) throws {
        _ = try ref._withUnsafeGuaranteedRef { try $0.advance(to: target) }
    }
}

/// The children of `parts` in memory the caller deallocates.
private func childBuffer(_ parts: [DocIterator]) -> UnsafeMutableBufferPointer<ChildIterator> {
    let buffer = UnsafeMutableBufferPointer<ChildIterator>.allocate(capacity: max(1, parts.count))
    for (i, p) in parts.enumerated() { (buffer.baseAddress! + i).initialize(to: ChildIterator(ref: .passUnretained(p))) }
    return UnsafeMutableBufferPointer(rebasing: buffer[0..<parts.count])
}

/// Documents matched by any of several iterators.
final class DisjunctionIterator: DocIterator {
    let parts: [DocIterator]
    private let children: UnsafeMutableBufferPointer<ChildIterator>
    init(_ parts: [DocIterator]) {
        self.parts = parts
        children = childBuffer(parts)
    }
    deinit { UnsafeMutableRawPointer(children.baseAddress!).deallocate() }
    override func start() throws {
        for p in parts { try p.start() }
        doc = parts.map(\.doc).min() ?? Self.end
    }
    override func advance(to target: UInt32) throws -> UInt32 {
        var smallest = Self.end
        for c in children {
            if c.doc < target { try c.advance(to: target) }
            smallest = min(smallest, c.doc)
        }
        doc = smallest
        return doc
    }
    override var cost: Int { parts.reduce(0) { $0 &+ $1.cost } }
}

/// Documents matched by all of several iterators (leapfrog, rarest first).
final class ConjunctionIterator: DocIterator {
    let parts: [DocIterator]
    private let children: UnsafeMutableBufferPointer<ChildIterator>
    init(_ parts: [DocIterator]) {
        self.parts = parts.sorted { $0.cost < $1.cost }
        children = childBuffer(self.parts)
    }
    deinit { UnsafeMutableRawPointer(children.baseAddress!).deallocate() }
    override func start() throws {
        for p in parts { try p.start() }
        doc = 0
        try align(from: parts.map(\.doc).max() ?? Self.end)
    }
    override func advance(to target: UInt32) throws -> UInt32 {
        try align(from: target)
        return doc
    }
    private func align(from target: UInt32) throws {
        guard !children.isEmpty else {
            doc = Self.end
            return
        }
        var candidate = target
        while candidate != Self.end {
            var agreed = true
            for c in children {
                if c.doc < candidate { try c.advance(to: candidate) }
                if c.doc != candidate {
                    candidate = c.doc
                    agreed = false
                    break
                }
            }
            if agreed { break }
        }
        doc = candidate
    }
    override var cost: Int { parts.first?.cost ?? 0 }
}

/// Documents of `include` not in `exclude`.
final class ExclusionIterator: DocIterator {
    let include: DocIterator
    let exclude: DocIterator
    init(include: DocIterator, exclude: DocIterator) {
        self.include = include
        self.exclude = exclude
    }
    override func start() throws {
        try include.start()
        try exclude.start()
        doc = 0
        try settle(include.doc)
    }
    override func advance(to target: UInt32) throws -> UInt32 {
        if include.doc < target { try include.advance(to: target) }
        try settle(include.doc)
        return doc
    }
    private func settle(_ from: UInt32) throws {
        var d = from
        while d != Self.end {
            if exclude.doc < d { try exclude.advance(to: d) }
            if exclude.doc != d { break }
            d = try include.next()
        }
        doc = d
    }
    override var cost: Int { include.cost }
}

/// Documents of `inner` that satisfy a predicate on their column values.
final class FilterIterator: DocIterator {
    let inner: DocIterator
    let accept: (Int) -> Bool
    init(_ inner: DocIterator, accept: @escaping (Int) -> Bool) {
        self.inner = inner
        self.accept = accept
    }
    override func start() throws {
        try inner.start()
        doc = inner.doc
        while doc != Self.end && !accept(Int(doc)) { doc = try inner.next() }
    }
    override func advance(to target: UInt32) throws -> UInt32 {
        var d = inner.doc < target ? try inner.advance(to: target) : inner.doc
        while d != Self.end && !accept(Int(d)) { d = try inner.next() }
        doc = d
        return doc
    }
    override var cost: Int { inner.cost }
}

/// Documents where the terms occur at consecutive positions (in one field).
final class PhraseIterator: DocIterator {
    let cursors: [PostingsCursor]
    let offsets: [UInt32]
    let conjunction: ConjunctionIterator
    /// How often the phrase occurs in the current document.
    private(set) var freq = 0

    /// - Parameters:
    ///   - cursors: one per phrase term.
    ///   - offsets: each term's position in the phrase.
    init(cursors: [PostingsCursor], offsets: [UInt32]) {
        self.cursors = cursors
        self.offsets = offsets
        conjunction = ConjunctionIterator(cursors.map { TermIterator($0) })
    }
    override func start() throws {
        try conjunction.start()
        try settle()
    }
    override func advance(to target: UInt32) throws -> UInt32 {
        if conjunction.doc < target { _ = try conjunction.advance(to: target) }
        try settle()
        return doc
    }
    private func settle() throws {
        while conjunction.doc != Self.end {
            freq = try phraseFrequency()
            if freq > 0 { break }
            try conjunction.next()
        }
        doc = conjunction.doc
    }
    private func phraseFrequency() throws -> Int {
        try SearchEngine.phraseFrequency(cursors, offsets: offsets)
    }
    override var cost: Int { conjunction.cost }
}

/// How often the terms occur at consecutive positions (each at its offset in the phrase) in the document all
/// `cursors` are on: the first term's positions are the candidates, the others are binary-searched.
func phraseFrequency(_ cursors: [PostingsCursor], offsets: [UInt32]) throws -> Int {
    try withUnsafeTemporaryAllocation(of: Unmanaged<PostingsCursor>.self, capacity: cursors.count) { refs in
        for (i, c) in cursors.enumerated() { refs[i] = .passUnretained(c) }
        return try offsets.withUnsafeBufferPointer { o in
            try phraseFrequency(UnsafeBufferPointer(refs), offsets: o)
        }
    }
}

/// ``phraseFrequency(_:offsets:)`` over cursors the caller keeps alive, without reference counting.
func phraseFrequency(_ cursors: UnsafeBufferPointer<Unmanaged<PostingsCursor>>, offsets: UnsafeBufferPointer<UInt32>) throws -> Int {
    let first = try cursors[0]._withUnsafeGuaranteedRef { try $0.positionsBuffer() }
    let n = cursors.count
    return try withUnsafeTemporaryAllocation(of: UnsafeBufferPointer<UInt32>.self, capacity: max(1, n - 1)) { others in
        for i in 1..<max(1, n) { others[i - 1] = try cursors[i]._withUnsafeGuaranteedRef { try $0.positionsBuffer() } }
        var count = 0
        let o0 = offsets[0]
        candidates: for p in first where p >= o0 {
            let start = p - o0
            for i in 1..<max(1, n) {
                let positions = others[i - 1]
                let want = start + offsets[i]
                var lo = 0, hi = positions.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if positions[mid] < want { lo = mid + 1 } else { hi = mid }
                }
                if lo == positions.count || positions[lo] != want { continue candidates }
            }
            count += 1
        }
        return count
    }
}
