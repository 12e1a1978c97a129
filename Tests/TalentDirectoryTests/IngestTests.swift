import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

@Suite struct IngestTests {
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
