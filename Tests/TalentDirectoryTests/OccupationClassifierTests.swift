import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

/// One classifier for the whole suite: building it indexes every occupation. Its calls are serialised.
final class SharedClassifier: @unchecked Sendable {
    static let shared = SharedClassifier()
    private let lock = NSLock()
    private let classifier: OccupationClassifier

    private init() {
        classifier = try! OccupationClassifier(analyzer: try! Analyzer())
    }

    func with<R>(_ body: (OccupationClassifier) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(classifier)
    }
}

struct OccupationClassifierTests {
    /// Titles as job boards write them (not from the dev set), with the CSCO 2022 code they name.
    @Test(arguments: [
        ("数控车工", "6-18-01-01"),
        ("急招电焊工 两班倒 包吃住", "6-18-02-04"),
        ("某某机械有限公司招聘氩弧焊工（月薪8000-12000）", "6-18-02-04"),
        ("CNC加工中心操机师傅", "6-18-01-07"),
        ("注塑机调机员", "6-14-02-00"),
        ("SMT贴片操作员", "6-25-04-07"),
        ("维修电工（持证）", "6-31-01-03"),
        ("叉车司机/叉车工", "6-30-05-01"),
        ("仓库管理员", "4-02-06-01"),
        ("Java开发工程师（五险一金）", "2-02-10-03"),
        ("Senior Java Developer", "2-02-10-03"),
        ("算法工程师（NLP方向）", "2-02-38-01"),
        ("小区保安 夜班", "4-07-05-01"),
        ("总账会计", "2-06-03-00"),
        ("京东快递员 月入过万", "4-02-07-08"),
        ("中餐厨师", "4-03-02-01"),
        ("超市收银员", "4-01-02-04"),
        ("淘宝运营专员", "4-01-06-01"),
        ("注册护士（三甲医院）", "2-05-08-00"),
        ("高中数学老师", "2-08-02-01"),
        // A maternity nurse in a family is a 家政服务员 (its tasks name mothers and newborns at home); 保育师
        // works in nurseries and kindergartens.
        ("金牌月嫂", "4-10-01-06"),
        ("幼儿园保育员", "4-10-01-03"),
        // A workplace before a job only says where the job is; before a bare role word or the head of the
        // place it names the field.
        ("养老院厨师", "4-03-02-01"),
        ("电子厂会计", "2-06-03-00"),
        ("电子厂普工", "6-25-00-00"),
        ("美容院店长", "4-10-03-01"),
        // Titles that are a programming language name software work, not the C of a safety certificate.
        ("C/C++", "2-02-10-03"),
        ("JavaScript", "2-02-10-03"),
        // Digital front- and back-end are chip design, not web front- and back-end.
        ("数字后端工程师", "2-02-38-09"),
        ("数字前端设计工程师", "2-02-38-09"),
        // Bending and shearing sheet are 冲压工's work in the classification's definition, not 镗工's.
        ("数控折弯机操作工", "6-18-01-12"),
        ("剪板工", "6-18-01-12"),
        // English titles.
        ("Program Manager, Cloud Infrastructure", "2-02-30-04"),
        ("Database Administrator", "4-04-05-04"),
        ("Robotics Technician", "6-31-07-01"),
        ("Payroll Specialist", "2-06-08-01"),
        // In an English job title, Director is a senior manager; the film director says so.
        ("Finance Director, Google Fixed Assets", "2-06-03-00"),
        ("Film Director", "2-09-01-06"),
    ])
    func mapsTitles(title: String, code: String) throws {
        let best = try SharedClassifier.shared.with { try $0.classify(title).first }
        #expect(best?.code == code, "\(title) → \(best.map { "\($0.code) \($0.name)" } ?? "nothing")")
        #expect(best?.middle == Occupation.middle(of: code))
    }

    /// Sales titles: managers and senior staff are marketing professionals (2-06-07-02), their staff 营销员;
    /// a generic role word in a gap is another role (建材产品销售经理 is no 产品经理); international trade stays.
    @Test(arguments: [
        ("建材产品销售经理", "2-06-07-02"),
        ("兽药销售总监（华东）", "2-06-07-02"),
        ("资深销售代表", "2-06-07-02"),
        ("销售代表", "4-01-02-01"),
        ("海外销售经理（中东）", "2-06-07-01"),
        ("电源研发工程师", "2-02-11-01"),
        ("才艺主播", "4-13-01-05"),
        ("日结工 包吃住", "4-99-00-00"),
        ("寒假工", "8-00-00-00"),
    ])
    func ranksRolesByHead(title: String, code: String) throws {
        let best = try SharedClassifier.shared.with { try $0.classify(title).first }
        #expect(best?.code == code, "\(title) → \(best.map { "\($0.code) \($0.name)" } ?? "nothing")")
    }

    /// An engineer or technician of a product or material is an engineering professional (2-02), not the
    /// worker who makes it: the product before the head word only qualifies it, and no worker's name may end
    /// inside the head (电焊工 in 电焊工程师). Without the head word the worker stays.
    @Test(arguments: [
        ("电焊工程师", "2-02"),
        ("阀门工程师", "2-02"),
        ("钢丝绳技术员", "2-02"),
        ("电焊工", "6-18"),
        ("钢丝绳制造工", "6-17"),
    ])
    func headWordNamesKind(title: String, middle: String) throws {
        let best = try SharedClassifier.shared.with { try $0.classify(title).first }
        #expect(best?.middle == middle, "\(title) → \(best.map { "\($0.code) \($0.name)" } ?? "nothing")")
    }

    @Test func marksSeniorTitles() {
        #expect(OccupationTitle(folded: "高级销售代表").senior)
        #expect(OccupationTitle(folded: "资深化工销售").senior)
        #expect(!OccupationTitle(folded: "高级中学教师").senior)
        #expect(!OccupationTitle(folded: "销售代表").senior)
    }

    /// Traditional script, full-width forms and case fold onto the same occupation.
    @Test(arguments: [
        ("数控车工", "數控車工"),
        ("Java开发工程师", "ＪＡＶＡ開發工程師"),
        ("电焊工（包吃住）", "電焊工(包吃住)"),
        ("仓库管理员", "倉庫管理員"),
    ])
    func foldsVariants(plain: String, variant: String) throws {
        let (a, b) = try SharedClassifier.shared.with { (try $0.classify(plain).first, try $0.classify(variant).first) }
        #expect(a != nil)
        #expect(a == b)
    }

    /// Indexing (no engine) records the occupation one English word names, as it does for the two Chinese
    /// characters it translates (焊工).
    @Test(arguments: [("Welder", "6-18-02-04"), ("Electrician", "6-31-01-03"), ("Accountant", "2-06-03-00"),
                      ("Translator", "2-10-05-00")])
    func oneEnglishWordIsAssignedAtIndexing(title: String, code: String) throws {
        let best = try SharedClassifier.shared.with { try $0.assign(title, useEngine: false) }
        #expect(best?.code == code, "\(title) → \(String(describing: best))")
    }

    /// Titles that name no occupation give nothing, or only a low score.
    /// 正式工 ("regular worker") names no occupation; the engine's guesses for it share a 中类 (6-18), and
    /// their support for each other must not make a guess look confident.
    @Test(arguments: ["", "   ", "！！！", "asdf qwer", "高薪 双休 五险一金 包吃住", "12345", "正式工"])
    func noiseMatchesNothing(title: String) throws {
        let matches = try SharedClassifier.shared.with { try $0.classify(title) }
        #expect(matches.isEmpty || matches[0].score < OccupationClassifier.confidentScore, "\(title) → \(matches)")
        #expect(try SharedClassifier.shared.with { try $0.assign(title) } == nil)
    }

    @Test func returnsAlternativesBestFirst() throws {
        let matches = try SharedClassifier.shared.with { try $0.classify("数控车工", limit: 3) }
        #expect(matches.count == 3)
        #expect(zip(matches, matches.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(Set(matches.map(\.code)).count == 3)
        #expect(try SharedClassifier.shared.with { try $0.classify("数控车工", limit: 0) }.isEmpty)
    }

    @Test func namesCodes() {
        SharedClassifier.shared.with { c in
            #expect(c.name(of: "6-18-01-01") == "车工")
            #expect(c.name(of: "4-13-01-05") == "全媒体运营师")  // without its S marker
            #expect(c.name(of: "6-00-00-00") == "生产制造及有关人员")
            #expect(c.name(of: "9-99-99-99") == nil)
            #expect(c.catalog["4-13-01-05"]?.marks == "S")
        }
    }

    @Test func bundledCatalogHasEveryLevel() throws {
        let catalog = try OccupationCatalog()
        #expect(catalog.occupations.count > 2000)
        #expect(Set(catalog.occupations.map(\.level)) == [1, 2, 3, 4])
        #expect(catalog.occupations.allSatisfy { $0.definition.isEmpty && $0.tasks.isEmpty })
        #expect(catalog.occupations.reduce(0) { $0 + $1.aliases.count } > 1000)
    }

    /// Definitions and tasks from a classification file are searched too; its alias column is not read.
    @Test func readsDefinitionsFromClassificationFile() throws {
        try withTemporaryFolder { dir in
            let path = dir + "/csco.csv"
            try """
                level,code,name,definition,tasks,alias
                4,6-18-01-01,车工,使用车床加工偏心工件的人员。,1.装夹工件 2.车削内外圆,"旋风砂轮工"
                """.write(toFile: path, atomically: true, encoding: .utf8)
            let classifier = try OccupationClassifier(analyzer: try Analyzer(), classificationFile: path)
            #expect(classifier.catalog["6-18-01-01"]?.definition == "使用车床加工偏心工件的人员。")
            #expect(try classifier.classify("偏心工件").first?.code == "6-18-01-01")
            #expect(try SharedClassifier.shared.with { try $0.classify("偏心工件").first?.code } != "6-18-01-01")
            #expect(try classifier.classify("旋风砂轮工").first?.code != "6-18-01-01")
        }
    }

    @Test func rejectsClassificationFileWithoutCodes() throws {
        try withTemporaryFolder { dir in
            let path = dir + "/bad.csv"
            try "name,definition\n车工,x\n".write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: OccupationError.self) { try OccupationCatalog(classificationFile: path) }
            #expect(throws: OccupationError.self) { try OccupationCatalog(classificationFile: dir + "/missing.csv") }
        }
    }

    /// Title cleaning keeps the job and drops the rest.
    @Test(arguments: [
        ("江苏某某工业炉招聘焊工(包吃住)", ["焊工"]),
        ("招聘专员", ["招聘专员"]),
        ("行政专员/助理", ["行政专员", "助理"]),
        ("【急招】数控车工 8k-12k", ["数控车工"]),
        ("c++开发 s7-1200", ["c++开发", "s7-1200"]),
        ("Front-End Developer", ["front-end developer"]),
        ("电话客服（无销售性质）双休", ["电话客服"]),
    ])
    func cleansTitles(title: String, segments: [String]) {
        let cleaned = OccupationTitle(folded: title.lowercased())
        #expect(cleaned.segments.map { String(String.UnicodeScalarView($0)) } == segments)
    }

    /// The employer's name before 招聘 is kept apart, as context.
    @Test func separatesEmployer() {
        let cleaned = OccupationTitle(folded: "鸿辉制衣招聘保安")
        #expect(cleaned.segments.map { String(String.UnicodeScalarView($0)) } == ["保安"])
        #expect(cleaned.employer.map { String(String.UnicodeScalarView($0)) } == ["鸿辉制衣"])
        #expect(OccupationTitle(folded: "招聘专员").employer.isEmpty)
    }

    @Test func foldersLeftByKilledProcessesAreRemovedAndLiveOnesKept() throws {
        let fm = FileManager.default
        // A process id no process has now.
        var dead: Int32 = 4_000_000
        while kill(dead, 0) == 0 || errno != ESRCH { dead -= 1 }
        let abandoned = fm.temporaryDirectory.appendingPathComponent("talent-occupations-\(dead)-\(UUID().uuidString)")
        let live = fm.temporaryDirectory.appendingPathComponent("talent-occupations-\(getpid())-\(UUID().uuidString)")
        for folder in [abandoned, live] {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data("x".utf8).write(to: folder.appendingPathComponent("write.lock"))
        }
        defer { try? fm.removeItem(at: live) }
        let classifier = try OccupationClassifier(analyzer: try Analyzer())
        #expect(try classifier.classify("数控车工").first?.code == "6-18-01-01")
        #expect(!fm.fileExists(atPath: abandoned.path))
        #expect(fm.fileExists(atPath: live.path))
    }
}

/// A fresh folder under the system's temporary directory, removed when `body` returns.
private func withTemporaryFolder<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("talent-occupations-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}
