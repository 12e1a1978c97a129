/// Which documents of a segment are deleted: a bit set, written as a `.dels` file per generation.
///
/// Body: u32 maxDoc, u32 deleted count, bits (LSB first).
public struct Deletions: Equatable, Sendable {
    public private(set) var bits: [UInt8]
    public private(set) var count: Int
    public let maxDoc: Int

    public init(maxDoc: Int) {
        self.maxDoc = maxDoc
        bits = [UInt8](repeating: 0, count: (maxDoc + 7) / 8)
        count = 0
    }

    init(body: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        var r = ByteReader(body, file: file)
        maxDoc = Int(try r.u32())
        let stated = Int(try r.u32())
        bits = Array(try r.bytes((maxDoc + 7) / 8))
        count = bits.reduce(0) { $0 + $1.nonzeroBitCount }
        guard count == stated else { throw .corrupt(file: file, reason: "deletion count \(stated) but \(count) bits set") }
    }

    @inline(__always)
    public func contains(_ doc: Int) -> Bool { bits[doc >> 3] & (1 << UInt8(doc & 7)) != 0 }

    /// Marks `doc` deleted; returns false if it already was.
    @discardableResult
    public mutating func insert(_ doc: Int) -> Bool {
        guard !contains(doc) else { return false }
        bits[doc >> 3] |= 1 << UInt8(doc & 7)
        count += 1
        return true
    }

    func body() -> [UInt8] {
        var w = ByteWriter(capacity: bits.count + 8)
        w.u32(UInt32(maxDoc))
        w.u32(UInt32(count))
        w.append(bits)
        return w.bytes
    }
}
