/// Many growable byte streams (one per term) in manually managed memory.
///
/// Indexing appends a few bytes to some term's stream for every token; with an `[UInt8]` per term each append
/// paid for uniqueness checks and reference counting that cost more than the append. Not thread-safe.
final class ByteStreams {
    private var buffers: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    private var counts: UnsafeMutablePointer<Int32>
    private var capacities: UnsafeMutablePointer<Int32>
    private(set) var streamCount = 0
    private var slots: Int
    /// Bytes allocated for stream contents.
    private(set) var allocatedBytes = 0

    init(capacity: Int = 1024) {
        slots = max(16, capacity)
        buffers = .allocate(capacity: slots)
        counts = .allocate(capacity: slots)
        capacities = .allocate(capacity: slots)
    }

    deinit {
        for i in 0..<streamCount { buffers[i]?.deallocate() }
        buffers.deallocate()
        counts.deallocate()
        capacities.deallocate()
    }

    /// Adds an empty stream; returns its number.
    @inline(__always)
    func addStream() -> Int {
        if streamCount == slots { growSlots() }
        buffers[streamCount] = nil
        counts[streamCount] = 0
        capacities[streamCount] = 0
        streamCount += 1
        return streamCount - 1
    }

    private func growSlots() {
        let n = slots * 2
        let b = UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>.allocate(capacity: n)
        b.moveInitialize(from: buffers, count: streamCount)
        buffers.deallocate()
        buffers = b
        let c = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        c.moveInitialize(from: counts, count: streamCount)
        counts.deallocate()
        counts = c
        let k = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        k.moveInitialize(from: capacities, count: streamCount)
        capacities.deallocate()
        capacities = k
        slots = n
    }

    @inline(__always)
    private func reserve(_ s: Int, _ extra: Int) {
        let need = Int(counts[s]) + extra
        guard need > Int(capacities[s]) else { return }
        var cap = max(8, Int(capacities[s]) * 2)
        while cap < need { cap *= 2 }
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
        if let old = buffers[s] {
            p.update(from: old, count: Int(counts[s]))
            old.deallocate()
        }
        allocatedBytes += cap - Int(capacities[s])
        buffers[s] = p
        capacities[s] = Int32(cap)
    }

    /// Appends a LEB128 integer to stream `s`.
    @inline(__always)
    func appendVInt(_ s: Int, _ value: UInt32) {
        reserve(s, 5)
        let p = buffers[s]! + Int(counts[s])
        var v = value
        var n = 0
        while v >= 0x80 {
            p[n] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            n += 1
        }
        p[n] = UInt8(v)
        counts[s] += Int32(n + 1)
    }

    /// The bytes of stream `s`, valid until the next append to it.
    func bytes(_ s: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: buffers[s], count: Int(counts[s]))
    }
}
