import Foundation
import TestSupport
import Testing

@testable import TextAnalysis

struct LexiconCacheTests {
    @Test func compiledLexiconReadsBackTheSameTables() throws {
        try TemporaryDirectory.with { dir in
            let built = try Lexicon(entries: Lexicon.builtin().entries)
            let path = LexiconCache.path(directory: dir + "/cache", key: 42)
            LexiconCache.store(built, key: 42, path: path)
            let read = try #require(LexiconCache.load(key: 42, path: path))
            #expect(LexiconCache.load(key: 43, path: path) == nil)
            #expect(read.entries == built.entries)
            #expect(read.termUnits == built.termUnits)
            #expect(read.nodeTerms == built.nodeTerms)
            #expect(read.rootChildren == built.rootChildren)
            #expect(read.entriesOfForm == built.entriesOfForm)
            #expect(read.forms.storage.keys == built.forms.storage.keys)
            #expect(read.forms.storage.slots == built.forms.storage.slots)
            #expect(read.edges.storage.count == built.edges.storage.count)
            let context = try FoldingContext()
            for entry in built.entries {
                for form in entry.forms {
                    let folded = String(utf16Units: try context.fold(form))
                    #expect(read.entries(forFolded: folded) == built.entries(forFolded: folded))
                }
            }
            for text in ["熟悉FANUC系统和PLC编程，数控机床操作与程式設計", "軟體 c++ s7-1200 .net 机器人焊接",
                         "Senior CNC machinist, quality inspector, forklift driver"] {
                #expect(try Analyzer(lexicon: read).analyze(text) == Analyzer(lexicon: built).analyze(text))
            }
        }
    }

    @Test func damagedOrTruncatedFilesAreIgnored() throws {
        try TemporaryDirectory.with { dir in
            let built = try Lexicon(entries: Lexicon.builtin().entries)
            let path = LexiconCache.path(directory: dir, key: 7)
            LexiconCache.store(built, key: 7, path: path)
            var bytes = try #require(FileManager.default.contents(atPath: path))
            bytes[bytes.count / 2] ^= 0x40
            try bytes.write(to: URL(fileURLWithPath: path))
            #expect(LexiconCache.load(key: 7, path: path) == nil)
            try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
            #expect(LexiconCache.load(key: 7, path: path) == nil)
            #expect(LexiconCache.load(key: 7, path: dir + "/missing.bin") == nil)
        }
    }

    @Test func keepsOnlyTheNewestFiles() throws {
        try TemporaryDirectory.with { dir in
            let lexicon = try Lexicon(entries: [Lexicon.Entry(id: "plc", category: "automation", zh: "可编程控制器", en: "PLC")])
            for key in 0..<UInt64(LexiconCache.kept + 3) {
                LexiconCache.store(lexicon, key: key, path: LexiconCache.path(directory: dir, key: key))
            }
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("lexicon-v1-") }
            #expect(files.count == LexiconCache.kept)
        }
    }
}
