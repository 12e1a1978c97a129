/// The names and aliases of the occupations, found inside job titles.
///
/// A form is found where its folded text occurs in a title segment; a form with `*` (`高中*教师`) where its
/// parts occur in order with at most ``maxGap`` characters between them, and a form ending in a role's head
/// word (``heads``: 工程师, 经理, 老师 …) also as if it had a `*` before the head. A gap holds qualifiers, not
/// another occupation's form. A form that starts or ends with a Latin letter or digit must start or end at a
/// word boundary (`ui` is not found in `build`).
struct OccupationAliases {
    struct Form {
        var occupation: Int
        /// The folded parts: one, or several for a form with `*`.
        var parts: [[Unicode.Scalar]]
        /// What finding it is worth: a Han character counts 1, a Latin word or number 1.5.
        var weight: Double
        /// A workplace (`养老院`), not a job: it names the occupation only when no job word follows it.
        var workplace = false
        /// A bare role word (``genericWords``: 操作工, 普工 …) or a head of a place (店长, 厂长, 负责人): a
        /// workplace before it names the field (电子厂普工), rather than only where the job is.
        var takesFieldFromWorkplace = false
    }

    /// One form found in a segment.
    struct Match {
        var form: Int
        var start: Int
        var end: Int
        /// The form's weight, plus half a point per character a `*` stood for.
        var weight: Double
    }

    private(set) var forms: [Form] = []
    /// Forms by the hash of their first part, and the hashes of every prefix of a first part: `matches`
    /// extends a candidate one character at a time with a rolling hash, and stops as soon as no first part
    /// starts that way, instead of making and hashing an array per candidate (~34 allocations per title).
    private var byFirstPartHash: [UInt64: [Int]] = [:]
    private var prefixHashes: Set<UInt64> = []
    private var maxPartLength = 0
    /// Characters a `*` may stand for.
    static let maxGap = 6
    /// What a character a `*` stands for counts: the words between 销售 and 经理 (销售团队经理) qualify the
    /// role less than the form's own words.
    static let gapWeight = 0.5

    /// Adds a name or alias of `occupation`, folded by the analyzer.
    mutating func add(_ folded: String, occupation: Int, workplace: Bool = false) {
        let parts = folded.unicodeScalars.split(separator: "*").map { Array(Self.squeeze(Substring($0)).unicodeScalars) }
            .filter { !$0.isEmpty }
        guard let first = parts.first else { return }
        // A single Han character says nothing on its own.
        if parts.count == 1 && first.count < 2 { return }
        if let existing = byFirstPartHash[Self.hash(first)],
           existing.contains(where: { forms[$0].occupation == occupation && forms[$0].parts == parts }) {
            return
        }
        var weight = parts.reduce(0) { $0 + Self.weight(of: $1) }
        // A bare role word (工程师, 助理) says little about the field: a field word found beside it weighs more.
        let generic = parts.count == 1 && Self.genericWords.contains(folded)
        if generic { weight *= Self.genericWeight }
        let headOfPlace = parts.count == 1 && (first.last == "长" || Self.placeHeads.contains(folded))
        append(Form(occupation: occupation, parts: parts, weight: weight, workplace: workplace,
                    takesFieldFromWorkplace: generic || headOfPlace))
        if workplace { return }
        // A role may be qualified between its field and its head: 电气工程师 also matches 电气销售工程师,
        // 高中教师 matches 高中化学教师.
        if parts.count == 1, let head = Self.heads.first(where: { first.count - $0.count >= 2 && first.suffix($0.count).elementsEqual($0) }) {
            let field = Array(first.dropLast(head.count))
            if field.allSatisfy(OccupationTitle.isHan) {
                append(Form(occupation: occupation, parts: [field, head], weight: Self.weight(of: first)))
            }
        }
    }

    private mutating func append(_ form: Form) {
        forms.append(form)
        var h = Self.hashSeed
        for c in form.parts[0] {
            h = Self.extend(h, c)
            prefixHashes.insert(h)
        }
        byFirstPartHash[h, default: []].append(forms.count - 1)
        for part in form.parts { maxPartLength = max(maxPartLength, part.count) }
    }

    private static let hashSeed: UInt64 = 0xcbf2_9ce4_8422_2325

    private static func hash(_ scalars: [Unicode.Scalar]) -> UInt64 {
        scalars.reduce(hashSeed, extend)
    }

    @inline(__always)
    private static func extend(_ h: UInt64, _ c: Unicode.Scalar) -> UInt64 {
        (h ^ UInt64(c.value)) &* 0x0000_0100_0000_01b3
    }

    /// Role words that name no field on their own.
    static let genericWords: Set<String> = ["工程师", "技术员", "助理", "专员", "经理", "主管", "总监", "顾问", "老师", "教师", "讲师",
                                            "服务员", "店员", "操作工", "普工", "工人", "技工", "员工", "操作员", "学徒", "研发",
                                            "管理员", "文员", "内勤", "设计师", "设计", "客服", "业务员", "销售"]
    /// Generic words that qualify a role inside a gap rather than name another (电机研发工程师 is an 电机工程师).
    static let gapQualifiers: Set<[Unicode.Scalar]> = ["研发", "设计", "开发", "技术员"].map { Array($0.unicodeScalars) }.reduce(into: []) { $0.insert($1) }
    /// Heads of a place or of its business, besides the words ending in 长 (店长, 厂长, 护士长).
    static let placeHeads: Set<String> = ["业务", "负责人", "主任", "合伙人", "老板", "店助", "领班"]
    /// What a generic role word's characters count, relative to others.
    static let genericWeight = 0.5

    /// Head words of roles, longest first: a form ending in one also matches with a short gap before it.
    static let heads: [[Unicode.Scalar]] = ["工程师", "设计师", "技术员", "经理", "总监", "主管", "专员", "助理", "顾问", "老师", "教师",
                                            "讲师", "代表", "客服"].map { Array($0.unicodeScalars) }

    /// Drops spaces next to Han characters (`java 开发` → `java开发`) and collapses the others.
    static func squeeze<S: StringProtocol>(_ s: S) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            if c == " " || c == "\t" {
                let prev = out.last, next = i + 1 < scalars.count ? scalars[i + 1] : nil
                guard let p = prev, let n = next, OccupationTitle.isWordChar(p), OccupationTitle.isWordChar(n) || n == "." else { continue }
                if p == " " { continue }
                out.append(" ")
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// A Han character counts 1; a run of Latin letters, digits and `+ # .` counts 1.5.
    static func weight(of scalars: [Unicode.Scalar]) -> Double {
        var w = 0.0
        var inWord = false
        for c in scalars {
            if OccupationTitle.isHan(c) {
                w += 1
                inWord = false
            } else if OccupationTitle.isWordChar(c) || c == "+" || c == "#" || c == "." {
                if !inWord { w += 1.5 }
                inWord = true
            } else {
                inWord = false
            }
        }
        // One Latin word naming the job (welder, accountant) says as much as a two-character Chinese one (焊工).
        return w == 1.5 ? 2 : w
    }

    /// Every form found in `segment`.
    func matches(in segment: [Unicode.Scalar]) -> [Match] {
        var result: [Match] = []
        let n = segment.count
        for start in 0..<n {
            // A Latin form cannot start inside a Latin word.
            let startsInWord = start > 0 && OccupationTitle.isWordChar(segment[start - 1]) && OccupationTitle.isWordChar(segment[start])
            var h = Self.hashSeed
            for length in 1...min(maxPartLength, n - start) {
                h = Self.extend(h, segment[start + length - 1])
                guard prefixHashes.contains(h) else { break }
                guard let candidates = byFirstPartHash[h] else { continue }
                let end = start + length
                for f in candidates {
                    let form = forms[f]
                    // Another first part with the same hash.
                    guard form.parts[0].count == length, form.parts[0].elementsEqual(segment[start..<end]) else { continue }
                    if startsInWord && OccupationTitle.isWordChar(form.parts[0][0]) { continue }
                    guard let last = matchRest(form.parts, in: segment, from: end) else { continue }
                    if last < n && OccupationTitle.isWordChar(segment[last]) && OccupationTitle.isWordChar(segment[last - 1]) { continue }
                    let gap = Double(last - start - form.parts.reduce(0) { $0 + $1.count })
                    result.append(Match(form: f, start: start, end: last, weight: form.weight + Self.gapWeight * gap))
                }
            }
        }
        // A gap may hold a qualifier (销售团队经理), not another occupation (电商美工助理 is no 电商助理, 环境影响评价
        // 工程师 no 环境工程师).
        let occupations = result.filter { m in
            let form = forms[m.form]
            // Generic role words count too: 消防产品销售经理 is no 产品经理.
            return form.parts.count == 1 && (form.weight >= 2 || (form.parts[0].count >= 2 && !Self.gapQualifiers.contains(form.parts[0])))
        }
        return result.filter { m in
            let form = forms[m.form]
            guard form.parts.count > 1, let lastPart = form.parts.last else { return true }
            let gap = (m.start + form.parts[0].count)..<(m.end - lastPart.count)
            guard !gap.isEmpty else { return true }
            return !occupations.contains { o in
                forms[o.form].occupation != form.occupation
                    && ((o.start >= gap.lowerBound && o.end <= gap.upperBound) || (o.start <= m.start && o.end >= gap.upperBound && o.end < m.end))
            }
        }
    }

    /// Where the parts after the first end, found in order with short gaps; `from` when there are none.
    private func matchRest(_ parts: [[Unicode.Scalar]], in segment: [Unicode.Scalar], from: Int) -> Int? {
        var position = from
        for part in parts.dropFirst() {
            var found: Int?
            var s = position
            while s + part.count <= segment.count && s - position <= Self.maxGap {
                if segment[s..<(s + part.count)].elementsEqual(part) {
                    found = s + part.count
                    break
                }
                s += 1
            }
            guard let f = found else { return nil }
            position = f
        }
        return position
    }
}
