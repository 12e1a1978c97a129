import Foundation
import IndexStore
import SearchEngine
import TextAnalysis

/// Reads corpus files into the index: the work of `talent index`.
///
/// Unchanged files (same size and modification time as at the last commit) are skipped; a changed file's
/// records replace its old ones (records it no longer has are removed); a record whose id is already
/// indexed replaces it. Bad rows are reported and skipped. Everything is committed at once at the end, so
/// an interrupted or failed run leaves the last commit as it was.
public struct Ingest {
    public struct Options: Sendable {
        public var paths: [String]
        public var indexDirectory: String
        public var mapping = FieldMapping()
        /// Abort at the first bad row or file, committing nothing.
        public var strict = false
        public var ramBudget = 128 << 20
        public var threads = ProcessInfo.processInfo.activeProcessorCount
        /// Index everything again into an empty index, replacing the old one at commit (also the way out of an
        /// index built by another version of talent).
        public var rebuild = false
        /// Merges segments after the commit when many of similar size pile up (`nil`: never; `talent
        /// index --no-merge`).
        public var mergePolicy: MergePolicy? = MergePolicy()
        /// Called between the commit and the merges (tests take the write lock here, as another writer might).
        var beforeMerging: (@Sendable () -> Void)?

        public init(paths: [String], indexDirectory: String) {
            self.paths = paths
            self.indexDirectory = indexDirectory
        }
    }

    public struct Summary: Sendable, Codable {
        public var filesRead = 0
        public var filesUnchanged = 0
        public var filesRemoved = 0
        public var added = 0
        public var replaced = 0
        /// Documents in unchanged files.
        public var unchanged = 0
        /// Documents of changed or vanished files that are no longer there.
        public var removed = 0
        public var rejected = 0
        /// Files that could not be read at all.
        public var rejectedFiles = 0
        public var warnings = 0
        public var bytesRead = 0
        public var seconds = 0.0
        public var documents = 0
        public var committed = false
        /// Segments of the index after the run.
        public var segments = 0
        /// Segments before the merges that followed the commit (equal to `segments` when none ran), and
        /// the seconds those merges took (part of `seconds`).
        public var segmentsBeforeMerging = 0
        public var mergeSeconds = 0.0
        /// Why merging stopped early (another writer took the index, a disk error), when it did: the run's
        /// commit stands all the same, and the next run merges what is left.
        public var mergeProblem: String?

        /// Above this many segments, `talent index` suggests `talent optimize`: every search looks each word
        /// up in every segment (1M postings in 65 segments: p50 2.6 ms, one segment 1.1 ms).
        public static let manySegments = 16

        /// A suggestion to merge the segments when there are many, or nil.
        public var optimizeAdvice: String? {
            guard segments > Self.manySegments else { return nil }
            return "the index has \(segments) segments; `talent optimize` merges them into one, which makes searches faster (1M postings: about 2x)"
        }
    }

    public struct Progress: Sendable {
        public var documents: Int
        public var bytes: Int
        public var totalBytes: Int
        public var seconds: Double
    }

    /// A failure that stops the whole run (strict mode, or nothing to index).
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public let options: Options
    public let analyzer: Analyzer

    public init(options: Options, analyzer: Analyzer) {
        self.options = options
        self.analyzer = analyzer
    }

    /// A corpus file found under the given paths.
    struct SourceFile {
        var path: String
        var display: String
        var size: Int
        var modified: Double
    }

    /// The files to read under `paths`, sorted, with their display paths (as given, joined with the path
    /// inside a folder).
    static func findFiles(_ paths: [String]) throws -> [SourceFile] {
        var files: [SourceFile] = []
        let fm = FileManager.default
        for given in paths {
            var isDirectory: ObjCBool = false
            let root = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
            guard fm.fileExists(atPath: root, isDirectory: &isDirectory) else {
                throw Failure(description: "\(given): no such file or folder")
            }
            var candidates: [(String, String)] = []
            if isDirectory.boolValue {
                guard let walker = fm.enumerator(atPath: root) else {
                    throw Failure(description: "\(given): cannot read the folder")
                }
                for case let relative as String in walker {
                    let name = (relative as NSString).lastPathComponent
                    if name.hasPrefix(".") || name.lowercased() == "readme.md" { continue }
                    if RecordReader.format(ofPath: relative) != nil {
                        candidates.append((root + "/" + relative, root + "/" + relative))
                    }
                }
            } else {
                candidates.append((root, root))
            }
            for (path, display) in candidates.sorted(by: { $0.1 < $1.1 }) {
                // A link's target decides: its size and time tell whether the file changed (the link's own
                // never change when the export it points to is rewritten).
                let attributes = try? fm.attributesOfItem(atPath: URL(fileURLWithPath: path).resolvingSymlinksInPath().path)
                if (attributes?[.type] as? FileAttributeType) == .typeDirectory { continue }
                let size = (attributes?[.size] as? NSNumber)?.intValue ?? 0
                let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                let clean = display.hasPrefix("./") ? String(display.dropFirst(2)) : display
                files.append(SourceFile(path: path, display: clean, size: size, modified: modified))
            }
        }
        return files
    }

    /// Runs the ingestion and commits.
    ///
    /// - Parameters:
    ///   - issue: called for each bad row or file warning (`file:line: reason`).
    ///   - progress: called now and then while reading.
    public func run(issue: (RecordIssue) -> Void, progress: (Progress) -> Void) throws -> Summary {
        let start = Date()
        var summary = Summary()
        let files = try Self.findFiles(options.paths)
        if files.isEmpty {
            throw Failure(description: "\(options.paths.joined(separator: ", ")): no corpus files (.jsonl, .json, .csv, .tsv, .txt, .md) found")
        }
        // The occupation classifier takes longest to set up (the classification's names and aliases); it is
        // built on a thread of its own meanwhile, and the first record waits for it.
        let classifierBuild = Background { [analyzer] in try OccupationClassifier(analyzer: analyzer) }
        let catalog = try SkillCatalog(analyzer: analyzer)
        let writer = try IndexWriter(directory: options.indexDirectory, schema: TalentIndex.schema, analyzer: analyzer,
                                     ramBudget: options.ramBudget, threads: options.threads, tagger: catalog.tagger,
                                     fresh: options.rebuild, purpose: "talent index \(options.paths.joined(separator: " "))")
        var committed = false
        defer { if !committed { writer.abandon() } }
        let tx = writer.transaction
        let base = tx.base
        let reader = RecordReader(mapping: options.mapping)
        // Records without an occupation code get one from their title when a name or alias of the
        // classification clearly names it; titles repeat, so each is classified once.
        let classifier = try classifierBuild.value()
        var occupationOfTitle: [String: OccupationMatch?] = [:]
        // Regions repeat too; each is worked out once (see `TalentIndex.regionText`).
        var regionTexts: [String: TalentIndex.RegionText] = [:]
        let totalBytes = files.reduce(0) { $0 + $1.size }
        var changed: [String] = []
        var lastReport = Date.distantPast
        var bytesDone = 0

        for file in files {
            if let known = base.sources[file.display], known.size == file.size, known.modified == file.modified {
                summary.filesUnchanged += 1
                summary.unchanged += known.documents
                bytesDone += file.size
                continue
            }
            if base.sources[file.display] != nil { changed.append(file.display) }
            var documents = 0
            // Readers do not report their byte position; a record's text length estimates how far in we are.
            var fileBytesSeen = 0
            var fileIssue: RecordIssue?
            do {
                try reader.read(fileAt: file.path, displayPath: file.display, strict: options.strict, record: { record in
                    if options.strict, let fileIssue {
                        throw Failure(description: "stopped at the first bad row (--strict): \(fileIssue); the index was not changed")
                    }
                    var record = record
                    if record.occupationCode.isEmpty && !record.title.isEmpty {
                        let match: OccupationMatch?
                        if let known = occupationOfTitle[record.title] {
                            match = known
                        } else {
                            match = try classifier.assign(record.title, useEngine: false)
                            occupationOfTitle[record.title] = match
                        }
                        if let match { record.occupationCode = match.code }
                    }
                    let region: TalentIndex.RegionText
                    if let known = regionTexts[record.region] {
                        region = known
                    } else {
                        region = TalentIndex.regionText(record.region)
                        regionTexts[record.region] = region
                    }
                    try writer.add(TalentIndex.document(record, regionText: region))
                    documents += 1
                    fileBytesSeen += record.title.utf8.count + record.description.utf8.count + record.employer.utf8.count + 96
                    if documents % 512 == 0 {
                        let now = Date()
                        if now.timeIntervalSince(lastReport) > 0.2 {
                            lastReport = now
                            progress(Progress(documents: summary.added + documents, bytes: bytesDone + min(fileBytesSeen, file.size),
                                              totalBytes: totalBytes, seconds: now.timeIntervalSince(start)))
                        }
                    }
                }, issue: { problem in
                    if problem.line != nil { summary.rejected += 1 } else { summary.warnings += 1 }
                    if fileIssue == nil { fileIssue = problem }
                    issue(problem)
                })
            } catch let error as CorpusError {
                // A file that cannot be read at all is skipped like a bad row; the others go on.
                if options.strict { throw Failure(description: "\(error) (--strict: the index was not changed)") }
                summary.rejectedFiles += 1
                issue(RecordIssue(path: file.display, line: nil, reason: "\(error) File skipped."))
                bytesDone += file.size
                continue
            }
            if options.strict, let fileIssue {
                throw Failure(description: "stopped at the first bad row (--strict): \(fileIssue); the index was not changed")
            }
            summary.filesRead += 1
            summary.added += documents
            summary.bytesRead += file.size
            bytesDone += file.size
            tx.setSource(file.display, Manifest.SourceState(size: file.size, modified: file.modified, documents: documents))
        }
        progress(Progress(documents: summary.added, bytes: bytesDone, totalBytes: totalBytes,
                          seconds: Date().timeIntervalSince(start)))

        // Files indexed before under the same roots that are gone now.
        let seen = Set(files.map(\.display))
        let roots = options.paths.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            .map { $0.hasPrefix("./") ? String($0.dropFirst(2)) : $0 }
        var vanished: [String] = []
        for source in base.sources.keys where !seen.contains(source) {
            if roots.contains(where: { source == $0 || source.hasPrefix($0 + "/") }) { vanished.append(source) }
        }

        let oldSegments = Set(base.segments.map(\.name))
        summary.replaced = try writer.finish()
        for source in changed + vanished {
            summary.removed += tx.delete(where: "source", equals: source, inSegments: oldSegments)
        }
        for source in vanished { tx.setSource(source, nil) }
        summary.filesRemoved = vanished.count
        if tx.hasChanges {
            try tx.commit()
            summary.committed = true
        }
        committed = true
        summary.documents = tx.manifest.liveDocuments
        summary.segments = tx.manifest.segments.count
        summary.segmentsBeforeMerging = summary.segments
        if summary.committed, let policy = options.mergePolicy {
            let mergeStart = Date()
            tx.releasePages()
            options.beforeMerging?()
            do {
                let outcome = try SegmentMerger.mergeAsNeeded(directory: options.indexDirectory, schema: TalentIndex.schema,
                                                              policy: policy, purpose: "talent index (merging segments)")
                summary.segments = outcome.after
            } catch {
                summary.mergeProblem = "\(error)"
                if let manifest = try? IndexDirectory.readManifest(options.indexDirectory) {
                    summary.segments = manifest.segments.count
                }
            }
            summary.mergeSeconds = Date().timeIntervalSince(mergeStart)
        }
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }
}

/// A value made on a thread of its own, waited for when needed.
private final class Background<Value>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<Value, any Error>?

    init(_ make: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let made = Result { try make() }
            condition.lock()
            result = made
            condition.broadcast()
            condition.unlock()
        }
        thread.start()
    }

    /// The value, once made (rethrowing what making it threw).
    func value() throws -> Value {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return try result!.get()
    }
}
