/// The files of a segment being written, shared by the in-memory builder and the merger: terms arrive in
/// sorted order per field with their postings in a ``PostingsEncoder``; stored documents and columns last.
final class SegmentOutput {
    private(set) var info: SegmentInfo
    private let directory: String
    private let termsFile: IndexFileWriter
    private let postingsFile: IndexFileWriter
    private let positionsFile: IndexFileWriter
    private var dictionary = TermDictionaryWriter()
    private var postings = ByteWriter(capacity: 1 << 17)
    private var positions = ByteWriter(capacity: 1 << 17)

    init(directory: String, name: String, maxDoc: Int, fieldStats: [FieldStats]) throws(IndexError) {
        self.directory = directory
        info = SegmentInfo(name: name, maxDoc: maxDoc, deletedCount: 0, deletesGeneration: 0, fieldStats: fieldStats,
                           bytes: [:])
        termsFile = try IndexFileWriter(path: directory + "/" + info.fileName(.terms), kind: .terms)
        postingsFile = try IndexFileWriter(path: directory + "/" + info.fileName(.postings), kind: .postings)
        positionsFile = try IndexFileWriter(path: directory + "/" + info.fileName(.positions), kind: .positions)
    }

    func startField() { dictionary.startField() }
    func endField() { dictionary.endField() }

    /// Writes one term's postings (emptying the encoder). Terms must come in ascending UTF-8 order.
    func addTerm(_ term: [UInt8], _ encoder: inout PostingsEncoder) throws(IndexError) {
        let termInfo = encoder.finish(postings: &postings, positionsOut: &positions,
                                      postingsBase: postingsFile.bodyOffset,
                                      positionsBase: positionsFile.bodyOffset)
        dictionary.add(term: term, info: termInfo)
        if postings.count >= 1 << 16 {
            try postingsFile.append(postings.bytes)
            postings.bytes.removeAll(keepingCapacity: true)
        }
        if positions.count >= 1 << 16 {
            try positionsFile.append(positions.bytes)
            positions.bytes.removeAll(keepingCapacity: true)
        }
    }

    /// The stored and values files, opened when first written: a merge streams them in pieces.
    private var openFiles: [FileFormat.Kind: IndexFileWriter] = [:]

    private func file(_ kind: FileFormat.Kind) throws(IndexError) -> IndexFileWriter {
        if let f = openFiles[kind] { return f }
        let f = try IndexFileWriter(path: directory + "/" + info.fileName(kind), kind: kind)
        openFiles[kind] = f
        return f
    }

    /// Writes the stored chunks finished so far (a merge calls this now and then to bound its memory).
    func streamStored(_ stored: inout StoredFieldsWriter) throws(IndexError) {
        try file(.stored).append(stored.drain())
    }

    /// Writes the columns finished so far (a merge calls this between columns to bound its memory).
    func streamValues(_ values: inout DocValuesWriter) throws(IndexError) {
        try file(.values).append(values.drain())
    }

    /// Writes the remaining files and returns the segment's manifest entry.
    func finish(stored: inout StoredFieldsWriter, values: inout DocValuesWriter, deletions: Deletions?) throws(IndexError) -> SegmentInfo {
        try postingsFile.append(postings.bytes)
        try positionsFile.append(positions.bytes)
        try termsFile.append(dictionary.finish())
        info.bytes["terms"] = try termsFile.finish()
        info.bytes["postings"] = try postingsFile.finish()
        info.bytes["positions"] = try positionsFile.finish()
        let storedFile = try file(.stored)
        try storedFile.append(stored.finish())
        info.bytes["stored"] = try storedFile.finish()
        let valuesFile = try file(.values)
        try valuesFile.append(values.finish())
        info.bytes["values"] = try valuesFile.finish()
        if let deletions, deletions.count > 0 {
            info.deletesGeneration = 1
            info.deletedCount = deletions.count
            let file = try IndexFileWriter(path: directory + "/" + info.fileName(.deletes), kind: .deletes)
            try file.append(deletions.body())
            info.bytes["deletes"] = try file.finish()
        }
        return info
    }
}
