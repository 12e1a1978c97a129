import Foundation
import Testing
import TestSupport

/// The reporting and search commands end to end, on the shipped sample corpus.
struct CommandsTests {
    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Indexing gives a posting the occupation its title names, even when the title is only the two-character
    /// name (电工) or one English word (Welder); a title naming none (正式工) gets no code.
    @Test func indexingAssignsOccupationsTitlesName() throws {
        try TemporaryDirectory.with { dir in
            let rows = [("1", "电工"), ("2", "焊工"), ("3", "Welder"), ("4", "会计"), ("5", "正式工")]
            try write(rows.map { #"{"id":"\#($0.0)","title":"\#($0.1)","description":"x"}"# }.joined(separator: "\n") + "\n",
                      to: dir + "/postings.jsonl")
            #expect(try CLI.run(["index", "postings.jsonl", "--index", "idx"], in: dir).status == 0)
            let out = try CLI.run(["directory", "--format", "json", "--index", "idx"], in: dir)
            let report = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any])
            let groups = try #require((report["sections"] as? [[String: Any]])?.first?["rows"] as? [[String: Any]])
            var codeOf: [String: String] = [:]
            for group in groups {
                for id in group["examples"] as? [String] ?? [] { codeOf[id] = group["key"] as? String ?? "none" }
            }
            #expect(codeOf == ["1": "6-31-01-03", "2": "6-18-02-04", "3": "6-18-02-04", "4": "2-06-03-00", "5": "none"])

            // A level up, by 中类, with the classification's names.
            let byGroup = try CLI.run(["directory", "--by", "occupation-group", "--format", "csv", "--lang", "zh", "--index", "idx"], in: dir)
            #expect(byGroup.status == 0, "\(byGroup.stderr)")
            let lines = byGroup.stdout.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            #expect(lines.map { "\($0[2]) \($0[1]) \($0[3])" } == ["6-18 机械制造基础加工人员 2", "2-06 经济和金融专业人员 1", "6-31 生产辅助人员 1", " (未注明) 1"])
        }
    }

    @Test func searchDirectoryGapsAndClassifyOnTheSampleCorpus() throws {
        try TemporaryDirectory.with { dir in
            let corpus = CLI.packageRoot.appendingPathComponent("corpus").path
            #expect(try CLI.run(["index", corpus, "--index", "idx"], in: dir).status == 0)

            // Search: JSON lines with highlights inside the snippet; Traditional finds Simplified.
            let search = try CLI.run(["search", "焊工", "--json", "-n", "5", "--index", "idx"], in: dir)
            #expect(search.status == 0, "\(search.stderr)")
            let hits = try jsonLines(search.stdout)
            #expect(hits.count == 5)
            for hit in hits {
                let snippet = try #require(hit["snippet"] as? String)
                for range in hit["highlights"] as? [[Int]] ?? [] {
                    #expect(range[0] < range[1] && range[1] <= snippet.utf8.count)
                }
            }
            #expect((hits.first?["title"] as? String)?.contains("焊") == true)
            let traditional = try jsonLines(try CLI.run(["search", "銲工", "--json", "-n", "5", "--index", "idx"], in: dir).stdout)
            #expect(traditional.map { $0["id"] as? String } == hits.map { $0["id"] as? String })

            // Text output counts all matches, the same number facets count.
            let text = try CLI.run(["search", "焊工", "-n", "2", "--index", "idx"], in: dir)
            let faceted = try CLI.run(["search", "焊工", "-n", "0", "--facet", "region", "--index", "idx"], in: dir)
            let total = faceted.stdout.split(separator: "\n").first.map { String($0.split(separator: " ")[0]) } ?? "?"
            #expect(text.stdout.contains("showing 1-2 of \(total) matching posting(s)"), "\(text.stdout)")

            let syntax = try CLI.run(["search", "title:(焊工", "--index", "idx"], in: dir)
            #expect(syntax.status == 1)
            #expect(syntax.stderr.contains("column 7"), "\(syntax.stderr)")

            // Directory by skill as JSON: groups with shares in (0, 1].
            let directory = try CLI.run(["directory", "--by", "skill", "--format", "json", "--index", "idx"], in: dir)
            #expect(directory.status == 0, "\(directory.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(directory.stdout.utf8)) as? [String: Any])
            #expect((report["facts"] as? [String: Any])?["postings"] as? Int == (try liveTitles(dir + "/idx")).count)

            // Gaps against the example curriculum; a curriculum without skills is refused.
            let curriculum = CLI.packageRoot.appendingPathComponent("docs/examples/curriculum.csv").path
            let gaps = try CLI.run(["gaps", "--curriculum", curriculum, "--format", "md", "--index", "idx"], in: dir)
            #expect(gaps.status == 0, "\(gaps.stderr)")
            #expect(gaps.stdout.contains("|"))
            try write("just words\nnothing here\n", to: dir + "/none.txt")
            let none = try CLI.run(["gaps", "--curriculum", "none.txt", "--index", "idx"], in: dir)
            #expect(none.status != 0)
            #expect(none.stderr.contains("no recognisable skill"))

            // Classify as JSON.
            let classified = try jsonLines(try CLI.run(["classify", "数控车工", "電焊工", "--json"], in: dir).stdout)
            #expect(classified.map { $0["code"] as? String } == ["6-18-01-01", "6-18-02-04"])
            #expect(classified.map { $0["confident"] as? Bool } == [true, true])
            // A title naming no occupation gets the engine's best guess, marked as one.
            let guess = try CLI.run(["classify", "正式工", "数控车工"], in: dir).stdout.split(separator: "\n")
            #expect(guess.count == 2 && guess[0].hasSuffix(", a guess)") && !guess[1].contains("guess"), "\(guess)")
            let guessJSON = try jsonLines(try CLI.run(["classify", "正式工", "--json"], in: dir).stdout)
            #expect(guessJSON.first?["confident"] as? Bool == false)
        }
    }
}
