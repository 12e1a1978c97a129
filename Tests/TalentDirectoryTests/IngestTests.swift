import Foundation
import Testing
import IndexStore
import TextAnalysis

@testable import TalentDirectory

/// A corpus folder that grows by one JSON Lines file per run, indexed into `folder/index` on one thread: for
/// tests of what successive `talent index` runs commit and merge.
struct GrowingCorpus {
    let corpus: String
    let index: String
    var options: Ingest.Options
    let analyzer: Analyzer

    init(in folder: String, mergePolicy: MergePolicy? = MergePolicy()) throws {
        corpus = folder + "/corpus"
        index = folder + "/index"
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        options = Ingest.Options(paths: [corpus], indexDirectory: index)
        options.threads = 1
        options.mergePolicy = mergePolicy
        analyzer = try Analyzer()
    }

    /// Writes `records` (JSON objects) as the run's file `part-<run>.jsonl`.
    func add(_ run: Int, _ records: [String]) throws {
        try Data((records.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: corpus + "/part-\(run).jsonl"))
    }

    /// Writes one posting for `run`.
    func add(_ run: Int) throws {
        try add(run, [#"{"id": "p\#(run)", "title": "数控车工 \#(run)", "description": "操作数控车床"}"#])
    }

    func run() throws -> Ingest.Summary {
        try Ingest(options: options, analyzer: analyzer).run(issue: { _ in }, progress: { _ in })
    }
}

@Suite struct IngestTests {
    /// A corpus file reached through a symbolic link is indexed again when the file it points to changes.
    @Test func aLinkedFileIsReindexedWhenItsTargetChanges() throws {
        try DemandFixtures.withFolder { folder in
            let corpus = folder + "/corpus"
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            let target = folder + "/export.jsonl"
            try FileManager.default.createSymbolicLink(atPath: corpus + "/export.jsonl", withDestinationPath: target)
            var options = Ingest.Options(paths: [corpus], indexDirectory: folder + "/index")
            options.threads = 1
            let analyzer = try Analyzer()
            try Data(#"{"id": "p1", "title": "数控车工", "description": "操作数控车床"}"#.utf8).write(to: URL(fileURLWithPath: target))
            let first = try Ingest(options: options, analyzer: analyzer).run(issue: { _ in }, progress: { _ in })
            #expect(first.added == 1)
            let unchanged = try Ingest(options: options, analyzer: analyzer).run(issue: { _ in }, progress: { _ in })
            #expect(unchanged.filesUnchanged == 1 && unchanged.added == 0)
            try Data((#"{"id": "p1", "title": "焊工", "description": "二保焊"}"# + "\n" +
                      #"{"id": "p2", "title": "电工", "description": "持证上岗"}"#).utf8).write(to: URL(fileURLWithPath: target))
            let changed = try Ingest(options: options, analyzer: analyzer).run(issue: { _ in }, progress: { _ in })
            #expect(changed.filesRead == 1 && changed.added == 2)
            #expect(changed.documents == 2)
        }
    }

    /// Each run that adds a file commits a new segment; past `manySegments` the summary suggests merging.
    @Test func manySegmentsBringTheOptimizeAdvice() throws {
        try DemandFixtures.withFolder { folder in
            let growing = try GrowingCorpus(in: folder, mergePolicy: nil)
            var summaries: [Ingest.Summary] = []
            for run in 0...Ingest.Summary.manySegments {
                try growing.add(run)
                summaries.append(try growing.run())
            }
            #expect(summaries.map(\.segments) == Array(1...(Ingest.Summary.manySegments + 1)))
            #expect(summaries.dropLast().allSatisfy { $0.optimizeAdvice == nil })
            let advice = try #require(summaries.last?.optimizeAdvice)
            #expect(advice.contains("\(Ingest.Summary.manySegments + 1) segments") && advice.contains("talent optimize"))
        }
    }

    /// Runs that each add a small file leave a segment each until ten have piled up; then they are merged into
    /// one, committed, and every document stays findable and in order.
    @Test func smallSegmentsAreMergedOnceTenPileUp() throws {
        try DemandFixtures.withFolder { folder in
            let growing = try GrowingCorpus(in: folder)
            var segments: [Int] = []
            for run in 0..<13 {
                try growing.add(run, (0..<3).map { #"{"id": "p\#(run)-\#($0)", "title": "数控车工 \#(run)", "description": "操作数控车床 第\#($0)台"}"# })
                let summary = try growing.run()
                segments.append(summary.segments)
                #expect(summary.documents == 3 * (run + 1))
                #expect(summary.segmentsBeforeMerging == (run == 9 ? 10 : summary.segments))
            }
            #expect(segments == [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4])
            #expect(try IndexChecker.check(folder + "/index").documents == 39)
            let snapshot = try IndexSnapshot(directory: folder + "/index")
            let first = try #require(snapshot.segments.first)
            #expect((0..<first.maxDoc).map { first.id(of: $0) } == (0..<10).flatMap { run in (0..<3).map { "p\(run)-\($0)" } })
            // Unchanged files: nothing to commit, nothing merged.
            let again = try growing.run()
            #expect(!again.committed && again.segments == 4)
        }
    }
}

/// A writer that takes the index between a run's commit and its merges makes the merges wait for a later
/// run; the run's commit stands and says why it did not merge.
@Suite struct MergeAfterCommitTests {
    final class Holder: @unchecked Sendable {
        var lock: WriteLock?
    }

    @Test func aLockedIndexLeavesTheCommitAndAWarning() throws {
        try DemandFixtures.withFolder { folder in
            var growing = try GrowingCorpus(in: folder, mergePolicy: nil)
            for run in 0..<10 {
                try growing.add(run)
                _ = try growing.run()
            }
            let holder = Holder()
            let index = growing.index
            growing.options.mergePolicy = MergePolicy()
            growing.options.beforeMerging = { holder.lock = try? WriteLock(directory: index, purpose: "another writer") }
            try growing.add(10)
            let blocked = try growing.run()
            #expect(holder.lock != nil)
            #expect(blocked.committed && blocked.documents == 11 && blocked.segments == 11)
            #expect(blocked.mergeProblem?.contains("another writer") == true, "\(blocked.mergeProblem ?? "none")")
            holder.lock?.release()
            growing.options.beforeMerging = nil
            try growing.add(11)
            let next = try growing.run()
            #expect(next.mergeProblem == nil && next.documents == 12 && next.segments == 3)
        }
    }
}

/// Which adjacent segments the log merge policy merges, by live documents.
@Suite struct MergePolicyTests {
    static let cases: [(counts: [Int], merges: [Range<Int>])] = [
        ([], []),
        (Array(repeating: 500, count: 9), []),
        (Array(repeating: 500, count: 10), [0..<10]),
        (Array(repeating: 24_000, count: 25), [0..<10, 10..<20]),
        ([50_000] + Array(repeating: 500, count: 10), [1..<11]),
        (Array(repeating: 500, count: 5) + [50_000] + Array(repeating: 500, count: 5), []),
        ([999, 1, 0, 5, 1_000 - 1, 7, 8, 9, 10, 11], [0..<10]),
        (Array(repeating: 9_999, count: 10), [0..<10]),
        ([10_000] + Array(repeating: 9_999, count: 9), []),
        (Array(repeating: 1_000, count: 23), [0..<10, 10..<20]),
    ]

    @Test(arguments: cases)
    func mergesRunsOfTenAdjacentSegmentsOfALevel(counts: [Int], merges: [Range<Int>]) {
        #expect(MergePolicy().merges(liveCounts: counts) == merges)
    }

    @Test func aSmallerFactorMergesSooner() {
        #expect(MergePolicy(mergeFactor: 3, floorDocuments: 10).merges(liveCounts: [10, 20, 9, 30, 40]) == [0..<3])
    }
}
