import Foundation
import IndexStore
import SearchEngine
import Testing
import TestSupport
import TextAnalysis

@testable import TalentDirectory

/// Regions as searched: a posting is found by its city and province in either language, and a place among the
/// words of a query ranks postings there first.
@Suite struct RegionSearchTests {
    @Test(arguments: [
        ("Jiangsu·Suzhou", ["Jiangsu·Suzhou", "Jiangsu Suzhou"], "苏州 suzhou 江苏 jiangsu", "苏州"),
        ("广东·深圳", ["广东·深圳"], "深圳 shenzhen 广东 guangdong", "深圳"),
        ("深圳·南山区", ["深圳·南山区"], "深圳 shenzhen 广东 guangdong", "深圳"),
        ("广东省广州市白云区", ["广东省广州市白云区"], "广州 canton guangzhou 广东 guangdong", "广州"),
        ("上海·浦东新区", ["上海·浦东新区"], "上海 shanghai", "上海"),
        ("Anhui·Suzhou", ["Anhui·Suzhou", "Anhui Suzhou"], "宿州 suzhou 安徽 anhui", "宿州"),
        ("Malaysia·Penang", ["Malaysia·Penang", "Malaysia Penang"], "", "Malaysia"),
        ("苏州", ["苏州"], "苏州 suzhou 江苏 jiangsu", "苏州"),
        ("", [""], "", ""),
    ])
    func regionTextAddsTheCityAndProvinceInBothLanguages(_ raw: String, _ region: [String], _ place: String, _ city: String) {
        #expect(TalentIndex.regionText(raw) == TalentIndex.RegionText(region: region, place: place, city: city))
    }

    static let records = [
        #"{"id": "sz-welder", "title": "焊工", "description": "招焊工，二保焊，会看图纸", "region": "深圳·南山区"}"#,
        #"{"id": "cz-welder", "title": "熟练焊工", "description": "焊工，持焊工证，氩弧焊二保焊", "region": "江苏·常州"}"#,
        #"{"id": "sz-clerk", "title": "仓库文员", "description": "录入单据", "region": "广东·深圳"}"#,
        #"{"id": "en-suzhou", "title": "Maintenance Technician", "description": "Maintain presses", "region": "Jiangsu·Suzhou"}"#,
        #"{"id": "zh-suzhou", "title": "设备维修工", "description": "维修冲压设备", "region": "苏州"}"#,
        #"{"id": "zh-hefei", "title": "设备维修工", "description": "维修注塑机", "region": "安徽·合肥·经济技术开发区"}"#,
        #"{"id": "dev", "title": "软件开发", "description": "Java", "region": "合肥"}"#,
    ]

    func cityCounts(_ query: String, in index: String) throws -> [String: Int] {
        let searcher = try Searcher(snapshot: try IndexSnapshot(directory: index), analyzer: try Analyzer())
        let results = try searcher.search(try QueryParser().parse(query), limit: 0, facets: ["city"])
        return Dictionary(uniqueKeysWithValues: (results.facets["city"] ?? []).map { ($0.value, $0.count) })
    }

    func ids(_ query: String, in index: String) throws -> [String] {
        let searcher = try Searcher(snapshot: try IndexSnapshot(directory: index), analyzer: try Analyzer())
        let results = try searcher.search(try QueryParser().parse(query), limit: 10)
        return results.hits.map(\.id)
    }

    @Test func placesMatchInBothLanguagesAndRankPostingsThereFirst() throws {
        try TemporaryDirectory.with { dir in
            let corpus = try GrowingCorpus(in: dir, mergePolicy: nil)
            try corpus.add(1, Self.records)
            _ = try corpus.run()
            // Filters find the city and the province whichever language the posting wrote them in.
            #expect(Set(try ids("region:苏州", in: corpus.index)) == ["en-suzhou", "zh-suzhou"])
            #expect(Set(try ids("region:suzhou", in: corpus.index)) == ["en-suzhou", "zh-suzhou"])
            #expect(Set(try ids("region:江苏", in: corpus.index)) == ["en-suzhou", "zh-suzhou", "cz-welder"])
            #expect(Set(try ids("region:shenzhen", in: corpus.index)) == ["sz-welder", "sz-clerk"])
            #expect(Set(try ids("region:广东", in: corpus.index)) == ["sz-welder", "sz-clerk"])
            // As written, quoted (how the server's page drills into a facet value).
            #expect(try ids(#"region:"Jiangsu·Suzhou""#, in: corpus.index) == ["en-suzhou"])
            #expect(try ids(#"region:"深圳·南山区""#, in: corpus.index) == ["sz-welder"])
            // A place among the words: the welder in Shenzhen first though the one in Changzhou names 焊工 more
            // often, and the clerk there (the place, no welding) after every welder.
            let welders = try ids("焊工 深圳", in: corpus.index)
            #expect(welders.first == "sz-welder", "\(welders)")
            #expect(welders.firstIndex(of: "sz-clerk")! > welders.firstIndex(of: "cz-welder")!, "\(welders)")
            // English place names find postings written in Chinese, and the other way round.
            #expect(try ids("设备维修 suzhou", in: corpus.index).first == "zh-suzhou")
            #expect(try ids("maintenance 苏州", in: corpus.index).first == "en-suzhou")
            // The city facet counts a city once whatever the spelling.
            #expect(try cityCounts("维修 OR 焊工 OR 文员 OR maintenance", in: corpus.index) == ["深圳": 2, "苏州": 2, "常州": 1, "合肥": 1])
            // Only place names count so: 开发 is no place, though postings in 经济技术开发区 hold it in `region`.
            #expect(try ids("开发", in: corpus.index) == ["dev"])
        }
    }
}
