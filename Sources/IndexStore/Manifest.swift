import Foundation

/// The index's table of contents: the live segments, the schema and what was indexed from where.
///
/// A commit writes a new manifest to a temporary file, fsyncs it and renames it over `manifest.json`, so a
/// reader sees either the old or the new commit, whole.
public struct Manifest: Codable, Equatable, Sendable {
    public var format = "talent-index"
    public var version = Int(FileFormat.version)
    /// Increases with every commit.
    public var generation: Int
    public var schema: Schema
    public var segments: [SegmentInfo]
    /// The number the next new segment's name takes.
    public var nextSegment: Int
    /// Source files indexed: relative path → size and modification time, to skip unchanged files.
    public var sources: [String: SourceState]
    /// Free-form settings the writer records (analyzer lexicons, …).
    public var settings: [String: String]
    public var committedAt: String

    public struct SourceState: Codable, Equatable, Sendable {
        public var size: Int
        public var modified: Double
        public var documents: Int
        public init(size: Int, modified: Double, documents: Int) {
            self.size = size
            self.modified = modified
            self.documents = documents
        }
    }

    public init(schema: Schema) {
        generation = 0
        self.schema = schema
        segments = []
        nextSegment = 1
        sources = [:]
        settings = [:]
        committedAt = ""
    }

    public var liveDocuments: Int { segments.reduce(0) { $0 + $1.liveCount } }

    public static let fileName = "manifest.json"
}
