import Testing
import TextAnalysis

@testable import TalentDirectory

struct SkillCase: CustomTestStringConvertible, Sendable {
    var text: String
    var skills: [String]
    var testDescription: String { text }
}

struct SkillCatalogTests {
    static let catalog: SkillCatalog = try! SkillCatalog(analyzer: try! Analyzer())

    static let cases: [SkillCase] = [
        SkillCase(text: "熟悉PLC编程和机器视觉", skills: ["plc", "programming", "plc-programming", "machine-vision"]),
        SkillCase(text: "knows machine vision and Spring Boot", skills: ["machine-vision", "spring-boot"]),
        SkillCase(text: "熟悉可編程控制器與機器視覺", skills: ["plc", "machine-vision"]),
        SkillCase(text: "持焊工证，会二保焊", skills: ["welder-cert", "welding-co2"]),
        SkillCase(text: "go to work in spring, react quickly", skills: []),
        // Languages a posting asks for, in either language.
        SkillCase(text: "外贸业务员，英语六级，会日语优先", skills: ["foreign-trade", "lang-english", "lang-japanese"]),
        SkillCase(text: "Fluent English and German; agile, TDD and code reviews", skills: ["lang-english", "lang-german", "agile", "tdd", "code-review"]),
        SkillCase(text: "", skills: []),
    ]

    @Test(arguments: cases)
    func tagsSkills(_ c: SkillCase) throws {
        let found = try Self.catalog.skills(in: c.text, session: try Analyzer().makeSession()).map(\.id)
        #expect(found == c.skills)
    }

    @Test func everySkillHasBothLabelsAndACategory() {
        let skills = Self.catalog.skills.values
        #expect(skills.count >= 780)
        #expect(skills.allSatisfy { !$0.category.isEmpty && (!$0.zh.isEmpty || !$0.en.isEmpty) })
        #expect(!skills.contains { SkillCatalog.nonSkillCategories.contains($0.category) })
    }
}
