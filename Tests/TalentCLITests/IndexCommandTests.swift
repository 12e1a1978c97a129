import Foundation
import IndexStore
import Testing
import TestSupport

@testable import TalentDirectory

/// Live documents of an index: id → title.
func liveTitles(_ index: String) throws -> [String: String] {
    let snapshot = try IndexSnapshot(directory: index)
    var out: [String: String] = [:]
    for r in snapshot.segments {
        for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
            let record = try TalentIndex.record(from: r.storedDocument(doc))
            #expect(out[record.id] == nil, "id \(record.id) is live twice")
            out[record.id] = record.title
        }
    }
    return out
}

/// JSON Lines of generated postings.
func postings(_ ids: Range<Int>, version: String, seed: UInt64) -> String {
    var g = SeededRandom(seed: seed)
    let words = ["数控车床", "焊工证", "PLC编程", "西门子", "S7-1200", "机器人", "质检", "Java", "C++", "装配", "模具",
                 "叉车证", "电气", "维修", "SolidWorks", "五轴", "精益生产", "二氧化碳保护焊", "深圳", "苏州"]
    var lines: [String] = []
    for i in ids {
        let body = (0..<60).map { _ in words[Int(g.next() % UInt64(words.count))] }.joined(separator: "，")
        lines.append(#"{"id":"r\#(i)","title":"\#(version) 岗位 \#(i)","description":"\#(body)","region":"广东·深圳","posted":"2025-0\#(i % 9 + 1)-15"}"#)
    }
    return lines.joined(separator: "\n") + "\n"
}

struct IndexCommandTests {
    @Test func indexesTheShippedCorpus() throws {
        try TemporaryDirectory.with { dir in
            let corpus = CLI.packageRoot.appendingPathComponent("corpus").path
            let first = try CLI.run(["index", corpus, "--index", dir + "/idx"], in: dir)
            #expect(first.status == 0, "\(first.stderr)")
            let titles = try liveTitles(dir + "/idx")
            #expect(titles.count >= 300)
            #expect(titles.keys.contains { $0.hasPrefix("gb-") }, "the GB18030 CSV is read")
            #expect(titles.keys.contains { $0.hasPrefix("tw-") })
            let again = try CLI.run(["index", corpus, "--index", dir + "/idx"], in: dir)
            #expect(again.status == 0)
            #expect(again.stdout.contains("0 added, 0 replaced, \(titles.count) unchanged"), "\(again.stdout)")
            let check = try CLI.run(["check", "--index", dir + "/idx"], in: dir)
            #expect(check.status == 0)
            #expect(check.stdout.hasPrefix("ok: \(titles.count) documents"))
            let stats = try CLI.run(["stats", "--json", "--index", dir + "/idx"], in: dir)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(stats.stdout.utf8)) as? [String: Any])
            #expect(object["documents"] as? Int == titles.count)
            #expect((object["segments"] as? Int ?? 0) >= 1)
            #expect((object["terms"] as? Int ?? 0) > 1000)
            #expect(((object["bytes"] as? [String: Int])?["total"] ?? 0) > 0)
        }
    }

    /// Within one run, a record read later replaces one read earlier with the same id, whichever analysis
    /// thread took each (batches go to the least busy one), and is counted as replaced.
    @Test func aLaterRecordWithTheSameIDInOneRunReplacesTheEarlier() throws {
        try TemporaryDirectory.with { dir in
            // 30 versions of r0..r39, interleaved through two files: 1,200 records, 40 ids.
            var a = "", b = ""
            for round in 0..<30 {
                let part = postings(0..<40, version: "v\(round)", seed: UInt64(round))
                if round % 2 == 0 { a += part } else { b += part }
            }
            try write(a, to: dir + "/c/a.jsonl")
            try write(b, to: dir + "/c/b.jsonl")
            let run = try CLI.run(["index", "c", "--index", "idx", "--threads", "2"], in: dir)
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("1200 added, 1160 replaced"), "\(run.stdout)")
            let titles = try liveTitles(dir + "/idx")
            // Files are read in name order: b.jsonl (odd rounds) last, so round 29 wins.
            #expect(titles.count == 40)
            #expect(titles.allSatisfy { $0.value == "v29 岗位 \($0.key.dropFirst())" }, "\(titles.prefix(3))")
        }
    }

    @Test func replacesUpdatesDeletesAndOptimizes() throws {
        try TemporaryDirectory.with { dir in
            try write(postings(0..<40, version: "v1", seed: 1), to: dir + "/c/a.jsonl")
            try write(postings(40..<80, version: "v1", seed: 2), to: dir + "/c/b.jsonl")
            #expect(try CLI.run(["index", "c", "--index", "idx"], in: dir).status == 0)
            // a.jsonl changes: r0..r19 rewritten, r20..r39 gone, r100..r104 new.
            try write(postings(0..<20, version: "v2", seed: 3) + postings(100..<105, version: "v2", seed: 4), to: dir + "/c/a.jsonl")
            let update = try CLI.run(["index", "c", "--index", "idx"], in: dir)
            #expect(update.status == 0)
            #expect(update.stdout.contains("25 added, 20 replaced, 40 unchanged, 20 removed"), "\(update.stdout)")
            var titles = try liveTitles(dir + "/idx")
            #expect(titles.count == 65)
            #expect(titles["r0"] == "v2 岗位 0")
            #expect(titles["r25"] == nil)
            #expect(titles["r50"] == "v1 岗位 50")
            let delete = try CLI.run(["delete", "--id", "r50", "--id", "nope", "--index", "idx"], in: dir)
            #expect(delete.status == 0)
            #expect(delete.stderr.contains("nope"))
            titles = try liveTitles(dir + "/idx")
            #expect(titles.count == 64 && titles["r50"] == nil)
            let optimize = try CLI.run(["optimize", "--index", "idx"], in: dir)
            #expect(optimize.status == 0, "\(optimize.stderr)")
            #expect(try IndexSnapshot(directory: dir + "/idx").segments.count == 1)
            #expect(try liveTitles(dir + "/idx") == titles)
            #expect(try CLI.run(["check", "--index", "idx"], in: dir).status == 0)
        }
    }

    @Test func badRowsAreReportedAndSkipped() throws {
        try TemporaryDirectory.with { dir in
            try write("""
                {"id":"j1","title":"焊工","description":"二保焊"}
                {"id":"j2","title": broken
                {"id":"j3","region":"上海"}
                {"id":"j4","title":"电工","description":"低压电工证"}

                """, to: dir + "/c/a.jsonl")
            try write("id,title,description\nc1,钳工,会看图\nc2,only two\nc3,车工,\"数控车床\"\n", to: dir + "/c/b.csv")
            try FileManager.default.createDirectory(atPath: dir + "/c", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: dir + "/c/gb.csv", contents: Data([0x69, 0x64, 0x2C, 0x74, 0x69, 0x74, 0x6C, 0x65, 0x0A,
                                                                                     0x67, 0x31, 0x2C, 0xCA, 0xFD, 0xBF, 0xD8, 0x0A]))
            let result = try CLI.run(["index", "c", "--index", "idx"], in: dir)
            #expect(result.status == 3, "exit status 3: indexed with rejects")
            #expect(result.stderr.contains("c/a.jsonl:2: malformed JSON"), "\(result.stderr)")
            #expect(result.stderr.contains("c/a.jsonl:3:"))
            #expect(result.stderr.contains("c/b.csv:3: row has 2 fields"))
            #expect(Set(try liveTitles(dir + "/idx").keys) == ["j1", "j4", "c1", "c3", "g1"])
            #expect(try liveTitles(dir + "/idx")["g1"] == "数控", "the GBK CSV decodes")

            let strict = try CLI.run(["index", "c", "--index", "strict-idx", "--strict"], in: dir)
            #expect(strict.status == 1)
            #expect(strict.stderr.contains("c/a.jsonl:2"))
            #expect(try IndexDirectory.readManifest(dir + "/strict-idx") == nil, "strict mode commits nothing")

            let missing = try CLI.run(["index", "nowhere", "--index", "idx"], in: dir)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("nowhere: no such file or folder"))
            #expect(!missing.stderr.contains("Fatal"))
        }
    }

    @Test func secondWriterIsRefused() throws {
        try TemporaryDirectory.with { dir in
            try write(postings(0..<5, version: "v1", seed: 1), to: dir + "/c/a.jsonl")
            let tx = try IndexTransaction(directory: dir + "/idx", schema: TalentIndex.schema, purpose: "test holder")
            let result = try CLI.run(["index", "c", "--index", "idx"], in: dir)
            #expect(result.status == 1)
            #expect(result.stderr.contains("pid \(ProcessInfo.processInfo.processIdentifier)"), "\(result.stderr)")
            #expect(result.stderr.contains("test holder"))
            try tx.commit()
            #expect(try CLI.run(["index", "c", "--index", "idx"], in: dir).status == 0)
        }
    }

    @Test func checkNamesADamagedFile() throws {
        try TemporaryDirectory.with { dir in
            try write(postings(0..<200, version: "v1", seed: 1), to: dir + "/c/a.jsonl")
            #expect(try CLI.run(["index", "c", "--index", "idx", "--threads", "1"], in: dir).status == 0)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/idx").filter { $0.hasPrefix("seg") }
            #expect(names.count == 5)
            for name in names {
                let path = dir + "/idx/" + name
                let original = try Data(contentsOf: URL(fileURLWithPath: path))
                var bytes = [UInt8](original)
                bytes[bytes.count / 2] ^= 0xFF
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let result = try CLI.run(["check", "--index", "idx"], in: dir)
                #expect(result.status == 1)
                #expect(result.stderr.contains(name), "\(name): \(result.stderr)")
                try original.write(to: URL(fileURLWithPath: path))
            }
            #expect(try CLI.run(["check", "--index", "idx"], in: dir).status == 0)
        }
    }
}

struct RebuildTests {
    @Test func rebuildReplacesAnIndexOfAnotherSchemaAtCommit() throws {
        try TemporaryDirectory.with { dir in
            try write(postings(0..<30, version: "v1", seed: 5), to: dir + "/c/a.jsonl")
            // An index of another schema, as an older talent would have left.
            let other = Schema(textFields: ["text"], columns: [])
            let tx = try IndexTransaction(directory: dir + "/idx", schema: other, purpose: "old talent")
            let builder = SegmentBuilder(schema: other)
            let units = Array("旧".utf16)
            units.withUnsafeBufferPointer { builder.addToken(field: 0, units: $0, position: 0) }
            builder.finishDocument(id: "old", stored: [], values: [])
            try tx.addSegment(try builder.write(to: dir + "/idx", name: tx.newSegmentName()))
            try tx.commit()

            let refused = try CLI.run(["index", "c", "--index", "idx"], in: dir)
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("--rebuild"), "\(refused.stderr)")

            let rebuilt = try CLI.run(["index", "c", "--index", "idx", "--rebuild"], in: dir)
            #expect(rebuilt.status == 0, "\(rebuilt.stderr)")
            #expect(try liveTitles(dir + "/idx").count == 30)
            #expect(try IndexChecker.check(dir + "/idx").documents == 30)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/idx").filter { $0.hasSuffix(".post") }
            #expect(files.count == (try IndexSnapshot(directory: dir + "/idx")).segments.count, "the old segment is gone")
        }
    }
}
