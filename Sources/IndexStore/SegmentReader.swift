/// Reads one segment through memory maps. Opening maps the files and reads only their frames, the term
/// index and the column directory; postings, positions and stored documents are paged in when used.
public final class SegmentReader: @unchecked Sendable {
    public let info: SegmentInfo
    public let schema: Schema
    let directory: String
    let files: [FileFormat.Kind: MappedFile]
    let terms: TermDictionary
    private let postings: UnsafeRawBufferPointer
    private let positions: UnsafeRawBufferPointer
    /// The postings file's path, which every cursor keeps for its errors (looked up once, not per cursor).
    private let postingsPath: String
    let stored: StoredFieldsReader
    let values: DocValuesReader
    public let deletions: Deletions?

    public init(directory: String, info: SegmentInfo, schema: Schema) throws(IndexError) {
        self.info = info
        self.schema = schema
        self.directory = directory
        var files: [FileFormat.Kind: MappedFile] = [:]
        for kind in FileFormat.Kind.allCases where kind != .deletes || info.deletesGeneration > 0 {
            files[kind] = try MappedFile(path: directory + "/" + info.fileName(kind))
        }
        self.files = files
        func body(_ kind: FileFormat.Kind) throws(IndexError) -> UnsafeRawBufferPointer {
            try files[kind]!.body(kind: kind)
        }
        terms = try TermDictionary(body: body(.terms), file: files[.terms]!.path)
        guard terms.fields.count == schema.textFields.count else {
            throw .corrupt(file: files[.terms]!.path, reason: "\(terms.fields.count) fields, the schema has \(schema.textFields.count)")
        }
        postings = try body(.postings)
        postingsPath = files[.postings]!.path
        positions = try body(.positions)
        stored = try StoredFieldsReader(body: body(.stored), file: files[.stored]!.path)
        values = try DocValuesReader(body: body(.values), maxDoc: info.maxDoc, schema: schema, file: files[.values]!.path)
        if info.deletesGeneration > 0 {
            let d = try Deletions(body: body(.deletes), file: files[.deletes]!.path)
            guard d.maxDoc == info.maxDoc, d.count == info.deletedCount else {
                throw .corrupt(file: files[.deletes]!.path, reason: "deletions do not match the manifest")
            }
            deletions = d
        } else {
            deletions = nil
        }
    }

    public var maxDoc: Int { info.maxDoc }

    @inline(__always)
    public func isDeleted(_ doc: Int) -> Bool { deletions?.contains(doc) ?? false }

    /// The dictionary entry of `term` in `field`.
    public func termInfo(field: Int, term: String) throws(IndexError) -> TermInfo? {
        var term = term
        let result = term.withUTF8 { bytes in
            Result { () throws(IndexError) -> TermInfo? in try terms.lookup(field: field, term: bytes) }
        }
        return try result.get()
    }

    /// A cursor over the postings of `term` in `field`, or `nil` when the segment lacks the term.
    public func postings(field: Int, term: String) throws(IndexError) -> PostingsCursor? {
        guard let info = try termInfo(field: field, term: term) else { return nil }
        return try postings(info)
    }

    public func postings(_ info: TermInfo) throws(IndexError) -> PostingsCursor {
        try PostingsCursor(info: info, postings: postings, positions: positions, file: postingsPath)
    }

    /// ``postings(_:)`` through `cursor` (a cursor nothing else uses any more, from this segment or another),
    /// keeping its memory when it fits.
    public func postings(_ info: TermInfo, reusing cursor: PostingsCursor?) throws(IndexError) -> PostingsCursor {
        guard let cursor else { return try postings(info) }
        try cursor.reuse(info: info, postings: postings, positions: positions, file: postingsPath)
        return cursor
    }

    /// Calls `body` with each term of `field` (UTF-8 bytes) in sorted order until it returns false.
    public func forEachTerm(field: Int, _ body: ([UInt8], TermInfo) throws(IndexError) -> Bool) throws(IndexError) {
        try terms.forEachTerm(field: field, body)
    }

    /// For each needle (UTF-8 bytes), the terms of `field` longer than it that contain it, with their
    /// document frequencies, in one pass over the field's dictionary.
    public func terms(field: Int, containingAny needles: [[UInt8]]) throws(IndexError) -> [[(term: [UInt8], docFreq: Int)]] {
        try terms.terms(field: field, containingAny: needles)
    }

    /// The number of distinct terms in `field`.
    public func termCount(field: Int) -> Int { field < terms.fields.count ? terms.fields[field].termCount : 0 }

    public func storedDocument(_ doc: Int) throws(IndexError) -> [UInt8] { try stored.document(doc) }

    public func id(of doc: Int) -> String { values.id(of: doc) }

    /// The newest document with `id`, deleted or not.
    public func doc(forID id: String) -> Int? { values.doc(forID: id) }

    public func column(_ name: String) -> Column? { values.columns[name] }

    @inline(__always)
    public func norm(field: Int, doc: Int) -> Int { Int(values.norm(field: field, doc: doc)) }

    /// The field lengths of `field`: a little-endian `UInt16` per document (valid while the reader lives).
    public func norms(field: Int) -> UnsafeRawBufferPointer { values.norms[field] }

    /// Lets the kernel take back the pages of the segment's maps this process touched (they are read again
    /// from the page cache or the file when next used), so a pass over many segments does not keep them all
    /// in its resident set.
    public func releasePages() {
        for file in files.values { file.releasePages() }
    }

    /// Releases the postings and positions pages before those of the term `info` (terms' postings lie in
    /// dictionary order, so a pass through the terms in order has read them).
    func releasePostingsPages(before info: TermInfo) {
        if let base = postings.baseAddress, info.postingsOffset <= postings.count {
            files[.postings]?.releasePages(before: base + info.postingsOffset)
        }
        if let base = positions.baseAddress, info.positionsOffset <= positions.count {
            files[.positions]?.releasePages(before: base + info.positionsOffset)
        }
    }

    /// `releasePages()` for the files of `kinds` only.
    func releasePages(of kinds: [FileFormat.Kind]) {
        for kind in kinds { files[kind]?.releasePages() }
    }

    /// Paths of the segment's files.
    public var filePaths: [(FileFormat.Kind, String)] { files.map { ($0.key, $0.value.path) }.sorted { $0.1 < $1.1 } }

    /// Recomputes every file's checksum; throws naming the first damaged file.
    public func verifyChecksums() throws(IndexError) {
        for (_, file) in files.sorted(by: { $0.value.path < $1.value.path }) {
            try FileFormat.verifyChecksum(of: file.bytes, file: file.path)
        }
    }
}
