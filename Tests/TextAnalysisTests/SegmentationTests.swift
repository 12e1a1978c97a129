import Foundation
import Testing
import TestSupport

@testable import TextAnalysis

/// Splitting Han runs by ICU's dictionary directly must give exactly the tokens of one ICU pass over the whole
/// text, whatever surrounds the runs.
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
        String(repeating: "熟悉数控机床编程与操作", count: 12),  // one long Han run
    ]

    @Test func hanRunsByDictionaryGiveTheTokensOfOneICUPass() throws {
        // Twice: a session's second pass must give the same.
        let differing = try unlikeOneICUPass(Self.edgeCases + Self.edgeCases)
        #expect(differing.isEmpty, "\(differing)")
    }

    /// The texts among `texts` whose tokens differ from one ICU pass over the whole text (one session each way,
    /// used for every text in turn).
    func unlikeOneICUPass(_ texts: [String]) throws -> [String] {
        let byDictionary = try analyzer.makeSession()
        let whole = try analyzer.makeSession()
        whole.segmentation = .wholeText
        return try texts.filter { try byDictionary.analyze($0) != whole.analyze($0) }
    }

    /// Han runs are split by walking ICU's CJK dictionary directly (not through its break iterator): the
    /// cheapest split must be ICU's, ties and characters the dictionary lacks included, at every length.
    @Test func hanRunsSplitAsICUSplitsThem() throws {
        let words = ["数控", "机床", "编程", "焊接", "工艺", "质量", "管理", "人员", "负责", "设备", "维护", "保养", "熟悉",
                     "操作", "生产", "计划", "安排", "中华人民共和国", "研究生命", "起源", "和服", "务必", "结婚", "的", "和",
                     "尚未", "地", "上", "了", "一", "个", "鑫", "燚", "犇", "龘", "㐀", "䶵", "丂", "亍"]
        var random = SeededRandom(seed: 83)
        var texts: [String] = []
        // The commonest characters: random strings of them hold many overlapping words and equal-cost splits.
        let common = Array("人的一是不了在有我他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长")
        for t in 0..<900 {
            var run = ""
            for _ in 0..<(Int(random.next() % 12) + 1) {
                if t % 3 == 2 {
                    run.append(common[Int(random.next() % UInt64(common.count))])
                    run.append(common[Int(random.next() % UInt64(common.count))])
                } else if t % 3 == 0 {
                    // Any character of the blocks, mostly no word of the dictionary.
                    let block: ClosedRange<UInt32> = random.next() % 4 == 0 ? 0x3400...0x4DBF : 0x4E00...0x9FFF
                    let v = block.lowerBound + UInt32(random.next() % UInt64(block.count))
                    run.unicodeScalars.append(Unicode.Scalar(v)!)
                } else {
                    run += words[Int(random.next() % UInt64(words.count))]
                }
            }
            texts.append(run)
            texts.append("（\(run)）\(run)，\(run)。A\(run)3")
        }
        texts.append(String(repeating: "研究生命起源和服务", count: 20))
        let differing = try unlikeOneICUPass(texts)
        #expect(differing.isEmpty, "\(differing.prefix(3))")
    }

    /// Punctuation between Han runs is cut without ICU where ICU would make each mark a segment of its own;
    /// `@` (a word to ICU), `_` and the ties that join (`__`, `‿‿`) must still come out as ICU makes them.
    @Test func punctuationBetweenHanRunsSegmentsAsICUDoes() throws {
        let marks = (Array(0x21...0x2F) + Array(0x3A...0x40) + Array(0x5B...0x60) + Array(0x7B...0x7E) + Array(0x3000...0x3020)
                     + Array(0x2010...0x2060) + [0xB7]).map { Character(Unicode.Scalar(UInt32($0))!) }
        var texts: [String] = []
        for m in marks {
            texts += ["机床\(m)编程", "\(m)机床", "机床\(m)", "机床\(m)\(m)编程", "\(m)\(m)", "a\(m)机床\(m)1"]
        }
        var random = SeededRandom(seed: 5)
        for _ in 0..<400 {
            let stretch = String((0..<(Int(random.next() % 4) + 1)).map { _ in marks[Int(random.next() % UInt64(marks.count))] })
            texts.append("焊接\(stretch)工艺\(stretch)")
        }
        let differing = try unlikeOneICUPass(texts)
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    /// Latin words, numbers and ASCII punctuation between Han runs are split without ICU, by the word-break
    /// rules ICU applies to them: joined by `.`, `,`, `;`, `'` and `_` only in the right company (`3.5`,
    /// `a.b`, `1,000`, `it's`, `a_1`, but `a.1`, `a..b`), spaces kept together, CR LF one segment, each
    /// word's kind (number or letters) from its last characters. Random mixes of exactly those classes, and
    /// of the characters that must still go to ICU (`@`, `:`, `·`, `’`, controls).
    @Test func latinStretchesBetweenHanRunsSegmentAsICUDoes() throws {
        let pieces = ["a", "b", "z", "x", "0", "1", "9", ".", ",", ";", "'", "_", " ", "  ", "\r\n", "\n", "\r", "\t", "-", "+",
                      "/", "#", "(", ")", "\"", "%", "、", "。", "（", "）", "【", "】", "plc", "s7", "1200", "c++", "c#",
                      ".net", "node.js", "3.5", "1,000", "it's", "a_1", "__", "@", ":", "·", "\u{2019}", "\u{0B}", "é"]
        let han = ["熟悉", "编程", "数控机床", "焊接", "年"]
        var random = SeededRandom(seed: 41)
        var texts: [String] = []
        for _ in 0..<3000 {
            var text = han[Int(random.next() % UInt64(han.count))]
            for _ in 0..<(Int(random.next() % 3) + 1) {
                for _ in 0..<(Int(random.next() % 6) + 1) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
                if random.next() % 3 != 0 { text += han[Int(random.next() % UInt64(han.count))] }
            }
            texts.append(text)
        }
        // Every ordered pair of pieces with a Han run on either side, and the ICU cases from the notes.
        for p in pieces { for q in pieces { texts.append("数控\(p)\(q)编程") } }
        texts += ["机床s7机床7s", "年abc123def年3.5年a.b年a:b年a'b年3,5年a  b年a_b年a-b年1;2年a;b年",
                  "年_年a_年_1年1_年__年1__年_1_年a1_年1a_年._年a_.b年1_,2年a'_年a'年'a年1.a年a.1年"]
        let differing = try unlikeOneICUPass(texts)
        #expect(differing.isEmpty, "\(differing.prefix(5))")
    }

    /// Folding takes shortcuts (ASCII, Han, and a table for punctuation such as `，` `、` `①` NBSP) and sends
    /// only the rest through ICU's normalizer, run by run: the result must equal normalizing the whole text
    /// at once, beside combining marks, Hangul and compatibility characters.
    @Test func foldingEqualsOneNormalizerPass() throws {
        var texts = try Self.corpusLines()
        // Every character of the table's blocks, alone, between Han, and before combining marks.
        let blocks: [ClosedRange<UInt32>] = [0xA0...0xFF, 0x2000...0x206F, 0x2460...0x24FF, 0x25A0...0x25FF,
                                             0x3000...0x303F, 0xFF00...0xFFEF]
        for block in blocks {
            for v in block {
                guard let c = Unicode.Scalar(v) else { continue }
                texts += ["\(c)", "焊接\(c)工艺", "a\(c)\u{301}b", "\(c)\u{3099}", "\u{301}\(c)"]
            }
        }
        let pool = Array("数控機床，、；。：（）【】！？“”‘’·—…①②ⅠⅡ㎏ＰＬＣａ\u{A0}\u{3000}éeÅ\u{301}\u{308}\u{3099}가각ｶﾞ가ß ,.;:3٣")
        var random = SeededRandom(seed: 61)
        for _ in 0..<2000 {
            texts.append(String((0..<Int(random.next() % 30)).map { _ in pool[Int(random.next() % UInt64(pool.count))] }))
        }
        let session = try analyzer.makeSession()
        var differing: [String] = []
        for text in texts where try session.foldUnits(text) != FoldingContext.referenceFold(text) { differing.append(text) }
        #expect(differing.isEmpty, "\(differing.prefix(5).map { Array($0.unicodeScalars.map { String($0.value, radix: 16) }) })")
    }

    /// The lines of the shipped corpus files, decoded.
    static func corpusLines() throws -> [String] {
        let folder = CLI.packageRoot.appendingPathComponent("corpus")
        var lines: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            lines += try TextDecoder.decode(Array(bytes), path: name).text.split(separator: "\n").map(String.init)
        }
        return lines
    }

    @Test func shippedCorpusAndRandomMixesSegmentAlike() throws {
        var texts = try Self.corpusLines()
        #expect(texts.count > 300)
        // Random mixes of the characters whose neighbourhood decides whether a run stands alone.
        let pool = Array("数控机床编程焊接工艺质量管理人々のカタ、。，；：！？（）【】《》“”·—… \n\t,.;:'-_/3０ａAbc\u{3099}\u{200D}\u{301}ไทย𠀀😀")
        var random = SeededRandom(seed: 29)
        for _ in 0..<1500 {
            let length = Int(random.next() % 40)
            texts.append(String((0..<length).map { _ in pool[Int(random.next() % UInt64(pool.count))] }))
        }
        let differing = try unlikeOneICUPass(texts + texts)
        #expect(differing.isEmpty, "\(differing.prefix(3))")
    }
}
