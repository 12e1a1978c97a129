import Foundation
import Testing
import TestSupport

@testable import TextAnalysis

/// Reusing the segments of Han runs must give exactly the tokens of one ICU pass over the whole text,
/// whatever surrounds the runs and however often they come back.
@Suite struct SegmentationTests {
    let analyzer = Analyzer(lexicon: testLexicon)

    static let edgeCases = [
        "数控机床操作，熟悉PLC编程。数控机床操作，熟悉PLC编程。",
        "1、负责设备维护；\n2、负责设备维护；\r\n3、负责设备维护",
        "日本語のテキストと中文混合，日本語のテキスト",      // kana joins the dictionary range
        "カタカナ机器人カタカナ机器人",
        "焊接\u{3099}工艺 焊接工艺",                          // a combining mark after Han
        "机器人ภาษาไทย机器人 ภาษาไทย",                        // Thai is dictionary text too
        "𠀀𪚥数控𠀀 数控 𪚥",                                  // Han outside the BMP
        "时间々々人々 人々",
        "月薪3,000元，年薪36,000元 3,000 元",
        "迈克尔·乔丹 机器人·焊接",
        "工程师\u{200D}工程师 工程师\u{200B}工程师 工程师\u{2060}",
        "👩‍🔧机械工程师👩‍🔧 机械工程师",
        "“质量管理”‘质量管理’「质量管理」【质量管理】《质量管理》",
        "ＰＬＣ編程，PLC编程，ｐｌｃ程式設計",
        "软件\u{3000}软件\u{3000}\u{3000}软件",
        "node.js开发node.js 开发 c++开发c#开发.net开发",
        "3.5年经验，3年以上，三年以上",
        String(repeating: "熟悉数控机床编程与操作", count: 12),  // one Han run longer than the cache keeps
    ]

    @Test func reusingHanRunsGivesTheTokensOfOneICUPass() throws {
        let reusing = try analyzer.makeSession()
        let whole = try analyzer.makeSession()
        whole.segmentation = .wholeText
        // Twice, so the second round reads every run from the cache.
        for _ in 0..<2 {
            for text in Self.edgeCases {
                #expect(try reusing.analyze(text) == whole.analyze(text), "\(text)")
            }
        }
    }

    @Test func shippedCorpusAndRandomMixesSegmentAlike() throws {
        let reusing = try analyzer.makeSession()
        let whole = try analyzer.makeSession()
        whole.segmentation = .wholeText
        let folder = CLI.packageRoot.appendingPathComponent("corpus")
        var texts: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            let text = try TextDecoder.decode(Array(bytes), path: name).text
            texts += text.split(separator: "\n").map(String.init)
        }
        #expect(texts.count > 300)
        // Random mixes of the characters whose neighbourhood decides whether a run may be reused.
        let pool = Array("数控机床编程焊接工艺质量管理人々のカタ、。，；：！？（）【】《》“”·—… \n\t,.;:'-_/3０ａAbc\u{3099}\u{200D}\u{301}ไทย𠀀😀")
        var random = SeededRandom(seed: 29)
        for _ in 0..<1500 {
            let length = Int(random.next() % 40)
            texts.append(String((0..<length).map { _ in pool[Int(random.next() % UInt64(pool.count))] }))
        }
        var differing: [String] = []
        for text in texts + texts where try reusing.analyze(text) != whole.analyze(text) {
            differing.append(text)
        }
        #expect(differing.isEmpty, "\(differing.prefix(3))")
    }
}
