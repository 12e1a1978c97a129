import CCompression

/// Collects documents in memory and writes them as one immutable segment.
///
/// Feed it per document: ``addToken(field:units:position:)`` for every token of every text field, then
/// ``finishDocument(id:stored:values:)``. Postings are kept as vint streams per term, so memory grows with
/// the text, and ``approximateBytes`` tells the caller when to flush (``write(to:name:)``).
public final class SegmentBuilder {
    public let schema: Schema

    // The per-token state lives in manually managed memory: `addToken` runs once per token, and reference
    // counting or uniqueness checks on arrays cost more than its work.
    private let postings: UnsafeMutablePointer<FieldPostingsWriter>
    private let currentLengths: UnsafeMutablePointer<Int>
    private let fieldCount: Int
    private var norms: [[UInt16]]
    private var stats: [FieldStats]
    private var ids: [String] = []
    private var stored = StoredFieldsWriter()
    private var columnValues: [[ColumnValue]]
    private var idToDoc: [String: Int] = [:]
    /// Documents superseded by a later document with the same id in this builder.
    public private(set) var deletions: [Int] = []
    /// Heap bytes of ids and column values outside their arrays.
    private var valueHeapBytes = 0

    public init(schema: Schema) {
        self.schema = schema
        fieldCount = schema.textFields.count
        postings = .allocate(capacity: fieldCount)
        for i in 0..<fieldCount { (postings + i).initialize(to: FieldPostingsWriter()) }
        currentLengths = .allocate(capacity: fieldCount)
        currentLengths.initialize(repeating: 0, count: fieldCount)
        norms = schema.textFields.map { _ in [] }
        stats = schema.textFields.map { _ in FieldStats() }
        columnValues = schema.columns.map { _ in [] }
    }

    deinit {
        for i in 0..<fieldCount { postings[i].deallocate() }
        postings.deinitialize(count: fieldCount)
        postings.deallocate()
        currentLengths.deallocate()
    }

    /// Documents added so far.
    public var docCount: Int { ids.count }

    /// Adds one token of the current document. Positions must ascend within a field.
    ///
    /// - Returns: the term's number in this builder's field: the same for every occurrence of the term until
    ///   the builder is written (callers may cache what they derive from a term under it).
    @discardableResult
    public func addToken(field: Int, units: UnsafeBufferPointer<UInt16>, position: Int) -> Int32 {
        precondition(field < fieldCount, "no such text field")
        currentLengths[field] += 1
        return postings[field].add(units, doc: Int32(truncatingIfNeeded: ids.count),
                                   position: UInt32(clamping: position))
    }

    /// Adds the tokens of one text of the current document, in order: token `i` is
    /// `units[ends[i - 1]..<ends[i]]` (from 0 for the first) at `positions[i]`, which ascend. The same as
    /// ``addToken(field:units:position:)`` per token, faster (see ``FieldPostingsWriter``).
    ///
    /// - Parameter terms: receives each token's term number.
    public func addTokens(field: Int, units: UnsafePointer<UInt16>, ends: UnsafePointer<Int32>,
                          positions: UnsafePointer<UInt32>, count: Int, terms: UnsafeMutablePointer<Int32>) {
        precondition(field < fieldCount, "no such text field")
        currentLengths[field] += count
        postings[field].add(units: units, ends: ends, positions: positions, count: count,
                            doc: Int32(truncatingIfNeeded: ids.count), terms: terms)
    }

    /// Bytes the builder holds, roughly: what ``IndexWriter`` compares with its RAM budget.
    ///
    /// Arrays are counted by capacity (growth doubles them), and the stored body by its buffer: counting
    /// contents only let a builder at "64 MB" hold ~130 MB.
    /// Documents per compressed chunk of stored records: a segment of a multiple of this many documents
    /// leaves the next one in a merge aligned to whole chunks.
    public static let documentsPerStoredChunk = StoredFieldsWriter.chunkDocs

    public var approximateBytes: Int {
        let stride = MemoryLayout<ColumnValue>.stride
        var total = valueHeapBytes + stored.heldBytes + ids.capacity * 16 + idToDoc.capacity * 40
        for column in columnValues { total += column.capacity * stride }
        for i in 0..<fieldCount { total += postings[i].bytes + norms[i].capacity * 2 }
        return total
    }

    /// Ends the current document.
    ///
    /// - Parameters:
    ///   - id: the document's stable id; a later document with the same id supersedes it.
    ///   - stored: bytes returned for display (e.g. the record as JSON).
    ///   - values: one value per column of the schema, in order.
    public func finishDocument(id: String, stored document: [UInt8], values: [ColumnValue]) {
        precondition(values.count == schema.columns.count, "one value per column")
        let doc = ids.count
        if let previous = idToDoc[id] { deletions.append(previous) }
        idToDoc[id] = doc
        ids.append(id)
        stored.add(document)
        for (i, v) in values.enumerated() { columnValues[i].append(v) }
        for i in 0..<fieldCount {
            let length = currentLengths[i]
            norms[i].append(UInt16(clamping: length))
            if length > 0 {
                stats[i].docCount += 1
                stats[i].sumLength += length
            }
            currentLengths[i] = 0
        }
        // What the id and column values hold on the heap besides their array slots (counted by capacity in
        // ``approximateBytes``): strings longer than 15 UTF-8 bytes and lists are allocations of their own.
        var heap = Self.heapBytes(id)
        for v in values {
            switch v {
            case .keyword(let s): heap += s.map(Self.heapBytes) ?? 0
            case .keywords(let list):
                if !list.isEmpty { heap += 48 + list.capacity * 16 + list.reduce(0) { $0 + Self.heapBytes($1) } }
            case .int: break
            }
        }
        valueHeapBytes += heap
    }

    /// Heap bytes of a string's own storage: none when small enough to sit inline (15 UTF-8 bytes).
    private static func heapBytes(_ s: String) -> Int {
        let n = s.utf8.count
        return n <= 15 ? 0 : 48 + n
    }

    /// Writes the segment's files into `directory` and returns what the manifest records of it.
    /// Documents superseded within the builder are written as deletions, generation 1.
    public func write(to directory: String, name: String) throws(IndexError) -> SegmentInfo {
        let output = try SegmentOutput(directory: directory, name: name, maxDoc: ids.count, fieldStats: stats)
        var encoder = PostingsEncoder()
        for field in 0..<fieldCount {
            output.startField()
            postings[field].closeDocuments()
            let f = postings[field]
            let fieldNorms = norms[field]
            for (term, t) in Self.sortedTerms(f) {
                let docBytes = f.docBytes(t)
                let posBytes = f.positionBytes(t)
                // The streams were written by this builder; a position stream that ends early is still an
                // error, not a read past its end.
                var d = 0, p = 0
                var doc: Int64 = -1
                while d < docBytes.count {
                    doc += Int64(Self.vint(docBytes, &d))
                    let freq = UInt32(truncatingIfNeeded: Self.vint(docBytes, &d))
                    let start = p
                    var left = freq
                    while left > 0 && p < posBytes.count {
                        if posBytes[p] < 0x80 { left -= 1 }
                        p += 1
                    }
                    guard left == 0 else { throw .corrupt(file: "memory", reason: "positions end before their frequency") }
                    encoder.add(doc: UInt32(doc), freq: freq, norm: UInt32(fieldNorms[Int(doc)]),
                                encodedPositions: UnsafeRawBufferPointer(rebasing: posBytes[start..<p]))
                }
                try output.addTerm(term, &encoder)
            }
            output.endField()
        }
        var values = DocValuesWriter()
        values.ids(ids)
        for (i, spec) in schema.columns.enumerated() { values.column(spec, columnValues[i]) }
        for i in 0..<fieldCount { values.norms(field: i, values: norms[i]) }
        var deleted: Deletions?
        if !deletions.isEmpty {
            var d = Deletions(maxDoc: ids.count)
            for doc in deletions { d.insert(doc) }
            deleted = d
        }
        return try output.finish(stored: &stored, values: &values, deletions: deleted)
    }

    /// A vint of an in-memory stream the builder wrote (complete by construction).
    @inline(__always)
    private static func vint(_ bytes: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while at < bytes.count {
            let b = bytes[at]
            at += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { break }
            shift += 7
        }
        return result
    }

    /// The terms of a field as UTF-8, in ascending byte order, with their numbers.
    private static func sortedTerms(_ f: FieldPostingsWriter) -> [([UInt8], Int)] {
        var terms: [([UInt8], Int)] = []
        terms.reserveCapacity(f.count)
        for t in 0..<f.count {
            let units = f.text(t)
            var utf8: [UInt8] = []
            utf8.reserveCapacity(3 * units.count)
            _ = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: false) { utf8.append($0) }
            terms.append((utf8, t))
        }
        terms.sort { compareBytes($0.0, $1.0) < 0 }
        return terms
    }
}

/// Hands memory the allocator holds free back to the system (glibc's `malloc_trim`; nothing on other
/// platforms). Call after freeing a large builder.
public func releaseFreeMemory() {
    talent_release_free_memory()
}

/// Lets blocks of 1 MB or more (growing postings and column buffers) come from and go back to the system
/// on their own, for the rest of the process (a glibc setting, not a per-writer one). glibc otherwise serves them from its heap once the first one is freed, and a long build's
/// heap fragments (1M postings, with `malloc_trim` after flushes: peak RSS 354 MB without it, 335 MB with it;
/// docs/BENCHMARKS.md).
public func mapLargeBlocksApart() {
    talent_map_large_blocks(1 << 20)
}
