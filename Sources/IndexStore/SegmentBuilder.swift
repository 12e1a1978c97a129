/// Collects documents in memory and writes them as one immutable segment.
///
/// Feed it per document: ``addToken(field:units:position:)`` for every token of every text field, then
/// ``finishDocument(id:stored:values:)``. Postings are kept as vint streams per term, so memory grows with
/// the text, and ``approximateBytes`` tells the caller when to flush (``write(to:name:)``).
public final class SegmentBuilder {
    public let schema: Schema

    // Exclusivity is not checked at run time on these: `addToken` runs once per token, the checks cost more
    // than the work, and the builder is used from one thread with no overlapping accesses.
    private final class FieldPostings {
        @exclusivity(unchecked) var terms = TermTable(capacity: 1 << 12)
        private let ownedDocStreams = ByteStreams()
        private let ownedPositionStreams = ByteStreams()
        // Unretained aliases: taking a strong reference per token was a tenth of indexing time.
        unowned(unsafe) let docStreams: ByteStreams  // per term: vint doc delta, vint freq, …
        unowned(unsafe) let positionStreams: ByteStreams  // per term: vint position deltas
        // Per term: the last document it occurred in, its frequency there, its last position.
        @exclusivity(unchecked) var state: UnsafeMutablePointer<(lastDoc: Int32, freq: UInt32, lastPosition: UInt32)>
        var stateCapacity = 1024
        var norms: [UInt16] = []
        var stats = FieldStats()

        init() {
            state = .allocate(capacity: stateCapacity)
            docStreams = ownedDocStreams
            positionStreams = ownedPositionStreams
        }
        deinit { state.deallocate() }

        func growState() {
            let n = stateCapacity * 2
            let p = UnsafeMutablePointer<(lastDoc: Int32, freq: UInt32, lastPosition: UInt32)>.allocate(capacity: n)
            p.moveInitialize(from: state, count: stateCapacity)
            state.deallocate()
            state = p
            stateCapacity = n
        }

        var bytes: Int { docStreams.allocatedBytes + positionStreams.allocatedBytes + terms.arenaCount * 2 + stateCapacity * 12 }
    }

    private let fields: [FieldPostings]
    @exclusivity(unchecked) private var currentLengths: [Int]
    @exclusivity(unchecked) private var ids: [String] = []
    private var stored = StoredFieldsWriter()
    private var columnValues: [[ColumnValue]]
    private var idToDoc: [String: Int] = [:]
    /// Documents superseded by a later document with the same id in this builder.
    public private(set) var deletions: [Int] = []
    private var storedBytesHeld = 0

    public init(schema: Schema) {
        self.schema = schema
        fields = schema.textFields.map { _ in FieldPostings() }
        currentLengths = Array(repeating: 0, count: schema.textFields.count)
        columnValues = schema.columns.map { _ in [] }
    }

    /// Documents added so far.
    public var docCount: Int { ids.count }

    /// Adds one token of the current document. Positions must ascend within a field.
    @inline(__always)
    public func addToken(field: Int, units: UnsafeBufferPointer<UInt16>, position: Int) {
        unowned(unsafe) let f = fields[field]
        let doc = Int32(ids.count)
        let t = Int(f.terms.intern(units))
        if t == f.docStreams.streamCount {
            _ = f.docStreams.addStream()
            _ = f.positionStreams.addStream()
            if t == f.stateCapacity { f.growState() }
            f.state[t] = (-1, 0, 0)
        }
        let p = UInt32(clamping: position)
        let s = f.state + t
        if s.pointee.lastDoc != doc {
            if s.pointee.lastDoc >= 0 { f.docStreams.appendVInt(t, s.pointee.freq) }
            f.docStreams.appendVInt(t, UInt32(doc - s.pointee.lastDoc))
            s.pointee = (doc, 0, 0)
        }
        s.pointee.freq += 1
        f.positionStreams.appendVInt(t, p &- s.pointee.lastPosition)
        s.pointee.lastPosition = p
        currentLengths[field] += 1
    }

    /// Bytes the builder holds, roughly: what ``IndexWriter`` compares with its RAM budget.
    public var approximateBytes: Int { fields.reduce(storedBytesHeld + ids.count * 48) { $0 + $1.bytes } }

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
        for (i, f) in fields.enumerated() {
            let length = currentLengths[i]
            f.norms.append(UInt16(clamping: length))
            if length > 0 {
                f.stats.docCount += 1
                f.stats.sumLength += length
            }
            currentLengths[i] = 0
        }
        // Compressed stored bytes, the id (string, array slot, dictionary entry) and the column values, as they
        // sit in memory until the segment is written.
        var valueBytes = 0
        for v in values {
            switch v {
            case .keyword(let s): valueBytes += 40 + (s?.utf8.count ?? 0)
            case .keywords(let list): valueBytes += 72 + list.reduce(0) { $0 + 24 + $1.utf8.count }
            case .int: valueBytes += 40
            }
        }
        storedBytesHeld += document.count / 3 + valueBytes + 2 * id.utf8.count + 96
    }

    /// Writes the segment's files into `directory` and returns what the manifest records of it.
    /// Documents superseded within the builder are written as deletions, generation 1.
    public func write(to directory: String, name: String) throws(IndexError) -> SegmentInfo {
        let output = try SegmentOutput(directory: directory, name: name, maxDoc: ids.count,
                                       fieldStats: fields.map(\.stats))
        var encoder = PostingsEncoder()
        for f in fields {
            output.startField()
            // Close the open document of every term.
            for t in 0..<f.docStreams.streamCount where f.state[t].lastDoc >= 0 {
                f.docStreams.appendVInt(t, f.state[t].freq)
                f.state[t].lastDoc = -1
            }
            let sorted = (0..<f.terms.count).map { (Array(f.terms.term(Int32($0)).utf8), $0) }
                .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (term, t) in sorted {
                let docBytes = f.docStreams.bytes(t)
                let posBytes = f.positionStreams.bytes(t)
                let decoded = Result { () throws(IndexError) in
                    var d = ByteReader(docBytes, file: "memory")
                    var p = ByteReader(posBytes, file: "memory")
                    var doc: Int64 = -1
                    while !d.isAtEnd {
                        doc += Int64(try d.vint())
                        let freq = UInt32(try d.vint())
                        let start = p.offset
                        for _ in 0..<freq { _ = try p.vint() }
                        encoder.add(doc: UInt32(doc), freq: freq, norm: UInt32(f.norms[Int(doc)]),
                                    encodedPositions: UnsafeRawBufferPointer(rebasing: posBytes[start..<p.offset]))
                    }
                }
                try decoded.get()
                try output.addTerm(term, &encoder)
            }
            output.endField()
        }
        var values = DocValuesWriter()
        values.ids(ids)
        for (i, spec) in schema.columns.enumerated() { values.column(spec, columnValues[i]) }
        for (i, f) in fields.enumerated() { values.norms(field: i, values: f.norms) }
        var deleted: Deletions?
        if !deletions.isEmpty {
            var d = Deletions(maxDoc: ids.count)
            for doc in deletions { d.insert(doc) }
            deleted = d
        }
        return try output.finish(stored: &stored, values: &values, deletions: deleted)
    }
}
