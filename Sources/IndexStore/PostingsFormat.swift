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
/// ``doc`` is ``PostingsCursor/noMoreDocs`` once exhausted.
public final class PostingsCursor {
    public static let noMoreDocs = UInt32.max

    public let docFreq: Int
    public let termInfo: TermInfo
    private let postings: UnsafeRawBufferPointer
    private let positionsFile: UnsafeRawBufferPointer
    private let file: String

    // Skip table, one entry per block.
    private var blockLastDoc: [UInt32] = []
    private var blockDocStart: [Int] = []
    private var blockPosStart: [Int] = []
    private var blockMaxFreqs: [UInt32] = []
    private var blockMinNorms: [UInt32] = []
    private let blockCount: Int

    // The decoded current block.
    private var docs = [UInt32](repeating: 0, count: PostingsFormat.blockSize)
    private var freqs = [UInt32](repeating: 0, count: PostingsFormat.blockSize)
    private var block = -1
    private var blockLength = 0
    private var index = 0
    // Positions of the current block: the reader sits at the start of document `posIndex`.
    private var posOffset = 0
    private var posIndex = 0

    public private(set) var doc: UInt32 = 0
    private var cachedPositions: [UInt32] = []
    private var cachedPositionsDoc = UInt32.max

    init(info: TermInfo, postings: UnsafeRawBufferPointer, positions: UnsafeRawBufferPointer, file: String) throws(IndexError) {
        self.termInfo = info
        self.docFreq = info.docFreq
        self.postings = postings
        self.positionsFile = positions
        self.file = file
        let bs = PostingsFormat.blockSize
        blockCount = (info.docFreq + bs - 1) / bs
        var r = ByteReader(postings, offset: info.postingsOffset, file: file)
        if blockCount > 1 {
            blockLastDoc.reserveCapacity(blockCount)
            var last: UInt64 = 0
            var docBytes: [Int] = []
            var posBytes: [Int] = []
            for _ in 0..<blockCount {
                last += try r.vint()
                blockLastDoc.append(UInt32(truncatingIfNeeded: last))
                docBytes.append(try r.int())
                posBytes.append(try r.int())
                blockMaxFreqs.append(UInt32(truncatingIfNeeded: try r.vint()))
                blockMinNorms.append(UInt32(truncatingIfNeeded: try r.vint()))
            }
            var d = r.offset, p = info.positionsOffset
            for b in 0..<blockCount {
                blockDocStart.append(d)
                blockPosStart.append(p)
                d += docBytes[b]
                p += posBytes[b]
            }
        } else {
            blockLastDoc = [0]
            blockDocStart = [r.offset]
            blockPosStart = [info.positionsOffset]
            blockMaxFreqs = [UInt32(info.maxFreq)]
            blockMinNorms = [UInt32(info.minNorm)]
        }
        if info.docFreq == 0 {
            doc = Self.noMoreDocs
        } else {
            try loadBlock(0, previous: -1)
            doc = docs[0]
        }
    }

    private func loadBlock(_ b: Int, previous: Int64) throws(IndexError) {
        let bs = PostingsFormat.blockSize
        block = b
        blockLength = min(bs, docFreq - b * bs)
        index = 0
        posOffset = blockPosStart[b]
        posIndex = 0
        var r = ByteReader(postings, offset: blockDocStart[b], file: file)
        if blockLength == bs {
            let dbits = Int(try r.u8())
            try docs.withUnsafeMutableBufferPointer { p throws(IndexError) in try r.unpack(into: p.baseAddress!, count: bs, bits: dbits) }
            let fbits = Int(try r.u8())
            try freqs.withUnsafeMutableBufferPointer { p throws(IndexError) in try r.unpack(into: p.baseAddress!, count: bs, bits: fbits) }
            var prev = previous
            for i in 0..<bs {
                let d = prev + 1 + Int64(docs[i])
                docs[i] = UInt32(truncatingIfNeeded: d)
                prev = d
                freqs[i] += 1
            }
        } else {
            var prev = previous
            for i in 0..<blockLength {
                let d = prev + 1 + Int64(try r.vint())
                docs[i] = UInt32(truncatingIfNeeded: d)
                prev = d
                freqs[i] = UInt32(truncatingIfNeeded: try r.vint()) + 1
            }
        }
    }

    /// The frequency of the term in the current document.
    public var freq: UInt32 { freqs[index] }

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
        if blockCount > 1 && target > blockLastDoc[block] {
            var b = block + 1
            while b < blockCount && blockLastDoc[b] < target { b += 1 }
            if b >= blockCount {
                doc = Self.noMoreDocs
                return doc
            }
            try loadBlock(b, previous: Int64(blockLastDoc[b - 1]))
            doc = docs[0]
        }
        while doc < target { try next() }
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

    /// The positions of the term in the current document.
    public func positions() throws(IndexError) -> [UInt32] {
        if posIndex == index + 1, cachedPositionsDoc == doc { return cachedPositions }
        var r = ByteReader(positionsFile, offset: posOffset, file: file)
        while posIndex < index {
            for _ in 0..<freqs[posIndex] { _ = try r.vint() }
            posIndex += 1
        }
        // Reuses the buffer: once the caller has dropped the last result, no allocation per document.
        cachedPositions.removeAll(keepingCapacity: true)
        var p: UInt32 = 0
        for _ in 0..<freqs[index] {
            p &+= UInt32(truncatingIfNeeded: try r.vint())
            cachedPositions.append(p)
        }
        posOffset = r.offset
        posIndex = index + 1
        cachedPositionsDoc = doc
        return cachedPositions
    }
}
