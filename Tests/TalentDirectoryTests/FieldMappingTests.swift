import Testing

@testable import TalentDirectory

struct FieldMappingTests {
    /// The header of the cn-job-postings `jobs.csv` export.
    static let jobsHeader = "职位自编号,发布平台,职位访问地址,职位,公司,公司是否为全称,地区,地址,经度,纬度,职位描述,学历,所需经验,技能,福利,"
        + "最低薪资,最高薪资,几薪,首次发布时间,招聘人,招聘公司,招聘者职位,首次扫描日期,记录更新日期,_source_file"

    @Test func jobsExportMapsWithoutFlags() {
        let header = Self.jobsHeader.split(separator: ",").map(String.init)
        let map = FieldMapping().columns(forHeader: header)
        #expect(map.columns == [
            .id: [0], .title: [3], .employer: [4], .region: [6], .description: [10], .education: [11],
            .experience: [12], .skills: [13], .salaryMin: [15], .salaryMax: [16], .posted: [18],
        ])
    }

    @Test func googleCareersHeaderMapsAndJoinsDescriptions() {
        let header = ["Company", "Title", "Category", "Location", "Responsibilities", "Minimum Qualifications",
                      "Preferred Qualifications"]
        let map = FieldMapping().columns(forHeader: header)
        #expect(map[.employer] == [0])
        #expect(map[.title] == [1])
        #expect(map[.occupation] == [2])
        #expect(map[.region] == [3])
        #expect(map[.description] == [4, 5, 6])
    }

    @Test(arguments: [
        ("\u{FEFF}职位名称", RecordField.title as RecordField?), (" Job Title ", .title), ("JOB-TITLE", .title),
        ("jobtitle", .title), ("Salary_Min", .salaryMin), ("min salary", .salaryMin), ("Posted Date", .posted),
        ("occupation code", .occupationCode), ("更新时间", nil), ("福利", nil), ("_source_file", nil),
    ])
    func headerNamesMatchLoosely(name: String, expected: RecordField?) {
        #expect(FieldMapping().field(forColumn: name) == expected)
    }

    @Test func priorityNotColumnOrderDecidesSingleFields() {
        let map = FieldMapping().columns(forHeader: ["招聘公司", "岗位名称", "公司", "职位", "岗位职责", "任职要求"])
        #expect(map[.employer] == [2])
        #expect(map[.title] == [3])
        #expect(map[.description] == [4, 5])
    }

    @Test func explicitMappingWinsForItsFieldAndColumn() throws {
        let mapping = try FieldMapping(parsing: ["description=备注", "Occupation_Code = 代码", "region=公司"])
        #expect(mapping.explicit == ["备注": .description, "代码": .occupationCode, "公司": .region])
        let map = mapping.columns(forHeader: ["职位", "公司", "职位描述", "备注", "代码", "企业名称"])
        #expect(map[.description] == [3])
        #expect(map[.occupationCode] == [4])
        #expect(map[.region] == [1])
        #expect(map[.employer] == [5])
        #expect(map[.title] == [0])
    }

    @Test func mappingErrors() {
        let expected = CorpusError.invalidMapping(spec: "title", reason: "expected FIELD=COLUMN, such as title=岗位名称")
        #expect(throws: expected) {
            try FieldMapping.parse("title")
        }
        #expect(throws: CorpusError.invalidMapping(spec: "title=", reason: "the column name after \"=\" is missing")) {
            try FieldMapping.parse("title=")
        }
        do {
            _ = try FieldMapping(parsing: ["titel=岗位"])
            Issue.record("expected an error")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix(
                "Invalid field mapping \"titel=岗位\": unknown field \"titel\"; valid fields: id, title,"))
            #expect(message.contains("occupation_code"))
            #expect(!message.contains("source"))
        }
        #expect(throws: CorpusError.self) { try FieldMapping.parse("source=file") }
    }

    @Test func builtInNamesAreUniqueAndCoverMappableFields() {
        // Building the index traps on a repeated name.
        _ = FieldMapping().field(forColumn: "id")
        let covered = Set(FieldMapping.builtInHeaders.map(\.field))
        #expect(covered == Set(RecordField.allCases.filter(\.isMappable)))
    }
}
