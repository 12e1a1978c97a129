import Foundation
import IndexStore
import Testing
import TestSupport
import TextAnalysis

@testable import SearchEngine

let searchSchema = Schema(
    textFields: ["title", "body"],
    columns: [ColumnSpec(name: "region", kind: .keyword), ColumnSpec(name: "salary_min", kind: .int),
              ColumnSpec(name: "salary_max", kind: .int), ColumnSpec(name: "posted", kind: .int)])

struct Posting {
    var id: String
    var title: String
    var body: String
    var region: String = "广东·深圳"
    var salary: Int64? = nil
}

/// Builds an index of `postings` in `dir`, one commit per batch (so several segments), then deletes `deleted`.
func buildIndex(_ dir: String, _ batches: [[Posting]], deleted: [String] = []) throws -> IndexSnapshot {
    let analyzer = try Analyzer()
    for batch in batches {
        let writer = try IndexWriter(directory: dir, schema: searchSchema, analyzer: analyzer, ramBudget: 4 << 20,
                                     threads: 2, purpose: "test")
        for p in batch {
            try writer.add(IndexableDocument(id: p.id, fields: [[p.title], [p.body]], stored: Array(p.id.utf8),
                                             values: [.keyword(p.region), .int(p.salary), .int(p.salary.map { $0 + 2000 }), .int(nil)]))
        }
        try writer.finish()
        try writer.transaction.commit()
    }
    if !deleted.isEmpty {
        let tx = try IndexTransaction(directory: dir, schema: searchSchema, purpose: "test")
        tx.delete(ids: deleted)
        try tx.commit()
    }
    return try IndexSnapshot(directory: dir)
}



let vocabulary = ["数控", "车工", "焊工", "二保焊", "电工", "PLC", "编程", "机器人", "视觉", "质检", "装配", "模具", "Java",
                  "C++", "深圳", "苏州", "经验", "工具箱", "工具", "待处理", "处理", "维修", "叉车", "SolidWorks", "设计",
                  "工程师", "在建工程", "西门子", "S7-1200", "优先"]

func randomPostings(_ count: Int, seed: UInt64, prefix: String) -> [Posting] {
    var g = SeededRandom(seed: seed)
    return (0..<count).map { i in
        func words(_ n: Int) -> String {
            (0..<n).map { _ in vocabulary[Int(g.next() % UInt64(vocabulary.count)) * Int(g.next() % 3 + 1) / 3] }
                .joined(separator: g.next() % 2 == 0 ? "，" : " ")
        }
        return Posting(id: "\(prefix)\(i)", title: words(Int(g.next() % 3) + 1), body: words(Int(g.next() % 40) + 1),
                       region: ["广东·深圳", "江苏·苏州", "浙江·宁波"][Int(g.next() % 3)],
                       salary: g.next() % 5 == 0 ? nil : Int64(4000 + g.next() % 12000))
    }
}

/// Searches `query` with pruning and exhaustively, expects the same ranked ids and scores, and returns the
/// exhaustive results.
@discardableResult
func expectPrunedEqualsExhaustive(_ searcher: Searcher, _ query: Query, limit k: Int, _ label: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) throws -> SearchResults {
    let pruned = try searcher.search(query, limit: k)
    let exhaustive = try searcher.search(query, limit: k, strategy: .exhaustive)
    #expect(pruned.hits.map(\.id) == exhaustive.hits.map(\.id), "\(label)", sourceLocation: sourceLocation)
    #expect(pruned.hits.map(\.score) == exhaustive.hits.map(\.score), "\(label)", sourceLocation: sourceLocation)
    return exhaustive
}

/// Makes `searcher` run its pruned searches on two threads over parts of a few hundred documents, as it does
/// on large indexes.
func splitAcrossThreads(_ searcher: Searcher) {
    searcher.searchThreads = 2
    searcher.parallelMinimumDocuments = 0
    searcher.partsPerIndex = 16
    searcher.minimumPartDocuments = 64
}

struct SearcherTests {
    /// Pruned top-k equals exhaustive scoring on ≥ 200 random queries, over several segments with deletions.
    @Test func prunedTopKEqualsExhaustive() throws {
        try TemporaryDirectory.with { dir in
            let batches = (0..<3).map { randomPostings(700, seed: UInt64($0 + 1), prefix: "b\($0)-") }
            let deleted = (0..<60).map { "b\($0 % 3)-\($0 * 7)" }
            let snapshot = try buildIndex(dir, batches, deleted: deleted)
            #expect(snapshot.segments.count >= 3)
            var g = SeededRandom(seed: 42)
            var checked = 0
            for q in 0..<240 {
                var parts: [String] = []
                for _ in 0..<(Int(g.next() % 4) + 1) {
                    let w = vocabulary[Int(g.next() % UInt64(vocabulary.count))]
                    switch g.next() % 10 {
                    case 0: parts.append("\"\(w) \(vocabulary[Int(g.next() % UInt64(vocabulary.count))])\"")
                    case 1: parts.append("-\(w)")
                    case 2: parts.append("title:\(w)")
                    case 3: parts.append("salary>=\(6000 + g.next() % 6000)")
                    default: parts.append(w)
                    }
                }
                var options = SearchOptions()
                options.match = q % 3 == 0 ? .all : .any
                options.fieldWeights = q % 2 == 0 ? ["title": 1, "body": 1] : ["title": 2, "body": 0.7]
                let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer(), options: options)
                if (q / 2) % 2 == 1 {
                    // Two threads, parts of segments, one shared top k: still exactly the exhaustive list.
                    splitAcrossThreads(searcher)
                    #expect((searcher.laneChunks()?.count ?? 0) > snapshot.segments.count)
                }
                let query = try QueryParser().parse(parts.joined(separator: " "))
                let k = [1, 5, 10, 50][q % 4]
                let exhaustive = try expectPrunedEqualsExhaustive(searcher, query, limit: k, "\(parts)")
                for hit in exhaustive.hits { #expect(!deleted.contains(hit.id)) }
                if !exhaustive.hits.isEmpty { checked += 1 }
                if q % 4 == 1 {
                    // Facets come from a counting pass beside the pruned search; the scored pass must agree.
                    let facets = ["region"]
                    let prunedFacets = try searcher.search(query, limit: k, facets: facets)
                    let exhaustiveFacets = try searcher.search(query, limit: k, facets: facets, strategy: .exhaustive)
                    #expect(prunedFacets.hits.map(\.id) == exhaustive.hits.map(\.id))
                    #expect(prunedFacets.totalMatches == exhaustiveFacets.totalMatches)
                    for f in facets {
                        #expect(prunedFacets.facets[f]?.map(\.value) == exhaustiveFacets.facets[f]?.map(\.value))
                        #expect(prunedFacets.facets[f]?.map(\.count) == exhaustiveFacets.facets[f]?.map(\.count))
                    }
                    var matches = 0
                    try searcher.forEachMatch(query) { _, _ in matches += 1 }
                    #expect(prunedFacets.totalMatches == matches)
                }
            }
            #expect(checked >= 200)
        }
    }

    /// On two threads, documents that tie (the same text in every part of the index) still rank by position,
    /// as on one: each thread may drop a document only below the shared k-th score, never at it.
    @Test func tiesAcrossThreadsGoToTheEarlierDocument() throws {
        try TemporaryDirectory.with { dir in
            let texts = [("数控车工", "数控车床 编程 操作 经验"), ("CNC machinist", "CNC lathe programming, FANUC"),
                         ("焊工", "二保焊 氩弧焊 焊接 经验"), ("设备维修", "设备 维修 保养 PLC 电气"),
                         ("数控编程", "数控 编程 UG 加工中心 经验")]
            let batches = (0..<3).map { b in
                (0..<400).map { i in Posting(id: "t\(b)-\(i)", title: texts[i % texts.count].0, body: texts[i % texts.count].1) }
            }
            let snapshot = try buildIndex(dir, batches)
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            splitAcrossThreads(searcher)
            for text in ["数控 编程", "经验", "cnc fanuc", "\"设备 维修\" plc", "焊接 OR 编程", "title:焊工 经验"] {
                for k in [1, 7, 30] {
                    let exhaustive = try expectPrunedEqualsExhaustive(searcher, try QueryParser().parse(text), limit: k, text)
                    // The copies tie, so the first k in index order win.
                    #expect(exhaustive.hits.count == k, "\(text)")
                }
            }
        }
    }

    /// A lane of a parallel search prunes strictly below the shared k-th score: a document tying it may come
    /// earlier and win.
    @Test func aLanePrunesOnlyBelowTheSharedKthScore() {
        let lane = SearchLane(shared: LaneState(k: 2))
        #expect(lane.threshold == -.infinity)
        lane.insert(.init(score: 3, segment: 1, doc: 5))
        #expect(lane.threshold == -.infinity)
        lane.insert(.init(score: 2, segment: 1, doc: 9))
        #expect(lane.threshold < 2 && lane.threshold > 1.999)
        // A tie that comes earlier enters; a later one does not.
        lane.insert(.init(score: 2, segment: 0, doc: 1))
        lane.insert(.init(score: 2, segment: 2, doc: 0))
        #expect(lane.shared.top.withLock { $0.sorted().map(\.doc) } == [5, 1])
    }

    /// All-words queries (a conjunction MaxScore drives, checking each word's group per candidate) return the
    /// exhaustive top k, over postings long enough for many blocks, with negations, filters and fielded words.
    @Test func allWordsTopKEqualsExhaustive() throws {
        try TemporaryDirectory.with { dir in
            let batches = (0..<2).map { randomPostings(2500, seed: UInt64($0 + 11), prefix: "a\($0)-") }
            let snapshot = try buildIndex(dir, batches, deleted: (0..<40).map { "a\($0 % 2)-\($0 * 13)" })
            var g = SeededRandom(seed: 7)
            var conjunctions = 0, checked = 0
            for q in 0..<90 {
                var parts: [String] = []
                for _ in 0..<(Int(g.next() % 3) + 2) {
                    parts.append(vocabulary[Int(g.next() % UInt64(vocabulary.count))])
                }
                switch q % 5 {
                case 1: parts.append("-\(vocabulary[Int(g.next() % UInt64(vocabulary.count))])")
                case 2: parts.append("salary>=\(6000 + g.next() % 6000)")
                case 3: parts.append("title:\(vocabulary[Int(g.next() % UInt64(vocabulary.count))])")
                default: break
                }
                var options = SearchOptions()
                options.match = .all
                options.fieldWeights = q % 2 == 0 ? ["title": 1, "body": 1] : ["title": 2, "body": 0.7]
                let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer(), options: options)
                if (q / 2) % 2 == 1 { splitAcrossThreads(searcher) }
                let query = try QueryParser().parse(parts.joined(separator: " "))
                if try searcher.plan(query).match.conjunctionWithChecks != nil { conjunctions += 1 }
                let k = [1, 3, 10, 20][q % 4]
                let exhaustive = try expectPrunedEqualsExhaustive(searcher, query, limit: k, "\(parts)")
                if !exhaustive.hits.isEmpty { checked += 1 }
            }
            #expect(conjunctions >= 45)
            #expect(checked >= 60)
        }
    }

    /// All-words chunks that split into words and also spell a compound or have synonyms (`精益生产`: its
    /// words, or the compound, or `lean production`) match the same postings through MaxScore's groups as
    /// through the match tree, scored the same; a posting with only the synonym is found.
    @Test func allWordsChunksWithCompoundsAndSynonymsMatchAsTheTreeDoes() throws {
        try TemporaryDirectory.with { dir in
            let pieces = ["数控编程", "数控", "编程", "精益生产", "lean production", "精益", "生产", "设备维修", "设备",
                          "维修", "PLC", "可编程控制器", "六西格玛", "six sigma", "焊工", "二保焊", "经验", "优先", "lean", "production",
                          "sigma"]
            var g = SeededRandom(seed: 31)
            let batches = (0..<2).map { b in
                (0..<900).map { i -> Posting in
                    func text(_ n: Int) -> String {
                        (0..<n).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined(separator: g.next() % 2 == 0 ? "，" : " ")
                    }
                    return Posting(id: "s\(b)-\(i)", title: text(Int(g.next() % 2) + 1), body: text(Int(g.next() % 30) + 1))
                }
            }
            let synonymOnly = Posting(id: "lean-only", title: "lean production", body: "lean production 经验")
            let snapshot = try buildIndex(dir, batches + [[synonymOnly]], deleted: (0..<20).map { "s\($0 % 2)-\($0 * 17)" })
            let queries = ["数控编程", "精益生产", "设备维修", "六西格玛", "PLC编程", "精益生产 设备维修", "数控编程 经验",
                           "焊工二保焊", "设备维修 -优先", "six sigma 精益生产"]
            var options = SearchOptions()
            options.match = .all
            options.expansionShare = 1
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer(), options: options)
            var distributed = 0
            for text in queries {
                let query = try QueryParser().parse(text)
                let plan = try searcher.plan(query)
                if case .or = plan.match, plan.match.conjunctionWithChecks != nil { distributed += 1 }
                if case .and(let parts) = plan.match, parts.contains(where: { if case .or = $0 { return true } else { return false } }),
                   plan.match.conjunctionWithChecks != nil {
                    distributed += 1
                }
                var matches = 0
                try searcher.forEachMatch(query) { _, _ in matches += 1 }
                for k in [1, 10, matches + 1] {
                    try expectPrunedEqualsExhaustive(searcher, query, limit: k, "\(text) k=\(k)")
                }
                #expect(try searcher.search(query, limit: matches + 1).hits.count == matches, "\(text)")
            }
            #expect(distributed >= 5)
            let lean = try searcher.search(try QueryParser().parse("精益生产"), limit: 2000)
            #expect(lean.hits.contains { $0.id == "lean-only" })
        }
    }

    /// Pruned top-k equals exhaustive scoring where blocks have more competitive (freq, length) pairs than the
    /// impacts keep (so merged pairs bound them), and for phrases bounded by their terms' impacts.
    /// A window's bounds hold for every posting in it: a common word whose only high-frequency posting lies
    /// far from its first block must not be pruned there. (Windows that ended with the essential clauses'
    /// blocks and bounded a clause by its first block in the window failed this: tried while trying Lucene's
    /// outer windows, see docs/BENCHMARKS.md.)
    @Test func windowBoundsCoverEveryBlockInTheWindow() throws {
        try TemporaryDirectory.with { dir in
            // `alpha` in every 40th posting, all 32 words long: the first three hold `beta` twice, the others
            // once, but the last holds it 25 times. `beta` alone is in every other posting, 40 words long. The
            // first three set the bar; the window that reaches the last `alpha` posting starts in a `beta`
            // block of single occurrences, and a bound from that block alone would let MaxScore drop it.
            func words(_ w: String, _ n: Int) -> String { Array(repeating: w, count: n).joined(separator: " ") }
            let postings = (0..<1400).map { i -> Posting in
                let body: String
                if i == 1360 {
                    body = "alpha " + words("beta", 25) + " " + words("filler", 6)
                } else if i % 40 == 0 {
                    body = i < 100 ? "alpha beta beta " + words("filler", 29) : "alpha beta " + words("filler", 30)
                } else if i % 2 == 0 {
                    body = "beta " + words("filler", 39)
                } else {
                    body = words("filler", 31)
                }
                return Posting(id: "d\(i)", title: "", body: body)
            }
            let snapshot = try buildIndex(dir, [postings])
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            for k in [1, 3] {
                let top = try expectPrunedEqualsExhaustive(searcher, try QueryParser().parse("alpha beta"), limit: k, "k \(k)")
                #expect(top.hits.first?.id == "d1360")
            }
        }
    }

    @Test func prunedTopKEqualsExhaustiveWithCappedImpacts() throws {
        try TemporaryDirectory.with { dir in
            let words = ["数控", "焊工", "PLC", "编程", "机器人", "视觉"]
            var g = SeededRandom(seed: 77)
            let batches = (0..<2).map { b in
                (0..<600).map { i -> Posting in
                    // Each word repeated 1…30 times, pairs of words in a row (phrases), over 0…300 filler words.
                    var parts: [String] = []
                    for _ in 0..<(Int(g.next() % 3) + 1) {
                        let w = words[Int(g.next() % UInt64(words.count))]
                        let pair = g.next() % 2 == 0 ? " " + words[Int(g.next() % UInt64(words.count))] : ""
                        parts += Array(repeating: w + pair, count: Int(g.next() % 30) + 1)
                    }
                    parts += Array(repeating: "维修", count: Int(g.next() % 300))
                    return Posting(id: "c\(b)-\(i)", title: words[Int(g.next() % UInt64(words.count))],
                                   body: parts.shuffled(using: &g).joined(separator: " "))
                }
            }
            let snapshot = try buildIndex(dir, batches, deleted: (0..<30).map { "c\($0 % 2)-\($0 * 11)" })
            // Some blocks' impacts are full (capped, most likely).
            var full = 0
            for segment in snapshot.segments {
                let cursor = try #require(try segment.postings(field: 1, term: "数控"))
                while let block = cursor.shallowBlock(for: cursor.doc), cursor.doc != PostingsCursor.noMoreDocs {
                    if try cursor.impacts(ofBlock: block.block).count == PostingsFormat.maxImpacts { full += 1 }
                    try cursor.advance(to: block.lastDoc + 1)
                }
            }
            #expect(full > 0)
            var checked = 0
            for q in 0..<120 {
                var parts: [String] = []
                for _ in 0..<(Int(g.next() % 3) + 1) {
                    let w = words[Int(g.next() % UInt64(words.count))]
                    parts.append(g.next() % 4 == 0 ? "\"\(w) \(words[Int(g.next() % UInt64(words.count))])\"" : w)
                }
                var options = SearchOptions()
                options.match = q % 3 == 0 ? .all : .any
                let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer(), options: options)
                let query = try QueryParser().parse(parts.joined(separator: " "))
                let k = [1, 5, 10][q % 3]
                let exhaustive = try expectPrunedEqualsExhaustive(searcher, query, limit: k, "\(parts)")
                if !exhaustive.hits.isEmpty { checked += 1 }
            }
            #expect(checked >= 100)
        }
    }

    @Test func subwordsMatchBelowExactWords() throws {
        try TemporaryDirectory.with { dir in
            let snapshot = try buildIndex(dir, [[
                Posting(id: "exact", title: "工具", body: "管理工具"),
                Posting(id: "longer", title: "仓库", body: "整理工具箱"),
                Posting(id: "none", title: "焊工", body: "二保焊"),
                Posting(id: "pending", title: "文员", body: "负责待处理订单"),
                Posting(id: "plc", title: "电气", body: "熟悉PLC编程"),
            ]])
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            let tools = try searcher.search(try QueryParser().parse("工具")).hits.map(\.id)
            #expect(tools == ["exact", "longer"])
            #expect(try searcher.search(try QueryParser().parse("处理")).hits.map(\.id) == ["pending"])
            #expect(try searcher.search(try QueryParser().parse("编程")).hits.map(\.id) == ["plc"])
            #expect(try searcher.search(try QueryParser().parse("箱")).hits.map(\.id) == ["longer"])
        }
    }

    /// A searcher kept across searches (as `talent serve` keeps them) remembers dictionary entries, analysed
    /// lexicon forms, synonym clauses and whole plans; it answers every query exactly as a new searcher does,
    /// asked again, for a later page, and after its options change.
    @Test func aLongLivedSearcherAnswersLikeAFreshOne() throws {
        try TemporaryDirectory.with { dir in
            let snapshot = try buildIndex(dir, [randomPostings(150, seed: 5, prefix: "a") + [
                Posting(id: "weld-en", title: "MIG welding operator", body: "welding of steel frames"),
                Posting(id: "weld-zh", title: "焊工", body: "熟练二保焊 焊接工艺 氩弧焊"),
                Posting(id: "plc-zh", title: "电气工程师", body: "可编程控制器 编程 西门子"),
            ], randomPostings(80, seed: 6, prefix: "b")], deleted: ["a3", "b7"])
            let analyzer = try Analyzer()
            let queries = ["mig welding", "焊接", "welding 深圳", "PLC 编程", "可编程控制器", "工具", "数控 车工",
                           "\"数控 车工\"", "焊工 -二保焊", "title:焊工 OR 电工", "机器人 视觉 质检", "welding"]
            var variants: [SearchOptions] = []
            for match in [MatchMode.any, .all] {
                for synonymWeight in [0.5, 1.0] {
                    var o = SearchOptions()
                    o.match = match
                    o.synonymWeight = synonymWeight
                    variants.append(o)
                }
            }
            let kept = try Searcher(snapshot: snapshot, analyzer: analyzer)
            for round in 0..<2 {
                for options in variants {
                    kept.options = options
                    for q in queries {
                        let query = try QueryParser().parse(q)
                        let fresh = try Searcher(snapshot: snapshot, analyzer: analyzer, options: options)
                        let want = try fresh.search(query, limit: 20)
                        let got = try kept.search(query, limit: 20)
                        #expect(got.hits.map(\.id) == want.hits.map(\.id), "round \(round) \(options.match) \(q)")
                        #expect(got.hits.map(\.score) == want.hits.map(\.score), "round \(round) \(options.match) \(q)")
                        #expect(got.highlightTerms == want.highlightTerms, "\(q)")
                        // Asked again, and for the next page, the kept plan gives the same answers.
                        let again = try kept.search(query, limit: 20)
                        #expect(again.hits.map(\.id) == want.hits.map(\.id), "again \(options.match) \(q)")
                        #expect(again.hits.map(\.score) == want.hits.map(\.score), "again \(options.match) \(q)")
                        #expect(again.highlightTerms == want.highlightTerms, "again \(q)")
                        let page = try kept.search(query, limit: 10, offset: 10)
                        #expect(page.hits.map(\.id) == Array(want.hits.dropFirst(10).map(\.id)), "page 2 \(options.match) \(q)")
                    }
                }
            }
        }
    }

    /// A query in one language finds postings that say it in the other through the lexicon (skills, occupations
    /// and everyday job words), ranked below postings in the query's own language; with synonyms off
    /// (`--no-expand`) only the query's own words match.
    @Test(arguments: [
        // query, posting in the query's language, posting in the other language
        ("welding", "MIG welding operator", "二保焊 焊接 经验"),
        ("焊接", "焊接 工艺 二保焊", "MIG welding of steel frames"),
        ("可编程控制器", "可编程控制器 编程 调试", "PLC programming and commissioning"),
        ("warehouse", "warehouse picking and packing", "仓库 发货 盘点"),
        ("driver", "truck driver, B licence", "司机 持B2驾照"),
        ("maintenance", "maintenance of production lines", "负责 生产线 设备 维修"),
        ("accountant", "accountant for month-end close", "会计 负责 月结 报税"),
        ("电工", "电工 持证 上岗", "electrician with a licence"),
    ])
    func crossLanguageMatchesRankBelowSameLanguage(query: String, same: String, other: String) throws {
        try TemporaryDirectory.with { dir in
            // Other postings share no word with the queries, so both postings asked about make the top ten.
            let filler = (0..<60).map { Posting(id: "f\($0)", title: "岗位", body: ["经验 优先", "深圳 苏州", "五险一金 双休"][$0 % 3]) }
            let snapshot = try buildIndex(dir, [filler + [Posting(id: "same", title: "岗位", body: same),
                                                          Posting(id: "other", title: "岗位", body: other)]])
            let analyzer = try Analyzer()
            let parsed = try QueryParser().parse(query)
            let expanded = try Searcher(snapshot: snapshot, analyzer: analyzer).search(parsed, limit: 10).hits.map(\.id)
            #expect(expanded.firstIndex(of: "same") == 0, "\(query): \(expanded)")
            #expect(expanded.contains("other"), "\(query) finds the other language: \(expanded)")
            var plain = SearchOptions()
            plain.synonymWeight = 0
            let literal = try Searcher(snapshot: snapshot, analyzer: analyzer, options: plain).search(parsed, limit: 10).hits.map(\.id)
            #expect(literal.contains("same") && !literal.contains("other"), "\(query) without expansion: \(literal)")
        }
    }

    /// A query that is one lexicon entry spelt with common words (数据库管理员: 数据 库 管理 员) is as rare as the
    /// entry: postings that name it only by a synonym (DBA) are found, above postings that merely share its
    /// words (仓库管理员: 库 管理 员).
    @Test func aQueryThatIsOneEntryOfCommonWordsGetsItsSynonyms() throws {
        try TemporaryDirectory.with { dir in
            // Each word of 数据库管理员 in 30 postings (over the expansion limit of 20), the entry itself in none.
            let common = (0..<30).map { Posting(id: "c\($0)", title: "岗位", body: "图书库 管理员 录入 数据") }
            let snapshot = try buildIndex(dir, [common + [
                Posting(id: "dba", title: "Oracle DBA", body: "负责 Oracle 备份 与 调优"),
                Posting(id: "keeper", title: "仓库管理员", body: "负责 仓库 数据 录入 管理"),
            ]])
            let hits = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
                .search(try QueryParser().parse("数据库管理员"), limit: 40).hits.map(\.id)
            let dba = try #require(hits.firstIndex(of: "dba"), "\(hits)")
            #expect(hits.firstIndex(of: "keeper").map { dba < $0 } ?? true, "\(hits)")
        }
    }

    /// The words of a query share one pass over each field's dictionaries, and a searcher remembers it.
    @Test func oneDictionaryPassPerFieldForAllOfAQuerysWords() throws {
        try TemporaryDirectory.with { dir in
            let snapshot = try buildIndex(dir, [[
                Posting(id: "longer", title: "仓库", body: "整理工具箱"),
                Posting(id: "pending", title: "文员", body: "负责待处理订单"),
            ], [
                Posting(id: "none", title: "焊工", body: "二保焊"),
            ]])
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            let hits = try searcher.search(try QueryParser().parse("工具 处理")).hits.map(\.id)
            #expect(Set(hits) == ["longer", "pending"])
            #expect(searcher.dictionaryPasses == searcher.defaultFields.count)
            _ = try searcher.search(try QueryParser().parse("处理 工具"))
            #expect(searcher.dictionaryPasses == searcher.defaultFields.count)
        }
    }

    @Test func foldedQueriesFieldsRangesAndFacets() throws {
        try TemporaryDirectory.with { dir in
            let snapshot = try buildIndex(dir, [[
                Posting(id: "a", title: "机器人调试工程师", body: "ABB机器人编程", region: "广东·深圳", salary: 9000),
                Posting(id: "b", title: "焊工", body: "会机器人焊接", region: "江苏·苏州", salary: 5000),
                Posting(id: "c", title: "PLC工程师", body: "西门子S7-1200", region: "广东·深圳", salary: 12000),
                Posting(id: "d", title: "装配", body: "电焊工，负责焊机和工装", region: "江苏·常州", salary: 6000),
            ]])
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            func ids(_ q: String, facets: [String] = []) throws -> [String] {
                try searcher.search(try QueryParser().parse(q), facets: facets).hits.map(\.id)
            }
            #expect(Set(try ids("機器人")) == ["a", "b"])
            #expect(try ids("ＰＬＣ") == ["c"])
            #expect(try ids("title:机器人") == ["a"])
            #expect(Set(try ids("机器人 salary>=8000")) == ["a"])
            #expect(try ids("机器人 -焊接") == ["a"])
            #expect(try ids("s7-1200") == ["c"])
            #expect(try ids("\"机器人 焊接\"") == ["b"])
            let faceted = try searcher.search(try QueryParser().parse("机器人 OR PLC"), facets: ["region"])
            #expect(faceted.totalMatches == 3)
            #expect(faceted.facets["region"]?.first?.value == "广东·深圳")
            #expect(faceted.facets["region"]?.first?.count == 2)
            let snippet = try searcher.snippet("熟悉ABB機器人，会焊接", terms: faceted.highlightTerms)
            #expect(snippet.marked(open: "【", close: "】") == "熟悉ABB【機器人】，会焊接")
            #expect(snippet.highlights == [9..<18])
            // Matched words that touch are marked as one; words apart stay apart.
            let touching = try searcher.snippet("数控车床经验，会数控", terms: ["数", "控", "经验"])
            #expect(touching.marked(open: "【", close: "】") == "【数控】车床【经验】，会【数控】")
            #expect(touching.highlights.count == 3)
            // Characters a longer query word was cut into are marked where they touch another match only; a
            // character typed on its own is marked everywhere.
            let pieces = try searcher.search(try QueryParser().parse("数控编程")).highlightPieces
            #expect(pieces.isSuperset(of: ["数", "控"]))
            #expect(try searcher.search(try QueryParser().parse("数")).highlightPieces.isEmpty)
            let cut = try searcher.snippet("熟悉广数系统，会数控编程", terms: ["数", "控", "编", "程"], pieces: pieces)
            #expect(cut.marked(open: "【", close: "】") == "熟悉广数系统，会【数控编程】")
            let alone = try searcher.snippet("熟悉广数系统，会数控编程", terms: ["数"])
            #expect(alone.marked(open: "【", close: "】") == "熟悉广【数】系统，会【数】控编程")
            // A synonym the analyzer keeps as a compound (电焊工 for 焊工) is marked whole, and its words are
            // not marked on their own: no lone 工 in a welder's snippet.
            let welder = try searcher.search(try QueryParser().parse("焊工"))
            #expect(welder.hits.map(\.id).contains("d"))
            let synonym = try searcher.snippet("电焊工，负责焊机和工装", terms: welder.highlightTerms, pieces: welder.highlightPieces)
            #expect(synonym.marked(open: "【", close: "】") == "【电焊工】，负责焊机和工装")
            #expect(throws: SearchError.self) { try searcher.search(try QueryParser().parse("salary>=abc")) }
        }
    }

    /// Any query string gets results or a clear error: ≥ 10,000 random and mutated queries.
    @Test func randomQueriesNeverCrash() throws {
        try TemporaryDirectory.with { dir in
            let snapshot = try buildIndex(dir, [randomPostings(300, seed: 9, prefix: "r")])
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer())
            var g = SeededRandom(seed: 2024)
            let syntax = Array("()\"“”：:-<>=OR AND NOT *?\\/　，。".map(String.init))
            var answered = 0, refused = 0
            for i in 0..<10_000 {
                var q = ""
                let n = Int(g.next() % 12)
                for _ in 0..<n {
                    switch g.next() % 4 {
                    case 0: q += vocabulary[Int(g.next() % UInt64(vocabulary.count))]
                    case 1: q += syntax[Int(g.next() % UInt64(syntax.count))]
                    case 2: q += String(UnicodeScalar(UInt32(g.next() % 0xD7FF)).map(Character.init) ?? " ")
                    default: q += " "
                    }
                }
                if i % 1000 == 0 { q = String(repeating: "焊工 OR (", count: 200 + i / 10) }
                do {
                    _ = try searcher.search(try QueryParser().parse(q), limit: 5)
                    answered += 1
                } catch is QuerySyntaxError {
                    refused += 1
                } catch is SearchError {
                    refused += 1
                }
            }
            #expect(answered + refused == 10_000)
            #expect(answered > 1000)
        }
    }
}
