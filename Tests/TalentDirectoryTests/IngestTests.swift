import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

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
            let corpus = folder + "/corpus"
            try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
            var options = Ingest.Options(paths: [corpus], indexDirectory: folder + "/index")
            options.threads = 1
            let analyzer = try Analyzer()
            var summaries: [Ingest.Summary] = []
            for run in 0...Ingest.Summary.manySegments {
                let record = #"{"id": "p\#(run)", "title": "数控车工 \#(run)", "description": "操作数控车床"}"#
                try Data((record + "\n").utf8).write(to: URL(fileURLWithPath: corpus + "/part-\(run).jsonl"))
                summaries.append(try Ingest(options: options, analyzer: analyzer).run(issue: { _ in }, progress: { _ in }))
            }
            #expect(summaries.map(\.segments) == Array(1...(Ingest.Summary.manySegments + 1)))
            #expect(summaries.dropLast().allSatisfy { $0.optimizeAdvice == nil })
            let advice = try #require(summaries.last?.optimizeAdvice)
            #expect(advice.contains("\(Ingest.Summary.manySegments + 1) segments") && advice.contains("talent optimize"))
        }
    }
}
