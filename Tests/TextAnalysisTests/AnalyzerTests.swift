import Foundation
import Testing

@testable import TextAnalysis

/// A small fixed lexicon, so the expected token lists do not move when the built-in lexicon grows.
let testLexicon: Lexicon = {
    let tsv = """
        cnc-machine-tool\tmachining\t数控机床\tCNC machine tool\t\t
        plc\tautomation\t可编程控制器\tPLC\t可编程逻辑控制器|programmable logic controller\t
        programming\tit-general\t编程\tprogramming\t\t程式設計
        lang-cpp\tit-lang\t\tC++\t\t
        lang-csharp\tit-lang\t\tC#\t\t
        dotnet\tit-lang\t\t.NET\t\t
        s7-1200\tautomation\t\tS7-1200\t\t
        nodejs\tit-web\t\tNode.js\t\t
        five-axis\tmachining\t五轴\t5-axis\t\t
        welder-cert\tsafety-cert\t焊工证\twelder certificate\t\t
        software\tvocab\t软件\tsoftware\t\t軟體
        industrial-robot\trobotics\t工业机器人\tindustrial robot\t\t
        fanuc\tautomation\t发那科\tFANUC\t\t
        """
    return try! Lexicon(entries: Lexicon.parse(tsv, path: "test.tsv"))
}()

struct AnalyzerCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    /// Expected tokens as `term/kind`, kinds abbreviated: w word, n number, i ideograph, k kana, l lexicon; a
    /// compound laid over n words as `term/l:n`, followed by those words.
    var expected: [String]
    var testDescription: String { name }
}

func render(_ tokens: [Token]) -> [String] {
    let abbreviation: [Token.Kind: String] = [.word: "w", .number: "n", .ideograph: "i", .kana: "k", .lexicon: "l"]
    return tokens.map { "\($0.term)/\(abbreviation[$0.kind]!)" + ($0.length > 1 ? ":\($0.length)" : "") }
}

struct AnalyzerTests {
    let analyzer = Analyzer(lexicon: testLexicon)

    static let cases: [AnalyzerCase] = [
        AnalyzerCase(name: "Chinese", text: "招聘数控机床操作工，持有焊工证优先",
                     expected: ["招聘/i", "数控机床/l:3", "数/i", "控/i", "机床/i", "操作/i", "工/i", "持有/i", "焊工证/l:2",
                                "焊工/i", "证/i", "优先/i"]),
        AnalyzerCase(name: "English", text: "Senior CNC Machinist, knows Siemens PLCs.",
                     expected: ["senior/w", "cnc/w", "machinist/w", "knows/w", "siemens/w", "plcs/w"]),
        AnalyzerCase(
            name: "mixed",
            text: "招聘数控机床操作工，熟悉FANUC系统和PLC编程，持有焊工证优先；Senior CNC Machinist (5-axis), knows Siemens S7-1200 PLC, C++/Python a plus.",
            expected: [
                "招聘/i", "数控机床/l:3", "数/i", "控/i", "机床/i", "操作/i", "工/i", "熟悉/i", "fanuc/l", "系统/i", "和/i",
                "plc/l", "编程/l:2", "编/i", "程/i", "持有/i", "焊工证/l:2", "焊工/i", "证/i", "优先/i", "senior/w", "cnc/w", "machinist/w", "5-axis/l", "knows/w", "siemens/w",
                "s7-1200/l", "plc/l", "c++/l", "python/w", "a/w", "plus/w",
            ]),
        AnalyzerCase(name: "Traditional", text: "機器人程式設計", expected: ["机器/i", "人/i", "编程/l"]),
        AnalyzerCase(name: "Traditional regional word", text: "軟體工程師", expected: ["软件/l", "工程/i", "师/i"]),
        AnalyzerCase(name: "full-width", text: "ＰＬＣ编程　Ｊａｖａ１２３",
                     expected: ["plc/l", "编程/l:2", "编/i", "程/i", "java123/n"]),
        AnalyzerCase(name: "numbers", text: "3年以上，月薪3.5万", expected: ["3/n", "年/i", "以上/i", "月薪/i", "3.5/n", "万/i"]),
        AnalyzerCase(
            name: "e-mail and URL", text: "简历发送至 hr@example.com 或访问 https://jobs.example.com/apply?id=42",
            expected: ["简历/i", "发送/i", "至/i", "hr@example.com/w", "或/i", "访问/i", "https/w", "jobs.example.com/w",
                       "apply/w", "id/w", "42/n"]),
        AnalyzerCase(name: "protected symbols", text: "C# 与 .NET、Node.js；C/C++", expected: ["c#/l", "与/i", ".net/l", "node.js/l", "c/w", "c++/l"]),
        AnalyzerCase(name: "case and compatibility folding", text: "ÉCOLE Straße ﬁne ㎏",
                     expected: ["école/w", "strasse/w", "fine/w", "kg/w"]),
        AnalyzerCase(name: "combining marks fold with their base", text: "Cafe\u{301} CAFÉ", expected: ["café/w", "café/w"]),
        // ICU's dictionary segmentation of Han and kana reports every word it finds with the ideograph status.
        AnalyzerCase(name: "kana", text: "ロボット", expected: ["ロボット/i"]),
        AnalyzerCase(name: "empty", text: "", expected: []),
        AnalyzerCase(name: "whitespace only", text: " \t\n\u{3000}\r\n ", expected: []),
        AnalyzerCase(name: "punctuation only", text: "，。；！？、（）——……", expected: []),
        AnalyzerCase(name: "lone surrogate repaired", text: String(decoding: [0xD800, 0x41, 0xDC00, 0x4E2D] as [UInt16], as: UTF16.self),
                     expected: ["a/w", "中/i"]),
    ]

    @Test(arguments: cases)
    func tokens(_ c: AnalyzerCase) throws {
        let actual = render(try analyzer.analyze(c.text))
        #expect(actual == c.expected)
    }

    @Test func traditionalAndSimplifiedGiveTheSameTerms() throws {
        let pairs = [("機器人程式設計", "机器人程式设计"), ("數控機床編程", "数控机床编程"), ("電氣工程師", "电气工程师"),
                     ("熟悉西門子PLC", "熟悉西门子PLC")]
        for (traditional, simplified) in pairs {
            #expect(try analyzer.analyze(traditional).map(\.term) == analyzer.analyze(simplified).map(\.term))
        }
    }

    @Test func offsetsPointAtTheSourceBytes() throws {
        let text = "招聘ＰＬＣ工程師：Senior C++ developer, 軟體 S7-1200"
        let utf8 = Array(text.utf8)
        let tokens = try analyzer.analyze(text)
        let session = try analyzer.makeSession()
        for token in tokens {
            let source = String(decoding: utf8[token.start..<token.end], as: UTF8.self)
            if token.term == "软件" {
                #expect(source == "軟體")
            } else {
                #expect(try session.fold(source) == token.term, "\(token)")
            }
        }
        #expect(tokens.map(\.position) == Array(0..<tokens.count))
        let plc = try #require(tokens.first { $0.term == "plc" })
        #expect((plc.start, plc.end) == (6, 15))
    }

    @Test func illFormedUTF8BytesGiveNoTokensAndNoCrash() throws {
        let bytes: [UInt8] = [0xFF, 0x41, 0x42, 0xE6, 0x95, 0xB0, 0xC3] + Array(" 焊工证".utf8)
        let session = try analyzer.makeSession()
        var terms: [String] = []
        try bytes.withUnsafeBufferPointer { buffer in
            try session.forEachToken(utf8: buffer) { terms.append($0.term) }
        }
        #expect(terms == ["ab", "数", "焊工证", "焊工", "证"])
    }

    @Test func veryLongText() throws {
        let sentence = "熟悉FANUC系统和PLC编程，会C++。"
        let perSentence = try analyzer.analyze(sentence)
        let repeats = 1_000_000 / sentence.utf8.count + 1
        let text = String(repeating: sentence, count: repeats)
        #expect(text.utf8.count >= 1_000_000)
        let tokens = try analyzer.analyze(text)
        #expect(tokens.count == perSentence.count * repeats)
        let last = try #require(tokens.last)
        #expect(last.term == "c++")
        #expect(last.position == (perSentence.last!.position + 1) * repeats - 1)
        #expect(last.end == text.utf8.count - "。".utf8.count)
    }

    @Test func longTextWithoutBreakOpportunities() throws {
        let text = String(repeating: "a", count: 200_000)
        let tokens = try analyzer.analyze(text)
        #expect(tokens.count == 1)
        #expect(tokens.first?.end == 200_000)
    }

    @Test func builtInLexiconProtectsSymbolTerms() throws {
        let analyzer = try Analyzer()
        let terms = try analyzer.analyze("C++ C# .NET S7-1200 Node.js 5-axis").map(\.term)
        #expect(terms == ["c++", "c#", ".net", "s7-1200", "node.js", "5-axis"])
        for term in terms { #expect(!["c", "net", "s7", "1200", "node", "js", "5", "axis"].contains(term)) }
    }

    @Test func builtInLexiconJoinsDomainWords() throws {
        let analyzer = try Analyzer()
        let tokens = try analyzer.analyze("数控机床 工业机器人 可编程控制器 二氧化碳保护焊 机器视觉 SolidWorks")
        #expect(tokens.filter { $0.kind == .lexicon }.map(\.term)
                == ["数控机床", "工业机器人", "可编程控制器", "二氧化碳保护焊", "机器视觉", "solidworks"])
        // Each compound spans the words ICU split it into, which follow it.
        let robot = try #require(tokens.first { $0.term == "工业机器人" })
        let words = tokens.filter { $0.kind != .lexicon && $0.position >= robot.position && $0.position < robot.position + robot.length }
        #expect(robot.length > 1 && words.map(\.term).joined() == "工业机器人")
        #expect(try analyzer.analyze("軟體 網路 資料庫").map(\.term) == ["软件", "网络", "数据库"])
    }

    @Test func sessionsAreReusableAndIndependent() throws {
        let session = try analyzer.makeSession()
        let first = try session.analyze("数控机床")
        _ = try session.analyze(String(repeating: "长文本", count: 10_000))
        #expect(try session.analyze("数控机床") == first)
    }
}
