/// What an index holds: text fields (indexed with positions, numbered in this order) and value columns.
public struct Schema: Codable, Equatable, Sendable {
    public var textFields: [String]
    public var columns: [ColumnSpec]

    public init(textFields: [String], columns: [ColumnSpec]) {
        self.textFields = textFields
        self.columns = columns
    }

    public func fieldNumber(_ name: String) -> Int? { textFields.firstIndex(of: name) }
}

/// Per-field statistics of a segment, summed across segments for BM25's average field length.
public struct FieldStats: Codable, Equatable, Sendable {
    /// Documents with at least one token in the field.
    public var docCount: Int
    /// Total tokens in the field over all documents.
    public var sumLength: Int

    public init(docCount: Int = 0, sumLength: Int = 0) {
        self.docCount = docCount
        self.sumLength = sumLength
    }
}

/// A segment as the manifest records it.
public struct SegmentInfo: Codable, Equatable, Sendable {
    public var name: String
    public var maxDoc: Int
    public var deletedCount: Int
    /// The generation of the segment's deletions file; 0 when nothing is deleted.
    public var deletesGeneration: Int
    public var fieldStats: [FieldStats]
    /// Bytes per file kind (terms, postings, positions, stored, values).
    public var bytes: [String: Int]

    public var liveCount: Int { maxDoc - deletedCount }

    /// The segment's file of a kind, e.g. `seg-3.post`.
    public func fileName(_ kind: FileFormat.Kind) -> String {
        switch kind {
        case .terms: return "\(name).tdic"
        case .postings: return "\(name).post"
        case .positions: return "\(name).pos"
        case .stored: return "\(name).stor"
        case .values: return "\(name).vals"
        case .deletes: return "\(name)_\(deletesGeneration).dels"
        }
    }

    /// Every file the segment uses now.
    public var fileNames: [String] {
        FileFormat.Kind.allCases.filter { $0 != .deletes || deletesGeneration > 0 }.map(fileName)
    }
}
