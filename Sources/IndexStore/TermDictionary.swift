#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sorted terms of a segment, per field, in blocks of 32 with shared prefixes, and a sparse index of
/// each block's first term that readers load when they open the segment.
///
/// Body layout of the `.tdic` file:
/// ```
/// blocks:  per term  vint shared, vint suffix length, suffix, vint docFreq, vint postings offset (delta in
///                    block), vint positions offset (delta in block), vint maxFreq, vint minNorm
/// index:   vint fields; per field: vint terms, vint blocks; per block: string first term, vint offset
/// u64 index offset
/// ```
/// Terms are compared as UTF-8 bytes.
struct TermDictionaryWriter {
    static let blockSize = 32
    var body = ByteWriter(capacity: 1 << 16)
    private var fieldIndexes: [(terms: Int, blocks: [([UInt8], Int)])] = []
    private var inBlock = 0
    private var previous: [UInt8] = []
    private var previousPostings = 0
    private var previousPositions = 0
    private var termCount = 0
    private var blocks: [([UInt8], Int)] = []

    mutating func startField() {
        inBlock = 0
        termCount = 0
        blocks = []
    }

    mutating func add(term: [UInt8], info: TermInfo) {
        if inBlock == Self.blockSize || termCount == 0 { inBlock = 0 }
        var shared = 0
        if inBlock == 0 {
            blocks.append((term, body.count))
            previousPostings = 0
            previousPositions = 0
        } else {
            let limit = min(previous.count, term.count)
            while shared < limit && previous[shared] == term[shared] { shared += 1 }
        }
        body.vint(shared)
        body.vint(term.count - shared)
        body.append(term[shared...])
        body.vint(info.docFreq)
        body.vint(info.postingsOffset - previousPostings)
        body.vint(info.positionsOffset - previousPositions)
        body.vint(info.maxFreq)
        body.vint(info.minNorm)
        previousPostings = info.postingsOffset
        previousPositions = info.positionsOffset
        previous = term
        inBlock += 1
        termCount += 1
    }

    mutating func endField() {
        fieldIndexes.append((termCount, blocks))
    }

    /// The complete body.
    mutating func finish() -> [UInt8] {
        let indexOffset = body.count
        body.vint(fieldIndexes.count)
        for field in fieldIndexes {
            body.vint(field.terms)
            body.vint(field.blocks.count)
            for (first, offset) in field.blocks {
                body.vint(first.count)
                body.append(first)
                body.vint(offset)
            }
        }
        body.u64(UInt64(indexOffset))
        return body.bytes
    }
}

/// Reads a `.tdic` body.
final class TermDictionary: @unchecked Sendable {
    struct FieldIndex {
        var termCount: Int
        var firstTerms: [[UInt8]]
        var offsets: [Int]
    }

    let body: UnsafeRawBufferPointer
    let file: String
    let fields: [FieldIndex]

    init(body: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        self.body = body
        self.file = file
        guard body.count >= 8 else { throw .corrupt(file: file, reason: "term dictionary too short") }
        var t = ByteReader(body, offset: body.count - 8, file: file)
        let indexOffset = Int(try t.u64())
        guard indexOffset <= body.count - 8 else { throw .corrupt(file: file, reason: "term index offset out of range") }
        var r = ByteReader(UnsafeRawBufferPointer(rebasing: body[0..<body.count - 8]), offset: indexOffset, file: file)
        var fields: [FieldIndex] = []
        let fieldCount = try r.int()
        for _ in 0..<fieldCount {
            let terms = try r.int()
            let blocks = try r.int()
            guard blocks <= terms, blocks <= body.count else { throw .corrupt(file: file, reason: "bad block count") }
            var firsts: [[UInt8]] = []
            var offsets: [Int] = []
            firsts.reserveCapacity(blocks)
            offsets.reserveCapacity(blocks)
            for _ in 0..<blocks {
                let n = try r.int()
                firsts.append(Array(try r.bytes(n)))
                let offset = try r.int()
                guard offset < indexOffset else { throw .corrupt(file: file, reason: "block offset out of range") }
                offsets.append(offset)
            }
            fields.append(FieldIndex(termCount: terms, firstTerms: firsts, offsets: offsets))
        }
        self.fields = fields
    }

    /// The entry of `term` in `field`, or `nil`.
    ///
    /// Walks the block without rebuilding its terms: it tracks how many leading bytes the previous term shares
    /// with `term`, which with each entry's shared-prefix length says whether the entry sorts before, at or
    /// after `term`.
    func lookup(field: Int, term: [UInt8]) throws(IndexError) -> TermInfo? {
        guard field < fields.count else { return nil }
        return try term.withUnsafeBufferPointer { (target) throws(IndexError) -> TermInfo? in
            try lookup(field: field, term: target)
        }
    }

    func lookup(field: Int, term target: UnsafeBufferPointer<UInt8>) throws(IndexError) -> TermInfo? {
        guard field < fields.count else { return nil }
        let index = fields[field]
        // The last block whose first term is ≤ term.
        var lo = 0, hi = index.firstTerms.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Self.compare(index.firstTerms[mid], target) <= 0 { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let block = lo - 1
        let count = block == index.firstTerms.count - 1
            ? index.termCount - block * TermDictionaryWriter.blockSize : TermDictionaryWriter.blockSize
        var r = ByteReader(body, offset: index.offsets[block], file: file)
        var postings = 0, positions = 0
        // Bytes the previous term shares with the target, and that term's length.
        var matched = 0
        var previousLength = 0
        let n = target.count
        for _ in 0..<count {
            let shared = try r.int()
            let suffixLength = try r.int()
            guard shared <= previousLength else { throw .corrupt(file: file, reason: "bad shared prefix length") }
            let suffix = try r.bytes(suffixLength)
            let df = try r.int()
            postings += try r.int()
            positions += try r.int()
            let maxFreq = try r.int()
            let minNorm = try r.int()
            previousLength = shared + suffixLength
            if shared < matched {
                // The entry leaves the target's prefix where the (smaller) previous term followed it: it is
                // greater than the target, and so is every later entry.
                return nil
            }
            if shared > matched { continue }  // Same first difference as the previous term: still smaller.
            var m = matched
            var k = 0
            while k < suffixLength && m < n && suffix[k] == target[m] {
                k += 1
                m += 1
            }
            if k == suffixLength && m == n {
                return TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions, maxFreq: maxFreq,
                                minNorm: minNorm)
            }
            // The entry is smaller when it ends first or has the smaller byte at the first difference.
            if k == suffixLength || (m < n && suffix[k] < target[m]) {
                matched = m
            } else {
                return nil
            }
        }
        return nil
    }

    /// Compares two byte strings as unsigned bytes.
    @inline(__always)
    static func compare(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Int {
        a.withUnsafeBufferPointer { a in
            let n = min(a.count, b.count)
            if n > 0 {
                let c = memcmp(a.baseAddress!, b.baseAddress!, n)
                if c != 0 { return Int(c) }
            }
            return a.count - b.count
        }
    }

    /// Calls `body` with each term of `field` in order until it returns false.
    func forEachTerm(field: Int, _ body: ([UInt8], TermInfo) throws(IndexError) -> Bool) throws(IndexError) {
        var terms = TermIterator(self, field: field)
        while try terms.next() {
            if !(try body(terms.term, terms.info)) { return }
        }
    }

    /// For each needle, the terms of `field` longer than it that contain it, with their document frequencies,
    /// in dictionary order.
    ///
    /// What ``forEachTerm(field:_:)`` and a substring test give, several times faster (sub-word expansion
    /// reads a whole field's dictionary): one pass for all needles, each term rebuilt in place in one buffer,
    /// only the part that could hold an occurrence the previous term did not have searched (an occurrence
    /// inside the prefix both share was found before), and the entry's other numbers skipped, not decoded.
    func terms(field: Int, containingAny needles: [[UInt8]]) throws(IndexError) -> [[(term: [UInt8], docFreq: Int)]] {
        var found = [[(term: [UInt8], docFreq: Int)]](repeating: [], count: needles.count)
        guard field < fields.count, !needles.isEmpty, !needles.contains(where: \.isEmpty) else { return found }
        let index = fields[field]
        var capacity = 256
        var term = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { term.deallocate() }
        // Where each needle first occurs in the current term, or -1.
        var at = [Int](repeating: -1, count: needles.count)
        for block in 0..<index.offsets.count {
            let count = block == index.offsets.count - 1
                ? index.termCount - block * TermDictionaryWriter.blockSize : TermDictionaryWriter.blockSize
            var r = ByteReader(body, offset: index.offsets[block], file: file)
            var length = 0
            for _ in 0..<count {
                let shared = try r.int()
                let suffixLength = try r.int()
                guard shared <= length else { throw .corrupt(file: file, reason: "bad shared prefix length") }
                let suffix = try r.bytes(suffixLength)
                if shared + suffixLength > capacity {
                    capacity = max(capacity * 2, shared + suffixLength)
                    let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
                    grown.update(from: term, count: shared)
                    term.deallocate()
                    term = grown
                }
                for k in 0..<suffixLength { term[shared + k] = suffix[k] }
                length = shared + suffixLength
                let docFreq = try r.int()
                // Postings and positions offsets, max frequency, min length: not needed here.
                for _ in 0..<4 { try r.skipVInt() }
                for (j, needle) in needles.enumerated() {
                    let n = needle.count
                    if at[j] < 0 || at[j] + n > shared {
                        // The first occurrence, if any, ends past the shared prefix.
                        at[j] = Self.firstOccurrence(of: needle, in: term, length: length, from: max(0, shared - n + 1))
                    }
                    if at[j] >= 0 && length > n {
                        found[j].append((Array(UnsafeBufferPointer(start: term, count: length)), docFreq))
                    }
                }
            }
        }
        return found
    }

    @inline(__always)
    private static func firstOccurrence(of needle: [UInt8], in text: UnsafePointer<UInt8>, length: Int, from start: Int) -> Int {
        needle.withUnsafeBufferPointer { needle in
            let n = needle.count, first = needle[0]
            var i = start
            while i + n <= length {
                if text[i] == first && memcmp(text + i, needle.baseAddress!, n) == 0 { return i }
                i += 1
            }
            return -1
        }
    }
}

/// Steps through the terms of one field in order, one at a time: what a merge of many segments needs to hold
/// per segment (one term and a read position), where ``TermDictionary/forEachTerm(field:_:)`` would make
/// it keep every term of every segment to interleave them.
struct TermIterator {
    private let dictionary: TermDictionary
    private let field: Int
    private var block = -1
    private var left = 0
    private var reader: ByteReader
    private var postings = 0
    private var positions = 0
    /// The current term's UTF-8 bytes (valid after `next()` returned true).
    private(set) var term: [UInt8] = []
    private(set) var info = TermInfo(docFreq: 0, postingsOffset: 0, positionsOffset: 0, maxFreq: 0, minNorm: 0)

    init(_ dictionary: TermDictionary, field: Int) {
        self.dictionary = dictionary
        self.field = field
        reader = ByteReader(dictionary.body, file: dictionary.file)
    }

    /// Moves to the next term; false past the last.
    mutating func next() throws(IndexError) -> Bool {
        guard field < dictionary.fields.count else { return false }
        let index = dictionary.fields[field]
        if left == 0 {
            block += 1
            guard block < index.offsets.count else { return false }
            left = block == index.offsets.count - 1
                ? index.termCount - block * TermDictionaryWriter.blockSize : TermDictionaryWriter.blockSize
            guard left > 0 else { return false }
            reader.offset = index.offsets[block]
            term.removeAll(keepingCapacity: true)
            postings = 0
            positions = 0
        }
        let shared = try reader.int()
        let suffix = try reader.int()
        guard shared <= term.count else { throw .corrupt(file: dictionary.file, reason: "bad shared prefix length") }
        term.removeSubrange(shared...)
        term.append(contentsOf: try reader.bytes(suffix))
        let df = try reader.int()
        postings += try reader.int()
        positions += try reader.int()
        let maxFreq = try reader.int()
        let minNorm = try reader.int()
        info = TermInfo(docFreq: df, postingsOffset: postings, positionsOffset: positions, maxFreq: maxFreq, minNorm: minNorm)
        left -= 1
        return true
    }
}
