import Foundation

/// A job title reduced to the parts that name an occupation.
///
/// Job boards pad titles with what is not the job: brackets (`（双休）`, `【急招】`), pay and shift words
/// (`底薪5000`, `包吃住`, `两班倒`), the employer before `招聘` (`鸿辉制衣招聘保安`), headcounts, places,
/// negations (`无销售性质`), seniority (`资深`, `高级`, `中工`). ``init(folded:)`` removes them, folds ranks
/// onto their role (`助理工程师` → `工程师`), and cuts the rest into segments at punctuation (`行政专员/助理`
/// → `行政专员`, `助理`); bracketed text and the employer's name are kept apart, as weaker sources.
///
/// ```swift
/// OccupationTitle(folded: "江苏新科工业炉招聘焊工(包吃住)").segments  // ["焊工"]
/// ```
struct OccupationTitle {
    /// Segments of the title outside brackets, as Unicode scalars, in order.
    var segments: [[Unicode.Scalar]]
    /// Segments of the bracketed parts.
    var bracketed: [[Unicode.Scalar]]

    /// Whether the job is qualified as senior (高级, 资深, 首席): 高级销售代表 is a marketing professional.
    var senior: Bool

    /// Segments of the employer's name before 招聘 (`某某餐饮招聘服务员`): context, not the job.
    var employer: [[Unicode.Scalar]]

    /// Cleans a title already folded by the analyzer (NFKC, case folded, Simplified).
    init(folded text: String) {
        var main = ""
        var inner: [String] = []
        Self.splitBrackets(text, main: &main, inner: &inner)
        let (job, employer) = Self.splitEmployer(main)
        segments = Self.segments(of: Self.clean(job))
        bracketed = inner.flatMap { Self.segments(of: Self.clean($0)) }
        self.employer = Self.segments(of: Self.clean(employer))
        senior = (has(job, "高级") && !has(job, "高级中学")) || has(job, "资深") || has(job, "首席")
    }

    /// The job and the employer's name before it: `鸿辉制衣招聘保安` → 保安, 鸿辉制衣; `招保安` → 保安.
    static func splitEmployer(_ text: String) -> (job: String, employer: String) {
        // On scalars: Foundation's `range(of:)` folded character clusters and cost more than the rest.
        guard text.unicodeScalars.contains("招") else { return (text, "") }
        var s = Array(text.unicodeScalars)
        var employer: [Unicode.Scalar] = []
        if let r = lastRange(of: Self.zhaopin, in: s) {
            var after = s[r.upperBound...]
            while let f = after.first, f == " " || f == "\t" { after.removeFirst() }
            while let l = after.last, l == " " || l == "\t" { after.removeLast() }
            let isJob = after.isEmpty || recruitingHeadScalars.contains { after.starts(with: $0) }
            if !isJob {
                employer = Array(s[..<r.lowerBound])
                s = Array(after)
            }
        }
        if let z = s.firstIndex(of: "招"), !zhaoWordScalars.contains(where: { s[z...].starts(with: $0) }) {
            let before = s[..<z]
            let after = s[(z + 1)...]
            if after.count >= 2 && (before.isEmpty || before.count >= 2) {
                employer += before
                s = Array(after)
            }
        }
        return (String(String.UnicodeScalarView(s)), String(String.UnicodeScalarView(employer)))
    }

    private static let zhaopin = Array("招聘".unicodeScalars)
    private static let recruitingHeadScalars = recruitingHeads.map { Array($0.unicodeScalars) }
    private static let zhaoWordScalars = zhaoWords.map { Array($0.unicodeScalars) }

    private static func lastRange(of word: [Unicode.Scalar], in text: [Unicode.Scalar]) -> Range<Int>? {
        guard word.count <= text.count else { return nil }
        var i = text.count - word.count
        while i >= 0 {
            if text[i..<(i + word.count)].elementsEqual(word) { return i..<(i + word.count) }
            i -= 1
        }
        return nil
    }

    // MARK: - Brackets

    private static let openers: [Unicode.Scalar: Unicode.Scalar] = [
        "(": ")", "[": "]", "【": "】", "〔": "〕", "〖": "〗", "{": "}", "<": ">", "《": "》", "「": "」", "『": "』",
    ]

    /// Moves bracketed text out of `main`; an unclosed bracket runs to the end.
    private static func splitBrackets(_ text: String, main mainText: inout String, inner: inout [String]) {
        // By scalar, not by Character: the text is NFKC-folded and brackets are single scalars, and grapheme
        // breaking was most of this loop's time.
        var closer: Unicode.Scalar?
        var depth = 0
        var current = String.UnicodeScalarView()
        var main = String.UnicodeScalarView()
        defer { mainText = String(main) }
        for c in text.unicodeScalars {
            if let close = closer {
                if c == close {
                    depth -= 1
                    if depth == 0 {
                        inner.append(String(current))
                        current = String.UnicodeScalarView()
                        closer = nil
                        main.append(" ")
                        continue
                    }
                } else if openers[c] == close {
                    depth += 1
                }
                current.append(c)
            } else if let close = openers[c] {
                closer = close
                depth = 1
            } else if c == ")" || c == "】" || c == "]" {
                main.append(" ")
            } else {
                main.append(c)
            }
        }
        if !current.isEmpty { inner.append(String(current)) }
    }

    // MARK: - Noise

    /// Phrases that are never the job, longest first (folded: Simplified, lowercase, half-width).
    static let noise: [String] = {
        let words = """
            无销售性质 无需销售 不做销售 不销售 非销售 无销售 无任务 无业绩 不跑业务 无需外出 不外出 无需出差 不出差 不露脸 不出脸
            不开车 无压力 无压 无通话时长 不打卡 无需坐班 不坐班 不加班 无加班 无需经验 无经验 接受无经验 可无经验 经验不限 学历不限
            接受小白 接受新手 零经验 零基础 小白 可培训 带薪培训 免费培训 包培训 有专业带教 带教 快速晋升 晋升空间大 晋升 上升空间
            高薪招聘 高薪诚聘 高薪急聘 高薪聘请 高薪直招 高薪诚招 长期招聘 大量招聘 急招 急聘 诚聘 诚招 直招 直聘 热招 聘请 招募令
            高薪 高底薪 无责底薪 底薪 保底 保障薪 高提成 高额提成 提成 绩效 年终奖 奖金 补贴 补助 餐补 房补 下午茶 团建
            包吃包住 包吃住 包食宿 提供食宿 免费食宿 管吃住 吃住 包住宿 提供住宿 解决住宿 承担住宿 有住宿 免费住宿 包住 包吃 包水电
            七险一金 六险一金 五险一金 七险 六险 五险 社保 缴纳社保 法定节假日 节假日休息 节假日 法休 法假 带薪年假 年假
            周末双休 双休 单休 大小周 做五休二 做六休一 上四休二 上几休几 月休
            朝九晚六 早九晚六 早九晚五 朝九晚五 朝十晚七 早八晚五 早八晚六 两班倒 长白班 纯白班 白班 夜班 倒班 坐班 坐岗
            月入过万 月薪过万 收入过万 过万 月入 月薪 年薪 日薪 时薪 薪资 工资 待遇 收入
            工作轻松 轻松 稳定 简单 时间自由 时间弹性 自由 日结 周结 月结 可预支 借支
            可兼职 兼职 全职 临时工 小时工 暑假工 寒假工 暑期工 假期工 实习生 实习 见习生 应届毕业生 应届生 应届 毕业生 学徒工 学徒 徒工
            就近安排 就近分配 全国就近 可居家 居家 线上 远程 不限 优先 急需 急缺 若干 数名 多名
            储备干部 储干 管理培训生 管培生
            """
        return words.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).sorted { $0.count > $1.count }
    }()

    /// Rank and seniority words inside a title (`连接器研发高级工程师`): removed without cutting it.
    static let qualifiers: [String] = ["高级", "资深", "初级", "中级", "首席", "储备", "见习", "中工", "小工", "大工"]

    /// Titles that stay whole even though they are made of noise words (`管培生` is the job itself).
    private static let keepWhole: Set<String> = ["管培生", "管理培训生", "储备干部", "实习生", "学徒", "学徒工", "兼职", "临时工", "小时工", "暑假工", "寒假工", "暑期工", "假期工",
                                                 "小工", "大工"]

    /// Rank words folded onto the role they qualify: an assistant engineer is an engineer of the same field.
    private static let ranks: [(String, String)] = [("助理工程师", "工程师"), ("工程师助理", "工程师"), ("助理设计师", "设计师"),
                                                    ("设计师助理", "设计师"), ("副总经理", "总经理"), ("副经理", "经理"), ("副总监", "总监"),
                                                    ("副主任", "主任"), ("副厂长", "厂长"), ("副店长", "店长"), ("副主管", "主管"),
                                                    // Day labour is a job, though 日结 alone is pay noise.
                                                    ("日结工", "零工"), ("日薪工", "零工"), ("日结零工", "零工")]

    /// Provinces and large cities: a place is never the job.
    static let places: [String] = {
        let words = """
            内蒙古 黑龙江 乌鲁木齐 呼和浩特 齐齐哈尔 石家庄 连云港 张家港 秦皇岛 张家口 鄂尔多斯 驻马店 哈尔滨
            北京 天津 上海 重庆 河北 山西 辽宁 吉林 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 广西 海南 四川 贵州 云南
            西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 广州 深圳 东莞 佛山 珠海 惠州 江门 肇庆 汕头 湛江 茂名 揭阳 清远 韶关
            梅州 潮州 阳江 河源 南京 苏州 无锡 常州 南通 扬州 盐城 镇江 泰州 淮安 宿迁 徐州 昆山 江阴 常熟 杭州 宁波 温州 绍兴
            嘉兴 湖州 金华 台州 义乌 衢州 丽水 舟山 合肥 芜湖 蚌埠 阜阳 安庆 滁州 马鞍山 福州 厦门 泉州 漳州 莆田 晋江 南昌 赣州
            九江 济南 青岛 烟台 潍坊 临沂 淄博 济宁 日照 威海 德州 聊城 菏泽 泰安 滨州 东营 枣庄 郑州 洛阳 新乡 南阳 许昌 开封
            安阳 焦作 信阳 商丘 周口 武汉 宜昌 襄阳 荆州 黄石 十堰 孝感 荆门 黄冈 长沙 株洲 湘潭 衡阳 岳阳 常德 郴州 邵阳 南宁
            桂林 柳州 北海 玉林 海口 三亚 成都 绵阳 德阳 宜宾 泸州 南充 乐山 贵阳 遵义 昆明 曲靖 玉溪 西安 咸阳 宝鸡 榆林 兰州
            西宁 银川 拉萨 包头 沈阳 大连 鞍山 营口 盘锦 锦州 长春 大庆 唐山 保定 邯郸 廊坊 沧州 邢台 衡水 承德 太原 大同 长治
            晋城 临汾 运城 晋中 赤峰 省内 省外 全国 本地 异地 外地 市区 县城
            """
        return words.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).sorted { $0.count > $1.count }
    }()

    /// Words right after 招聘 that make it the job (招聘专员), not the employer's announcement (某厂招聘焊工).
    private static let recruitingHeads = ["专员", "主管", "经理", "助理", "文员", "专家", "顾问", "负责人", "总监", "人员", "岗",
                                          "官", "师", "员", "组长", "工程师", "hr", "实习"]

    /// Words starting with 招 that are not "hiring": 招商, 招生, 招标 ….
    private static let zhaoWords = ["招商", "招生", "招标", "招投标", "招聘", "招募", "招待", "招行", "招牌", "招股"]

    /// Removes what is not the job from the text outside brackets.
    static func clean(_ input: String) -> String {
        var s = input
        // Only short titles can be one of `keepWhole` (Foundation's trimming was a third of this function).
        if s.utf8.count <= 40 {
            let scalars = s.unicodeScalars
            let blank = { (c: Unicode.Scalar) in c == "\t" || c.properties.generalCategory == .spaceSeparator }
            let start = scalars.firstIndex { !blank($0) } ?? scalars.endIndex
            let end = scalars.lastIndex { !blank($0) }.map { scalars.index(after: $0) } ?? start
            let whole = String(scalars[start..<max(start, end)])
            if keepWhole.contains(whole) { return whole }
        }
        // `has` compares UTF-8 bytes: Foundation's `contains` folds character clusters and was most of the
        // time indexing spends classifying titles. Most of the ~500 phrases start with a character the title
        // does not hold, which `present` tells without scanning (it holds at least every character of `s`).
        var present = ScalarBits(s)
        // Statics read once: each read of a static is a `swift_once` call.
        let (ranks, rankFirsts) = (Self.ranks, Self.rankFirsts)
        for i in ranks.indices where present.contains(rankFirsts[i]) && has(s, ranks[i].0) {
            s = replacing(s, ranks[i].0, with: ranks[i].1)
            present.insert(ranks[i].1)
        }
        let (noise, noiseFirsts) = (Self.noise, Self.noiseFirsts)
        for i in noise.indices where present.contains(noiseFirsts[i]) && has(s, noise[i]) {
            s = replacing(s, noise[i], with: " ")
            present.insert(" ")
        }
        let (qualifiers, qualifierFirsts) = (Self.qualifiers, Self.qualifierFirsts)
        for i in qualifiers.indices where present.contains(qualifierFirsts[i]) && has(s, qualifiers[i]) {
            // 高级 qualifies, 高级中学 does not.
            if qualifiers[i] == "高级" && has(s, "高级中学") { continue }
            s = replacing(s, qualifiers[i], with: "")
        }
        let (places, placeFirsts) = (Self.places, Self.placeFirsts)
        for i in places.indices where present.contains(placeFirsts[i]) && has(s, places[i]) {
            let place = places[i]
            s = replacing(replacing(replacing(s, place + "省", with: " "), place + "市", with: " "), place, with: " ")
            present.insert(" ")
        }
        return removeNumbers(s)
    }

    private static let rankFirsts = ranks.map { ScalarBits.first($0.0) }
    private static let noiseFirsts = noise.map(ScalarBits.first)
    private static let qualifierFirsts = qualifiers.map(ScalarBits.first)
    private static let placeFirsts = places.map(ScalarBits.first)

    /// Which characters (by a 256-way hash) a text may hold: a superset test, never a false "absent".
    struct ScalarBits {
        // Indexed without branches: `clean` asks about the first character of ~1,000 phrases per title, and
        // a switch over four words was half its time.
        private var bits = SIMD4<UInt64>(repeating: 0)

        init(_ text: String) { insert(text) }

        /// The bucket of `text`'s first character.
        static func first(_ text: String) -> UInt8 { bucket(text.unicodeScalars.first?.value ?? 0) }

        private static func bucket(_ v: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: v ^ (v >> 8) ^ (v >> 16)) }

        mutating func insert(_ text: String) {
            for c in text.unicodeScalars {
                let b = Self.bucket(c.value)
                bits[Int(b >> 6)] |= UInt64(1) << UInt64(b & 63)
            }
        }

        @inline(__always)
        func contains(_ b: UInt8) -> Bool {
            bits[Int(b >> 6)] & (UInt64(1) << UInt64(b & 63)) != 0
        }
    }

    private static func isLatin(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }
    private static let chineseNumerals: Set<Unicode.Scalar> = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "两", "几", "百", "千"]
    private static let countUnits: Set<Unicode.Scalar> = ["名", "个", "人", "位"]
    private static let numberUnits: Set<Unicode.Scalar> = ["k", "w", "千", "万", "元", "块", "天", "号", "名", "个", "人", "位", "岁", "h", "薪", "小", "时"]

    /// Removes numbers that are pay, counts or dates (`8k`, `7000+`, `3名`, `三人`), not those inside a
    /// Latin word (`s7-1200`, `3d`, `c1`).
    private static func removeNumbers(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            // A number after `s7-` or `v2.` continues a Latin word: keep it.
            var previous = out.last
            if previous == "-" || previous == "." { previous = out.dropLast().last }
            if isDigit(c) && !(previous.map(isWordChar) ?? false) {
                var j = i
                while j < scalars.count && (isDigit(scalars[j]) || scalars[j] == ".") { j += 1 }
                // Units right after the number: 8k, 2万, 3名, 260一天 ….
                var k = j
                while k < scalars.count && numberUnits.contains(scalars[k]) && k - j < 2 { k += 1 }
                if k == j && j < scalars.count && isLatin(scalars[j]) {
                    // A Latin word starting with a digit (3d, 5g): keep it.
                    out.append(contentsOf: scalars[i..<j])
                    i = j
                    continue
                }
                out.append(" ")
                i = k
                continue
            }
            if chineseNumerals.contains(c) {
                var j = i
                while j < scalars.count && chineseNumerals.contains(scalars[j]) { j += 1 }
                if j < scalars.count && countUnits.contains(scalars[j]) && (j + 1 == scalars.count || scalars[j + 1] != "员") {
                    out.append(" ")
                    i = j + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(out)
    }

    // MARK: - Segments

    static func isHan(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3134F: return true
        default: return false
        }
    }

    static func isWordChar(_ c: Unicode.Scalar) -> Bool { isLatin(c) || isDigit(c) }

    /// Cuts at punctuation and spaces; a space between two Latin words, and `+ # .` inside a Latin word
    /// (`c++`, `c#`, `.net`, `node.js`), do not cut.
    static func segments(of s: String) -> [[Unicode.Scalar]] {
        let scalars = Array(s.unicodeScalars)
        var result: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        func flush() {
            while let last = current.last, last == " " { current.removeLast() }
            if !current.isEmpty { result.append(current) }
            current = []
        }
        for (i, c) in scalars.enumerated() {
            if isHan(c) || isWordChar(c) {
                current.append(c)
                continue
            }
            let prev = current.last
            let next = i + 1 < scalars.count ? scalars[i + 1] : nil
            let prevWord = prev.map(isWordChar) ?? false
            let nextWord = next.map(isWordChar) ?? false
            switch c {
            case " ", "\t":
                if prevWord && nextWord { current.append(" ") } else { flush() }
            case "+", "#":
                if prev.map(isLatin) ?? false || (prev == "+" && c == "+") { current.append(c) } else { flush() }
            case ".":
                if nextWord && (prevWord || prev == nil) { current.append(c) } else { flush() }
            case "-":
                if prevWord && nextWord { current.append(c) } else { flush() }
            default:
                flush()
            }
        }
        flush()
        return result
    }
}

/// `text` with every occurrence of `part` replaced, comparing UTF-8 bytes as ``has(_:_:)`` does (titles are
/// NFKC-folded, so this equals Foundation's `replacingOccurrences` there, at a fraction of its cost).
func replacing(_ text: String, _ part: String, with replacement: String) -> String {
    let t = Array(text.utf8), p = Array(part.utf8)
    guard let first = p.first, p.count <= t.count else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(t.count)
    var i = 0
    var found = false
    while i < t.count {
        if t[i] == first && i + p.count <= t.count && t[i..<(i + p.count)].elementsEqual(p) {
            out.append(contentsOf: replacement.utf8)
            i += p.count
            found = true
        } else {
            out.append(t[i])
            i += 1
        }
    }
    return found ? String(decoding: out, as: UTF8.self) : text
}

/// Whether `text` contains `part`, comparing UTF-8 bytes (exact, no Unicode folding).
func has(_ text: String, _ part: String) -> Bool {
    // Native strings lend their UTF-8 storage without a copy.
    if let found = text.utf8.withContiguousStorageIfAvailable({ t in
        part.utf8.withContiguousStorageIfAvailable { p in contains(t, p) }
    }), let found { return found }
    return contains(Array(text.utf8), Array(part.utf8))
}

private func contains(_ t: UnsafeBufferPointer<UInt8>, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let first = p.first, p.count <= t.count else { return p.isEmpty }
    var i = 0
    let last = t.count - p.count
    while i <= last {
        if t[i] == first {
            var k = 1
            while k < p.count && t[i + k] == p[k] { k += 1 }
            if k == p.count { return true }
        }
        i += 1
    }
    return false
}

private func contains(_ t: [UInt8], _ p: [UInt8]) -> Bool {
    t.withUnsafeBufferPointer { tb in p.withUnsafeBufferPointer { pb in contains(tb, pb) } }
}
