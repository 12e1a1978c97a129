import Testing
import TestSupport

@testable import SearchEngine

private func text(_ s: String) -> Query { .text(s) }
private func phrase(_ s: String) -> Query { .phrase(s) }
private func range(_ field: String, _ op: RangeOperator, _ value: String) -> Query {
    .range(field: field, op: op, value: value)
}
private func between(_ field: String, _ low: String, _ high: String) -> Query {
    .and([range(field, .ge, low), range(field, .le, high)])
}

struct QueryParserTests {
    let parser = QueryParser()

    // MARK: Parsing

    static let plain: [(String, Query)] = [
        ("焊工", text("焊工")),
        ("welder", text("welder")),
        ("PLC编程", text("PLC编程")),
        ("  焊工  ", text("焊工")),
        ("焊工 深圳", .group([text("焊工"), text("深圳")])),
        ("焊工\u{3000}深圳", .group([text("焊工"), text("深圳")])),
        ("Senior CNC machinist", .group([text("Senior"), text("CNC"), text("machinist")])),
        ("数控车工 CNC 5-axis", .group([text("数控车工"), text("CNC"), text("5-axis")])),
        ("C++ C# .NET Node.js", .group([text("C++"), text("C#"), text(".NET"), text("Node.js")])),
        ("S7-1200 3-5年 焊工-电工", .group([text("S7-1200"), text("3-5年"), text("焊工-电工")])),
        ("or and not", .group([text("or"), text("and"), text("not")])),
        ("http://x foo:bar C#: 要求：熟悉", .group([text("http://x"), text("foo:bar"), text("C#:"), text("要求：熟悉")])),
        (":焊工 title", .group([text(":焊工"), text("title")])),
        ("foo>=3 >=3 salary", .group([text("foo>=3"), text(">=3"), text("salary")])),
        ("--verbose", text("--verbose")),
        ("a|b", text("a|b")),
    ]

    static let phrases: [(String, Query)] = [
        ("\"PLC 编程\"", phrase("PLC 编程")),
        ("“数控 机床”", phrase("数控 机床")),
        ("「焊工证」", phrase("焊工证")),
        ("＂焊工 证＂", phrase("焊工 证")),
        ("\"mixed＂", phrase("mixed")),
        ("焊工\"PLC\"深圳", .group([text("焊工"), phrase("PLC"), text("深圳")])),
        ("\"a (b) OR c\" d", .group([phrase("a (b) OR c"), text("d")])),
        ("“it's ”", phrase("it's ")),
    ]

    static let fields: [(String, Query)] = [
        ("title:焊工", .field("title", text("焊工"))),
        ("Title:Welder", .field("title", text("Welder"))),
        ("skill:PLC", .field("skills", text("PLC"))),
        ("company:华为", .field("employer", text("华为"))),
        ("description:焊接", .field("body", text("焊接"))),
        ("职位：焊工", .field("title", text("焊工"))),
        ("技能:\"PLC 编程\"", .field("skills", phrase("PLC 编程"))),
        ("学历：「本科」", .field("education", phrase("本科"))),
        ("region:(深圳 OR 广州)", .field("region", .or([text("深圳"), text("广州")]))),
        ("地区：（深圳 广州）", .field("region", .group([text("深圳"), text("广州")]))),
        ("title: 焊工", .field("title", text("焊工"))),
        ("title:OR", .field("title", text("OR"))),
        ("title:S7-1200", .field("title", text("S7-1200"))),
        ("title:焊工 OR 电工", .or([.field("title", text("焊工")), text("电工")])),
        ("title:焊工 深圳", .group([.field("title", text("焊工")), text("深圳")])),
    ]

    static let ranges: [(String, Query)] = [
        ("salary>=8000", range("salary", .ge, "8000")),
        ("salary<=8000", range("salary", .le, "8000")),
        ("salary>8000", range("salary", .gt, "8000")),
        ("salary<8000", range("salary", .lt, "8000")),
        ("salary=8000", range("salary", .eq, "8000")),
        ("experience<=3", range("experience", .le, "3")),
        ("headcount>5", range("headcount", .gt, "5")),
        ("posted>=2025-01-01", range("posted", .ge, "2025-01-01")),
        ("SALARY>=8k", range("salary", .ge, "8k")),
        ("salary>= 8000", range("salary", .ge, "8000")),
        ("salary >= 8000", range("salary", .ge, "8000")),
        ("salary >=1.5万", range("salary", .ge, "1.5万")),
        ("salary:>=8000", range("salary", .ge, "8000")),
        ("salary:<8000", range("salary", .lt, "8000")),
        ("salary:8000", range("salary", .eq, "8000")),
        ("salary:\"8000\"", range("salary", .eq, "8000")),
        ("salary:8000..12000", between("salary", "8000", "12000")),
        ("salary=8000..12000", between("salary", "8000", "12000")),
        ("salary:8000..", range("salary", .ge, "8000")),
        ("salary:..12000", range("salary", .le, "12000")),
        ("salary:8000-12000", between("salary", "8000", "12000")),
        ("salary:8k-12k", between("salary", "8k", "12k")),
        ("薪资：1.5万～2万", between("salary", "1.5万", "2万")),
        ("experience:3-5年", between("experience", "3", "5年")),
        ("posted:2025-01-01", range("posted", .eq, "2025-01-01")),
        ("posted:2025-01", range("posted", .eq, "2025-01")),
        ("posted:2025-01-01..2025-06-30", between("posted", "2025-01-01", "2025-06-30")),
        ("薪资≥8000", range("salary", .ge, "8000")),
        ("月薪＞＝8000", range("salary", .ge, "8000")),
        ("经验≤3", range("experience", .le, "3")),
        ("人数＞5", range("headcount", .gt, "5")),
        ("薪资＝8000", range("salary", .eq, "8000")),
        ("发布时间>=2025-01-01", range("posted", .ge, "2025-01-01")),
        ("salary<5000 OR salary>=8000", .or([range("salary", .lt, "5000"), range("salary", .ge, "8000")])),
        ("焊工 salary>=8000 深圳", .group([text("焊工"), range("salary", .ge, "8000"), text("深圳")])),
    ]

    static let negations: [(String, Query)] = [
        ("-焊工", .not(text("焊工"))),
        ("－焊工", .not(text("焊工"))),
        ("NOT 焊工", .not(text("焊工"))),
        ("-\"PLC 编程\"", .not(phrase("PLC 编程"))),
        ("-“PLC 编程”", .not(phrase("PLC 编程"))),
        ("-(a OR b)", .not(.or([text("a"), text("b")]))),
        ("焊工 -实习", .group([text("焊工"), .not(text("实习"))])),
        ("(-焊工)", .not(text("焊工"))),
        ("-title:焊工", .not(.field("title", text("焊工")))),
        ("-salary>=8000", .not(range("salary", .ge, "8000"))),
        ("-OR", .not(text("OR"))),
        ("NOT NOT 焊工", text("焊工")),
        ("-(-焊工)", text("焊工")),
        ("a NOT b", .group([text("a"), .not(text("b"))])),
        ("a AND NOT b", .and([text("a"), .not(text("b"))])),
        ("NOT a OR b", .or([.not(text("a")), text("b")])),
        ("- 焊工", text("焊工")),
        ("焊工 -", text("焊工")),
        ("焊工 － 电工", .group([text("焊工"), text("电工")])),
        ("(a -)", text("a")),
        ("-", .group([])),
        ("--- ---", .group([])),
    ]

    static let precedence: [(String, Query)] = [
        ("焊工 OR 电工 深圳", .group([.or([text("焊工"), text("电工")]), text("深圳")])),
        ("a AND b OR c", .or([.and([text("a"), text("b")]), text("c")])),
        ("a OR b AND c", .or([text("a"), .and([text("b"), text("c")])])),
        ("a || b && c", .or([text("a"), .and([text("b"), text("c")])])),
        ("焊工 ｜ 电工", .or([text("焊工"), text("电工")])),
        ("a OR b OR c", .or([text("a"), text("b"), text("c")])),
        ("a b OR c d", .group([text("a"), .or([text("b"), text("c")]), text("d")])),
        ("a or b", .group([text("a"), text("or"), text("b")])),
        ("(焊工)", text("焊工")),
        ("((焊工))", text("焊工")),
        ("(a b) c", .group([.group([text("a"), text("b")]), text("c")])),
        ("(a OR b) AND c", .and([.or([text("a"), text("b")]), text("c")])),
        ("（焊工 OR 电工）深圳", .group([.or([text("焊工"), text("电工")]), text("深圳")])),
        ("a OR(b)", .or([text("a"), text("b")])),
        ("f(x)", .group([text("f"), text("x")])),
    ]

    static let empty: [(String, Query)] = [
        ("", .group([])),
        ("   ", .group([])),
        ("\u{3000}\t\n", .group([])),
    ]

    static let cases: [(String, Query)] = [plain, phrases, fields, ranges, negations, precedence, empty].flatMap { $0 }

    @Test(arguments: cases)
    func parses(_ query: String, _ expected: Query) throws {
        #expect(try parser.parse(query) == expected)
    }

    @Test func nestsOneHundredParentheses() throws {
        let query = String(repeating: "(", count: 100) + "焊工" + String(repeating: ")", count: 100)
        #expect(try parser.parse(query) == text("焊工"))
    }

    // MARK: Errors

    static let errors: [(String, Int, String)] = [
        ("\"PLC 编程", 1, "unclosed quote"),
        ("title:\"PLC", 7, "unclosed quote"),
        ("焊工 “数控\"", 4, "unclosed quote"),
        ("「焊工", 1, "unclosed quote"),
        ("(焊工", 1, "unclosed parenthesis"),
        ("title:(焊工 OR 电工", 7, "unclosed parenthesis"),
        ("焊工 (a (b)", 4, "unclosed parenthesis"),
        ("焊工)", 3, "unbalanced parenthesis"),
        ("a) \"b", 2, "unbalanced parenthesis"),
        ("焊工 OR", 4, "missing term after OR"),
        ("(焊工 OR)", 5, "missing term after OR"),
        ("a OR OR b", 3, "missing term after OR"),
        ("a || ", 3, "missing term after ||"),
        ("a ｜", 3, "missing term after ｜"),
        ("a AND", 3, "missing term after AND"),
        ("a OR -", 3, "missing term after OR"),
        ("OR", 1, "missing term before OR"),
        ("AND AND", 1, "missing term before AND"),
        ("a (AND b)", 4, "missing term before AND"),
        ("NOT", 1, "missing term after NOT"),
        ("a NOT", 3, "missing term after NOT"),
        ("NOT OR a", 1, "missing term after NOT"),
        ("()", 1, "empty parentheses"),
        ("a （ ）", 3, "empty parentheses"),
        ("\"\"", 1, "empty phrase"),
        ("a “ ”", 3, "empty phrase"),
        ("salary>=", 1, "missing value after salary>="),
        ("a salary>= OR b", 3, "missing value after salary>="),
        ("薪资：", 1, "missing value after 薪资："),
        ("salary >", 1, "missing value after salary >"),
        ("salary:..", 1, "missing value after salary:"),
        ("salary:(8000)", 1, "missing value after salary:"),
        ("title:", 1, "missing value after title:"),
        ("(title:)", 2, "missing value after title:"),
        ("技能： OR", 1, "missing value after 技能："),
    ]

    @Test(arguments: errors)
    func rejects(_ query: String, _ column: Int, _ message: String) {
        #expect(throws: QuerySyntaxError(column: column, message: message, query: query)) {
            try parser.parse(query)
        }
    }

    @Test func rejectsDeepNesting() {
        let query = String(repeating: "(", count: 10_000) + "a" + String(repeating: ")", count: 10_000)
        #expect(throws: QuerySyntaxError(column: 101, message: "parentheses nested too deeply", query: query)) {
            try parser.parse(query)
        }
    }

    @Test func describesErrorsOnOneLineWithACaretLine() throws {
        let query = "title:\"PLC 编程"
        let error = try #require(throws: QuerySyntaxError.self) { try parser.parse(query) }
        #expect(error.description == "column 7: unclosed quote (opened here)")
        #expect(error.caretLine() == "title:\"PLC 编程\n      ^")
        // Wide characters take two cells; a newline shows as a space.
        let wide = QuerySyntaxError(column: 4, message: "missing term after OR", query: "焊工 OR\n")
        #expect(wide.description == "column 4: missing term after OR")
        #expect(wide.caretLine() == "焊工 OR \n     ^")
    }

    @Test func canonicalFieldNames() {
        #expect(QueryParser.canonicalField("Skill") == "skills")
        #expect(QueryParser.canonicalField("技能") == "skills")
        #expect(QueryParser.canonicalField("月薪") == "salary")
        #expect(QueryParser.canonicalField("TITLE") == "title")
        #expect(QueryParser.canonicalField("发布") == nil)
        for target in QueryParser.fieldAliases.values {
            #expect(QueryParser.textFields.contains(target) || QueryParser.rangeFields.contains(target))
            #expect(QueryParser.fieldAliases[target] == nil)
        }
    }

    // MARK: Robustness

    @Test func anyStringParsesOrThrowsASyntaxError() {
        var random = SeededRandom(seed: 0x7A1E_47)
        var problems: [String] = []
        var parsed = 0, rejected = 0
        func check(_ query: String) {
            do {
                let result = try parser.parse(query)
                parsed += 1
                if let problem = Self.malformed(result, top: true) {
                    problems.append("\(query.debugDescription): \(problem)")
                }
            } catch {
                rejected += 1
                if error.query != query || !(1...query.count).contains(error.column) || error.message.isEmpty {
                    problems.append("\(query.debugDescription): bad error \(error)")
                }
            }
        }
        for _ in 0..<6_000 {
            var query = ""
            for _ in 0..<Int.random(in: 0...12, using: &random) {
                switch random.next() % 3 {
                case 0: query.unicodeScalars.append(Self.randomScalar(using: &random))
                case 1: query += Self.syntax.randomElement(using: &random)!
                default: query += Self.words.randomElement(using: &random)!
                }
            }
            check(query)
        }
        for _ in 0..<6_000 {
            var chars = Array(Self.valid.randomElement(using: &random)!)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let i = Int.random(in: 0...chars.count, using: &random)
                switch random.next() % 4 {
                case 0: chars.insert(contentsOf: Self.syntax.randomElement(using: &random)!, at: i)
                case 1: chars.insert(Character(Self.randomScalar(using: &random)), at: i)
                case 2: if i < chars.count { chars.remove(at: i) }
                default:
                    let copy = Array(chars[i..<min(chars.count, i + 3)])
                    chars.insert(contentsOf: copy, at: i)
                }
            }
            check(String(chars))
        }
        // Long inputs: 10 kB of noise, runs of operators, deep negation.
        var noise = ""
        while noise.utf8.count < 10_000 { noise.unicodeScalars.append(Self.randomScalar(using: &random)) }
        check(noise)
        check(String(repeating: "(", count: 10_000))
        check(String(repeating: ")", count: 10_000))
        check(String(repeating: "NOT ", count: 2_500) + "a")
        check(String(repeating: "-(", count: 5_000))
        check(String(repeating: "a OR ", count: 2_000) + "a")
        check(String(repeating: "title:", count: 2_000))
        check(String(repeating: "\u{301}", count: 1_000) + "\"" + String(repeating: "\u{301}", count: 1_000))
        #expect(problems.isEmpty, "\(problems.prefix(10))")
        // The generator exercises both outcomes.
        #expect(parsed > 2_000 && rejected > 2_000, "\(parsed) parsed, \(rejected) rejected")
    }

    /// What is wrong with a successful result, or `nil`: empty strings, unknown fields, degenerate nodes.
    private static func malformed(_ query: Query, top: Bool = false) -> String? {
        switch query {
        case .text(let s), .phrase(let s):
            return s.isEmpty ? "empty \(query)" : nil
        case .field(let name, let inner):
            guard QueryParser.textFields.contains(name), QueryParser.fieldAliases[name] == nil else {
                return "field \(name)"
            }
            return malformed(inner)
        case .range(let field, _, let value):
            return QueryParser.rangeFields.contains(field) && !value.isEmpty ? nil : "range \(field) \(value)"
        case .not(let inner):
            if case .not = inner { return "double negation" }
            return malformed(inner)
        case .and(let parts), .or(let parts):
            return parts.count < 2 ? "\(parts.count)-part and/or" : parts.lazy.compactMap { malformed($0) }.first
        case .group(let parts):
            if parts.count == 1 || (parts.isEmpty && !top) { return "\(parts.count)-part group" }
            return parts.lazy.compactMap { malformed($0) }.first
        }
    }

    private static let syntax = [
        "(", ")", "（", "）", "\"", "“", "”", "「", "」", "＂", ":", "：", "-", "－", "<", ">", "=", ">=", "≥",
        "..", " ", "\u{3000}", " OR ", " AND ", "NOT ", "||", "&&", "｜", "\u{301}", "\u{0}", "\n", "👩‍💻", "\r\n",
    ]
    private static let words = [
        "焊工", "电工", "深圳", "PLC编程", "C++", "S7-1200", "welder", "title:", "skills:", "salary", "salary>=",
        "8000", "薪资", "技能：", "region:", "posted:", "2025-01-01", "8000..12000", "3-5年", "OR", "NOT",
    ]
    private static let valid = [
        "焊工 OR 电工 深圳", "title:焊工 salary>=8000", "\"PLC 编程\" -实习", "region:(深圳 OR 广州) AND 焊工",
        "技能：「PLC」 薪资：8000-12000", "-(a OR b) NOT c", "（焊工 ｜ 电工） experience<=3", "salary >= 8000 posted:2025-01-01..",
    ]

    /// Any Unicode scalar, biased towards ASCII and CJK.
    private static func randomScalar(using random: inout SeededRandom) -> Unicode.Scalar {
        let value: UInt32 = switch random.next() % 4 {
        case 0: UInt32(random.next() % 0x80)
        case 1: 0x4E00 + UInt32(random.next() % 0x5200)
        case 2: 0x3000 + UInt32(random.next() % 0x100)
        default: UInt32(random.next() % 0x110000)
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }
}

