/// Collects documents in memory and writes them as one immutable segment.
///
/// Feed it per document: ``addToken(field:units:position:)`` for every token of every text field, then
/// ``finishDocument(id:stored:values:)``. Postings are kept as vint streams per term, so memory grows with
/// the text, and ``approximateBytes`` tells the caller when to flush (``write(to:name:)``).
public final class SegmentBuilder {
    public let schema: Schema

    private final class FieldPostings {
        var terms = TermTable(capacity: 1 << 12)
        var docStreams: [ByteWriter] = []  // per term: vint doc delta, vint freq, …
        var positionStreams: [ByteWriter] = []  // per term: vint position deltas
        var lastDoc: [Int32] = []
        var freq: [UInt32] = []
        var lastPosition: [UInt32] = []
        var norms: [UInt16] = []
        var stats = FieldStats()
    }

    private let fields: [FieldPostings]
    private var currentLengths: [Int]
    private var ids: [String] = []
    private var stored = StoredFieldsWriter()
    private var storedBytes = 0
    private var columnValues: [[ColumnValue]]
    private var idToDoc: [String: Int] = [:]
    /// Documents superseded by a later document with the same id in this builder.
    public private(set) var deletions: [Int] = []
    public private(set) var approximateBytes = 0

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
        let f = fields[field]
        let doc = Int32(ids.count)
        let t = Int(f.terms.intern(units))
        if t == f.docStreams.count {
            f.docStreams.append(ByteWriter())
            f.positionStreams.append(ByteWriter())
            f.lastDoc.append(-1)
            f.freq.append(0)
            f.lastPosition.append(0)
            approximateBytes += 160 + 2 * units.count
        }
        if f.lastDoc[t] != doc {
            if f.lastDoc[t] >= 0 { f.docStreams[t].vint(UInt64(f.freq[t])) }
            f.docStreams[t].vint(UInt64(doc - f.lastDoc[t]))
            f.lastDoc[t] = doc
            f.freq[t] = 0
            f.lastPosition[t] = 0
            approximateBytes += 3
        }
        let p = UInt32(clamping: position)
        f.freq[t] += 1
        f.positionStreams[t].vint(UInt64(p &- f.lastPosition[t]))
        f.lastPosition[t] = p
        approximateBytes += 2
        currentLengths[field] += 1
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
        storedBytes += document.count
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
        approximateBytes += document.count / 3 + 16 * values.count + id.utf8.count + 64
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
            for t in 0..<f.docStreams.count where f.lastDoc[t] >= 0 {
                f.docStreams[t].vint(UInt64(f.freq[t]))
                f.lastDoc[t] = -1
            }
            let sorted = (0..<f.terms.count).map { (Array(f.terms.term(Int32($0)).utf8), $0) }
                .sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (term, t) in sorted {
                let decoded = f.docStreams[t].bytes.withUnsafeBytes { docBytes in
                    f.positionStreams[t].bytes.withUnsafeBytes { posBytes in
                        Result { () throws(IndexError) in
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
