import Foundation
import Testing
import TextAnalysis

@testable import TalentDirectory

struct GapsTests {
    let catalog = DemandFixtures.catalog
    let session = try! Analyzer().makeSession()
    let slice = DemandSlice(postings: DemandFixtures.postings)

    func curriculum(_ text: String, _ format: CurriculumFormat) throws -> Curriculum {
        try Curriculum(text: text, format: format, path: "courses", catalog: catalog, session: session)
    }

    @Test func ranksUncoveredSkillsByShareThenCoveredOnes() throws {
        let taught = try curriculum("PLC\n焊接\n会计学\n", .list)
        #expect(taught.skills == ["plc", "welding"])
        #expect(taught.unrecognised.map(\.name) == ["会计学"])
        let gaps = SkillGaps(slice: slice, curriculum: taught)
        // Demand: plc 3/7, welding 3/7, electrician-cert 2/7, drawing-reading 1/7, welder-cert 1/7.
        #expect(gaps.gaps.map(\.skill) == ["electrician-cert", "drawing-reading", "welder-cert", "plc", "welding"])
        #expect(gaps.gaps.map(\.postings) == [2, 1, 1, 3, 3])
        #expect(abs(gaps.gaps[0].gap - 2.0 / 7) < 1e-12 && gaps.gaps[0].courses.isEmpty)
        #expect(gaps.gaps[3].gap == 0 && gaps.gaps[3].courses == ["PLC"] && abs(gaps.gaps[3].share - 3.0 / 7) < 1e-12)
        // electrician-cert: b1 earlier (1 of 3), b3 recent (1 of 3).
        #expect(gaps.gaps[0].growth?.points == 0)
        #expect(abs((gaps.gaps[3].growth?.points ?? 0) - 100.0 / 3) < 1e-9)
        #expect(gaps.gaps[0].examples == ["b3", "b1"])
        #expect(gaps.demandedCount == 5 && gaps.uncoveredCount == 3)
        #expect(abs(gaps.reach - 6.0 / 7) < 1e-12)
        #expect(gaps.lowDemand.isEmpty)
    }

    @Test func listsTaughtSkillsLittleDemanded() throws {
        let taught = try curriculum("PLC\n焊接\n机器视觉\n", .list)
        let gaps = SkillGaps(slice: slice, curriculum: taught, options: SkillGaps.Options(top: 2, lowDemand: 0.5))
        #expect(gaps.gaps.map(\.skill) == ["electrician-cert", "drawing-reading"])
        #expect(gaps.lowDemand.map(\.skill) == ["machine-vision", "plc", "welding"])
        #expect(gaps.lowDemand[0].postings == 0 && gaps.lowDemand[0].courses == ["机器视觉"])
    }

    @Test func emptySliceHasNoGapsAndEveryTaughtSkillIsLittleDemanded() throws {
        let gaps = SkillGaps(slice: DemandSlice(postings: []), curriculum: try curriculum("PLC\n", .list))
        #expect(gaps.gaps.isEmpty && gaps.reach == 0)
        #expect(gaps.lowDemand.map(\.skill) == ["plc"])
    }

    @Test func curriculumWithoutSkillsIsAClearError() throws {
        #expect(throws: SkillGapsError.noSkills(path: "courses", entries: 2)) {
            try curriculum("思想道德与法治\n体育\n", .list)
        }
        #expect(throws: SkillGapsError.noSkills(path: "courses", entries: 0)) { try curriculum("", .list) }
        let message = SkillGapsError.noSkills(path: "课程.txt", entries: 2).description
        #expect(message.contains("课程.txt") && message.contains("no recognisable skill"))
    }

    @Test func readsCSVCoursesWithDescriptions() throws {
        let taught = try curriculum("""
            课程名称,学时,课程内容
            电工基础,64,"低压电器, 电工证考证"
            PLC编程与调试,96,西门子S7-1200 PLC编程、变频器调试
            体育,32,
            """, .csv)
        #expect(taught.courses.map(\.name) == ["电工基础", "PLC编程与调试", "体育"])
        #expect(taught.courses[0].skills.contains("electrician-cert"))
        #expect(taught.courses[1].skills.contains("plc") && taught.courses[1].skills.contains("frequency-inverter"))
        #expect(taught.unrecognised.map(\.name) == ["体育"])
        #expect(taught.coursesBySkill["plc"] == ["PLC编程与调试"])
    }

    @Test func readsCSVWithoutAHeader() throws {
        let taught = try curriculum("焊接实训,二氧化碳保护焊\n识图,机械图纸\n", .csv)
        #expect(taught.courses.map(\.name) == ["焊接实训", "识图"])
        #expect(taught.skills.contains("drawing-reading"))
    }

    @Test func readsJSONLinesAndArrays() throws {
        let lines = try curriculum("""
            {"course": "Machine vision", "description": "Halcon, camera calibration"}
            {"name": "焊接工艺", "skills": ["焊工证", "氩弧焊"]}
            """, .json)
        #expect(lines.courses.map(\.name) == ["Machine vision", "焊接工艺"])
        #expect(lines.courses[0].skills.contains("machine-vision"))
        #expect(lines.courses[1].skills.contains("welder-cert"))
        let array = try curriculum(#"["PLC", "机器视觉"]"#, .json)
        #expect(array.skills == ["plc", "machine-vision"])
        #expect(throws: SkillGapsError.malformed(path: "courses", line: 2, reason: "not a JSON value")) {
            try curriculum("{\"name\": \"PLC\"}\n{oops\n", .json)
        }
    }

    @Test func readsMarkdownHeadingsAndLists() throws {
        let taught = try curriculum("""
            # 智能制造专业课程

            ## PLC 应用技术
            西门子 S7-1200 编程与调试。

            ## 工业机器人编程
            - 示教器操作
            - 离线编程
            """, .markdown)
        #expect(taught.courses.map(\.name) == ["PLC 应用技术", "工业机器人编程"])
        #expect(taught.courses[0].skills.contains("plc"))
        #expect(taught.courses[1].skills.contains("industrial-robot"))
        let list = try curriculum("- PLC\n- 机器视觉: Halcon 与相机标定\n", .markdown)
        #expect(list.courses.map(\.name) == ["PLC", "机器视觉"])
        #expect(list.skills.contains("machine-vision"))
    }

    @Test func formatsFollowTheExtension() {
        #expect(CurriculumFormat.of(path: "a/课程.CSV") == .csv)
        #expect(CurriculumFormat.of(path: "x.jsonl") == .json)
        #expect(CurriculumFormat.of(path: "x.md") == .markdown)
        #expect(CurriculumFormat.of(path: "skills.txt") == .list)
        #expect(CurriculumFormat.of(path: "skills") == .list)
    }

    @Test func demandSupplyRatioPerOccupation() throws {
        let supply = try SupplyTable(text: "职业,求职人数\n焊工,3\n电工,0\n钳工,5\n", path: "supply.csv", catalog: catalog,
                                     session: session)
        #expect(supply.rows.map(\.kind) == [.occupation, .occupation, .occupation])
        let gaps = SkillGaps(slice: slice, curriculum: try curriculum("PLC\n", .list), supply: supply)
        // Welders: headcounts 3, (none: 1), 2 = 6 openings over 3 seekers. Electricians: 1 + 5 + 1 = 7.
        #expect(gaps.supply.map(\.demand) == [6, 7, 0])
        #expect(gaps.supply.map(\.postings) == [3, 3, 0])
        #expect(gaps.supply.map(\.ratio) == [2, nil, 0])
    }

    @Test func demandSupplyRatioPerSkill() throws {
        let supply = try SupplyTable(text: "skill,graduates\nPLC,14\n机器视觉,2\n", path: "supply.csv",
                                     catalog: catalog, session: session)
        #expect(supply.rows.map(\.skill) == ["plc", "machine-vision"])
        let gaps = SkillGaps(slice: slice, curriculum: try curriculum("PLC\n", .list), supply: supply)
        #expect(gaps.supply.map(\.demand) == [7, 0])
        #expect(gaps.supply.map(\.ratio) == [0.5, 0])
    }

    @Test func supplyWithoutCountsIsAnError() {
        #expect(throws: SkillGapsError.self) {
            try SupplyTable(text: "职业,备注\n焊工,紧缺\n", path: "s.csv", catalog: catalog, session: session)
        }
        #expect(throws: SkillGapsError.emptySupply(path: "s.csv", reason: "the file is empty")) {
            try SupplyTable(text: "", path: "s.csv", catalog: catalog, session: session)
        }
    }

    @Test func readsCurriculumFilesInGB18030() throws {
        try DemandFixtures.withFolder { folder in
            let path = folder + "/课程.csv"
            try Data(try TextDecoder.encodeGB18030("课程,内容\n电气控制,PLC 编程\n")).write(to: URL(fileURLWithPath: path))
            let taught = try Curriculum(path: path, catalog: catalog, session: session)
            #expect(taught.skills.contains("plc"))
            #expect(throws: SkillGapsError.unreadable(path: folder + "/missing.txt", reason: "no such file")) {
                try Curriculum(path: folder + "/missing.txt", catalog: catalog, session: session)
            }
        }
    }
}
