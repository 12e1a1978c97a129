import Foundation
import Testing
import TestSupport

@testable import IndexStore

struct ImpactTests {
    /// Whether some pair of `impacts` has a freq ≥ `freq` and a norm ≤ `norm`.
    func dominated(_ freq: UInt32, _ norm: UInt32, by impacts: some Sequence<Impact>) -> Bool {
        impacts.contains { $0.freq >= freq && $0.norm <= norm }
    }

    /// The competitive pairs dominate every document, ascend in both, and (uncapped) are each some document's.
    @Test(arguments: [4, 60, 200]) func competitivePairsDominateEveryDocument(maxFreq: Int) {
        var g = SeededRandom(seed: UInt64(maxFreq))
        var out: [Impact] = []
        var scratch: [UInt32] = []
        for round in 0..<500 {
            let n = Int(g.next() % 128) + 1
            let freqs = (0..<n).map { _ in UInt32(g.next() % UInt64(maxFreq)) + 1 }
            let norms = (0..<n).map { _ in UInt32(g.next() % 300) + (round % 2 == 0 ? 0 : 1) }
            for limit in [PostingsFormat.maxImpacts, 1, 3, 128] {
                Impact.competitive(freqs: freqs[...], norms: norms[...], limit: limit, shortest: &scratch, into: &out)
                #expect(!out.isEmpty && out.count <= limit)
                for (f, l) in zip(freqs, norms) { #expect(dominated(f, l, by: out)) }
                for (a, b) in zip(out, out.dropFirst()) { #expect(a.freq < b.freq && a.norm < b.norm) }
                #expect(out.last?.freq == freqs.max() && out.first?.norm == norms.min())
                if limit == 128 {
                    // Uncapped: exactly the Pareto set, each pair a document's.
                    for p in out { #expect(zip(freqs, norms).contains { $0 == p.freq && $1 == p.norm }) }
                    for (f, l) in zip(freqs, norms) where !zip(freqs, norms).contains(where: { $0 >= f && $1 <= l && ($0, $1) != (f, l) }) {
                        #expect(out.contains(Impact(freq: f, norm: l)))
                    }
                }
            }
            if maxFreq <= 64 { #expect(scratch.allSatisfy { $0 == .max }) }
        }
    }

    /// The cursor reads back each block's impacts: they dominate the block's documents, whatever the block
    /// count (one document, one block, several blocks with a partial last one).
    @Test(arguments: [1, 2, 128, 129, 700]) func cursorReadsBlockImpacts(docs: Int) throws {
        try TemporaryDirectory.with { dir in
            var g = SeededRandom(seed: UInt64(docs))
            let builder = SegmentBuilder(schema: testSchema)
            for i in 0..<docs {
                let freq = Int(g.next() % 12) + 1, filler = Int(g.next() % 40)
                let body = (Array(repeating: "焊工", count: freq) + Array(repeating: "x", count: filler)).joined(separator: " ")
                add(TestDoc(id: "d\(i)", title: "t", body: body), to: builder)
            }
            let info = try builder.write(to: dir, name: "seg-1")
            let r = try SegmentReader(directory: dir, info: info, schema: testSchema)
            let cursor = try #require(try r.postings(field: 1, term: "焊工"))
            var seen = 0
            while cursor.doc != PostingsCursor.noMoreDocs {
                let block = try #require(cursor.shallowBlock(for: cursor.doc))
                #expect(block.block == seen / PostingsFormat.blockSize)
                #expect(cursor.doc <= block.lastDoc)
                let impacts = Array(try cursor.impacts(ofBlock: block.block))
                #expect(impacts.count <= PostingsFormat.maxImpacts)
                #expect(dominated(cursor.freq, UInt32(r.norm(field: 1, doc: Int(cursor.doc))), by: impacts))
                seen += 1
                try cursor.next()
            }
            #expect(seen == docs)
        }
    }
}
