import Foundation
import Testing

@testable import TextAnalysis

struct LexiconTests {
    @Test func parsesColumnsListsAndSingleTermLines() throws {
        let entries = try Lexicon.parse("""
            # comment
            plc\tautomation\t可编程控制器\tPLC\t可编程逻辑控制器 | programmable logic controller\t可程式控制器

            SolidWorks
            """, path: "x.tsv")
        #expect(entries.count == 2)
        #expect(entries[0].synonyms == ["可编程逻辑控制器", "programmable logic controller"])
        #expect(entries[0].variants == ["可程式控制器"])
        #expect(entries[1] == Lexicon.Entry(id: "SolidWorks", category: "user", zh: "", en: "SolidWorks"))
    }

    @Test func badRowsNameFileAndLine() {
        #expect {
            try Lexicon.parse("a\tb\tc\td\n\tcat\t中\ten\n", path: "mine.tsv")
        } throws: { error in
            "\(error)" == "mine.tsv:2: the id column is empty"
        }
        #expect {
            try Lexicon.parse("ok\tcat\t中\n1\t2\t3\t4\t5\t6\t7\n", path: "mine.tsv")
        } throws: { error in
            "\(error)".hasPrefix("mine.tsv:2: expected at most 6")
        }
        #expect {
            try Lexicon.parse("x\tcat\t\t\n", path: "mine.tsv")
        } throws: { error in
            "\(error)" == "mine.tsv:1: entry 'x' has neither a zh nor an en label"
        }
    }

    @Test func userFileExtendsTheBuiltIn() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try "氢能叉车\nIATF-16949X\n".write(to: url, atomically: true, encoding: .utf8)
        let analyzer = Analyzer(lexicon: try Lexicon.builtin(adding: [url.path]))
        #expect(try analyzer.analyze("招聘氢能叉车司机").map(\.term).contains("氢能叉车"))
        #expect(try analyzer.analyze("IATF-16949X").map(\.term) == ["iatf-16949x"])
        #expect(try analyzer.analyze("C++").map(\.term) == ["c++"])
    }

    @Test func multiWordFormsAreNotJoined() throws {
        let analyzer = Analyzer(lexicon: testLexicon)
        #expect(try analyzer.analyze("programmable logic controller").map(\.term) == ["programmable", "logic", "controller"])
    }

    @Test func mixedLatinAndHanFormsAreNotJoined() throws {
        let analyzer = Analyzer(lexicon: try Lexicon(entries: [
            Lexicon.Entry(id: "plc-programming", category: "automation", zh: "PLC编程", en: "PLC programming"),
            Lexicon.Entry(id: "programming", category: "it-general", zh: "编程", en: "programming"),
        ]))
        #expect(try analyzer.analyze("熟悉PLC编程").map(\.term) == ["熟悉", "plc", "编程", "编", "程"])
        #expect(Lexicon.isJoinable("数控机床") && Lexicon.isJoinable("s7-1200") && Lexicon.isJoinable("c++"))
        #expect(!Lexicon.isJoinable("Java开发工程师") && !Lexicon.isJoinable("IATF 16949") && !Lexicon.isJoinable(""))
    }

    @Test func builtInLexiconIsWellFormed() throws {
        let entries = try Lexicon.builtin().entries
        #expect(entries.count >= 300)
        #expect(Set(entries.map(\.id)).count == entries.count, "ids are unique")
        let session = try Analyzer(lexicon: .empty).makeSession()
        var seen: [String: String] = [:]
        for entry in entries {
            for form in entry.forms {
                let folded = try session.fold(form)
                if let other = seen[folded], other != entry.id {
                    Issue.record("form '\(form)' of \(entry.id) is also a form of \(other)")
                }
                seen[folded] = entry.id
            }
        }
    }
}
