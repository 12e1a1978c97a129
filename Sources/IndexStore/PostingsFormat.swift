/// Postings of one term: documents in blocks of 128 with bit-packed doc-id deltas and frequencies, a skip
/// table with each block's last document and competitive impacts for dynamic pruning, and positions apart.
///
/// Layout in the `.post` file, at the term's offset:
/// ```
/// if blocks > 1: per block  vint lastDoc delta, vint doc bytes, vint position bytes, vint impact bytes
///                 per block  impacts
/// if one block and docFreq > 1: impacts
/// per full block (128 docs): u8 bits, packed (doc - previous - 1), u8 bits, packed (freq - 1)
/// last partial block:        per doc vint (doc - previous - 1), vint (freq - 1)
/// impacts:                   vint count, per pair vint (freq - previous freq - 1), vint (norm - previous norm - 1)
/// ```
/// and in the `.pos` file, at the term's positions offset: per document, `freq` vints (first position, then
/// deltas). A block's impacts are the competitive (freq, norm) pairs of its documents, both ascending: every
/// document's pair is dominated by one of them (freq ≤, norm ≥), so the largest BM25 over the pairs bounds
/// the block's scores whatever k1, b and the collection statistics are, and is a score some document of the
/// block reaches unless the list was capped (``maxImpacts``, merged pairs stay safe bounds).
public enum PostingsFormat {
    public static let blockSize = 128
    /// The most (freq, norm) pairs a block's impacts keep.
    public static let maxImpacts = 8
}

/// A (frequency, field length) pair of a postings block's competitive impacts.
public struct Impact: Equatable, Sendable {
    public var freq: UInt32
    public var norm: UInt32

    public init(freq: UInt32, norm: UInt32) {
        self.freq = freq
        self.norm = norm
    }
}

extension Impact {
    /// The competitive pairs of `freqs` and `norms` (same length): a pair is dropped when another has freq ≥
    /// and norm ≤. Sorted by ascending freq (and so ascending norm), capped at `limit` pairs by replacing
    /// neighbours with their upper corner (the higher freq at the lower norm), which dominates both.
    ///
    /// - Parameters:
    ///   - freqs: the documents' frequencies, all ≥ 1.
    ///   - norms: the documents' field lengths.
    ///   - limit: the most pairs to return (≥ 1).
    ///   - shortest: scratch space, all `UInt32.max` (left so).
    ///   - out: receives the pairs (emptied first).
    static func competitive(freqs: ArraySlice<UInt32>, norms: ArraySlice<UInt32>, limit: Int = PostingsFormat.maxImpacts,
                            shortest: inout [UInt32], into out: inout [Impact]) {
        out.removeAll(keepingCapacity: true)
        guard let maxFreq = freqs.max() else { return }
        if freqs.count == 1 {
            out.append(Impact(freq: maxFreq, norm: norms[norms.startIndex]))
            return
        }
        if maxFreq <= 64 {
            // The shortest field per frequency, then from the highest frequency down, each that is shorter
            // than every higher one's.
            if shortest.count < 64 { shortest = [UInt32](repeating: .max, count: 64) }
            shortest.withUnsafeMutableBufferPointer { byFreq in
                for (f, n) in zip(freqs, norms) where n < byFreq[Int(f) - 1] { byFreq[Int(f) - 1] = n }
                var below = UInt32.max
                for f in stride(from: Int(maxFreq), through: 1, by: -1) {
                    if byFreq[f - 1] < below {
                        below = byFreq[f - 1]
                        out.append(Impact(freq: UInt32(f), norm: below))
                    }
                    byFreq[f - 1] = .max
                }
            }
        } else {
            let pairs = zip(freqs, norms).sorted { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            var below = UInt32.max
            for (f, n) in pairs where n < below {
                below = n
                out.append(Impact(freq: f, norm: n))
            }
        }
        out.reverse()
        guard out.count > limit else { return }
        // Merge the neighbours whose upper corner raises BM25 (k1 = 1.2, b = 0.75, lengths against the block's
        // mean) the least, until `limit` remain.
        let mean = max(1, Double(norms.reduce(0) { $0 + Int($1) }) / Double(norms.count))
        func score(_ f: UInt32, _ n: UInt32) -> Double {
            Double(f) * 2.2 / (Double(f) + 1.2 * (0.25 + 0.75 * Double(n) / mean))
        }
        while out.count > limit {
            var best = 0, bestLoss = Double.infinity
            for i in 0..<(out.count - 1) {
                let a = out[i], b = out[i + 1]
                let loss = score(b.freq, a.norm) - max(score(a.freq, a.norm), score(b.freq, b.norm))
                if loss < bestLoss { (best, bestLoss) = (i, loss) }
            }
            out[best] = Impact(freq: out[best + 1].freq, norm: out[best].norm)
            out.remove(at: best + 1)
        }
    }
}

/// What the term dictionary records of a term.
public struct TermInfo: Equatable, Sendable {
    public var docFreq: Int
    public var postingsOffset: Int
    public var positionsOffset: Int
    /// The largest frequency of the term in any document, and the shortest field length of any document
    /// holding it: an upper bound of the term's score in this segment.
    public var maxFreq: Int
    public var minNorm: Int
}

/// Encodes the postings of one term.
struct PostingsEncoder {
    private var docs: [UInt32] = []
    private var freqs: [UInt32] = []
    private var norms: [UInt32] = []
    private var positions = ByteWriter()
    private var positionEnds: [Int] = []
    private var scratch = [UInt32](repeating: 0, count: PostingsFormat.blockSize)
    private var impacts: [Impact] = []
    private var impactBytes = ByteWriter()
    private var shortestByFreq: [UInt32] = []

    /// Writes the competitive impacts of documents `lo..<hi`.
    private mutating func writeImpacts(_ lo: Int, _ hi: Int, to out: inout ByteWriter) {
        Impact.competitive(freqs: freqs[lo..<hi], norms: norms[lo..<hi], shortest: &shortestByFreq, into: &impacts)
        out.vint(impacts.count)
        var freq: UInt32 = 0, norm: Int64 = -1
        for impact in impacts {
            out.vint(UInt64(impact.freq - freq - 1))
            out.vint(UInt64(Int64(impact.norm) - norm - 1))
            freq = impact.freq
            norm = Int64(impact.norm)
        }
    }

    /// Adds a document; its positions must ascend.
    mutating func add(doc: UInt32, norm: UInt32, positions docPositions: some Collection<UInt32>) {
        docs.append(doc)
        freqs.append(UInt32(docPositions.count))
        norms.append(norm)
        var last: UInt32 = 0
        for p in docPositions {
            positions.vint(UInt64(p - last))
            last = p
        }
        positionEnds.append(positions.count)
    }

    /// Adds a document whose positions are already delta-coded vints.
    mutating func add(doc: UInt32, freq: UInt32, norm: UInt32, encodedPositions: UnsafeRawBufferPointer) {
        docs.append(doc)
        freqs.append(freq)
        norms.append(norm)
        positions.append(encodedPositions)
        positionEnds.append(positions.count)
    }

    var isEmpty: Bool { docs.isEmpty }

    /// Writes the term's postings and positions; returns its dictionary entry and resets the encoder.
    mutating func finish(postings: inout ByteWriter, positionsOut: inout ByteWriter, postingsBase: Int,
                         positionsBase: Int) -> TermInfo {
        let n = docs.count
        let bs = PostingsFormat.blockSize
        let blocks = (n + bs - 1) / bs
        let info = TermInfo(docFreq: n, postingsOffset: postingsBase + postings.count,
                            positionsOffset: positionsBase + positionsOut.count,
                            maxFreq: Int(freqs.max() ?? 0), minNorm: Int(norms.min() ?? 0))
        var blockBytes: [ByteWriter] = []
        blockBytes.reserveCapacity(blocks)
        var previous: Int64 = -1
        for b in 0..<blocks {
            let lo = b * bs, hi = min(n, lo + bs)
            var w = ByteWriter(capacity: 2 * (hi - lo) + 2)
            if hi - lo == bs {
                scratch.withUnsafeMutableBufferPointer { s in
                    for i in lo..<hi {
                        s[i - lo] = UInt32(Int64(docs[i]) - previous - 1)
                        previous = Int64(docs[i])
                    }
                    let dbits = bitWidth(UnsafeBufferPointer(s))
                    w.u8(UInt8(dbits))
                    w.pack(UnsafeBufferPointer(s), bits: dbits)
                    for i in lo..<hi { s[i - lo] = freqs[i] - 1 }
                    let fbits = bitWidth(UnsafeBufferPointer(s))
                    w.u8(UInt8(fbits))
                    w.pack(UnsafeBufferPointer(s), bits: fbits)
                }
            } else {
                for i in lo..<hi {
                    w.vint(UInt64(Int64(docs[i]) - previous - 1))
                    w.vint(UInt64(freqs[i] - 1))
                    previous = Int64(docs[i])
                }
            }
            blockBytes.append(w)
        }
        if blocks > 1 {
            var lastDoc: UInt32 = 0
            var impactList = ByteWriter()
            swap(&impactList, &impactBytes)
            impactList.bytes.removeAll(keepingCapacity: true)
            for b in 0..<blocks {
                let lo = b * bs, hi = min(n, lo + bs)
                postings.vint(UInt64(docs[hi - 1] - lastDoc))
                lastDoc = docs[hi - 1]
                postings.vint(blockBytes[b].count)
                let posStart = lo == 0 ? 0 : positionEnds[lo - 1]
                postings.vint(positionEnds[hi - 1] - posStart)
                let impactStart = impactList.count
                writeImpacts(lo, hi, to: &impactList)
                postings.vint(impactList.count - impactStart)
            }
            postings.append(impactList.bytes)
            swap(&impactList, &impactBytes)
        } else if n > 1 {
            writeImpacts(0, n, to: &postings)
        }
        for w in blockBytes { postings.append(w.bytes) }
        positionsOut.append(positions.bytes)
        docs.removeAll(keepingCapacity: true)
        freqs.removeAll(keepingCapacity: true)
        norms.removeAll(keepingCapacity: true)
        positions.bytes.removeAll(keepingCapacity: true)
        positionEnds.removeAll(keepingCapacity: true)
        return info
    }
}

/// Iterates one term's postings in a segment, with skipping and lazy positions.
///
/// ``doc`` is ``PostingsCursor/noMoreDocs`` once exhausted. The decoded block and the skip table live in
/// memory the cursor owns (no arrays), so stepping through postings makes no reference-counting or
/// uniqueness checks.
public final class PostingsCursor {
    public static let noMoreDocs = UInt32.max

    public private(set) var docFreq: Int
    public private(set) var termInfo: TermInfo
    private var postings: UnsafeRawBufferPointer
    private var positionsFile: UnsafeRawBufferPointer
    private var file: String

    private var blockCount = 0
    /// How many blocks the memory holds a skip table for (``reuse(info:postings:positions:file:)`` keeps it
    /// when the next term fits).
    public private(set) var blockCapacity: Int
    /// The one allocation: skip table starts, impacts, decoded block, last docs (``allocate(blocks:)``).
    private var memory: UnsafeMutableRawPointer
    /// The decoded current block: `docs` (128), then `freqs` (128).
    @usableFromInline var docs: UnsafeMutablePointer<UInt32>
    @usableFromInline var freqs: UnsafeMutablePointer<UInt32>
    // Skip table, one entry per block: last document; doc, position and impact starts (an impact start of -1
    // means the term's single document: its pair is the dictionary's `maxFreq`, `minNorm`).
    private var blockLastDoc: UnsafeMutablePointer<UInt32>
    private var blockDocStart: UnsafeMutablePointer<Int>
    private var blockPosStart: UnsafeMutablePointer<Int>
    private var blockImpactStart: UnsafeMutablePointer<Int>
    /// The impacts ``impacts(ofBlock:)`` decoded last, and of which block.
    private var impactBuffer: UnsafeMutablePointer<Impact>
    private var impactCount = 0
    private var impactBlock = -1
    /// The block ``shallowBlock(for:)`` found last: later targets start their search there.
    private var shallowHint = 0

    private var block = -1
    @usableFromInline var blockLength = 0
    @usableFromInline var index = 0
    // Positions of the current block: the reader sits at the start of document `posIndex`.
    private var posOffset = 0
    private var posIndex = 0

    /// The current document (``noMoreDocs`` once exhausted).
    @inlinable public var doc: UInt32 { current }
    @usableFromInline var current: UInt32 = 0
    private var positionBuffer: UnsafeMutablePointer<UInt32>?
    private var positionCapacity = 0
    private var positionCount = 0
    private var cachedPositionsDoc = UInt32.max

    init(info: TermInfo, postings: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        self.termInfo = info
        self.docFreq = info.docFreq
        self.postings = postings
        self.positionsFile = positions
        self.file = file
        let capacity = Self.blocks(info)
        let layout = Self.allocate(blocks: capacity)
        (memory, blockCapacity) = (layout.memory, capacity)
        (blockDocStart, blockPosStart, blockImpactStart) = (layout.docStarts, layout.posStarts, layout.impactStarts)
        (impactBuffer, docs, freqs, blockLastDoc) = (layout.impacts, layout.docs, layout.freqs, layout.lastDocs)
        try configure()
    }

    /// The blocks of `info`'s postings (at least one), with room for a few more so short terms share sizes.
    private static func blocks(_ info: TermInfo) -> Int {
        max(4, (info.docFreq + PostingsFormat.blockSize - 1) / PostingsFormat.blockSize)
    }

    /// One allocation for a skip table of `blocks` blocks, the impacts and the decoded block, laid out.
    private static func allocate(blocks capacity: Int) -> (
        memory: UnsafeMutableRawPointer, docStarts: UnsafeMutablePointer<Int>, posStarts: UnsafeMutablePointer<Int>,
        impactStarts: UnsafeMutablePointer<Int>, impacts: UnsafeMutablePointer<Impact>,
        docs: UnsafeMutablePointer<UInt32>, freqs: UnsafeMutablePointer<UInt32>, lastDocs: UnsafeMutablePointer<UInt32>
    ) {
        let bs = PostingsFormat.blockSize
        let startsBytes = 3 * capacity * MemoryLayout<Int>.stride
        let impactBytes = PostingsFormat.maxImpacts * MemoryLayout<Impact>.stride
        let memory = UnsafeMutableRawPointer.allocate(
            byteCount: startsBytes + impactBytes + (2 * bs + capacity) * MemoryLayout<UInt32>.stride,
            alignment: max(MemoryLayout<Int>.alignment, MemoryLayout<Impact>.alignment))
        let starts = memory.bindMemory(to: Int.self, capacity: 3 * capacity)
        let impacts = (memory + startsBytes).bindMemory(to: Impact.self, capacity: PostingsFormat.maxImpacts)
        let words = (memory + startsBytes + impactBytes).bindMemory(to: UInt32.self, capacity: 2 * bs + capacity)
        return (memory, starts, starts + capacity, starts + 2 * capacity, impacts, words, words + bs, words + 2 * bs)
    }

    /// Points the cursor at another term, keeping its memory when the term's skip table fits: a search opens
    /// a cursor per clause and segment, tens for a one-word query, and their allocations showed in its
    /// profile (``SegmentReader/postings(_:reusing:)``).
    func reuse(info: TermInfo, postings: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        termInfo = info
        docFreq = info.docFreq
        self.postings = postings
        positionsFile = positions
        self.file = file
        impactCount = 0
        impactBlock = -1
        shallowHint = 0
        block = -1
        blockLength = 0
        index = 0
        posOffset = 0
        posIndex = 0
        positionCount = 0
        cachedPositionsDoc = UInt32.max
        try configure()
    }

    /// Lays out the memory for `termInfo` (allocating only when its skip table does not fit) and reads the
    /// skip table and the first block.
    private func configure() throws(IndexError) {
        let info = termInfo
        let bs = PostingsFormat.blockSize
        let blockCount = max(1, (info.docFreq + bs - 1) / bs)
        self.blockCount = blockCount
        if blockCount > blockCapacity {
            memory.deallocate()
            let capacity = Self.blocks(info)
            let layout = Self.allocate(blocks: capacity)
            (memory, blockCapacity) = (layout.memory, capacity)
            (blockDocStart, blockPosStart, blockImpactStart) = (layout.docStarts, layout.posStarts, layout.impactStarts)
            (impactBuffer, docs, freqs, blockLastDoc) = (layout.impacts, layout.docs, layout.freqs, layout.lastDocs)
        }
        var r = ByteReader(postings, offset: info.postingsOffset, file: file)
        if blockCount > 1 {
            // Every search opens a cursor per clause and segment, and long postings have thousands of blocks:
            // the table is read through locals (stores through the cursor's own pointers would reload them).
            let lastDocs = blockLastDoc, docStarts = blockDocStart, posStarts = blockPosStart, impactStarts = blockImpactStart
            let bytes = postings.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let size = postings.count
            var o = info.postingsOffset
            var last = 0, d = 0, p = info.positionsOffset, i = 0
            for b in 0..<blockCount {
                guard let delta = Self.vint(bytes, size, &o), let docBytes = Self.vint(bytes, size, &o),
                      let posBytes = Self.vint(bytes, size, &o), let impactBytes = Self.vint(bytes, size, &o) else {
                    throw .corrupt(file: file, reason: "bad skip entry of block \(b) at byte \(o)")
                }
                last &+= delta
                lastDocs[b] = UInt32(truncatingIfNeeded: last)
                // Byte counts for now; turned into starts below, once the table's end is known.
                docStarts[b] = d
                posStarts[b] = p
                impactStarts[b] = i
                d &+= docBytes
                p &+= posBytes
                i &+= impactBytes
            }
            guard d >= 0, p >= 0, i >= 0 else { throw .corrupt(file: file, reason: "skip table overflows at byte \(o)") }
            // The impacts follow the table, then the blocks.
            for b in 0..<blockCount { impactStarts[b] &+= o }
            for b in 0..<blockCount { docStarts[b] &+= o &+ i }
        } else {
            blockLastDoc[0] = Self.noMoreDocs - 1
            if info.docFreq > 1 {
                blockImpactStart[0] = r.offset
                try Self.skipImpacts(&r)
            } else {
                blockImpactStart[0] = -1
            }
            blockDocStart[0] = r.offset
            blockPosStart[0] = info.positionsOffset
        }
        if info.docFreq == 0 {
            current = Self.noMoreDocs
        } else {
            try loadBlock(0, previous: -1)
            current = docs[0]
        }
    }

    deinit {
        memory.deallocate()
        positionBuffer?.deallocate()
    }

    /// A vint of at most 9 bytes (so it fits an `Int`) at `o`, moving past it; `nil` when it runs past `size`
    /// or is longer.
    @inline(__always)
    private static func vint(_ bytes: UnsafePointer<UInt8>, _ size: Int, _ o: inout Int) -> Int? {
        guard o < size else { return nil }
        var byte = bytes[o]
        o &+= 1
        if byte < 0x80 { return Int(byte) }
        var result = Int(byte & 0x7F)
        var shift = 7
        repeat {
            guard o < size, shift < 63 else { return nil }
            byte = bytes[o]
            o &+= 1
            result |= Int(byte & 0x7F) << shift
            shift &+= 7
        } while byte >= 0x80
        return result
    }

    private static func skipImpacts(_ r: inout ByteReader) throws(IndexError) {
        let count = try r.int()
        guard count >= 1, count <= PostingsFormat.maxImpacts else {
            throw .corrupt(file: r.file, reason: "\(count) impacts at byte \(r.offset)")
        }
        for _ in 0..<(2 * count) { _ = try r.vint() }
    }

    private func corrupt(_ offset: Int) -> IndexError {
        .corrupt(file: file, reason: "read past the end at byte \(offset)")
    }

    private func loadBlock(_ b: Int, previous: Int64) throws(IndexError) {
        let bs = PostingsFormat.blockSize
        block = b
        blockLength = min(bs, docFreq - b * bs)
        index = 0
        posOffset = blockPosStart[b]
        posIndex = 0
        let base = postings.baseAddress!
        let size = postings.count
        var o = blockDocStart[b]
        if blockLength == bs {
            guard o >= 0, o < size else { throw corrupt(o) }
            let dbits = Int(base.load(fromByteOffset: o, as: UInt8.self))
            o += 1
            o = try unpack(base, size, at: o, into: docs, bits: dbits)
            guard o < size else { throw corrupt(o) }
            let fbits = Int(base.load(fromByteOffset: o, as: UInt8.self))
            o += 1
            _ = try unpack(base, size, at: o, into: freqs, bits: fbits)
            var prev = UInt32(truncatingIfNeeded: previous)
            for i in 0..<bs {
                prev = prev &+ 1 &+ docs[i]
                docs[i] = prev
                freqs[i] &+= 1
            }
        } else {
            var prev = UInt32(truncatingIfNeeded: previous)
            for i in 0..<blockLength {
                prev = prev &+ 1 &+ UInt32(truncatingIfNeeded: try vint(base, size, &o))
                docs[i] = prev
                freqs[i] = UInt32(truncatingIfNeeded: try vint(base, size, &o)) &+ 1
            }
        }
    }

    @inline(__always)
    private func vint(_ base: UnsafeRawPointer, _ size: Int, _ o: inout Int) throws(IndexError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard o < size, shift < 64 else { throw corrupt(o) }
            let byte = base.load(fromByteOffset: o, as: UInt8.self)
            o += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Unpacks 128 values of `bits` bits at byte `o`; returns the offset after them.
    @inline(__always)
    private func unpack(_ base: UnsafeRawPointer, _ size: Int, at o: Int, into out: UnsafeMutablePointer<UInt32>,
                        bits: Int) throws(IndexError) -> Int {
        let count = PostingsFormat.blockSize
        guard bits > 0 else {
            out.update(repeating: 0, count: count)
            return o
        }
        guard bits <= 32 else { throw IndexError.corrupt(file: file, reason: "bit width \(bits) at byte \(o)") }
        let byteCount = (count * bits + 7) / 8
        guard o + byteCount <= size else { throw corrupt(o) }
        let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
        if o + byteCount + 8 <= size {
            Self.unpack(base + o, into: out, bits: bits)
            return o + byteCount
        }
        let shift = UInt64(bits)
        var acc: UInt64 = 0
        var filled = 0
        var p = base + o
        for i in 0..<count {
            while filled < bits {
                acc |= UInt64(p.load(as: UInt8.self)) << UInt64(filled)
                p += 1
                filled += 8
            }
            out[i] = UInt32(truncatingIfNeeded: acc & mask)
            acc >>= shift
            filled -= bits
        }
        return o + byteCount
    }

    /// Unpacks a block's 128 values of `bits` bits (1–32) from `start`, reading up to 8 bytes past them. A copy
    /// of the loop per common bit width, so each value's byte and shift are constants (`unpackGroups`): block
    /// decoding was a fifth of a search's time.
    static func unpack(_ start: UnsafeRawPointer, into out: UnsafeMutablePointer<UInt32>, bits: Int) {
        switch bits {
        case 1: unpackGroups(1, start, out)
        case 2: unpackGroups(2, start, out)
        case 3: unpackGroups(3, start, out)
        case 4: unpackGroups(4, start, out)
        case 5: unpackGroups(5, start, out)
        case 6: unpackGroups(6, start, out)
        case 7: unpackGroups(7, start, out)
        case 8: unpackGroups(8, start, out)
        case 9: unpackGroups(9, start, out)
        case 10: unpackGroups(10, start, out)
        case 11: unpackGroups(11, start, out)
        case 12: unpackGroups(12, start, out)
        case 13: unpackGroups(13, start, out)
        case 14: unpackGroups(14, start, out)
        case 15: unpackGroups(15, start, out)
        case 16: unpackGroups(16, start, out)
        default:
            // Wider deltas are rare (long gaps between documents): one unaligned 64-bit load per value (a
            // value and its bit offset fit in 39 bits).
            let mask: UInt64 = bits == 32 ? 0xFFFF_FFFF : (1 << UInt64(bits)) - 1
            var bit = 0
            for i in 0..<PostingsFormat.blockSize {
                let word = UInt64(littleEndian: (start + (bit >> 3)).loadUnaligned(as: UInt64.self))
                out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                bit += bits
            }
        }
    }

    /// Unpacks 128 values of `bits` bits from `start`, 8 at a time: 8 values fill exactly `bits` bytes, so
    /// with `bits` a constant each value's byte offset and shift within its group are constants too. Reads up
    /// to 8 bytes past the values.
    @inline(__always)
    private static func unpackGroups(_ bits: Int, _ start: UnsafeRawPointer, _ out: UnsafeMutablePointer<UInt32>) {
        let mask: UInt64 = (1 << UInt64(bits)) - 1
        var p = start
        var q = out
        for _ in 0..<(PostingsFormat.blockSize / 8) {
            for j in 0..<8 {
                let bit = j * bits
                let word = UInt64(littleEndian: (p + (bit >> 3)).loadUnaligned(as: UInt64.self))
                q[j] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            }
            p += bits
            q += 8
        }
    }

    /// The frequency of the term in the current document. (Inlinable: scoring reads it once per candidate
    /// from another module.)
    @inlinable public var freq: UInt32 { freqs[index] }

    /// Moves to the next document; returns it, or ``noMoreDocs``. (Inlinable within a decoded block.)
    @inlinable @discardableResult
    public func next() throws(IndexError) -> UInt32 {
        let i = index + 1
        if i < blockLength && current != Self.noMoreDocs {
            index = i
            current = docs[i]
            return current
        }
        return try nextBlock()
    }

    @usableFromInline
    func nextBlock() throws(IndexError) -> UInt32 {
        guard doc != Self.noMoreDocs else { return doc }
        index += 1
        if index >= blockLength {
            if block + 1 >= blockCount {
                current = Self.noMoreDocs
                return doc
            }
            try loadBlock(block + 1, previous: Int64(docs[blockLength - 1]))
        }
        current = docs[index]
        return doc
    }

    /// Moves to the first document ≥ `target`; returns it, or ``noMoreDocs``. (The check whether it has to
    /// move at all is inlined into callers in other modules: scoring asks for documents cursors are on.)
    @inlinable @discardableResult
    public func advance(to target: UInt32) throws(IndexError) -> UInt32 {
        if doc >= target { return doc }
        return try moveForward(to: target)
    }

    @usableFromInline
    func moveForward(to target: UInt32) throws(IndexError) -> UInt32 {
        if target > blockLastDoc[block] {
            var b = block + 1
            if shallowHint > b && blockLastDoc[shallowHint - 1] < target { b = shallowHint }
            while b < blockCount && blockLastDoc[b] < target { b += 1 }
            if b >= blockCount {
                current = Self.noMoreDocs
                return doc
            }
            try loadBlock(b, previous: Int64(blockLastDoc[b - 1]))
        }
        // Scan the decoded documents (only a single block's may all lie below the target).
        var i = index
        let n = blockLength
        while i < n && docs[i] < target { i += 1 }
        index = i
        current = i < n ? docs[i] : Self.noMoreDocs
        return doc
    }

    /// The block that holds `target` (or the current block, if later), for block-max pruning: its number
    /// and last document (``noMoreDocs`` − 1 for a term's only block); `nil` past the end. Does not move.
    @inline(__always)
    public func shallowBlock(for target: UInt32) -> (lastDoc: UInt32, block: Int)? {
        if blockCount == 1 { return (Self.noMoreDocs - 1, 0) }
        var b = max(block, 0)
        if shallowHint > b && blockLastDoc[shallowHint - 1] < target { b = shallowHint }
        while b < blockCount && blockLastDoc[b] < target { b += 1 }
        guard b < blockCount else { return nil }
        shallowHint = b
        return (blockLastDoc[b], b)
    }

    /// The competitive (freq, norm) pairs of block `b` (from ``shallowBlock(for:)``), ascending: every
    /// document of the block has a freq ≤ and a norm ≥ one of them. Valid until the next call.
    public func impacts(ofBlock b: Int) throws(IndexError) -> UnsafeBufferPointer<Impact> {
        if b != impactBlock {
            let start = blockImpactStart[b]
            if start < 0 {
                impactBuffer[0] = Impact(freq: UInt32(truncatingIfNeeded: termInfo.maxFreq),
                                         norm: UInt32(truncatingIfNeeded: termInfo.minNorm))
                impactCount = 1
            } else {
                let base = postings.baseAddress!
                let size = postings.count
                var o = start
                let count = Int(try vint(base, size, &o))
                guard count >= 1, count <= PostingsFormat.maxImpacts else {
                    throw .corrupt(file: file, reason: "\(count) impacts at byte \(start)")
                }
                var freq: UInt32 = 0, norm: UInt32 = 0
                for i in 0..<count {
                    freq = freq &+ 1 &+ UInt32(truncatingIfNeeded: try vint(base, size, &o))
                    norm = (i == 0 ? 0 : norm &+ 1) &+ UInt32(truncatingIfNeeded: try vint(base, size, &o))
                    impactBuffer[i] = Impact(freq: freq, norm: norm)
                }
                impactCount = count
            }
            impactBlock = b
        }
        return UnsafeBufferPointer(start: impactBuffer, count: impactCount)
    }

    /// The positions of the term in the current document, valid until the cursor moves or this is called
    /// on another document.
    public func positionsBuffer() throws(IndexError) -> UnsafeBufferPointer<UInt32> {
        if posIndex == index + 1, cachedPositionsDoc == doc {
            return UnsafeBufferPointer(start: positionBuffer, count: positionCount)
        }
        let base = positionsFile.baseAddress!
        let size = positionsFile.count
        var o = try currentPositionsStart()
        let n = Int(freqs[index])
        if n > positionCapacity || positionBuffer == nil {
            positionBuffer?.deallocate()
            positionCapacity = max(n, 2 * positionCapacity, 16)
            positionBuffer = .allocate(capacity: positionCapacity)
        }
        let buffer = positionBuffer!
        var p: UInt32 = 0
        for k in 0..<n {
            p &+= UInt32(truncatingIfNeeded: try vint(base, size, &o))
            buffer[k] = p
        }
        positionCount = n
        posOffset = o
        posIndex = index + 1
        cachedPositionsDoc = doc
        return UnsafeBufferPointer(start: positionBuffer, count: n)
    }

    /// The positions of the current document as stored (delta-coded vints), for a merge to copy without
    /// decoding. Valid while the index is open.
    func encodedPositions() throws(IndexError) -> UnsafeRawBufferPointer {
        let start = try currentPositionsStart()
        let end = try skipPositions(Int(freqs[index]), from: start)
        posOffset = end
        posIndex = index + 1
        cachedPositionsDoc = UInt32.max
        return UnsafeRawBufferPointer(rebasing: positionsFile[start..<end])
    }

    /// Where the current document's positions start, moving past those of the documents before it.
    private func currentPositionsStart() throws(IndexError) -> Int {
        if posIndex == index + 1 {
            // Read already: start over from the block's first document.
            posOffset = blockPosStart[block]
            posIndex = 0
        }
        if posIndex < index {
            var n = 0
            for j in posIndex..<index { n += Int(freqs[j]) }
            posOffset = try skipPositions(n, from: posOffset)
            posIndex = index
        }
        return posOffset
    }

    /// The offset after `n` position vints starting at `from`: counts the vints' last bytes (below 0x80), eight
    /// bytes at a time while the word holds fewer than are left to skip.
    private func skipPositions(_ n: Int, from: Int) throws(IndexError) -> Int {
        let base = positionsFile.baseAddress!
        let size = positionsFile.count
        var n = n, o = from
        while o + 8 <= size {
            let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt64.self))
            let ends = (~word & 0x8080_8080_8080_8080).nonzeroBitCount
            if ends >= n { break }
            n -= ends
            o += 8
        }
        while n > 0 {
            guard o < size else { throw corrupt(o) }
            if base.load(fromByteOffset: o, as: UInt8.self) < 0x80 { n -= 1 }
            o += 1
        }
        return o
    }

    /// The positions of the term in the current document.
    public func positions() throws(IndexError) -> [UInt32] {
        Array(try positionsBuffer())
    }
}
