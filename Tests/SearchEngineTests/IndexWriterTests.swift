import Foundation
import IndexStore
import Testing
import TestSupport
import TextAnalysis

@testable import SearchEngine

/// Batches go to whichever worker is least busy, so versions of one id land in different workers' segments;
/// the version read last must be the one left, whatever the threads made of it.
struct IndexWriterTests {
    @Test(arguments: [1, 2, 3])
    func theVersionReadLastWinsAcrossWorkersAndFlushes(threads: Int) throws {
        try TemporaryDirectory.with { dir in
            let schema = Schema(textFields: ["body"], columns: [])
            // A small budget and many distinct words: each worker flushes several segments.
            let writer = try IndexWriter(directory: dir, schema: schema, analyzer: try Analyzer(), ramBudget: 4 << 20,
                                         threads: threads, purpose: "test")
            var random = SeededRandom(seed: UInt64(7 + threads))
            var last: [String: Int] = [:]
            let total = 3000
            for i in 0..<total {
                let id = "id\(random.next() % 400)"
                let words = (0..<40).map { _ in "w\(random.next() % 1_000_000)" }.joined(separator: " ")
                try writer.add(IndexableDocument(id: id, fields: [[words]], stored: Array("\(i)".utf8), values: []))
                last[id] = i
            }
            let replaced = try writer.finish()
            try writer.transaction.commit()
            #expect(replaced == total - last.count)

            let snapshot = try IndexSnapshot(directory: dir)
            #expect(snapshot.segments.count > threads)
            var found: [String: String] = [:]
            for r in snapshot.segments {
                for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
                    let id = r.id(of: doc)
                    #expect(found[id] == nil, "\(id) is live twice")
                    found[id] = String(decoding: try r.storedDocument(doc), as: UTF8.self)
                }
            }
            #expect(found == last.mapValues { "\($0)" })
            #expect(try IndexChecker.check(dir).documents == last.count)
        }
    }
}
