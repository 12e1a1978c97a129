import Foundation
import IndexStore
import Testing
import TestSupport
import TextAnalysis

@testable import SearchEngine

struct TermTaggerTests {
    /// The keywords column the writer derives while indexing (looking terms up once per term number) holds
    /// what tagging each document's text on its own finds.
    @Test func writerTagsAsTaggingEachTextDoes() throws {
        let schema = Schema(textFields: ["title", "body"], columns: [ColumnSpec(name: "tags", kind: .keywords)])
        let tagger = TermTagger(fields: [0, 1], column: 0,
                                single: ["数控": ["cnc"], "plc": ["plc"], "编程": ["programming"], "焊工": ["welding"],
                                         "机器人": ["robot", "automation"]],
                                runs: [["plc", "编程"]: ["plc-programming"], ["c++", "java", "编程"]: ["languages"]])
        let analyzer = try Analyzer()
        let session = try analyzer.makeSession()
        let postings = randomPostings(400, seed: 7, prefix: "t")
        try TemporaryDirectory.with { dir in
            let writer = try IndexWriter(directory: dir, schema: schema, analyzer: analyzer, threads: 2,
                                         tagger: tagger, purpose: "test")
            for p in postings {
                try writer.add(IndexableDocument(id: p.id, fields: [[p.title], [p.body]], stored: [],
                                                 values: [.keywords([])]))
            }
            try writer.finish()
            try writer.transaction.commit()
            let snapshot = try IndexSnapshot(directory: dir)
            var tagged = 0
            for p in postings {
                var expected: [String] = []
                for tag in try tagger.tags(in: p.title, session: session) + tagger.tags(in: p.body, session: session)
                    where !expected.contains(tag) { expected.append(tag) }
                let segment = try #require(snapshot.segments.first { $0.doc(forID: p.id) != nil })
                let doc = try #require(segment.doc(forID: p.id))
                #expect(segment.column("tags")?.strings(doc) == expected, "\(p.id): \(p.title) | \(p.body)")
                if !expected.isEmpty { tagged += 1 }
            }
            #expect(tagged > 100)
        }
    }
}
