import SearchEngine
import TextAnalysis

/// The skills of the lexicon (every entry but occupations and general vocabulary), and how postings are tagged
/// with them: any of a skill's names (Chinese, English, synonyms, regional variants) in a posting's title,
/// description or skill tags gives the posting the skill's id.
public struct SkillCatalog: Sendable {
    public let lexicon: Lexicon
    /// Skill entries by id.
    public let skills: [String: Lexicon.Entry]
    /// The tagger indexing runs over title, body and skills.
    public let tagger: TermTagger

    /// Lexicon categories that are not skills.
    public static let nonSkillCategories: Set<String> = ["occupation", "vocab", "user"]

    /// English words that name a technology but mostly mean something else in running text; as single words
    /// they do not tag (`Spring Boot`, `Go语言` still do).
    static let ambiguousWords: Set<String> = [
        "go", "spring", "react", "swift", "rust", "spark", "hive", "excel", "flask", "electron", "bootstrap",
        "postman", "eclipse", "c", "r", "ai", "qt", "oa", "it", "pm", "ie", "ce", "ul", "abb", "5s", "6s", "7s",
    ]

    public init(analyzer: Analyzer) throws {
        lexicon = analyzer.lexicon
        let session = try analyzer.makeSession()
        var skills: [String: Lexicon.Entry] = [:]
        var single: [String: [String]] = [:]
        var runs: [[String]: [String]] = [:]
        func add<K: Hashable>(_ table: inout [K: [String]], _ key: K, _ id: String) {
            if table[key]?.contains(id) != true { table[key, default: []].append(id) }
        }
        for entry in lexicon.entries where !Self.nonSkillCategories.contains(entry.category) {
            skills[entry.id] = entry
            for form in entry.forms {
                let tokens = try session.analyze(form)
                let words = tokens.filter { $0.length == 1 }
                guard !words.isEmpty else { continue }
                if tokens.count == 1 {
                    let term = tokens[0].term
                    if !Self.ambiguousWords.contains(term) { add(&single, term, entry.id) }
                } else if let compound = tokens.first(where: { $0.length > 1 }), compound.length == words.count {
                    add(&single, compound.term, entry.id)
                } else if words.count <= 4 {
                    add(&runs, words.map(\.term), entry.id)
                }
            }
        }
        self.skills = skills
        // Fields 0, 1, 2 are title, body and skills in `TalentIndex.schema`.
        tagger = TermTagger(fields: [0, 1, 2], column: TalentIndex.skillIDsColumn, single: single, runs: runs)
    }

    /// The skill ids a text mentions, in order of first mention.
    public func skills(in text: String, session: AnalysisSession) throws -> [Lexicon.Entry] {
        try tagger.tags(in: text, session: session).compactMap { skills[$0] }
    }
}
