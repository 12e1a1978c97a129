import Foundation
import IndexStore
import SearchEngine
import Synchronization
import TalentDirectory
import TextAnalysis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers searches, reports, analysis and classification over one index folder, from many threads at once.
///
/// Each request reads the newest commit: the manifest's identity (inode, size, modification time) is checked
/// per request, and a commit by `talent index` in another process is picked up by the next request. Searchers
/// own an ICU session and are not thread-safe, so idle ones wait in a pool tied to the snapshot they read.
public final class TalentService: Sendable {
    public let indexDirectory: String
    public let analyzer: Analyzer
    public let catalog: SkillCatalog
    public let occupations: OccupationCatalog
    private let classificationFile: String?

    private struct State {
        var key: ManifestKey?
        var snapshot: IndexSnapshot?
        var idle: [PooledSearcher] = []
    }

    private let state = Mutex(State())
    private let classifier = Mutex<OccupationClassifier?>(nil)

    /// - Parameters:
    ///   - indexDirectory: the index folder; it may not exist yet (requests then say so).
    ///   - classificationFile: a copy of the classification (csco22.csv) for `classify`, as with the CLI.
    public init(indexDirectory: String, classificationFile: String? = nil) throws {
        self.indexDirectory = indexDirectory
        self.classificationFile = classificationFile
        analyzer = try Analyzer()
        catalog = try SkillCatalog(analyzer: analyzer)
        occupations = try OccupationCatalog()
    }

    // MARK: - Snapshots

    /// The identity of the committed manifest: a commit renames a new file over it.
    struct ManifestKey: Equatable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    private func manifestKey() -> ManifestKey? {
        var st = stat()
        guard stat(indexDirectory + "/" + Manifest.fileName, &st) == 0 else { return nil }
        #if canImport(Darwin)
        return ManifestKey(inode: UInt64(st.st_ino), size: Int64(st.st_size), seconds: st.st_mtimespec.tv_sec,
                           nanoseconds: st.st_mtimespec.tv_nsec)
        #else
        return ManifestKey(inode: UInt64(st.st_ino), size: Int64(st.st_size), seconds: st.st_mtim.tv_sec,
                           nanoseconds: st.st_mtim.tv_nsec)
        #endif
    }

    /// The newest committed snapshot.
    ///
    /// - Throws: ``ServiceError`` `unavailable` when there is no index, or it cannot be opened.
    public func snapshot() throws(ServiceError) -> IndexSnapshot {
        guard let key = manifestKey() else {
            throw ServiceError(.unavailable, "no index at \(indexDirectory): build one with `talent index`")
        }
        return try state.withLock { (state) throws(ServiceError) -> IndexSnapshot in
            if state.key == key, let snapshot = state.snapshot { return snapshot }
            do {
                let snapshot = try IndexSnapshot(directory: indexDirectory)
                state = State(key: key, snapshot: snapshot)
                return snapshot
            } catch {
                throw ServiceError(.unavailable, "cannot open the index at \(indexDirectory): \(error)")
            }
        }
    }

    /// Runs `body` with a searcher over the newest snapshot, set to `options`.
    public func withSearcher<T>(options: SearchOptions, _ body: (Searcher) throws -> T) throws -> T {
        let snapshot = try snapshot()
        let pooled = state.withLock { state -> PooledSearcher? in
            state.snapshot === snapshot && !state.idle.isEmpty ? state.idle.removeLast() : nil
        }
        let box = try pooled ?? PooledSearcher(searcher: Searcher(snapshot: snapshot, analyzer: analyzer))
        box.searcher.options = options
        box.uses += 1
        defer {
            // A searcher caches the dictionary expansions of the words it has seen; retiring it after a while
            // bounds that memory however many different words clients send.
            if box.uses < PooledSearcher.maxUses {
                state.withLock { state in
                    if state.snapshot === box.searcher.snapshot && state.idle.count < 64 { state.idle.append(box) }
                }
            }
        }
        return try body(box.searcher)
    }

    // MARK: - Requests

    /// `GET /api/search`: the page of hits, the number of matching postings, facets, and the commit read.
    public func search(_ request: SearchRequest) throws -> [String: Any] {
        try request.validate()
        let query = try request.parsed()
        return try withSearcher(options: request.options) { searcher in
            let results = try searcher.search(query, limit: request.limit, offset: request.offset,
                                              facets: request.facets, explain: request.explain)
            var total = results.totalMatches ?? 0
            if results.totalMatches == nil { try searcher.forEachMatch(query) { _, _ in total += 1 } }
            return [
                "query": request.query, "total": total, "offset": request.offset,
                "hits": try SearchJSON.hits(results, searcher: searcher, offset: request.offset, explain: request.explain),
                "facets": SearchJSON.facets(results, fields: request.facets, size: request.facetSize),
                "generation": searcher.snapshot.manifest.generation,
            ]
        }
    }

    /// `GET /api/directory`: the demand directory report.
    public func directory(_ request: ReportRequest, by: DemandDimension, top: Int?) throws -> Report {
        try request.validate()
        let slice = try request.slice(snapshot: try snapshot(), analyzer: analyzer)
        return Reports.directory(slice: slice, by: by, top: top, request: request, catalog: catalog,
                                 occupations: occupations)
    }

    /// `POST /api/gaps`: a curriculum (the text of a CSV, TSV, JSONL, Markdown or plain-list file) against the
    /// demand of the slice.
    public func gaps(curriculum text: String, format: CurriculumFormat, request: ReportRequest, top: Int?,
                     lowDemand: Double = 0.01) throws -> Report {
        try request.validate()
        let curriculum: Curriculum
        do {
            curriculum = try Curriculum(text: text, format: format, path: "curriculum", catalog: catalog,
                                        session: try analyzer.makeSession())
        } catch let error as SkillGapsError {
            throw ServiceError(.unprocessable, error.description)
        }
        let slice = try request.slice(snapshot: try snapshot(), analyzer: analyzer)
        return Reports.gaps(slice: slice, curriculum: curriculum, supply: nil, top: top, lowDemand: lowDemand,
                            request: request, catalog: catalog)
    }

    /// `GET /api/analyze`: the tokens of `text` and the lexicon skills it names.
    public func analyze(_ text: String) throws -> [String: Any] {
        let tokens = try analyzer.analyze(text)
        let skills = try catalog.skills(in: text, session: analyzer.makeSession())
        return [
            "tokens": tokens.map {
                ["term": $0.term, "position": $0.position, "start": $0.start, "end": $0.end,
                 "kind": $0.kind.rawValue, "length": $0.length] as [String: Any]
            },
            "skills": skills.map { ["id": $0.id, "category": $0.category, "zh": $0.zh, "en": $0.en] },
        ]
    }

    /// `GET /api/classify`: the best occupations of each title, as `talent classify --json` prints them.
    public func classify(_ titles: [String], limit: Int = 3) throws -> [[String: Any]] {
        try classifier.withLock { classifier in
            if classifier == nil {
                do {
                    classifier = try OccupationClassifier(analyzer: analyzer, classificationFile: classificationFile)
                } catch let error as OccupationError {
                    throw ServiceError(.unavailable, error.description)
                }
            }
            return try titles.map { title in
                ClassificationJSON.object(title: title, matches: try classifier!.classify(title, limit: max(limit, 3)),
                                          shown: limit)
            }
        }
    }
}

/// A searcher parked in the pool: only one thread uses it at a time, the pool's lock hands it over.
private final class PooledSearcher: @unchecked Sendable {
    static let maxUses = 10_000
    let searcher: Searcher
    var uses = 0
    init(searcher: Searcher) { self.searcher = searcher }
}

/// One title's occupations as a JSON object: the best match's `code`, `name`, `score`, `middle`, and
/// `alternatives` (the next ones, at least two).
public enum ClassificationJSON {
    public static func object(title: String, matches: [OccupationMatch], shown: Int) -> [String: Any] {
        func object(_ m: OccupationMatch) -> [String: Any] {
            ["code": m.code, "name": m.name, "score": m.score, "middle": m.middle,
             "confident": m.confident]
        }
        var result: [String: Any] = ["title": title]
        if let best = matches.first {
            result.merge(object(best)) { $1 }
        } else {
            for key in ["code", "name", "middle"] { result[key] = NSNull() }
            result["score"] = 0
            result["confident"] = false
        }
        result["alternatives"] = matches.dropFirst().prefix(max(shown, 3) - 1).map(object)
        return result
    }
}
