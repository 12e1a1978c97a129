/// Postings of one term: documents in blocks of 128 with bit-packed doc-id deltas and frequencies, a skip
/// table with each block's last document and per-block maxima for dynamic pruning, and positions apart.
///
/// Layout in the `.post` file, at the term's offset:
/// ```
/// if blocks > 1: per block  vint lastDoc delta, vint doc bytes, vint position bytes, vint maxFreq, vint minNorm
/// per full block (128 docs): u8 bits, packed (doc - previous - 1), u8 bits, packed (freq - 1)
/// last partial block:        per doc vint (doc - previous - 1), vint (freq - 1)
/// ```
/// and in the `.pos` file, at the term's positions offset: per document, `freq` vints (first position, then
/// deltas). `minNorm` is the shortest field length among the block's documents: with `maxFreq` it bounds the
/// block's BM25 score from above whatever k1 and b are.
public enum PostingsFormat {
    public static let blockSize = 128
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
            for b in 0..<blocks {
                let lo = b * bs, hi = min(n, lo + bs)
                postings.vint(UInt64(docs[hi - 1] - lastDoc))
                lastDoc = docs[hi - 1]
                postings.vint(blockBytes[b].count)
                let posStart = lo == 0 ? 0 : positionEnds[lo - 1]
                postings.vint(positionEnds[hi - 1] - posStart)
                postings.vint(UInt64(freqs[lo..<hi].max()!))
                postings.vint(UInt64(norms[lo..<hi].min()!))
            }
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

    public let docFreq: Int
    public let termInfo: TermInfo
    private let postings: UnsafeRawBufferPointer
    private let positionsFile: UnsafeRawBufferPointer
    private let file: String

    private let blockCount: Int
    /// The decoded current block: `docs` (128), then `freqs` (128).
    private let docs: UnsafeMutablePointer<UInt32>
    private let freqs: UnsafeMutablePointer<UInt32>
    // Skip table, one entry per block: last document, max frequency, min norm; doc and position starts.
    private let blockLastDoc: UnsafeMutablePointer<UInt32>
    private let blockMaxFreqs: UnsafeMutablePointer<UInt32>
    private let blockMinNorms: UnsafeMutablePointer<UInt32>
    private let blockDocStart: UnsafeMutablePointer<Int>
    private let blockPosStart: UnsafeMutablePointer<Int>

    private var block = -1
    private var blockLength = 0
    private var index = 0
    // Positions of the current block: the reader sits at the start of document `posIndex`.
    private var posOffset = 0
    private var posIndex = 0

    public private(set) var doc: UInt32 = 0
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
        let bs = PostingsFormat.blockSize
        let blockCount = max(1, (info.docFreq + bs - 1) / bs)
        self.blockCount = blockCount
        let words = UnsafeMutablePointer<UInt32>.allocate(capacity: 2 * bs + 3 * blockCount)
        docs = words
        freqs = words + bs
        blockLastDoc = words + 2 * bs
        blockMaxFreqs = blockLastDoc + blockCount
        blockMinNorms = blockMaxFreqs + blockCount
        let starts = UnsafeMutablePointer<Int>.allocate(capacity: 2 * blockCount)
        blockDocStart = starts
        blockPosStart = starts + blockCount
        var r = ByteReader(postings, offset: info.postingsOffset, file: file)
        if blockCount > 1 {
            var last: UInt64 = 0
            var d = 0, p = info.positionsOffset
            for b in 0..<blockCount {
                last += try r.vint()
                blockLastDoc[b] = UInt32(truncatingIfNeeded: last)
                // Byte counts for now; turned into starts below, once the table's end is known.
                blockDocStart[b] = d
                d += try r.int()
                blockPosStart[b] = p
                p += try r.int()
                blockMaxFreqs[b] = UInt32(truncatingIfNeeded: try r.vint())
                blockMinNorms[b] = UInt32(truncatingIfNeeded: try r.vint())
            }
            for b in 0..<blockCount { blockDocStart[b] += r.offset }
        } else {
            blockLastDoc[0] = Self.noMoreDocs - 1
            blockDocStart[0] = r.offset
            blockPosStart[0] = info.positionsOffset
            blockMaxFreqs[0] = UInt32(truncatingIfNeeded: info.maxFreq)
            blockMinNorms[0] = UInt32(truncatingIfNeeded: info.minNorm)
        }
        if info.docFreq == 0 {
            doc = Self.noMoreDocs
        } else {
            try loadBlock(0, previous: -1)
            doc = docs[0]
        }
    }

    deinit {
        docs.deallocate()
        blockDocStart.deallocate()
        positionBuffer?.deallocate()
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
            // One unaligned 64-bit load per value (a value and its bit offset fit in 39 bits).
            let start = base + o
            var bit = 0
            for i in 0..<count {
                let word = UInt64(littleEndian: (start + (bit >> 3)).loadUnaligned(as: UInt64.self))
                out[i] = UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
                bit += bits
            }
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

    /// The frequency of the term in the current document.
    public var freq: UInt32 {
        @inline(__always) get { freqs[index] }
    }

    /// Moves to the next document; returns it, or ``noMoreDocs``.
    @discardableResult
    public func next() throws(IndexError) -> UInt32 {
        guard doc != Self.noMoreDocs else { return doc }
        index += 1
        if index >= blockLength {
            if block + 1 >= blockCount {
                doc = Self.noMoreDocs
                return doc
            }
            try loadBlock(block + 1, previous: Int64(docs[blockLength - 1]))
        }
        doc = docs[index]
        return doc
    }

    /// Moves to the first document ≥ `target`; returns it, or ``noMoreDocs``.
    @discardableResult
    public func advance(to target: UInt32) throws(IndexError) -> UInt32 {
        guard doc < target else { return doc }
        if target > blockLastDoc[block] {
            var b = block + 1
            while b < blockCount && blockLastDoc[b] < target { b += 1 }
            if b >= blockCount {
                doc = Self.noMoreDocs
                return doc
            }
            try loadBlock(b, previous: Int64(blockLastDoc[b - 1]))
        }
        // Scan the decoded documents (only a single block's may all lie below the target).
        var i = index
        let n = blockLength
        while i < n && docs[i] < target { i += 1 }
        index = i
        doc = i < n ? docs[i] : Self.noMoreDocs
        return doc
    }

    /// The last document of the block that holds `target` (or the current block), for block-max pruning;
    /// ``noMoreDocs`` past the end.
    public func shallowBlock(for target: UInt32) -> (lastDoc: UInt32, maxFreq: UInt32, minNorm: UInt32)? {
        if blockCount == 1 { return (Self.noMoreDocs - 1, blockMaxFreqs[0], blockMinNorms[0]) }
        var b = max(block, 0)
        while b < blockCount && blockLastDoc[b] < target { b += 1 }
        guard b < blockCount else { return nil }
        return (blockLastDoc[b], blockMaxFreqs[b], blockMinNorms[b])
    }

    /// The positions of the term in the current document, valid until the cursor moves or this is called
    /// on another document.
    public func positionsBuffer() throws(IndexError) -> UnsafeBufferPointer<UInt32> {
        if posIndex == index + 1, cachedPositionsDoc == doc {
            return UnsafeBufferPointer(start: positionBuffer, count: positionCount)
        }
        let base = positionsFile.baseAddress!
        let size = positionsFile.count
        var o = posOffset
        if posIndex < index {
            // Skip the positions of the documents before the current one: count the vints' last bytes (below
            // 0x80), eight bytes at a time while the word holds fewer than are left to skip.
            var n = 0
            for j in posIndex..<index { n += Int(freqs[j]) }
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
            posIndex = index
        }
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

    /// The positions of the term in the current document.
    public func positions() throws(IndexError) -> [UInt32] {
        Array(try positionsBuffer())
    }
}
