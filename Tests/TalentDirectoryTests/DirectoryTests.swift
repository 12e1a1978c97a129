import Foundation
import IndexStore
import SearchEngine
import Testing
import TextAnalysis

@testable import TalentDirectory

/// Fixtures shared by the directory, gaps and report tests, with answers computed by hand.
enum DemandFixtures {
    static func day(_ text: String) -> Int { Day.number(text)! }

    /// Seven postings: three welders (焊工) in 佛山 written three ways, three electricians (电工) in 苏州 and
    /// 上海, and one posting with nothing but an id and a headcount.
    ///
    /// Dated 2025-01-10 … 2025-10-20, the halves split at 2025-06-01 (the midpoint, already a first of the
    /// month): earlier a1, a2, b1; recent a3, b2, b3. Weighted headcount: 3 + 1 + 2 + 1 + 5 + 1 + 4 = 17.
    static let postings: [DemandPosting] = [
        DemandPosting(id: "a1", occupation: "焊工", region: "广东·佛山", education: "中专",
                      skills: ["welding", "welder-cert"], experience: 2, salaryMin: 6000, salaryMax: 8000,
                      headcount: 3, posted: day("2025-01-10")),
        DemandPosting(id: "a2", occupation: "焊工", region: "佛山·顺德区", education: "初中", skills: ["welding"],
                      experience: 0, salaryMin: 5000, salaryMax: 7000, posted: day("2025-02-20")),
        DemandPosting(id: "a3", occupation: "焊工", region: "广东省佛山市南海区", education: "中专",
                      skills: ["welding", "drawing-reading"], experience: 5, salaryMin: 9000, headcount: 2,
                      posted: day("2025-08-01")),
        DemandPosting(id: "b1", occupation: "电工", region: "江苏·苏州", education: "大专",
                      skills: ["plc", "electrician-cert"], experience: 3, salaryMin: 8000, salaryMax: 10000,
                      headcount: 1, posted: day("2025-03-01")),
        DemandPosting(id: "b2", occupation: "电工", region: "苏州", education: "大专", skills: ["plc"], experience: 1,
                      headcount: 5, posted: day("2025-09-15")),
        DemandPosting(id: "b3", occupation: "电工", region: "上海·浦东新区", education: "本科",
                      skills: ["plc", "electrician-cert"], salaryMin: 10000, salaryMax: 14000, posted: day("2025-10-20")),
        DemandPosting(id: "c1", headcount: 4),
    ]

    static let catalog: SkillCatalog = try! SkillCatalog(analyzer: try! Analyzer())

    /// Runs `body` with a new empty folder, removed afterwards.
    static func withFolder<T>(_ body: (String) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("talent-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// Indexes JSON Lines `records` into `folder/index` and returns the snapshot.
    static func index(_ records: [String], in folder: String) throws -> IndexSnapshot {
        let corpus = folder + "/postings.jsonl"
        try Data((records.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: corpus))
        var options = Ingest.Options(paths: [corpus], indexDirectory: folder + "/index")
        options.threads = 1
        _ = try Ingest(options: options, analyzer: try Analyzer()).run(issue: { _ in }, progress: { _ in })
        return try IndexSnapshot(directory: folder + "/index")
    }
}

private func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

struct DirectoryTests {
    let slice = DemandSlice(postings: DemandFixtures.postings)

    @Test func sliceSplitsTheRangeIntoHalves() {
        #expect(slice.range == DayRange(first: DemandFixtures.day("2025-01-10"), last: DemandFixtures.day("2025-10-20")))
        #expect(slice.earlier?.description == "2025-01-10..2025-05-31")
        #expect(slice.recent?.description == "2025-06-01..2025-10-20")
        #expect(slice.earlierCount == 3 && slice.recentCount == 3)
        #expect(slice.undated == 1 && slice.droppedUndated == 0)
        #expect(slice.weightedHeadcount == 17)
    }

    @Test func groupsByOccupation() throws {
        let directory = DemandDirectory(slice: slice, by: .occupation)
        #expect(directory.groups.map(\.key) == ["焊工", "电工", nil])
        #expect(directory.groupCount == 3)
        let welders = directory.groups[0]
        #expect(welders.postings == 3)
        #expect(close(welders.share, 3.0 / 7))
        #expect(welders.headcount == 5 && welders.headcountKnown == 2 && welders.weightedHeadcount == 6)
        #expect(close(welders.weightedShare, 6.0 / 17))
        // Earlier: a1, a2 of a1, a2, b1; recent: a3 of a3, b2, b3.
        #expect(close(welders.growth?.earlierShare, 2.0 / 3))
        #expect(close(welders.growth?.recentShare, 1.0 / 3))
        #expect(close(welders.growth?.points, -100.0 / 3))
        #expect(welders.skills.map(\.key) == ["welding", "drawing-reading", "welder-cert"])
        #expect(welders.skills.map(\.count) == [3, 1, 1])
        #expect(close(welders.skills[1].share, 1.0 / 3))
        #expect(welders.education.map(\.key) == ["vocational", "junior-high"])
        #expect(close(welders.education[0].share, 2.0 / 3))
        #expect(welders.experienceMedian == 2)
        // Salaries 7000 (midpoint), 6000, 9000 (only the minimum is given).
        #expect(welders.salary == SalaryStatistics([6000, 7000, 9000]))
        #expect(welders.salary?.median == 7000 && welders.salary?.lowerQuartile == 6500
                && welders.salary?.upperQuartile == 8000)
        #expect(welders.regions == [DemandShare(key: "佛山", count: 3, share: 1)])
        #expect(welders.examples == ["a3", "a2", "a1"])

        let electricians = directory.groups[1]
        #expect(electricians.headcount == 6 && electricians.weightedHeadcount == 7)
        #expect(close(electricians.growth?.points, 100.0 / 3))
        #expect(electricians.experienceMedian == 2)
        #expect(electricians.salary?.median == 10500 && electricians.salary?.lowerQuartile == 9750)
        #expect(electricians.regions.map(\.key) == ["苏州", "上海"])
        #expect(electricians.education.map(\.key) == ["associate", "bachelor"])

        let none = directory.groups[2]
        #expect(none.postings == 1 && none.headcount == 4 && none.salary == nil && none.experienceMedian == nil)
        #expect(none.skills.isEmpty && none.regions.isEmpty && none.growth?.points == 0)
    }

    @Test func groupsBySkillCountingEachSkillOfAPosting() {
        let directory = DemandDirectory(slice: slice, by: .skill)
        #expect(directory.groups.map(\.key) == ["plc", "welding", "electrician-cert", "drawing-reading", "welder-cert", nil])
        let plc = directory.groups[0]
        #expect(plc.postings == 3 && close(plc.share, 3.0 / 7))
        // The skills that come with PLC, not PLC itself.
        #expect(plc.skills == [DemandShare(key: "electrician-cert", count: 2, share: 2.0 / 3)])
        #expect(close(plc.growth?.points, 100.0 / 3))
    }

    @Test func groupsByRegionCutToTheCity() {
        let directory = DemandDirectory(slice: slice, by: .region)
        #expect(directory.groups.map(\.key) == ["佛山", "苏州", "上海", nil])
        #expect(directory.groups.map(\.postings) == [3, 2, 1, 1])
    }

    @Test func topKeepsTheLargestGroupsAndTheUnspecifiedOne() {
        let directory = DemandDirectory(slice: slice, by: .skill, options: DemandDirectory.Options(top: 2))
        #expect(directory.groups.map(\.key) == ["plc", "welding", nil])
        #expect(directory.groupCount == 6)
    }

    @Test func sinceDropsUndatedPostingsAndHalvesTheRest() {
        let slice = DemandSlice(postings: DemandFixtures.postings, since: DemandFixtures.day("2025-03-01"))
        #expect(slice.postings.map(\.id) == ["a3", "b1", "b2", "b3"])
        #expect(slice.droppedUndated == 1 && slice.undated == 0)
        // 2025-03-01..2025-10-20: midpoint 2025-06-26, nearest first of a month 2025-07-01.
        #expect(slice.earlier?.description == "2025-03-01..2025-06-30")
        #expect(slice.earlierCount == 1 && slice.recentCount == 3)
        let electricians = DemandDirectory(slice: slice, by: .occupation).groups.first { $0.key == "电工" }
        #expect(close(electricians?.growth?.points, (2.0 / 3 - 1) * 100))
    }

    @Test func comparePeriodIsTheEarlierOneAndTheRestIsRecent() {
        let slice = DemandSlice(postings: DemandFixtures.postings, compare: DayRange.parse("2025-01..2025-03"))
        #expect(slice.earlier?.description == "2025-01-10..2025-03-31")
        #expect(slice.recent?.description == "2025-04-01..2025-10-20")
        #expect(slice.earlierCount == 3 && slice.recentCount == 3)
    }

    @Test func emptySliceHasNoGroupsAndNoGrowth() {
        let empty = DemandSlice(postings: [])
        #expect(empty.range == nil && empty.earlier == nil && !empty.hasGrowth)
        #expect(DemandDirectory(slice: empty, by: .occupation).groups.isEmpty)
        let late = DemandSlice(postings: DemandFixtures.postings, since: DemandFixtures.day("2026-01-01"))
        #expect(late.postings.isEmpty && late.droppedUndated == 1)
        #expect(DemandDirectory(slice: late, by: .skill).groups.isEmpty)
    }

    @Test func postingsWithoutDatesOrSalaries() {
        let postings = (1...4).map { DemandPosting(id: "n\($0)", occupation: $0 <= 3 ? "质检员" : "焊工") }
        let slice = DemandSlice(postings: postings)
        #expect(slice.range == nil && slice.undated == 4 && !slice.hasGrowth)
        let groups = DemandDirectory(slice: slice, by: .occupation).groups
        #expect(groups.map(\.key) == ["质检员", "焊工"])
        #expect(groups[0].growth == nil && groups[0].salary == nil && close(groups[0].share, 0.75))
        #expect(groups[0].examples == ["n3", "n2", "n1"])
    }

    @Test func occupationCodesGroupAndTakeNames() {
        let postings = [
            DemandPosting(id: "1", occupation: "电焊工", occupationCode: "6-18-02-04"),
            DemandPosting(id: "2", occupation: "焊工", occupationCode: "6-18-02-04"),
            DemandPosting(id: "3", occupation: "焊工", occupationCode: "6-18-02-04"),
            DemandPosting(id: "4", occupation: "电工"),
        ]
        let slice = DemandSlice(postings: postings)
        let plain = DemandDirectory(slice: slice, by: .occupation)
        #expect(plain.groups.map(\.key) == ["6-18-02-04", "电工"])
        #expect(plain.groups[0].name == "焊工")
        let named = DemandDirectory(slice: slice, by: .occupation) { $0 == "6-18-02-04" ? "焊工(职业大典)" : nil }
        #expect(named.groups[0].name == "焊工(职业大典)")
    }

    /// By 中类: occupations of one group add up (a welder and a turner are both 6-18), the group takes the
    /// classification's name, and a posting with only an occupation's text has no group.
    @Test func occupationGroupsAddUpTheirOccupations() {
        let postings = [
            DemandPosting(id: "1", occupation: "电焊工", occupationCode: "6-18-02-04"),
            DemandPosting(id: "2", occupation: "车工", occupationCode: "6-18-01-01"),
            DemandPosting(id: "3", occupation: "电工", occupationCode: "6-31-01-03"),
            DemandPosting(id: "4", occupation: "电工"),
        ]
        let names = ["6-18-00-00": "机械制造基础加工人员", "6-31-00-00": "生产辅助人员"]
        let directory = DemandDirectory(slice: DemandSlice(postings: postings), by: .occupationGroup) { names[$0] }
        #expect(directory.groups.map(\.key) == ["6-18", "6-31", nil])
        #expect(directory.groups.map(\.postings) == [2, 1, 1])
        #expect(directory.groups.map(\.name) == ["机械制造基础加工人员", "生产辅助人员", ""])
        #expect(directory.groups[0].share == 0.5)
    }

    @Test(arguments: [("6-18-01-01", "6-18"), ("2-02-00-00", "2-02"), ("6-18", ""), ("焊工", ""), ("", ""),
                      ("6-18-01-x1", ""), ("6--01-01", "")])
    func occupationGroupOfCode(_ code: String, _ group: String) {
        #expect(DemandDirectory.occupationGroup(of: code) == group)
    }

    @Test(arguments: [
        ("广东·深圳", "深圳"), ("深圳·南山区·科技园", "深圳"), ("广东省深圳市南山区", "深圳"), ("深圳市", "深圳"),
        ("上海·浦东新区", "上海"), ("北京··", "北京"), ("北京市朝阳区", "北京"), ("Jiangsu·Suzhou", "苏州"),
        ("Malaysia·Penang", "Malaysia"), ("台湾·新竹", "新竹"), ("香港", "香港"), ("", ""),
        ("广西壮族自治区南宁市", "南宁"),
        // English names: the province picks among cities of one spelling; unknown or undecided names stay.
        ("Shanghai", "上海"), ("Shanghai·Pudong", "上海"), ("Anhui·Suzhou", "宿州"), ("Suzhou", "苏州"),
        ("Suzhou, Jiangsu", "苏州"), ("Zhejiang·Taizhou", "台州"), ("Jiangsu·Taizhou", "泰州"), ("Taizhou", "Taizhou"),
        ("Shaanxi·Xi'an", "西安"), ("Xian", "西安"), ("Hong Kong", "香港"), ("Jiangsu", "江苏"),
        ("Jiangsu·Haimen", "Haimen"), ("Guangdong·SHENZHEN", "深圳"), ("Singapore", "Singapore"),
    ])
    func regionKeys(_ raw: String, _ key: String) {
        #expect(DemandDirectory.regionKey(raw) == key)
    }

    /// The English names table: every entry names a Chinese city of a known province, and a spelling shared by
    /// several cities is in different provinces, at most one preferred.
    @Test func englishRegionNamesAreConsistent() {
        let provinces = Set(RegionNames.provinces.values)
        #expect(RegionNames.cities.count > 200)
        for (name, cities) in RegionNames.cities {
            #expect(RegionNames.key(name) == name)
            #expect(Set(cities.map(\.province)).count == cities.count, "\(name)")
            #expect(cities.filter(\.preferred).count <= 1, "\(name)")
            for c in cities {
                #expect(provinces.contains(c.province), "\(name) \(c.province)")
                #expect(!c.city.isEmpty && !c.city.unicodeScalars.contains { $0.isASCII }, "\(name) \(c.city)")
            }
        }
    }

    @Test(arguments: [
        ("本科", "bachelor"), ("bachelor", "bachelor"), ("大学本科", "bachelor"), ("中技/中专", "vocational"),
        ("不限制", "none"), ("High School", "high-school"), ("其他", "其他"), ("", ""),
    ])
    func educationKeys(_ raw: String, _ key: String) {
        #expect(Education.key(raw) == key)
    }

    @Test func dayRangesParse() {
        #expect(DayRange.parse("2025-01-01..2025-06-30")?.description == "2025-01-01..2025-06-30")
        #expect(DayRange.parse("2025-02")?.description == "2025-02-01..2025-02-28")
        #expect(DayRange.parse("2024")?.description == "2024-01-01..2024-12-31")
        #expect(DayRange.parse("2025-06-30..2025-01-01") == nil)
        #expect(DayRange.parse("2025-13") == nil)
        #expect(DayRange.parse("2025-02-30") == nil)
        #expect(DayRange.parse("soon") == nil)
        #expect(DayRange.day("2025-12", end: true) == DemandFixtures.day("2025-12-31"))
    }

    @Test func quartilesInterpolate() {
        #expect(SalaryStatistics([]) == nil)
        let one = SalaryStatistics([5000])
        #expect(one?.median == 5000 && one?.lowerQuartile == 5000 && one?.upperQuartile == 5000)
        let four = SalaryStatistics([4000, 1000, 3000, 2000])
        #expect(four?.median == 2500 && four?.lowerQuartile == 1750 && four?.upperQuartile == 3250)
    }

    @Test func salaryIsTheMidpointOrTheOneBoundGiven() {
        #expect(DemandPosting(id: "x", salaryMin: 8000, salaryMax: 12000).salary == 10000)
        #expect(DemandPosting(id: "x", salaryMax: 12000).salary == 12000)
        #expect(DemandPosting(id: "x", salaryMin: 0, salaryMax: 0).salary == nil)
        #expect(DemandPosting(id: "x").weight == 1 && DemandPosting(id: "x", headcount: 6).weight == 6)
    }

    @Test func loadsPostingsFromAnIndexAndFiltersWithAQuery() throws {
        try DemandFixtures.withFolder { folder in
            let snapshot = try DemandFixtures.index([
                #"{"id": "p1", "title": "电气工程师", "occupation": "电气工程师", "region": "广东·佛山", "skills": ["PLC"], "description": "熟悉PLC编程和机器视觉", "education": "本科", "experience_years": 3, "salary_min": 9000, "salary_max": 13000, "headcount": 2, "posted": "2025-03-05"}"#,
                #"{"id": "p2", "title": "焊工", "occupation": "焊工", "region": "江苏·苏州", "description": "持焊工证，会二保焊"}"#,
                #"{"id": "p3", "title": "电工", "region": "广东·深圳", "description": "持电工证", "posted": "2025-09-01"}"#,
            ], in: folder)
            let analyzer = try Analyzer()
            let all = try DemandPosting.load(from: snapshot, matching: nil, analyzer: analyzer)
            #expect(all.map(\.id).sorted() == ["p1", "p2", "p3"])
            let p1 = try #require(all.first { $0.id == "p1" })
            #expect(p1.occupation == "电气工程师" && p1.region == "广东·佛山" && p1.education == "本科")
            #expect(p1.experience == 3 && p1.salary == 11000 && p1.headcount == 2)
            #expect(p1.posted == DemandFixtures.day("2025-03-05"))
            #expect(Set(p1.skills).isSuperset(of: ["plc", "machine-vision"]))
            let p2 = try #require(all.first { $0.id == "p2" })
            #expect(p2.posted == nil && p2.salary == nil && p2.headcount == nil)
            #expect(Set(p2.skills).isSuperset(of: ["welder-cert", "welding-co2"]))

            let guangdong = try DemandPosting.load(from: snapshot, matching: try QueryParser().parse("region:广东"),
                                                   analyzer: analyzer)
            #expect(guangdong.map(\.id).sorted() == ["p1", "p3"])
            let none = try DemandPosting.load(from: snapshot, matching: try QueryParser().parse("region:北京"),
                                              analyzer: analyzer)
            #expect(none.isEmpty)
        }
    }
}
