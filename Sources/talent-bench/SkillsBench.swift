import ArgumentParser
import Foundation
import TalentDirectory
import TextAnalysis

/// How well skill tagging finds the skills experts marked in English job-posting sentences (SkillSpan).
struct SkillsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skills",
        abstract: "Skill tagging against SkillSpan's expert spans (English postings, sentence by sentence).",
        discussion: """
            Each sentence is tagged as indexing tags a posting (the lexicon's skills), and so is each gold span
            alone. Precision: of the skills tagged in a sentence, the share also found inside one of its gold
            spans. Recall: of the gold spans, the share in which tagging finds a skill. SkillSpan marks
            knowledge (Python, AWS, accounting) and skills (write unit tests, lead a team); the lexicon names
            knowledge far more than skills, so both are reported. Use the train split to look for missing
            skills and the dev split to measure.
              swift run -c release talent-bench skills
              swift run -c release talent-bench skills --file ../shared/data/en-skillspan/train.json --missing 40
            """
    )

    @Option(help: "SkillSpan JSON Lines (tokens, tags_skill, tags_knowledge).")
    var file = "../shared/data/en-skillspan/dev.json"

    @Option(help: "Print this many of the most frequent gold knowledge spans no skill was found in.")
    var missing = 0

    private struct Sentence: Decodable {
        var tokens: [String]
        var tags_skill: [String]
        var tags_knowledge: [String]
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ValidationError("cannot read \(file) (run from the project folder, beside ../shared, or pass --file)")
        }
        let analyzer = try Analyzer()
        let catalog = try SkillCatalog(analyzer: analyzer)
        let session = try analyzer.makeSession()
        let decoder = JSONDecoder()

        var tagged = 0, taggedInSpan = 0, sentences = 0
        var spans = ["knowledge": 0, "skill": 0], covered = ["knowledge": 0, "skill": 0]
        var uncovered: [String: Int] = [:]
        let start = Date()
        for line in data.split(separator: 0x0A) where !line.isEmpty {
            let s = try decoder.decode(Sentence.self, from: line)
            sentences += 1
            let found = Set(try catalog.tagger.tags(in: s.tokens.joined(separator: " "), session: session))
            var inSpans: Set<String> = []
            for (kind, tags) in [("knowledge", s.tags_knowledge), ("skill", s.tags_skill)] {
                for span in Self.spans(tags) {
                    let text = s.tokens[span].joined(separator: " ")
                    let ids = try catalog.tagger.tags(in: text, session: session)
                    spans[kind, default: 0] += 1
                    if ids.isEmpty {
                        if kind == "knowledge" { uncovered[text.lowercased(), default: 0] += 1 }
                    } else {
                        covered[kind, default: 0] += 1
                    }
                    inSpans.formUnion(ids)
                }
            }
            tagged += found.count
            taggedInSpan += found.intersection(inSpans).count
        }
        let seconds = Date().timeIntervalSince(start)
        func ratio(_ a: Int, _ b: Int) -> String { b == 0 ? "—" : String(format: "%.3f", Double(a) / Double(b)) }
        print("\(file): \(sentences) sentences, \(spans["knowledge"]!) knowledge and \(spans["skill"]!) skill spans")
        print("| measure | value |")
        print("|---|---|")
        print("| precision (tagged skills inside a gold span) | \(ratio(taggedInSpan, tagged)) (\(taggedInSpan) of \(tagged)) |")
        for kind in ["knowledge", "skill"] {
            print("| recall, \(kind) spans | \(ratio(covered[kind]!, spans[kind]!)) (\(covered[kind]!) of \(spans[kind]!)) |")
        }
        let all = spans.values.reduce(0, +), hit = covered.values.reduce(0, +)
        print("| recall, all spans | \(ratio(hit, all)) |")
        print(String(format: "%.0f sentences/s", Double(sentences) / seconds))
        if missing > 0 {
            print("most frequent knowledge spans without a skill:")
            for (text, n) in uncovered.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(missing) {
                print("  \(n)\t\(text)")
            }
        }
    }

    /// The token ranges of BIO-tagged spans.
    static func spans(_ tags: [String]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start: Int?
        for (i, tag) in tags.enumerated() {
            if tag == "B" || (tag == "I" && start == nil) {
                if let s = start { result.append(s..<i) }
                start = i
            } else if tag != "I", let s = start {
                result.append(s..<i)
                start = nil
            }
        }
        if let s = start { result.append(s..<tags.count) }
        return result
    }
}
