import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

struct RecordReaderTests {
    /// Stored records are written as JSON by hand, eight bytes checked at a time: every character that needs
    /// an escape, at every offset from an eight-byte boundary, beside Chinese and plain text, must come
    /// back as it went in.
    @Test func storedRecordJSONRoundTripsEveryEscape() throws {
        let specials = ["\"", "\\", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1F}", "\u{7F}", "/", "数控", "é", "😀"]
        for special in specials {
            for offset in 0..<17 {
                var record = Record(id: "id-\(special)-\(offset)")
                record.title = String(repeating: "a", count: offset) + special + "车工"
                record.description = String(repeating: "熟", count: offset) + special + String(repeating: "x", count: 17 - offset) + special
                record.skills = [special, "PLC" + special]
                #expect(try TalentIndex.record(from: record.jsonBytes()) == record)
            }
        }
    }

    struct Output {
        var records: [Record] = []
        var issues: [RecordIssue] = []
    }

    func read(_ text: String, as path: String, format: CorpusFormat? = nil, mapping: FieldMapping = FieldMapping())
        throws -> Output
    {
        try read(bytes: Array(text.utf8), as: path, format: format, mapping: mapping)
    }

    func read(bytes: [UInt8], as path: String, format: CorpusFormat? = nil, strict: Bool = false,
              mapping: FieldMapping = FieldMapping()) throws -> Output
    {
        var output = Output()
        let format = try #require(format ?? RecordReader.format(ofPath: path))
        try RecordReader(mapping: mapping).read(
            bytes: bytes, displayPath: path, format: format, strict: strict,
            record: { output.records.append($0) }, issue: { output.issues.append($0) })
        return output
    }

    @Test(arguments: [
        ("a/jobs.jsonl", CorpusFormat.jsonl as CorpusFormat?), ("x.NDJSON", .jsonl), ("x.json", .jsonl),
        ("jobs.csv", .csv), ("jobs.TSV", .csv), ("doc.txt", .text), ("README.md", .text), ("x.xlsx", nil),
        ("csv", nil), (".csv", nil),
    ])
    func formatFromExtension(path: String, expected: CorpusFormat?) {
        #expect(RecordReader.format(ofPath: path) == expected)
    }

    @Test func jsonLinesWithAMalformedLineInTheMiddle() throws {
        let text = """
            {"id":"a1", "title":"数控车工", "skills":["FANUC", "UG/NX", "fanuc"], "salary":"8k-12k", "posted":"2025/3/5"}
            {"title": "焊工", "description": "<p>二保焊&amp;氩弧焊</p>", broken

            {"job_title": "PLC Engineer", "salary_min": 15000, "salary_max": 25000.0, "headcount": 3, "lang": "en-US"}
            ["not", "an", "object"]
            {"title": "", "employer": "某公司"}
            {"职位": "电工", "技能": "低压电工证，高压电工证", "所需经验": 2, "地区": "广东·佛山"}
            """
        let out = try read(text, as: "feeds/jobs.jsonl")
        #expect(out.records.map(\.id) == ["a1", "feeds/jobs.jsonl#4", "feeds/jobs.jsonl#7"])
        #expect(out.records[0] == Record(
            id: "a1", title: "数控车工", skills: ["FANUC", "UG/NX"], salaryMin: 8000, salaryMax: 12000,
            posted: "2025-03-05", source: "feeds/jobs.jsonl"))
        #expect(out.records[1].title == "PLC Engineer")
        #expect(out.records[1].salaryMin == 15000 && out.records[1].salaryMax == 25000)
        #expect(out.records[1].headcount == 3 && out.records[1].lang == "en")
        #expect(out.records[2].skills == ["低压电工证", "高压电工证"])
        #expect(out.records[2].experienceYears == 2 && out.records[2].region == "广东·佛山")
        #expect(out.issues.map(\.line) == [2, 5, 6])
        #expect(out.issues[0].description.hasPrefix("feeds/jobs.jsonl:2: malformed JSON"))
        #expect(out.issues[1].description == "feeds/jobs.jsonl:5: a JSON array is not an object; line skipped")
        #expect(out.issues[2].description == "feeds/jobs.jsonl:6: no title, description or skills; skipped")
    }

    @Test func jsonKeysJoinDescriptionsAndPreferBestNames() throws {
        let line = ##"{"responsibilities": "Run CNC lathes.", "requirements": ["3 years", "FANUC"], "company": "B", "##
            + ##""# ": 1, "employer": "A", "job_description": null}"##
        let out = try read(line, as: "x.jsonl")
        #expect(out.records.count == 1)
        #expect(out.records.first?.employer == "A")
        #expect(out.records.first?.description == "Run CNC lathes.\n3 years\nFANUC")
    }

    @Test func jsonArrayFile() throws {
        let text = """
              [
              {"id": 17, "title": "装配工", "salary": "6000-8000"},
              "stray",
              {"岗位名称": "质检员",
               "招聘人数": "5人", "note": "[{,\\"]"}
            ]
            """
        let out = try read(text, as: "batch.json")
        #expect(out.records.map(\.id) == ["17", "batch.json#4"])
        #expect(out.records.map(\.title) == ["装配工", "质检员"])
        #expect(out.records[0].salaryMin == 6000 && out.records[0].salaryMax == 8000)
        #expect(out.records[1].headcount == 5)
        #expect(out.issues == [
            RecordIssue(path: "batch.json", line: 3, reason: "a JSON string is not an object; item skipped"),
        ])
    }

    @Test func malformedJSONArrayThrows() {
        #expect(throws: CorpusError.self) { try read("[{\"title\": \"a\"},", as: "bad.json") }
    }

    @Test func prettyPrintedSingleObject() throws {
        let out = try read("{\n  \"title\": \"钳工\",\n  \"region\": \"宁波\"\n}\n", as: "one.json")
        #expect(out.records.map(\.title) == ["钳工"])
        #expect(out.issues.isEmpty)
    }

    @Test func gb18030CSVWithRaggedRowAndRowWithoutText() throws {
        let text = """
            编号,岗位名称,企业名称,工作地点,岗位职责,任职要求,薪资,学历要求,工作经验,发布日期\r
            G1,数控车工,佛山某机械厂,广东·佛山,"操作数控车床, 看懂图纸",会FANUC,6000-9000元,中专,1-3年,2025年3月5日\r
            G2,焊工,某厂\r
            G3,,某厂,广州,,,面议,,,\r
            ,钳工,某厂,东莞,<p>装配&amp;调试</p>,,1.5-2万,,经验不限,20250101\r

            """
        let bytes = try TextDecoder.encodeGB18030(text)
        #expect(try TextDecoder.decode(bytes, path: "x").encoding == .gb18030)
        let out = try read(bytes: bytes, as: "gd/jobs.csv")
        #expect(out.records.count == 2)
        #expect(out.records[0] == Record(
            id: "G1", title: "数控车工", employer: "佛山某机械厂", region: "广东·佛山",
            description: "操作数控车床, 看懂图纸\n会FANUC", education: "中专", experienceYears: 1, salaryMin: 6000,
            salaryMax: 9000, posted: "2025-03-05", source: "gd/jobs.csv"))
        #expect(out.records[1].id == "gd/jobs.csv#5")
        #expect(out.records[1].description == "装配&调试")
        #expect(out.records[1].salaryMin == 15000 && out.records[1].experienceYears == 0)
        #expect(out.issues.map(\.description) == [
            "gd/jobs.csv:3: row has 3 fields but the header has 10; row skipped",
            "gd/jobs.csv:4: no title, description or skills; skipped",
        ])
    }

    @Test func salaryColumnsWinOverSalaryText() throws {
        let text = "title,salary_min,salary_max,salary\nA,9000.00,,8k-12k\nB,,,8k-12k\nC,,10000,\n"
        let out = try read(text, as: "s.csv")
        #expect(out.records.map(\.salaryMin) == [9000, 8000, nil])
        #expect(out.records.map(\.salaryMax) == [nil, 12000, 10000])
    }

    @Test func undecodableBytesAreReportedOnceOrThrownWhenStrict() throws {
        var bytes = Array("title,description\nA,ok\nB,".utf8)
        bytes += [0xFF, 0x41, 0xFF]
        bytes += Array("\n".utf8)
        let out = try read(bytes: bytes, as: "bad.csv")
        #expect(out.records.count == 2)
        #expect(out.issues.count == 1)
        #expect(out.issues.first?.line == nil)
        #expect(out.issues.first?.reason
            == "2 undecodable byte sequences replaced (first at byte offset 25, read as UTF-8)")
        #expect(throws: CorpusError.self) { try read(bytes: bytes, as: "bad.csv", strict: true) }
    }

    @Test func unterminatedQuoteLosesOneRow() throws {
        let out = try read("title,region\n\"焊工,佛山\n电工,广州\n", as: "q.csv")
        #expect(out.records.map(\.title) == ["电工"])
        #expect(out.issues.map(\.line) == [2])
    }

    @Test func csvWithoutHeaderOrTextColumnThrows() {
        #expect(throws: CorpusError.missingHeader(path: "empty.csv")) { try read("", as: "empty.csv") }
        #expect(throws: CorpusError.noTextColumn(path: "n.csv", columns: ["a", "b"])) {
            try read("a,b\n1,2\n", as: "n.csv")
        }
        let error = CorpusError.noTextColumn(path: "n.csv", columns: ["a", "b"])
        #expect("\(error)".hasPrefix("n.csv has no title, description or skills column among a, b;"))
    }

    @Test func explicitMappingReadsUnknownHeaders() throws {
        let mapping = try FieldMapping(parsing: ["title=名称", "description=备注"])
        let out = try read("名称,备注\n车工,会看图\n", as: "m.csv", mapping: mapping)
        #expect(out.records.map(\.description) == ["会看图"])
    }

    @Test func tabSeparated() throws {
        let out = try read("职位\t地区\t技能\r\n\"焊工\"\t佛山\t二保焊、氩弧焊\r\n", as: "t.tsv")
        #expect(out.records == [Record(id: "t.tsv#2", title: "焊工", region: "佛山", skills: ["二保焊", "氩弧焊"],
                                       source: "t.tsv")])
    }

    @Test func textDocument() throws {
        let text = "\n\n  数控机床操作工培训大纲  \n\n1. 安全规范\n2. FANUC 系统操作\n"
        let out = try read(text, as: "docs/syllabus.txt")
        #expect(out.records == [Record(
            id: "docs/syllabus.txt", title: "数控机床操作工培训大纲",
            description: "数控机床操作工培训大纲  \n\n1. 安全规范\n2. FANUC 系统操作", source: "docs/syllabus.txt")])
        let markdown = try read("# CNC Machinist\n\nRuns 5-axis mills.\n", as: "a.md")
        #expect(markdown.records.first?.title == "CNC Machinist")
        let empty = try read(" \n", as: "empty.txt")
        #expect(empty.records.isEmpty && empty.issues.map(\.line) == [1])
        let long = try read(String(repeating: "长", count: 300), as: "long.txt")
        #expect(long.records.first?.title.count == 200)
    }

    @Test func readsFilesAndNamesUnreadableOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("talent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("doc.txt")
        try Data("电工\n持证上岗".utf8).write(to: file)
        var records: [Record] = []
        try RecordReader().read(fileAt: file.path, displayPath: "doc.txt", record: { records.append($0) },
                                issue: { _ in })
        #expect(records.map(\.title) == ["电工"])
        #expect(throws: CorpusError.unreadable(path: "missing.csv", reason: "no such file")) {
            try RecordReader().read(fileAt: directory.appendingPathComponent("missing.csv").path,
                                    displayPath: "missing.csv", record: { _ in }, issue: { _ in })
        }
    }

    @Test func recordCodableUsesSnakeCaseAndDefaults() throws {
        let record = Record(id: "x", occupationCode: "6-18-01-01", experienceYears: 3, salaryMin: 8000)
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(json.contains("\"occupation_code\":\"6-18-01-01\""))
        #expect(json.contains("\"experience_years\":3") && json.contains("\"salary_min\":8000"))
        #expect(!json.contains("salary_max"))
        #expect(try JSONDecoder().decode(Record.self, from: Data(json.utf8)) == record)
        #expect(try JSONDecoder().decode(Record.self, from: Data(#"{"id":"y"}"#.utf8)) == Record(id: "y"))
        #expect(!Record(id: "z").hasText)
        #expect(Record(id: "z", skills: ["PLC"]).hasText)
    }
}
