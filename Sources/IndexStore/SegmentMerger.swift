#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Merges segments into one, dropping deleted documents: the work of `talent optimize` and of the merges
/// `talent index` runs when segments pile up.
///
/// Everything streams, so memory stays near a few arrays of one number per document whatever the size of the
/// index: terms are interleaved one at a time per segment (a heap of the segments' current terms), positions
/// are copied as stored, stored chunks are copied whole when every document in them lives (inflated once and
/// deflated again otherwise), and columns are merged through their dictionaries' ordinals. Each kind of
/// input file is released from memory once it has been read.
public enum SegmentMerger {
    /// Writes the live documents of `readers` as segment `name` in `directory`; returns `nil` when no live
    /// document is left.
    public static func merge(_ readers: [SegmentReader], schema: Schema, into directory: String,
                             name: String) throws(IndexError) -> SegmentInfo? {
        // New document numbers: live documents in segment order.
        var docMaps: [[Int32]] = []
        var maxDoc = 0
        for r in readers {
            var map = [Int32](repeating: -1, count: r.maxDoc)
            for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
                map[doc] = Int32(maxDoc)
                maxDoc += 1
            }
            docMaps.append(map)
        }
        guard maxDoc > 0 else { return nil }

        var norms = schema.textFields.map { _ in [UInt16]() }
        var stats = schema.textFields.map { _ in FieldStats() }
        for (s, r) in readers.enumerated() {
            for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                for f in schema.textFields.indices {
                    let n = r.norm(field: f, doc: doc)
                    norms[f].append(UInt16(n))
                    if n > 0 {
                        stats[f].docCount += 1
                        stats[f].sumLength += n
                    }
                }
            }
        }

        let output = try SegmentOutput(directory: directory, name: name, maxDoc: maxDoc, fieldStats: stats)
        for field in schema.textFields.indices {
            try mergeTerms(field: field, readers, docMaps: docMaps, norms: norms[field], into: output)
        }
        for r in readers { r.releasePages(of: [.terms, .postings, .positions]) }

        var stored = StoredFieldsWriter()
        for (s, r) in readers.enumerated() {
            try copyStored(r, docMap: docMaps[s], into: &stored, output: output)
            r.releasePages(of: [.stored])
        }

        var values = DocValuesWriter()
        mergeIDs(readers, docMaps: docMaps, maxDoc: maxDoc, into: &values)
        try output.streamValues(&values)
        for spec in schema.columns {
            mergeColumn(spec, readers, docMaps: docMaps, into: &values)
            try output.streamValues(&values)
            for r in readers { r.releasePages(of: [.values]) }
        }
        for f in schema.textFields.indices { values.norms(field: f, values: norms[f]) }
        let info = try output.finish(stored: &stored, values: &values, deletions: nil)
        for r in readers { r.releasePages(of: [.values]) }
        return info
    }

    /// What ``mergeAsNeeded(directory:schema:policy:purpose:)`` did.
    public struct Outcome: Sendable, Equatable {
        /// Merges run (each committed).
        public var merges = 0
        /// Segments before the first merge and after the last.
        public var before = 0
        public var after = 0
    }

    /// Merges the committed segments of the index in `directory` as `policy` asks, over and over until it
    /// asks for nothing, committing after each merge (an interrupted run leaves the index as the last merge
    /// committed it, with the same documents).
    public static func mergeAsNeeded(directory: String, schema: Schema, policy: MergePolicy,
                                     purpose: String) throws(IndexError) -> Outcome {
        var outcome = Outcome()
        while true {
            let tx = try IndexTransaction(directory: directory, schema: schema, purpose: purpose)
            // Opening touched every segment's maps; only the merged ones are read from here on.
            tx.releasePages()
            let segments = tx.manifest.segments
            if outcome.merges == 0 { outcome.before = segments.count }
            outcome.after = segments.count
            guard let range = policy.merges(liveCounts: segments.map(\.liveCount)).first else { return outcome }
            let names = segments[range].map(\.name)
            let merged = try merge(names.map { tx.reader(for: $0)! }, schema: schema, into: directory, name: tx.newSegmentName())
            try tx.replaceSegments(names, with: merged)
            try tx.commit()
            outcome.merges += 1
        }
    }

    // MARK: - Postings

    private static func mergeTerms(field: Int, _ readers: [SegmentReader], docMaps: [[Int32]], norms: [UInt16],
                                   into output: SegmentOutput) throws(IndexError) {
        output.startField()
        defer { output.endField() }
        var iterators = readers.map { TermIterator($0.terms, field: field) }
        var heap = SegmentHeap()
        for s in readers.indices where try iterators[s].next() {
            heap.push(s) { compare(iterators[$0].term, iterators[$1].term, $0, $1) }
        }
        var encoder = PostingsEncoder()
        var group: [Int] = []
        var copied = 0
        while let top = heap.top {
            if copied >= 1 << 19 {
                // Keep the inputs' resident pages to what is still ahead of the merge.
                for s in readers.indices { readers[s].releasePostingsPages(before: iterators[s].info) }
                copied = 0
            }
            let term = iterators[top].term
            group.removeAll(keepingCapacity: true)
            while let s = heap.top, iterators[s].term == term {
                group.append(heap.pop { compare(iterators[$0].term, iterators[$1].term, $0, $1) })
            }
            group.sort()
            for s in group {
                let map = docMaps[s]
                let cursor = try readers[s].postings(iterators[s].info)
                while cursor.doc != PostingsCursor.noMoreDocs {
                    let newDoc = map[Int(cursor.doc)]
                    if newDoc >= 0 {
                        encoder.add(doc: UInt32(newDoc), freq: cursor.freq, norm: UInt32(norms[Int(newDoc)]),
                                    encodedPositions: try cursor.encodedPositions())
                    }
                    try cursor.next()
                }
                copied += cursor.docFreq
            }
            if !encoder.isEmpty { try output.addTerm(term, &encoder) }
            for s in group where try iterators[s].next() {
                heap.push(s) { compare(iterators[$0].term, iterators[$1].term, $0, $1) }
            }
        }
    }

    /// Orders segments by their current key (UTF-8 bytes), then by segment so equal keys come in document
    /// order.
    @inline(__always)
    private static func compare(_ a: [UInt8], _ b: [UInt8], _ sa: Int, _ sb: Int) -> Bool {
        let c = compareBytes(a, b)
        return c != 0 ? c < 0 : sa < sb
    }

    // MARK: - Stored documents

    private static func copyStored(_ r: SegmentReader, docMap: [Int32], into stored: inout StoredFieldsWriter,
                                   output: SegmentOutput) throws(IndexError) {
        let source = r.stored
        let perChunk = source.documentsPerChunk
        for c in 0..<source.chunkCount {
            let chunk = try source.chunk(c)
            let first = c * perChunk
            guard first + chunk.docs <= docMap.count else {
                throw .corrupt(file: source.file, reason: "stored chunk \(c) holds documents beyond the segment")
            }
            let allLive = (first..<first + chunk.docs).allSatisfy { docMap[$0] >= 0 }
            if allLive && stored.isAtChunkBoundary && chunk.docs == StoredFieldsWriter.chunkDocs {
                stored.appendChunk(chunk)
            } else if (first..<first + chunk.docs).contains(where: { docMap[$0] >= 0 }) {
                let (docs, raw) = try source.inflatedChunk(c)
                let result = raw.withUnsafeBytes { all in
                    Result { () throws(IndexError) in
                        var d = ByteReader(all, file: source.file)
                        for i in 0..<docs {
                            let bytes = try d.bytes(try d.int())
                            if docMap[first + i] >= 0 { stored.add(bytes) }
                        }
                    }
                }
                try result.get()
            }
            if stored.body.count >= 1 << 22 { try output.streamStored(&stored) }
        }
    }

    // MARK: - Columns

    /// The ids, sorted by UTF-8 bytes with equal ids in document order: the segments' sorted id lists
    /// interleaved, deleted documents left out.
    private static func mergeIDs(_ readers: [SegmentReader], docMaps: [[Int32]], maxDoc: Int,
                                 into values: inout DocValuesWriter) {
        var order: [(segment: Int32, ordinal: Int32)] = []
        order.reserveCapacity(maxDoc)
        walkIDs(readers, isLive: { s, doc in docMaps[s][doc] >= 0 }) { s, ordinal, _ in
            order.append((Int32(s), Int32(ordinal)))
        }
        values.begin("\u{0}ids")
        values.dictionary(count: order.count) { i in
            readers[Int(order[i].segment)].values.ids.bytes(Int(order[i].ordinal))
        }
        var ordinalOfDoc = [UInt32](repeating: 0, count: maxDoc)
        for (ordinal, entry) in order.enumerated() {
            let s = Int(entry.segment)
            let newDoc = Int(docMaps[s][readers[s].values.doc(atOrdinal: Int(entry.ordinal))])
            values.u32(UInt32(newDoc))
            ordinalOfDoc[newDoc] = UInt32(ordinal)
        }
        for o in ordinalOfDoc { values.u32(o) }
    }

    private static func mergeColumn(_ spec: ColumnSpec, _ readers: [SegmentReader], docMaps: [[Int32]],
                                    into values: inout DocValuesWriter) {
        let columns = readers.map { $0.column(spec.name) }
        values.begin(spec.name)
        switch spec.kind {
        case .int:
            for (s, r) in readers.enumerated() {
                for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                    values.u64(UInt64(bitPattern: columns[s]?.int(doc) ?? Int64.min))
                }
            }
        case .keyword, .keywords:
            let remap = mergeDictionaries(columns, readers: readers, docMaps: docMaps, into: &values)
            if spec.kind == .keyword {
                for (s, r) in readers.enumerated() {
                    for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                        let o = columns[s]?.keywordOrdinal(doc) ?? 0
                        values.u32(o == 0 ? 0 : remap[s][o - 1] + 1)
                    }
                }
            } else {
                var start: UInt32 = 0
                values.u32(0)
                for (s, r) in readers.enumerated() {
                    for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                        start += UInt32(columns[s]?.keywordOrdinals(doc).count ?? 0)
                        values.u32(start)
                    }
                }
                for (s, r) in readers.enumerated() {
                    for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                        for o in columns[s]?.keywordOrdinals(doc) ?? [] { values.u32(remap[s][o]) }
                    }
                }
            }
        }
    }

    /// Writes the sorted union of the values live documents use and returns, per segment, each of its
    /// ordinals' ordinal in the union.
    private static func mergeDictionaries(_ columns: [Column?], readers: [SegmentReader], docMaps: [[Int32]],
                                          into values: inout DocValuesWriter) -> [[UInt32]] {
        var used: [[Bool]] = []
        for (s, r) in readers.enumerated() {
            var u = [Bool](repeating: false, count: columns[s]?.dictionary?.count ?? 0)
            if let column = columns[s] {
                for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                    for o in column.keywordOrdinals(doc) { u[o] = true }
                }
            }
            used.append(u)
        }
        var remap = used.map { [UInt32](repeating: 0, count: $0.count) }
        var next = [Int](repeating: 0, count: readers.count)
        func advance(_ s: Int) -> Bool {
            while next[s] < used[s].count && !used[s][next[s]] { next[s] += 1 }
            return next[s] < used[s].count
        }
        func bytes(_ s: Int) -> UnsafeRawBufferPointer { columns[s]!.dictionary!.bytes(next[s]) }
        func less(_ a: Int, _ b: Int) -> Bool {
            let c = compareBytes(bytes(a), bytes(b))
            return c != 0 ? c < 0 : a < b
        }
        var heap = SegmentHeap()
        for s in readers.indices where advance(s) { heap.push(s, by: less) }
        // Each distinct value once: (segment, ordinal) of its first holder.
        var unique: [(segment: Int, ordinal: Int)] = []
        while let s = heap.top {
            let value = bytes(s)
            let repeated = unique.last.map {
                compareBytes(columns[$0.segment]!.dictionary!.bytes($0.ordinal), value) == 0
            } ?? false
            if !repeated { unique.append((s, next[s])) }
            remap[s][next[s]] = UInt32(unique.count - 1)
            _ = heap.pop(by: less)
            next[s] += 1
            if advance(s) { heap.push(s, by: less) }
        }
        values.dictionary(count: unique.count) { i in columns[unique[i].segment]!.dictionary!.bytes(unique[i].ordinal) }
        return remap
    }
}

/// A binary min-heap of segment numbers under an order given at each call (the segments' current keys live
/// with the caller).
/// Walks the live documents of `readers` in the UTF-8 order of their ids, equal ids by segment then
/// document: each segment keeps its ids sorted, and the walk interleaves them. Calls `body` with the
/// segment, the id's ordinal in that segment's dictionary, and the document.
func walkIDs(_ readers: [SegmentReader], isLive: (_ segment: Int, _ doc: Int) -> Bool,
             _ body: (_ segment: Int, _ ordinal: Int, _ doc: Int) -> Void) {
    var next = [Int](repeating: 0, count: readers.count)
    /// Moves segment `s` to its next live ordinal; false past the last.
    func advance(_ s: Int) -> Bool {
        let ids = readers[s].values.ids
        while next[s] < ids.count && !isLive(s, readers[s].values.doc(atOrdinal: next[s])) { next[s] += 1 }
        return next[s] < ids.count
    }
    func less(_ a: Int, _ b: Int) -> Bool {
        let c = compareBytes(readers[a].values.ids.bytes(next[a]), readers[b].values.ids.bytes(next[b]))
        return c != 0 ? c < 0 : a < b
    }
    var heap = SegmentHeap()
    for s in readers.indices where advance(s) { heap.push(s, by: less) }
    while let s = heap.top {
        _ = heap.pop(by: less)
        body(s, next[s], readers[s].values.doc(atOrdinal: next[s]))
        next[s] += 1
        if advance(s) { heap.push(s, by: less) }
    }
}

struct SegmentHeap {
    private var items: [Int] = []

    var top: Int? { items.first }

    mutating func push(_ s: Int, by less: (Int, Int) -> Bool) {
        items.append(s)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard less(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop(by less: (Int, Int) -> Bool) -> Int {
        let first = items[0]
        let last = items.removeLast()
        guard !items.isEmpty else { return first }
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && less(items[l], items[m]) { m = l }
            if r < items.count && less(items[r], items[m]) { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
        return first
    }
}
