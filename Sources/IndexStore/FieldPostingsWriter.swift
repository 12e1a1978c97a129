#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The in-memory postings of one field while a segment is built: its terms, and per term a stream of
/// documents (vint doc delta, vint freq, …) and a stream of positions (vint deltas within a document).
///
/// Indexing calls ``add(_:doc:position:)`` once per token, and on this corpus the cost was memory stalls:
/// the term's slot, its hash, its text, its state and six stream bookkeeping arrays lived in eleven
/// places. Here a term is one 64-byte record (state, both streams and the first six code units of its text)
/// and its slot holds 32 bits of its hash, so a token touches the slot, the record and the two stream ends.
/// Everything is manually managed, with no reference counting on the hot path; call ``deallocate()`` once.
struct FieldPostingsWriter {
    /// One term: 64 bytes, one cache line.
    struct Term {
        var docs: UnsafeMutablePointer<UInt8>?
        var positions: UnsafeMutablePointer<UInt8>?
        /// Code units 0…3 of the term, zero-padded.
        var head: UInt64
        var docCount: Int32
        var docCapacity: Int32
        var positionCount: Int32
        var positionCapacity: Int32
        /// The last document the term occurred in (-1: none yet, or closed by ``closeDocuments()``), its
        /// frequency there and its last position.
        var lastDoc: Int32
        var freq: UInt32
        var lastPosition: UInt32
        /// Where the term's code units start in the arena.
        var textStart: Int32
        var length: Int32
        /// Code units 4 and 5 of the term, zero-padded.
        var tail: UInt32
    }

    static let inlineUnits = 6

    /// Per slot: hash (high 32 bits) and term number + 1 (low 32 bits; 0 is an empty slot).
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int
    private(set) var terms: UnsafeMutablePointer<Term>
    private(set) var count = 0
    private var capacity: Int
    private var arena: UnsafeMutablePointer<UInt16>
    private var arenaCount = 0
    private var arenaCapacity: Int
    /// Bytes allocated for stream contents.
    private(set) var streamBytes = 0

    init(capacity: Int = 1 << 12) {
        self.capacity = max(16, capacity)
        var size = 16
        while size < self.capacity * 2 { size <<= 1 }
        mask = size - 1
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        terms = UnsafeMutableRawPointer.allocate(byteCount: self.capacity * MemoryLayout<Term>.stride, alignment: 64)
            .bindMemory(to: Term.self, capacity: self.capacity)
        arenaCapacity = self.capacity * 4
        arena = .allocate(capacity: arenaCapacity)
    }

    /// Frees the memory; the writer must not be used afterwards.
    func deallocate() {
        for t in 0..<count {
            free(terms[t].docs)
            free(terms[t].positions)
        }
        slots.deallocate()
        UnsafeMutableRawPointer(terms).deallocate()
        arena.deallocate()
    }

    /// Bytes held, roughly.
    var bytes: Int { streamBytes + arenaCapacity * 2 + capacity * MemoryLayout<Term>.stride + (mask + 1) * 8 }

    /// The code units of term `t`.
    func text(_ t: Int) -> UnsafeBufferPointer<UInt16> {
        UnsafeBufferPointer(start: arena + Int(terms[t].textStart), count: Int(terms[t].length))
    }

    /// The document stream of term `t` (after ``closeDocuments()``: complete).
    func docBytes(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: terms[t].docs, count: Int(terms[t].docCount))
    }

    func positionBytes(_ t: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: terms[t].positions, count: Int(terms[t].positionCount))
    }

    /// Adds one occurrence of `units` in `doc` at `position`; returns the term's number.
    @inline(__always)
    mutating func add(_ units: UnsafeBufferPointer<UInt16>, doc: Int32, position: UInt32) -> Int32 {
        let t = term(units)
        record(t, doc: doc, position: position)
        return Int32(truncatingIfNeeded: t)
    }

    /// Adds the tokens of one document's text in order: token `i` is `units[ends[i - 1]..<ends[i]]` (from 0
    /// for the first) at `positions[i]`; its term's number goes to `terms[i]`.
    ///
    /// The same as calling ``add(_:doc:position:)`` per token, but the terms are all found first and the
    /// postings written after: in those two tight loops the cache misses of several tokens (slot, term,
    /// stream end) overlap, where between the analyzer's tokens each one waited for the last.
    mutating func add(units: UnsafePointer<UInt16>, ends: UnsafePointer<Int32>, positions: UnsafePointer<UInt32>,
                      count: Int, doc: Int32, terms out: UnsafeMutablePointer<Int32>) {
        var start = 0
        for i in 0..<count {
            let end = Int(ends[i])
            out[i] = Int32(truncatingIfNeeded: term(UnsafeBufferPointer(start: units + start, count: end - start)))
            start = end
        }
        for i in 0..<count { record(Int(out[i]), doc: doc, position: positions[i]) }
    }

    /// The number of term `units`, added if new.
    @inline(__always)
    private mutating func term(_ units: UnsafeBufferPointer<UInt16>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var head: UInt64 = 0
        var tail: UInt32 = 0
        let n = units.count
        var k = 0
        while k < n {
            let u = units[k]
            h = (h ^ UInt64(u)) &* 0x0000_0100_0000_01b3
            if k < 4 {
                head |= UInt64(u) << UInt64(k &* 16)
            } else if k < 6 {
                tail |= UInt32(u) << UInt32((k &- 4) &* 16)
            }
            k &+= 1
        }
        let h32 = UInt32(truncatingIfNeeded: h ^ (h >> 32))
        var slot = Int(h32) & mask
        while true {
            let s = slots[slot]
            if s == 0 { break }
            if UInt32(truncatingIfNeeded: s >> 32) == h32 {
                let candidate = Int(UInt32(truncatingIfNeeded: s)) &- 1
                let e = terms + candidate
                if e.pointee.head == head && e.pointee.tail == tail && Int(e.pointee.length) == n
                    && (n <= Self.inlineUnits || restEquals(e.pointee.textStart, units)) {
                    return candidate
                }
            }
            slot = (slot &+ 1) & mask
        }
        return insert(units, slot: slot, h32: h32, head: head, tail: tail)
    }

    /// Records an occurrence of term `t` in `doc` at `position`.
    @inline(__always)
    private mutating func record(_ t: Int, doc: Int32, position: UInt32) {
        let e = terms + t
        if e.pointee.lastDoc != doc {
            if e.pointee.lastDoc >= 0 { appendDoc(e, e.pointee.freq) }
            appendDoc(e, UInt32(bitPattern: doc &- e.pointee.lastDoc))
            e.pointee.lastDoc = doc
            e.pointee.freq = 0
            e.pointee.lastPosition = 0
        }
        e.pointee.freq &+= 1
        appendPosition(e, position &- e.pointee.lastPosition)
        e.pointee.lastPosition = position
    }

    /// Ends every term's open document (writes its frequency); call before reading the streams.
    mutating func closeDocuments() {
        for t in 0..<count where terms[t].lastDoc >= 0 {
            let e = terms + t
            appendDoc(e, e.pointee.freq)
            e.pointee.lastDoc = -1
        }
    }

    @inline(__always)
    private func restEquals(_ start: Int32, _ units: UnsafeBufferPointer<UInt16>) -> Bool {
        let a = arena + Int(start)
        var k = Self.inlineUnits
        while k < units.count {
            if a[k] != units[k] { return false }
            k &+= 1
        }
        return true
    }

    private mutating func insert(_ units: UnsafeBufferPointer<UInt16>, slot: Int, h32: UInt32, head: UInt64,
                                 tail: UInt32) -> Int {
        if count == capacity { growTerms() }
        if arenaCount + units.count > arenaCapacity { growArena(units.count) }
        (arena + arenaCount).update(from: units.baseAddress!, count: units.count)
        let t = count
        (terms + t).initialize(to: Term(docs: nil, positions: nil, head: head, docCount: 0, docCapacity: 0,
                                        positionCount: 0, positionCapacity: 0, lastDoc: -1, freq: 0,
                                        lastPosition: 0, textStart: Int32(arenaCount), length: Int32(units.count),
                                        tail: tail))
        arenaCount += units.count
        count += 1
        slots[slot] = UInt64(h32) << 32 | UInt64(t + 1)
        if count * 2 > mask + 1 { growSlots() }
        return t
    }

    private mutating func growTerms() {
        let n = capacity * 2
        let p = UnsafeMutableRawPointer.allocate(byteCount: n * MemoryLayout<Term>.stride, alignment: 64)
            .bindMemory(to: Term.self, capacity: n)
        p.moveInitialize(from: terms, count: count)
        UnsafeMutableRawPointer(terms).deallocate()
        terms = p
        capacity = n
    }

    private mutating func growArena(_ extra: Int) {
        var n = arenaCapacity * 2
        while n < arenaCount + extra { n *= 2 }
        let p = UnsafeMutablePointer<UInt16>.allocate(capacity: n)
        p.update(from: arena, count: arenaCount)
        arena.deallocate()
        arena = p
        arenaCapacity = n
    }

    private mutating func growSlots() {
        let size = (mask + 1) * 2
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: size)
        p.initialize(repeating: 0, count: size)
        let newMask = size - 1
        for i in 0...mask where slots[i] != 0 {
            var slot = Int(UInt32(truncatingIfNeeded: slots[i] >> 32)) & newMask
            while p[slot] != 0 { slot = (slot + 1) & newMask }
            p[slot] = slots[i]
        }
        slots.deallocate()
        slots = p
        mask = newMask
    }

    @inline(__always)
    private mutating func appendDoc(_ e: UnsafeMutablePointer<Term>, _ value: UInt32) {
        if Int(e.pointee.docCount) + 5 > Int(e.pointee.docCapacity) {
            e.pointee.docs = grow(e.pointee.docs, count: e.pointee.docCount, capacity: &e.pointee.docCapacity)
        }
        e.pointee.docCount &+= Int32(truncatingIfNeeded: Self.appendVInt(e.pointee.docs! + Int(e.pointee.docCount),
                                                                        value))
    }

    @inline(__always)
    private mutating func appendPosition(_ e: UnsafeMutablePointer<Term>, _ value: UInt32) {
        if Int(e.pointee.positionCount) + 5 > Int(e.pointee.positionCapacity) {
            e.pointee.positions = grow(e.pointee.positions, count: e.pointee.positionCount,
                                       capacity: &e.pointee.positionCapacity)
        }
        e.pointee.positionCount &+= Int32(truncatingIfNeeded: Self.appendVInt(
            e.pointee.positions! + Int(e.pointee.positionCount), value))
    }

    private mutating func grow(_ p: UnsafeMutablePointer<UInt8>?, count: Int32, capacity: inout Int32)
        -> UnsafeMutablePointer<UInt8>
    {
        var cap = max(8, Int(capacity) * 2)
        while cap < Int(count) + 5 { cap *= 2 }
        streamBytes += cap - Int(capacity)
        capacity = Int32(cap)
        return realloc(p, cap)!.assumingMemoryBound(to: UInt8.self)
    }

    /// Writes a LEB128 integer at `p`; returns its length.
    @inline(__always)
    private static func appendVInt(_ p: UnsafeMutablePointer<UInt8>, _ value: UInt32) -> Int {
        var v = value
        var n = 0
        while v >= 0x80 {
            p[n] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            n += 1
        }
        p[n] = UInt8(v)
        return n + 1
    }
}
