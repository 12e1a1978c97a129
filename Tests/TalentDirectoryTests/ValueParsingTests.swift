import Testing

@testable import TalentDirectory

struct ValueParsingTests {
    typealias Range = ValueParsing.SalaryRange

    @Test(arguments: [
        ("9000.00", Range(min: 9000, max: 9000)),
        ("9000", Range(min: 9000, max: 9000)),
        ("8000-12000", Range(min: 8000, max: 12000)),
        ("8000 ~ 12000元/月", Range(min: 8000, max: 12000)),
        ("1.5万-2万", Range(min: 15000, max: 20000)),
        ("1.5-2万", Range(min: 15000, max: 20000)),
        ("8千-1.2万", Range(min: 8000, max: 12000)),
        ("8000-1.2万", Range(min: 8000, max: 12000)),
        ("8k-12k", Range(min: 8000, max: 12000)),
        ("8K-12K", Range(min: 8000, max: 12000)),
        ("１５－２５Ｋ", Range(min: 15000, max: 25000)),
        ("15-25K·13薪", Range(min: 15000, max: 25000)),
        ("月薪 ¥6,000-8,000", Range(min: 6000, max: 8000)),
        ("20-30万/年", Range(min: 16667, max: 25000)),
        ("年薪24万", Range(min: 20000, max: 20000)),
        ("8000元以上", Range(min: 8000, max: nil)),
        ("5000以下", Range(min: nil, max: 5000)),
        ("12000-8000", Range(min: 8000, max: 12000)),
    ])
    func salary(text: String, expected: Range) {
        #expect(ValueParsing.salary(text) == expected)
    }

    @Test(arguments: ["面议", "", "  ", "薪资面议", "200元/天", "25元/小时", "150/日", "0", "0.00", "negotiable", "abc"])
    func salaryWithoutMonthlyFigure(text: String) {
        #expect(ValueParsing.salary(text) == nil)
    }

    @Test(arguments: [
        ("3", 3 as Int?), ("3年", 3), ("3-5年", 3), ("3年以上", 3), ("5年及以上", 5), ("10年以上", 10), ("0", 0),
        ("经验不限", 0), ("不限", 0), ("无经验", 0), ("应届", 0), ("应届生", 0), ("在校/应届", 0), ("1年以下", 0),
        ("一年以内", 0), ("三年以上", 3), ("十年", 10), ("3+ years", 3), ("2-4 years", 2), ("No experience", 0),
        ("", nil), ("three", nil), ("见描述", nil),
    ])
    func experience(text: String, expected: Int?) {
        #expect(ValueParsing.experienceYears(text) == expected)
    }

    @Test(arguments: [
        ("2024-12-18 17:50:58", "2024-12-18" as String?),
        ("2025-02-19T16:48:55+08:00", "2025-02-19"),
        ("2025/3/5", "2025-03-05"),
        ("2025-03-05", "2025-03-05"),
        ("2025.3.5", "2025-03-05"),
        ("2025年3月5日", "2025-03-05"),
        ("2025年03月05日 10:00", "2025-03-05"),
        ("20250305", "2025-03-05"),
        (" 2024-02-29 ", "2024-02-29"),
        ("2025-02-29", nil),
        ("2025-13-01", nil),
        ("2025-3", nil),
        ("2025/3-5", nil),
        ("202503051", nil),
        ("昨天", nil),
        ("", nil),
        ("garbage", nil),
    ])
    func date(text: String, expected: String?) {
        #expect(ValueParsing.date(text) == expected)
    }

    @Test(arguments: [
        ("5", 5 as Int?), ("5人", 5), ("招3人", 3), ("10+", 10), ("2-3人", 2), ("若干", nil), ("", nil), ("0", nil),
    ])
    func headcount(text: String, expected: Int?) {
        #expect(ValueParsing.headcount(text) == expected)
    }

    @Test(arguments: [
        ("PLC, 数控编程，焊接", ["PLC", "数控编程", "焊接"]),
        ("UG/NX、AutoCAD；SolidWorks", ["UG/NX", "AutoCAD", "SolidWorks"]),
        ("Java | Spring;java; ,, MySQL", ["Java", "Spring", "MySQL"]),
        ("  ", []),
        ("", []),
    ])
    func skills(text: String, expected: [String]) {
        #expect(ValueParsing.skills(text) == expected)
    }

    @Test(arguments: [
        ("zh", "zh"), ("zh-CN", "zh"), ("中文", "zh"), ("zh_TW", "zh-Hant"), ("繁體中文", "zh-Hant"), ("en-US", "en"),
        ("English", "en"), ("fr", ""), ("", ""),
    ])
    func language(text: String, expected: String) {
        #expect(ValueParsing.language(text) == expected)
    }

    @Test(arguments: [
        ("<p>负责数控车床操作</p><p>熟悉FANUC系统</p>", "负责数控车床操作\n熟悉FANUC系统"),
        ("岗位职责：<br/>1、编程<br>2、调试", "岗位职责：\n1、编程\n2、调试"),
        ("<div class=\"job-detail\" data-x='a>b'>焊工</div>", "焊工"),
        ("<ul><li>PLC</li><li>HMI</li></ul>", "PLC\nHMI"),
        ("a<br><br><br><br>b", "a\n\nb"),
        ("岗位职责：\n<br />1、编程\n<br />2、调试\n\n<br />任职要求：", "岗位职责：\n1、编程\n2、调试\n\n任职要求："),
        ("<p>第一段</p>\r\n<p>第二段</p>\n", "第一段\n第二段"),
        ("<p>&nbsp;</p><p>R&amp;D&nbsp;工程师</p>", "R&D 工程师"),
        ("&lt;C++&gt; &quot;x&quot; &#39;y&#39;", "<C++> \"x\" 'y'"),
        ("&#x4E2D;&#20013;&#X6587;", "中中文"),
        ("薪资<8000，a < b", "薪资<8000，a < b"),
        ("熟悉<Linux>和<C++>，x<y>z", "熟悉<Linux>和<C++>，x<y>z"),
        ("<o:p></o:p>Word导出</ br>", "Word导出</ br>"),
        ("R&D, AT&T &unknown; &#xZZ;", "R&D, AT&T &unknown; &#xZZ;"),
        ("<!-- note -->文本<script>var a = '<p>';</script>", "文本"),
        ("<P>大写</P>", "大写"),
        ("<p>unclosed <b", "unclosed <b"),
    ])
    func stripHTML(html: String, expected: String) {
        #expect(ValueParsing.stripHTML(html) == expected)
    }

    @Test func stripHTMLLeavesPlainTextUntouched() {
        let text = "  职位描述：\n\n\n\n负责设备维护  \n"
        #expect(ValueParsing.stripHTML(text) == text)
    }

    @Test(arguments: [("  焊工\u{3000}", "焊工"), ("\u{FEFF}id", "id"), ("a b", "a b"), (" \n ", "")])
    func trimmed(text: String, expected: String) {
        #expect(ValueParsing.trimmed(text) == expected)
    }
}
