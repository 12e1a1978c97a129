import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

struct ReportTests {
    static let hostile = "<script>alert('x')</script> & \"焊|工\""

    /// The fixture with one more occupation whose name tries to break every format.
    static let postings = DemandFixtures.postings + [
        DemandPosting(id: "h1", occupation: hostile, industry: "=cmd|' /C calc'!A0", skills: ["plc"],
                      salaryMin: 7000, salaryMax: 7000, posted: DemandFixtures.day("2025-07-07")),
    ]

    func directoryReport(_ language: ReportLanguage, postings: [DemandPosting] = ReportTests.postings,
                         by dimension: DemandDimension = .occupation) -> Report {
        let slice = DemandSlice(postings: postings)
        let context = ReportContext(language: language, skills: DemandFixtures.catalog.skills, query: "region:佛山 <b>",
                                    since: nil, until: nil, compare: nil)
        return Report(directory: DemandDirectory(slice: slice, by: dimension), context: context)
    }

    func text(_ format: any ReportFormat, _ report: Report) throws -> String {
        String(decoding: try format.render(report), as: UTF8.self)
    }

    @Test func csvIsUTF8WithABOMAndCRLF() throws {
        let bytes = try CSVReportFormat().render(directoryReport(.zh))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines[0].hasPrefix("#,职业,key,职位数,占比,增长(百分点),招聘人数"))
        // 焊工: 3 of 8 postings; growth: earlier a1, a2 of a1, a2, b1 → recent a3 of a3, b2, b3, h1.
        #expect(lines[1].hasPrefix("1,焊工,焊工,3,37.5%,-41.67,5,7000,2,"))
        #expect(!text.contains("\n\n") && text.hasSuffix("\r\n"))
    }

    @Test func csvQuotesAndDefusesFormulas() throws {
        let text = try self.text(CSVReportFormat(), directoryReport(.en, by: .industry))
        #expect(text.contains("\r\n1,'=cmd|' /C calc'!A0,"))
        let occupations = try self.text(CSVReportFormat(), directoryReport(.en))
        #expect(occupations.contains("\"<script>alert('x')</script> & \"\"焊|工\"\"\""))
    }

    @Test func csvInGB18030HasNoBOMAndRoundTrips() throws {
        let report = directoryReport(.zh)
        let bytes = try CSVReportFormat(encoding: .gb18030).render(report)
        #expect(Array(bytes.prefix(3)) != [0xEF, 0xBB, 0xBF])
        let decoded = try TextDecoder.decode(bytes, path: "x.csv", strict: true)
        #expect(decoded.encoding == .gb18030)
        let utf8 = try CSVReportFormat().render(report)
        #expect(decoded.text == String(decoding: utf8.dropFirst(3), as: UTF8.self))
    }

    @Test(arguments: [ReportLanguage.zh, .en])
    func htmlIsSelfContainedEscapedAndResponsive(_ language: ReportLanguage) throws {
        let html = try text(HTMLReportFormat(), directoryReport(language))
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("http"))
        #expect(!html.contains("<link") && !html.contains("<img") && !html.contains("url("))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;焊|工&quot;"))
        #expect(html.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(html.contains("@media (max-width: 720px)"))
        #expect(html.contains("<svg viewBox=") && html.contains("<rect class=\"bar"))
        #expect(html.contains("<rect class=\"bar down\""))  // 焊工's growth is negative
        // Filters and the date range are in the header.
        let header = try #require(html.components(separatedBy: "</header>").first)
        #expect(header.contains("region:佛山 &lt;b&gt;"))
        #expect(header.contains("2025-01-10..2025-10-20"))
        #expect(html.contains(language == .zh ? "<html lang=\"zh-Hans\">" : "<html lang=\"en\">"))
        #expect(html.contains(language == .zh ? "人才需求目录 · 按职业" : "Talent demand directory by occupation"))
    }

    @Test func jsonKeepsNumbersAndLists() throws {
        let data = Data(try JSONReportFormat().render(directoryReport(.en)))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let facts = try #require(object["facts"] as? [String: Any])
        #expect(facts["postings"] as? Int == 8)
        #expect(facts["where"] as? String == "region:佛山 <b>")
        let sections = try #require(object["sections"] as? [[String: Any]])
        let rows = try #require(sections.first?["rows"] as? [[String: Any]])
        let welders = try #require(rows.first)
        #expect(welders["name"] as? String == "焊工")
        #expect(welders["share"] as? Double == 0.375)
        #expect(welders["salary_median"] as? Double == 7000)
        #expect(welders["salary_q1"] as? Double == 6500)
        #expect(welders["salary_quartiles"] == nil)
        #expect((welders["examples"] as? [String]) == ["a3", "a2", "a1"])
        let skills = try #require(welders["top_skills"] as? [[String: Any]])
        #expect(skills.first?["key"] as? String == "welding" && skills.first?["label"] as? String == "welding")
        let none = try #require(rows.last)
        #expect(none["key"] is NSNull && none["rank"] is NSNull && none["salary_median"] is NSNull)
    }

    @Test func markdownEscapesTableBreakers() throws {
        let md = try text(MarkdownReportFormat(), directoryReport(.en))
        #expect(md.hasPrefix("# Talent demand directory by occupation\n"))
        #expect(md.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; \"焊\\|工\""))
        #expect(!md.contains("<script"))
        let header = try #require(md.components(separatedBy: "\n").first { $0.hasPrefix("| \\#") })
        #expect(header.contains("| Occupation | Postings | Share |"))
    }

    @Test func tableAlignsChineseByDisplayWidth() throws {
        let table = try text(TableReportFormat(), directoryReport(.zh))
        let lines = table.components(separatedBy: "\n")
        let header = try #require(lines.first { $0.contains("职位数") && $0.contains("占比") })
        let row = try #require(lines.first { $0.hasPrefix("  1  焊工") })
        // The share column ends at the same display column in the header and the row.
        func end(_ line: String, _ token: String) -> Int? {
            guard let r = line.range(of: token) else { return nil }
            return DisplayWidth.of(String(line[..<r.upperBound]))
        }
        #expect(end(header, "占比") == end(row, "37.5%"))
        #expect(table.contains("主要技能: 焊接 100%"))
        #expect(table.contains("月薪四分位(Q1–Q3): 6,500–8,000"))
    }

    @Test func skillLabelsFollowTheLanguage() {
        let zh = ReportContext(language: .zh, skills: DemandFixtures.catalog.skills)
        let en = ReportContext(language: .en, skills: DemandFixtures.catalog.skills)
        #expect(zh.skill("welding") == "焊接" && en.skill("welding") == "welding")
        #expect(zh.skill("plc") == "PLC" && en.skill("plc") == "PLC")
        #expect(zh.skill("no-such-skill") == "no-such-skill")
    }

    @Test(arguments: [ReportFormatName.table, .csv, .json, .md, .html])
    func emptySliceSaysSo(_ name: ReportFormatName) throws {
        let report = directoryReport(.en, postings: [])
        let text = String(decoding: try name.format().render(report), as: UTF8.self)
        switch name {
        case .table, .md, .html: #expect(text.contains("No postings match."))
        case .json: #expect(text.contains("\"rows\":[]"))
        case .csv: #expect(text.hasSuffix("Recent share\r\n"))
        }
        #expect(text.contains("no dates") || name == .csv)
    }

    @Test func undatedPostingsAreReportedAndGrowthIsMissing() throws {
        let postings = [DemandPosting(id: "1", occupation: "焊工"), DemandPosting(id: "2", occupation: "电工")]
        let report = directoryReport(.en, postings: postings)
        #expect(report.facts.first { $0.id == "undated" }?.value == .integer(2))
        #expect(report.sections[0].rows.allSatisfy { $0[5] == .missing && $0[7] == .missing })
        let table = try text(TableReportFormat(), report)
        #expect(table.contains("not measurable"))
    }

    @Test func gapsReportHasGapsLowDemandAndSupplySections() throws {
        let session = try Analyzer().makeSession()
        let catalog = DemandFixtures.catalog
        let taught = try Curriculum(text: "PLC\n焊接\n机器视觉\n会计学\n", format: .list, path: "课程.txt",
                                    catalog: catalog, session: session)
        let supply = try SupplyTable(text: "职业,求职人数\n焊工,3\n", path: "s.csv", catalog: catalog, session: session)
        let gaps = SkillGaps(slice: DemandSlice(postings: DemandFixtures.postings), curriculum: taught, supply: supply)
        let report = Report(gaps: gaps, context: ReportContext(language: .zh, skills: catalog.skills))
        #expect(report.sections.map(\.id) == ["gaps", "low_demand", "supply"])
        #expect(report.sections[0].rows[0][1] == .text("电工证"))
        #expect(report.sections[0].rows[0][7] == .text("未覆盖"))
        #expect(report.sections[0].rows[3][7] == .list(["PLC"]))
        #expect(report.sections[1].rows.map { $0[1] } == [.text("machine-vision")])
        #expect(report.sections[2].rows[0][5] == .ratio(2))
        #expect(report.facts.first { $0.id == "unrecognised" }?.value == .text("1: 会计学"))
        let csv = try CSVReportFormat().render(report)
        let text = String(decoding: csv.dropFirst(3), as: UTF8.self)
        #expect(text.hasPrefix("技能差距(按差距排序)\r\n#,技能,key,"))
        #expect(text.contains("\r\n\r\n已授但需求少的技能 (< 1%)\r\n"))
        let html = try self.text(HTMLReportFormat(), report)
        #expect(!html.lowercased().contains("<script") && !html.lowercased().contains("http"))
    }

    @Test func numbersFormatTheSameEverywhere() {
        #expect(ReportValue.percent(0.375).text(.en) == "37.5%")
        #expect(ReportValue.percent(0.0004).text(.en) == "<0.1%")
        #expect(ReportValue.points(-100.0 / 3).text(.en) == "-33.3")
        #expect(ReportValue.points(0.01).text(.en) == "0")
        #expect(ReportValue.points(2).text(.en) == "+2")
        #expect(ReportValue.money(12437.5).text(.en) == "12,438")
        #expect(CSVReportFormat.cell(.money(12437.5)) == "12438")
        #expect(CSVReportFormat.cell(.money(18562.5)) == "18563")
        #expect(ReportValue.missing.text(.zh) == "—")
    }

    @Test func formatNamesFollowTheOutputExtension() {
        #expect(ReportFormatName.of(path: "目录.html") == .html)
        #expect(ReportFormatName.of(path: "x.CSV") == .csv)
        #expect(ReportFormatName.of(path: "x.md") == .md)
        #expect(ReportFormatName.of(path: "x.json") == .json)
        #expect(ReportFormatName.of(path: "x.xlsx") == nil)
    }
}
