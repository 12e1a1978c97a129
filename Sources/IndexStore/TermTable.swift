/// Interns folded terms (UTF-16 code units) as dense integer ids, without a `String` per token.
///
/// Indexing calls ``intern(_:)`` once per token, so this is an open-addressing table over one shared arena
/// of code units: no allocation per lookup, one per new term at most (amortised).
public struct TermTable: Sendable {
    private var arena: [UInt16] = []
    private var ends: [Int32] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
    }

    /// The number of distinct terms.
    public var count: Int { ends.count }

    /// Code units held in the arena (for memory accounting).
    public var arenaCount: Int { arena.count }

    @inline(__always)
    private static func hash(_ units: UnsafeBufferPointer<UInt16>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for u in units { h = (h ^ UInt64(u)) &* 0x0000_0100_0000_01b3 }
        return h ^ (h >> 29)
    }

    /// The id of `units`, adding it if new.
    @inline(__always)
    public mutating func intern(_ units: UnsafeBufferPointer<UInt16>) -> Int32 {
        let h = Self.hash(units)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { break }
            if hashes[Int(id)] == h && equals(Int(id), units) { return id }
            slot = (slot + 1) & mask
        }
        let id = Int32(ends.count)
        arena.append(contentsOf: units)
        ends.append(Int32(arena.count))
        hashes.append(h)
        slots[slot] = id
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    /// The id of `units`, or `nil` when the term is unknown.
    public func lookup(_ units: UnsafeBufferPointer<UInt16>) -> Int32? {
        let h = Self.hash(units)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let id = slots[slot]
            if id < 0 { return nil }
            if hashes[Int(id)] == h && equals(Int(id), units) { return id }
            slot = (slot + 1) & mask
        }
    }

    /// The term with id `id`.
    public func term(_ id: Int32) -> String {
        let i = Int(id)
        let start = i == 0 ? 0 : Int(ends[i - 1])
        return String(decoding: arena[start..<Int(ends[i])], as: UTF16.self)
    }

    @inline(__always)
    private func equals(_ id: Int, _ units: UnsafeBufferPointer<UInt16>) -> Bool {
        let start = id == 0 ? 0 : Int(ends[id - 1])
        let end = Int(ends[id])
        guard end - start == units.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            var k = 0
            while k < units.count {
                if a[start + k] != units[k] { return false }
                k += 1
            }
            return true
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        for id in 0..<ends.count {
            var slot = Int(truncatingIfNeeded: hashes[id]) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }
}
