import Foundation
import Testing
import TestSupport

@testable import IndexStore

let testSchema = Schema(
    textFields: ["title", "body"],
    columns: [ColumnSpec(name: "region", kind: .keyword), ColumnSpec(name: "skills", kind: .keywords),
              ColumnSpec(name: "salary", kind: .int)])

/// A document given as whitespace-separated terms per field.
struct TestDoc {
    var id: String
    var title: String
    var body: String
    var region: String?
    var skills: [String] = []
    var salary: Int64?
}

func add(_ doc: TestDoc, to builder: SegmentBuilder) {
    for (field, text) in [doc.title, doc.body].enumerated() {
        for (position, term) in text.split(separator: " ").enumerated() {
            let units = Array(term.utf16)
            units.withUnsafeBufferPointer { builder.addToken(field: field, units: $0, position: position) }
        }
    }
    builder.finishDocument(id: doc.id, stored: Array("stored:\(doc.id)".utf8),
                           values: [.keyword(doc.region), .keywords(doc.skills), .int(doc.salary)])
}

/// Reads all (doc, freq, positions) of a term in a segment.
func postings(_ r: SegmentReader, _ field: Int, _ term: String) throws -> [(UInt32, UInt32, [UInt32])] {
    guard let c = try r.postings(field: field, term: term) else { return [] }
    var out: [(UInt32, UInt32, [UInt32])] = []
    while c.doc != PostingsCursor.noMoreDocs {
        out.append((c.doc, c.freq, try c.positions()))
        try c.next()
    }
    return out
}

struct SegmentTests {
    /// Keyword columns number their values through a table keyed by UTF-8 bytes: thousands of values that
    /// share prefixes, differ by a byte, repeat, or are empty must each come back for their own document.
    @Test func keywordColumnsKeepEveryDistinctValue() throws {
        try TemporaryDirectory.with { dir in
            let builder = SegmentBuilder(schema: testSchema)
            var rng = SeededRandom(seed: 17)
            let stems = ["", "a", "ab", "abc", "广东", "广东·深圳", "深圳", "αβ", "plc", "plc ", "PLC"]
            var expected: [(String?, [String])] = []
            for i in 0..<3000 {
                let region: String? = i % 11 == 0 ? nil : stems[Int(rng.next() % UInt64(stems.count))] + String(rng.next() % 700)
                let skills = (0..<Int(rng.next() % 4)).map { _ in stems[Int(rng.next() % UInt64(stems.count))] + String(rng.next() % 300) }
                builder.finishDocument(id: "d\(i)", stored: [], values: [.keyword(region), .keywords(skills), .int(nil)])
                expected.append((region, skills))
            }
            let info = try builder.write(to: dir, name: "seg-1")
            let r = try SegmentReader(directory: dir, info: info, schema: testSchema)
            for (doc, (region, skills)) in expected.enumerated() {
                #expect(r.column("region")?.strings(doc) == (region.map { [$0] } ?? []))
                #expect(r.column("skills")?.strings(doc).sorted() == skills.sorted())
            }
            // Each distinct value once, in strictly increasing UTF-8 order (what `ordinal(of:)` searches).
            for (name, values) in [("region", Set(expected.compactMap(\.0))), ("skills", Set(expected.flatMap(\.1)))] {
                let dictionary = try #require(r.column(name)?.dictionary)
                #expect(dictionary.count == values.count)
                let words = (0..<dictionary.count).map { dictionary[$0] }
                #expect(zip(words, words.dropFirst()).allSatisfy { $0.utf8.lexicographicallyPrecedes($1.utf8) })
                #expect(Set(words) == values)
            }
        }
    }

    @Test func writesAndReadsPostingsPositionsStoredAndColumns() throws {
        try TemporaryDirectory.with { dir in
            let builder = SegmentBuilder(schema: testSchema)
            add(TestDoc(id: "a", title: "数控 车工", body: "熟悉 数控 编程 数控", region: "广东·深圳", skills: ["PLC", "CNC"], salary: 8000), to: builder)
            add(TestDoc(id: "b", title: "焊工", body: "二保焊 氩弧焊", region: nil, skills: [], salary: nil), to: builder)
            add(TestDoc(id: "c", title: "数控 操机", body: "", region: "江苏·苏州", skills: ["CNC"], salary: 6500), to: builder)
            let info = try builder.write(to: dir, name: "seg-1")
            #expect(info.maxDoc == 3)
            #expect(info.fieldStats[0] == FieldStats(docCount: 3, sumLength: 5))
            let r = try SegmentReader(directory: dir, info: info, schema: testSchema)
            let title = try postings(r, 0, "数控")
            #expect(title.map(\.0) == [0, 2])
            let body = try postings(r, 1, "数控")
            #expect(body.count == 1)
            #expect(body[0].1 == 2)
            #expect(body[0].2 == [1, 3])
            #expect(try r.postings(field: 0, term: "absent") == nil)
            #expect(try r.termInfo(field: 1, term: "数控")?.maxFreq == 2)
            #expect(String(decoding: try r.storedDocument(1), as: UTF8.self) == "stored:b")
            #expect(r.id(of: 2) == "c")
            #expect(r.doc(forID: "b") == 1)
            #expect(r.doc(forID: "zzz") == nil)
            #expect(r.column("region")?.strings(0) == ["广东·深圳"])
            #expect(r.column("region")?.strings(1) == [])
            #expect(r.column("skills")?.strings(0).sorted() == ["CNC", "PLC"])
            #expect(r.column("salary")?.int(2) == 6500)
            #expect(r.column("salary")?.int(1) == nil)
            #expect(r.norm(field: 1, doc: 0) == 4)
            var terms: [String] = []
            try r.forEachTerm(field: 0) { term, _ in
                terms.append(String(decoding: term, as: UTF8.self))
                return true
            }
            #expect(terms == ["操机", "数控", "焊工", "车工"].sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        }
    }

    /// The one-pass search for terms containing several needles against `forEachTerm` and a plain substring
    /// test: many blocks, shared prefixes that hold the needle or cut it, needles that are whole terms.
    @Test func termsContainingNeedlesMatchAPlainScan() throws {
        try TemporaryDirectory.with { dir in
            var generator = SeededRandom(seed: 11)
            let alphabet = Array("编程工具箱处理待数控机床焊工二保焊ab")
            let builder = SegmentBuilder(schema: testSchema)
            for doc in 0..<400 {
                let words = (0..<8).map { _ in
                    String((0..<(1 + Int(generator.next() % 6))).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
                }
                add(TestDoc(id: "d\(doc)", title: words[0], body: words.joined(separator: " ")), to: builder)
            }
            let info = try builder.write(to: dir, name: "seg-1")
            let r = try SegmentReader(directory: dir, info: info, schema: testSchema)
            #expect(r.termCount(field: 1) > 1000)
            let needles = ["编程", "程", "工具", "焊工", "二保焊", "a", "ab", "处理待", "b编", "编程工具箱处理", "没有"].map { Array($0.utf8) }
            let found = try r.terms(field: 1, containingAny: needles)
            for (j, needle) in needles.enumerated() {
                var expected: [([UInt8], Int)] = []
                try r.forEachTerm(field: 1) { term, info in
                    if term.count > needle.count,
                       (0...(term.count - needle.count)).contains(where: { Array(term[$0..<($0 + needle.count)]) == needle }) {
                        expected.append((term, info.docFreq))
                    }
                    return true
                }
                #expect(found[j].map(\.term) == expected.map(\.0), "\(String(decoding: needle, as: UTF8.self))")
                #expect(found[j].map(\.docFreq) == expected.map(\.1))
            }
            #expect(found[0].count > 10 && found[10].isEmpty)
        }
    }

    /// Many documents: full blocks, skips and random advance against a plain model.
    /// A block of 128 values packed at each bit width unpacks to the same values (the common widths have a
    /// loop of their own).
    @Test func everyBitWidthUnpacksWhatWasPacked() {
        var generator = SeededRandom(seed: 3)
        for bits in 1...32 {
            let values = (0..<PostingsFormat.blockSize).map { i -> UInt32 in
                let v = UInt32(truncatingIfNeeded: generator.next())
                // The widest value of the width in every block, and 0.
                if i == 5 { return bits == 32 ? .max : (1 << UInt32(bits)) - 1 }
                if i == 6 { return 0 }
                return bits == 32 ? v : v & ((1 << UInt32(bits)) - 1)
            }
            var writer = ByteWriter()
            values.withUnsafeBufferPointer { writer.pack($0, bits: bits) }
            #expect(writer.bytes.count == PostingsFormat.blockSize * bits / 8)
            let bytes = writer.bytes + [UInt8](repeating: 0xA5, count: 8)
            var out = [UInt32](repeating: 0, count: PostingsFormat.blockSize)
            bytes.withUnsafeBytes { raw in
                out.withUnsafeMutableBufferPointer { PostingsCursor.unpack(raw.baseAddress!, into: $0.baseAddress!, bits: bits) }
            }
            #expect(out == values, "bits \(bits)")
        }
    }

    @Test func blockPostingsMatchAModelUnderRandomAdvance() throws {
        try TemporaryDirectory.with { dir in
            var generator = SeededRandom(seed: 7)
            let builder = SegmentBuilder(schema: testSchema)
            var model: [String: [UInt32: [UInt32]]] = [:]
            let vocabulary = (0..<40).map { "t\($0)" }
            for doc in 0..<3000 {
                var words: [String] = []
                for _ in 0..<Int(generator.next() % 12) {
                    // Skewed: low terms are frequent, so some have many blocks.
                    let w = vocabulary[Int(generator.next() % 40) * Int(generator.next() % 40) / 40]
                    words.append(w)
                }
                for (p, w) in words.enumerated() { model[w, default: [:]][UInt32(doc), default: []].append(UInt32(p)) }
                add(TestDoc(id: "d\(doc)", title: "", body: words.joined(separator: " ")), to: builder)
            }
            let info = try builder.write(to: dir, name: "seg-1")
            let r = try SegmentReader(directory: dir, info: info, schema: testSchema)
            for (term, docs) in model {
                let expected = docs.keys.sorted()
                let got = try postings(r, 1, term)
                #expect(got.map(\.0) == expected, "\(term)")
                for (doc, freq, positions) in got {
                    #expect(Int(freq) == docs[doc]!.count)
                    #expect(positions == docs[doc]!)
                }
                // advance(to:) lands on the first doc ≥ target.
                for _ in 0..<20 {
                    let c = try #require(try r.postings(field: 1, term: term))
                    var target = UInt32(generator.next() % 3100)
                    while true {
                        let landed = try c.advance(to: target)
                        let want = expected.first { $0 >= target } ?? PostingsCursor.noMoreDocs
                        #expect(landed == want)
                        if landed == PostingsCursor.noMoreDocs { break }
                        #expect(try c.positions() == docs[landed]!)
                        target = landed + 1 + UInt32(generator.next() % 300)
                    }
                }
            }
            // A cursor reused from term to term (searches recycle them), longer and shorter in turn, reads
            // what a fresh one reads: documents, frequencies, positions, skips and block impacts.
            var reused: PostingsCursor?
            for term in model.keys.sorted(by: { model[$0]!.count < model[$1]!.count }).enumerated()
                .sorted(by: { ($0.offset % 2, $0.offset) < ($1.offset % 2, $1.offset) }).map(\.element) {
                let info = try #require(try r.termInfo(field: 1, term: term))
                let fresh = try r.postings(info)
                let c = try r.postings(info, reusing: reused)
                reused = c
                var at: UInt32 = 0
                while let block = fresh.shallowBlock(for: at) {
                    let same = c.shallowBlock(for: at)
                    #expect(same?.block == block.block && same?.lastDoc == block.lastDoc, "\(term)")
                    #expect(Array(try c.impacts(ofBlock: block.block)) == Array(try fresh.impacts(ofBlock: block.block)), "\(term)")
                    if block.lastDoc >= PostingsCursor.noMoreDocs - 1 { break }
                    at = block.lastDoc + 1
                }
                let target = UInt32(generator.next() % 3000)
                #expect(try c.advance(to: target) == (try fresh.advance(to: target)), "\(term)")
                while fresh.doc != PostingsCursor.noMoreDocs {
                    #expect(c.doc == fresh.doc && c.freq == fresh.freq)
                    #expect(try c.positions() == (try fresh.positions()))
                    _ = try fresh.next()
                    _ = try c.next()
                }
                #expect(c.doc == PostingsCursor.noMoreDocs)
            }
        }
    }

    @Test func mergeDropsDeletedDocumentsAndKeepsTheRest() throws {
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            for batch in 0..<3 {
                let b = SegmentBuilder(schema: testSchema)
                for i in 0..<50 {
                    add(TestDoc(id: "doc\(batch * 50 + i)", title: "t\(i % 5)", body: "w\(i % 7) w\(i % 3) shared",
                                region: "r\(i % 4)", skills: ["s\(i % 2)"], salary: Int64(i)), to: b)
                }
                try tx.addSegment(try b.write(to: dir, name: tx.newSegmentName()))
            }
            #expect(tx.delete(ids: (0..<150).filter { $0 % 3 == 0 }.map { "doc\($0)" }) == 50)
            try tx.commit()
            let before = try IndexSnapshot(directory: dir)
            #expect(before.liveDocuments == 100)

            let tx2 = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            let readers = tx2.manifest.segments.map { tx2.reader(for: $0.name)! }
            let merged = try SegmentMerger.merge(readers, schema: testSchema, into: dir, name: tx2.newSegmentName())
            try tx2.replaceAllSegments(with: merged)
            try tx2.commit()
            let after = try IndexSnapshot(directory: dir)
            #expect(after.segments.count == 1)
            #expect(after.liveDocuments == 100)
            let r = after.segments[0]
            let shared = try postings(r, 1, "shared")
            #expect(shared.count == 100)
            for (doc, _, positions) in shared {
                #expect(positions == [2])
                let id = r.id(of: Int(doc))
                #expect(Int(id.dropFirst(3))! % 3 != 0)
                #expect(String(decoding: try r.storedDocument(Int(doc)), as: UTF8.self) == "stored:\(id)")
                #expect(r.column("salary")?.int(Int(doc)) == Int64(Int(id.dropFirst(3))! % 50))
            }
            // Old segment files are gone.
            let files = try FileManager.default.contentsOfDirectory(atPath: dir)
            #expect(files.filter { $0.hasSuffix(".post") } == [r.info.fileName(.postings)])
            #expect(try IndexChecker.check(dir).documents == 100)
        }
    }
}


/// Random segments (sizes that do and do not fill whole stored chunks, shared and private terms, missing
/// values, some segments wholly deleted) merged into one: every live document keeps its stored bytes, columns,
/// lengths and every term's postings and positions, under a new number that follows segment order.
struct MergeTests {
    struct Doc {
        var id: String
        var fields: [[String]]
        var stored: [UInt8]
        var region: String?
        var skills: [String]
        var salary: Int64?
    }

    @Test(arguments: 0..<16)
    func mergedSegmentHoldsExactlyTheLiveDocuments(seed: Int) throws {
        var rng = SeededRandom(seed: UInt64(seed) &* 7919 &+ 13)
        let vocabulary = (0..<40).map { "w\($0)" } + ["数控", "焊工", "CNC", "plc"]
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            var docs: [Doc] = []
            var segmentOf: [String: Int] = [:]
            let segmentCount = Int.random(in: 1...6, using: &rng)
            for s in 0..<segmentCount {
                let b = SegmentBuilder(schema: testSchema)
                let size = [16, 64, 1, 47, Int.random(in: 1...120, using: &rng)][Int.random(in: 0..<5, using: &rng)]
                for _ in 0..<size {
                    let id = "d\(docs.count)-\(Int.random(in: 0..<1000, using: &rng))"
                    var fields: [[String]] = []
                    for f in 0..<2 {
                        let n = Int.random(in: 0...(f == 0 ? 4 : 30), using: &rng)
                        var words = (0..<n).map { _ in vocabulary.randomElement(using: &rng)! }
                        if Int.random(in: 0..<4, using: &rng) == 0 { words.append("only\(docs.count)") }
                        fields.append(words)
                    }
                    let stored = (0..<Int.random(in: 0..<300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                    let skills = (0..<Int.random(in: 0...3, using: &rng)).map { _ in "s\(Int.random(in: 0..<9, using: &rng))" }
                    let doc = Doc(id: id, fields: fields, stored: stored,
                                  region: Bool.random(using: &rng) ? "r\(Int.random(in: 0..<6, using: &rng))" : nil,
                                  skills: skills,
                                  salary: Bool.random(using: &rng) ? Int64.random(in: -5...90_000, using: &rng) : nil)
                    for (field, words) in fields.enumerated() {
                        for (position, term) in words.enumerated() {
                            Array(term.utf16).withUnsafeBufferPointer { _ = b.addToken(field: field, units: $0, position: position) }
                        }
                    }
                    b.finishDocument(id: id, stored: stored, values: [.keyword(doc.region), .keywords(skills), .int(doc.salary)])
                    docs.append(doc)
                    segmentOf[id] = s
                }
                // A document whose values no live document shares: deleted below, its values must go too.
                let doomed = Doc(id: "doomed\(s)", fields: [["w1"], ["doomed\(s)"]], stored: [1], region: "dead\(s)",
                                 skills: ["dead"], salary: 1)
                Array("w1".utf16).withUnsafeBufferPointer { _ = b.addToken(field: 0, units: $0, position: 0) }
                Array("doomed\(s)".utf16).withUnsafeBufferPointer { _ = b.addToken(field: 1, units: $0, position: 0) }
                b.finishDocument(id: doomed.id, stored: doomed.stored, values: [.keyword("dead\(s)"), .keywords(["dead"]), .int(1)])
                docs.append(doomed)
                segmentOf[doomed.id] = s
                try tx.addSegment(try b.write(to: dir, name: tx.newSegmentName()))
            }
            // Delete a random share per segment (none, a few, a quarter), now and then every document of one.
            let wiped = Int.random(in: 0..<(2 * segmentCount), using: &rng)
            let rates = (0..<segmentCount).map { _ in [0, 40, 4].randomElement(using: &rng)! }
            let deleted = Set(docs.filter { doc in
                let s = segmentOf[doc.id]!
                return s == wiped || doc.id.hasPrefix("doomed") || (rates[s] > 0 && Int.random(in: 0..<rates[s], using: &rng) == 0)
            }.map(\.id))
            #expect(tx.delete(ids: deleted) == deleted.count)
            try tx.commit()

            let tx2 = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            let readers = tx2.manifest.segments.map { tx2.reader(for: $0.name)! }
            let live = docs.filter { !deleted.contains($0.id) }
            let merged = try SegmentMerger.merge(readers, schema: testSchema, into: dir, name: tx2.newSegmentName())
            guard let merged else {
                #expect(live.isEmpty)
                return
            }
            try tx2.replaceAllSegments(with: merged)
            try tx2.commit()
            #expect(try IndexChecker.check(dir).documents == live.count)
            let r = try #require(try IndexSnapshot(directory: dir).segments.first)
            #expect(r.maxDoc == live.count)
            // Live documents keep their order.
            for (newDoc, doc) in live.enumerated() {
                #expect(r.id(of: newDoc) == doc.id)
                #expect(r.doc(forID: doc.id) == newDoc)
                #expect(try r.storedDocument(newDoc) == doc.stored)
                #expect(r.column("region")?.strings(newDoc) == (doc.region.map { [$0] } ?? []))
                #expect(r.column("skills")?.strings(newDoc) == doc.skills)
                #expect(r.column("salary")?.int(newDoc) == doc.salary)
                for f in 0..<2 { #expect(r.norm(field: f, doc: newDoc) == doc.fields[f].count) }
            }
            for f in 0..<2 {
                var expected: [String: [(UInt32, UInt32, [UInt32])]] = [:]
                for (newDoc, doc) in live.enumerated() {
                    var positions: [String: [UInt32]] = [:]
                    for (p, term) in doc.fields[f].enumerated() { positions[term, default: []].append(UInt32(p)) }
                    for (term, list) in positions { expected[term, default: []].append((UInt32(newDoc), UInt32(list.count), list)) }
                }
                var seen = 0
                try r.forEachTerm(field: f) { term, _ in
                    seen += 1
                    return true
                }
                #expect(seen == expected.count)
                for (term, want) in expected {
                    let got = try postings(r, f, term)
                    #expect(got.map(\.0) == want.map(\.0), "\(term)")
                    #expect(got.map(\.1) == want.map(\.1), "\(term)")
                    #expect(got.map(\.2) == want.map(\.2), "\(term)")
                }
            }
            // The dictionaries hold only values live documents use.
            let regions = Set(live.compactMap(\.region))
            #expect(r.column("region")?.dictionary?.count == regions.count)
            #expect(r.column("skills")?.dictionary?.count == Set(live.flatMap(\.skills)).count)
        }
    }
}
