import Foundation

/// One writer's session on an index: holds the write lock, adds segments, deletes documents, and commits
/// everything at once, or nothing.
///
/// ```swift
/// let tx = try IndexTransaction(directory: "index", schema: schema, purpose: "talent index")
/// let info = try builder.write(to: tx.directory, name: tx.newSegmentName())
/// try tx.addSegment(info)          // supersedes older documents with the same ids
/// try tx.commit()
/// ```
/// Until ``commit()`` nothing a reader sees changes; dropping the transaction (or a crash) leaves the last
/// commit intact, and the next writer removes the orphaned files.
public final class IndexTransaction: @unchecked Sendable {
    public let directory: String
    private let lock: WriteLock
    /// The last commit.
    public let base: Manifest
    /// The commit being prepared.
    public private(set) var manifest: Manifest
    private var readers: [String: SegmentReader] = [:]
    private var changedDeletions: [String: Deletions] = [:]
    private var committed = false
    /// Whether this transaction replaces the whole index (a rebuild).
    public let fresh: Bool

    /// Opens the index in `directory` for writing, creating the folder and an empty index when missing.
    ///
    /// - Parameter fresh: start from an empty index (a rebuild): the old commit, whatever its schema or format,
    ///   stays readable until this transaction commits, and its files are removed after.
    public init(directory: String, schema: Schema, purpose: String, fresh: Bool = false) throws(IndexError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io(path: directory, operation: "create folder", errno: errno)
        }
        lock = try WriteLock(directory: directory, purpose: purpose)
        self.directory = directory
        self.fresh = fresh
        if fresh {
            // Keep the old files (unknown if the old manifest cannot be read) until the new commit replaces them.
            let old = try? IndexDirectory.readManifest(directory)
            var empty = Manifest(schema: schema)
            // Generations (and so segment names) continue past the old ones, or past any a damaged manifest knew.
            empty.generation = old?.generation ?? Int(Date().timeIntervalSince1970)
            empty.nextSegment = old?.nextSegment ?? 1
            base = empty
            manifest = empty
            if let old { IndexDirectory.removeUnreferencedFiles(directory, keeping: old) }
            return
        }
        let existing = try IndexDirectory.readManifest(directory)
        base = existing ?? Manifest(schema: schema)
        manifest = base
        if existing != nil, base.schema != schema {
            throw .corrupt(file: directory + "/" + Manifest.fileName,
                           reason: "the index was built by another version of talent; rebuild it with `talent index --rebuild`")
        }
        IndexDirectory.removeUnreferencedFiles(directory, keeping: base)
        for info in base.segments { readers[info.name] = try SegmentReader(directory: directory, info: info, schema: schema) }
    }

    /// A fresh segment name, unique in this index.
    public func newSegmentName() -> String {
        defer { manifest.nextSegment += 1 }
        return "seg-\(manifest.nextSegment)"
    }

    private func deletions(of name: String) -> Deletions {
        if let d = changedDeletions[name] { return d }
        let reader = readers[name]!
        return reader.deletions ?? Deletions(maxDoc: reader.maxDoc)
    }

    /// Adds a segment written into ``directory``; older live documents with the ids of its documents are
    /// deleted. Returns how many were replaced.
    ///
    /// - Parameter skipping: segments (by name) known to hold none of its ids, e.g. those another thread of
    ///   the same writer built from a disjoint set of ids; they are not searched.
    ///
    /// Older segments are searched one at a time, and the pages of their maps that the search touched are
    /// released after each (the files stay cached by the kernel): with 40 segments, keeping them mapped in
    /// made the process's resident set grow by ~4 MB a segment at the end of a build.
    @discardableResult
    public func addSegment(_ info: SegmentInfo, skipping: Set<String> = []) throws(IndexError) -> Int {
        let reader = try SegmentReader(directory: directory, info: info, schema: manifest.schema)
        var replaced = 0
        let older = manifest.segments.filter { !skipping.contains($0.name) }
        if !older.isEmpty {
            var live: [Int] = []
            var ids: [String] = []
            for doc in 0..<reader.maxDoc where !reader.isDeleted(doc) {
                live.append(doc)
                ids.append(reader.id(of: doc))
            }
            for segment in older {
                guard let r = readers[segment.name] else { continue }
                var d = deletions(of: segment.name)
                var changed = false
                for id in ids {
                    guard let old = r.doc(forID: id) else { continue }
                    if d.insert(old) {
                        changed = true
                        replaced += 1
                    }
                }
                if changed { changedDeletions[segment.name] = d }
                r.releasePages()
            }
            reader.releasePages()
        }
        readers[info.name] = reader
        manifest.segments.append(info)
        return replaced
    }

    /// Among `segments`, added in this transaction by writers that did not divide the ids between them,
    /// an id indexed in more than one keeps only its version with the highest `sequences` entry (the order
    /// the documents were read in); the others are deleted. Returns how many were.
    ///
    /// The segments' ids are walked in UTF-8 order at once (each segment keeps them sorted), so equal ids
    /// meet without a table of every id: the memory is the deletion bits.
    ///
    /// - Parameter segments: each segment's name and, per document, its place in the reading order.
    @discardableResult
    public func supersede(within segments: [(name: String, sequences: [UInt32])]) -> Int {
        guard segments.count > 1 else { return 0 }
        let segmentReaders = segments.map { readers[$0.name]! }
        var deleted = segments.map { deletions(of: $0.name) }
        // The live version of the id last walked that is kept so far.
        var kept: (segment: Int, ordinal: Int, doc: Int)?
        var changed = Set<Int>()
        var count = 0
        // Pages of the ids read so far go back now and then, or a large build's end would hold every
        // segment's ids at once (the files stay cached by the kernel).
        var walked = 0
        walkIDs(segmentReaders, isLive: { s, doc in !deleted[s].contains(doc) }) { s, ordinal, doc in
            let current = (segment: s, ordinal: ordinal, doc: doc)
            if let k = kept,
               compareBytes(segmentReaders[k.segment].values.ids.bytes(k.ordinal), segmentReaders[s].values.ids.bytes(ordinal)) == 0 {
                // Within one segment an id has one live document; these are in different segments.
                let older = segments[k.segment].sequences[k.doc] < segments[s].sequences[doc] ? k : current
                deleted[older.segment].insert(older.doc)
                changed.insert(older.segment)
                count += 1
                if older == k { kept = current }
            } else {
                kept = current
            }
            walked += 1
            if walked % (1 << 16) == 0 { for r in segmentReaders { r.releasePages() } }
        }
        for s in changed { changedDeletions[segments[s].name] = deleted[s] }
        for r in segmentReaders { r.releasePages() }
        return count
    }

    /// Deletes the live documents with these ids; returns how many were deleted.
    @discardableResult
    public func delete(ids: some Sequence<String>) -> Int {
        var deleted = 0
        for id in ids {
            for segment in manifest.segments {
                guard let r = readers[segment.name], let doc = r.doc(forID: id) else { continue }
                var d = deletions(of: segment.name)
                if d.insert(doc) {
                    changedDeletions[segment.name] = d
                    deleted += 1
                }
            }
        }
        return deleted
    }

    /// Deletes the live documents whose keyword column `column` holds `value`; returns how many.
    ///
    /// - Parameter segments: only these segments (by name), e.g. those of the last commit; `nil` for all.
    @discardableResult
    public func delete(where column: String, equals value: String, inSegments segments: Set<String>? = nil) -> Int {
        var deleted = 0
        for segment in manifest.segments where segments?.contains(segment.name) ?? true {
            guard let r = readers[segment.name], let col = r.column(column),
                  let ordinal = col.dictionary?.ordinal(of: value) else { continue }
            var d = deletions(of: segment.name)
            let before = d.count
            for doc in 0..<r.maxDoc where col.keywordOrdinal(doc) == ordinal + 1 { d.insert(doc) }
            if d.count > before {
                deleted += d.count - before
                changedDeletions[segment.name] = d
            }
        }
        return deleted
    }

    /// Replaces every segment with `merged` (already written), e.g. after ``SegmentMerger``.
    public func replaceAllSegments(with merged: SegmentInfo?) throws(IndexError) {
        manifest.segments = merged.map { [$0] } ?? []
        changedDeletions = [:]
        if let merged { readers[merged.name] = try SegmentReader(directory: directory, info: merged, schema: manifest.schema) }
    }

    /// Puts `merged` (already written from segments `names`, e.g. by ``SegmentMerger``) where the first of
    /// them was, and drops them; `nil` when the merge left no document.
    public func replaceSegments(_ names: [String], with merged: SegmentInfo?) throws(IndexError) {
        let replaced = Set(names)
        precondition(replaced.isDisjoint(with: changedDeletions.keys), "merge segments with committed deletions only")
        guard let first = manifest.segments.firstIndex(where: { replaced.contains($0.name) }) else { return }
        manifest.segments.removeAll { replaced.contains($0.name) }
        for name in names { readers[name] = nil }
        if let merged {
            manifest.segments.insert(merged, at: first)
            readers[merged.name] = try SegmentReader(directory: directory, info: merged, schema: manifest.schema)
        }
    }

    public func setSource(_ path: String, _ state: Manifest.SourceState?) { manifest.sources[path] = state }
    public func setting(_ key: String, _ value: String?) { manifest.settings[key] = value }

    /// Lets the kernel take back the pages of every segment map this transaction touched (see
    /// ``SegmentReader/releasePages()``), e.g. before a long merge that follows its commit.
    public func releasePages() {
        for r in readers.values { r.releasePages() }
    }

    /// Segment readers of the commit being prepared, with deletions as committed so far.
    public func reader(for name: String) -> SegmentReader? { readers[name] }

    /// Whether anything differs from the last commit.
    public var hasChanges: Bool { manifest != base || !changedDeletions.isEmpty || fresh }

    /// Writes the changed deletion files and the manifest, then removes files no longer referenced.
    public func commit() throws(IndexError) {
        precondition(!committed, "commit once")
        for (name, deletions) in changedDeletions {
            guard let i = manifest.segments.firstIndex(where: { $0.name == name }) else { continue }
            var info = manifest.segments[i]
            info.deletesGeneration += 1
            info.deletedCount = deletions.count
            let file = try IndexFileWriter(path: directory + "/" + info.fileName(.deletes), kind: .deletes)
            try file.append(deletions.body())
            info.bytes["deletes"] = try file.finish()
            manifest.segments[i] = info
        }
        // Segments with every document deleted are dropped.
        manifest.segments.removeAll { $0.liveCount == 0 }
        manifest.generation = base.generation + 1
        manifest.committedAt = ISO8601DateFormatter().string(from: Date())
        try IndexDirectory.syncDirectory(directory)
        try IndexDirectory.commit(manifest, to: directory)
        committed = true
        IndexDirectory.removeUnreferencedFiles(directory, keeping: manifest)
        lock.release()
    }
}
