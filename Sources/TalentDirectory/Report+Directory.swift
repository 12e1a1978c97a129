extension Report {
    /// The talent demand directory as a report: one section with a row per group, a share chart and a growth
    /// chart, and a header with the filters, the date range, the periods growth compares and the counts.
    ///
    /// - Parameters:
    ///   - directory: the computed directory.
    ///   - context: language, skill labels and the filters as the user gave them.
    public init(directory: DemandDirectory, context: ReportContext) {
        let t = context.text
        let slice = directory.slice
        let (byKey, nameKey): (ReportLabels.Key, ReportLabels.Key) = switch directory.dimension {
        case .occupation: (.byOccupation, .occupation)
        case .occupationGroup: (.byOccupationGroup, .occupationGroup)
        case .skill: (.bySkill, .skill)
        case .region: (.byRegion, .region)
        case .industry: (.byIndustry, .industry)
        }
        self.init(language: context.language,
                  title: t(.directoryTitle) + (context.language == .zh ? " · " : " ") + t(byKey))
        facts = Self.sliceFacts(slice, context: context)
        let shown = directory.groups.filter { $0.key != nil }.count
        let keyed = directory.groupCount - (directory.groups.contains { $0.key == nil } ? 1 : 0)
        facts.append(ReportFact(id: "groups", label: t(.groups),
                                value: .text(shown == keyed ? "\(keyed)" : "\(shown) / \(keyed)")))

        let skillsTitle = directory.dimension == .skill ? t(.coSkills) : t(.topSkills)
        let columns = [
            ReportColumn(id: "rank", title: t(.rank)),
            ReportColumn(id: "name", title: t(nameKey)),
            ReportColumn(id: "key", title: "key", role: .data),
            ReportColumn(id: "postings", title: t(.postings)),
            ReportColumn(id: "share", title: t(.share)),
            ReportColumn(id: "growth_pp", title: t(.growth)),
            ReportColumn(id: "headcount", title: t(.headcount)),
            ReportColumn(id: "salary_median", title: t(.salaryMedian)),
            ReportColumn(id: "experience_median", title: t(.experienceMedian)),
            ReportColumn(id: "top_skills", title: skillsTitle, role: .detail),
            ReportColumn(id: "education", title: t(.education), role: .detail),
            ReportColumn(id: "regions", title: t(.regions), role: .detail),
            ReportColumn(id: "salary_quartiles", title: t(.salaryQuartiles), role: .readable),
            ReportColumn(id: "salary_q1", title: t(.salaryQ1), role: .data),
            ReportColumn(id: "salary_q3", title: t(.salaryQ3), role: .data),
            ReportColumn(id: "weighted_share", title: t(.weightedShare), role: .detail),
            ReportColumn(id: "examples", title: t(.examples), role: .detail),
            ReportColumn(id: "earlier_share", title: t(.earlierShare), role: .data),
            ReportColumn(id: "recent_share", title: t(.recentShare), role: .data),
        ]
        var rows: [[ReportValue]] = []
        var rank = 0
        for g in directory.groups {
            var name = g.name
            if g.key == nil {
                name = t(.notGiven)
            } else if directory.dimension == .skill {
                name = context.skill(g.name)
            }
            if g.key != nil { rank += 1 }
            func shares(_ items: [DemandShare], label: (String) -> String) -> ReportValue {
                items.isEmpty ? .missing : .shares(items.map {
                    ReportShare(key: $0.key, label: label($0.key), count: $0.count, share: $0.share)
                })
            }
            rows.append([
                g.key == nil ? .missing : .integer(rank),
                .text(name),
                g.key.map(ReportValue.text) ?? .missing,
                .integer(g.postings),
                .percent(g.share),
                g.growth.map { .points($0.points) } ?? .missing,
                g.headcountKnown > 0 ? .integer(g.headcount) : .missing,
                g.salary.map { .money($0.median) } ?? .missing,
                g.experienceMedian.map(ReportValue.years) ?? .missing,
                shares(g.skills, label: context.skill),
                shares(g.education) { Education.label($0, language: context.language) },
                shares(g.regions) { $0 },
                g.salary.map { .text(ReportNumber.grouped($0.lowerQuartile, decimals: 0) + "–"
                                     + ReportNumber.grouped($0.upperQuartile, decimals: 0)) } ?? .missing,
                g.salary.map { .money($0.lowerQuartile) } ?? .missing,
                g.salary.map { .money($0.upperQuartile) } ?? .missing,
                .percent(g.weightedShare),
                g.examples.isEmpty ? .missing : .list(g.examples),
                g.growth.map { .percent($0.earlierShare) } ?? .missing,
                g.growth.map { .percent($0.recentShare) } ?? .missing,
            ])
        }
        var charts = [ReportChart(title: t(.chartShare), labelColumn: "name", valueColumn: "share")]
        if slice.hasGrowth {
            charts.append(ReportChart(title: t(.chartGrowth), labelColumn: "name", valueColumn: "growth_pp"))
        }
        let sectionTitle = context.pick(t(nameKey) + "需求", "Demand by " + t(nameKey).lowercased())
        sections = [ReportSection(id: "groups", title: sectionTitle, columns: columns,
                                  rows: rows, charts: charts, emptyMessage: t(.emptySlice))]
        notes = Self.directoryNotes(context)
    }

    /// Header facts shared by the directory and the gaps: filters, dates, postings, periods.
    static func sliceFacts(_ slice: DemandSlice, context: ReportContext) -> [ReportFact] {
        let t = context.text
        var facts: [ReportFact] = []
        let query = context.query?.trimmingCharacters(in: .whitespaces) ?? ""
        facts.append(ReportFact(id: "where", label: t(.query), value: .text(query.isEmpty ? t(.allPostings) : query)))
        var dates = slice.range.map(\.description) ?? t(.noDates)
        var bounds: [String] = []
        if let since = context.since { bounds.append("--since \(since)") }
        if let until = context.until { bounds.append("--until \(until)") }
        if !bounds.isEmpty { dates += " (" + bounds.joined(separator: " ") + ")" }
        facts.append(ReportFact(id: "dates", label: t(.dates), value: .text(dates)))
        facts.append(ReportFact(id: "postings", label: t(.postings), value: .integer(slice.postings.count)))
        if slice.undated > 0 {
            facts.append(ReportFact(id: "undated", label: t(.undated), value: .integer(slice.undated)))
        }
        if slice.droppedUndated > 0 {
            facts.append(ReportFact(id: "dropped_undated", label: t(.droppedUndated), value: .integer(slice.droppedUndated)))
        }
        let unit = context.pick("个职位", " postings")
        func period(_ r: DayRange?, _ n: Int) -> String {
            guard let r else { return "—" }
            return "\(r) (\(n)\(unit))"
        }
        var periods = period(slice.earlier, slice.earlierCount) + " → " + period(slice.recent, slice.recentCount)
        if !slice.hasGrowth { periods += "; " + t(.noGrowth) }
        if let compare = context.compare { periods += " (--compare \(compare))" }
        facts.append(ReportFact(id: "periods", label: t(.periods), value: .text(periods)))
        return facts
    }

    static func directoryNotes(_ context: ReportContext) -> [String] {
        [
            context.pick(
                "占比 = 该组职位数 ÷ 筛选范围内的职位数。招聘人数为注明人数的职位的人数之和；按人数加权的占比中，未注明人数的职位按 1 人计。",
                "Share = the group's postings ÷ the postings in the slice. Headcount is the sum over postings that give one; in the headcount-weighted share a posting without a headcount counts as one opening."),
            context.pick(
                "增长 = 近期占比 − 前期占比，单位为百分点。默认以数据日期范围的中点(取最近的月初)分为前后两期；--compare 指定前期，其后为近期。无日期的职位不计入增长。",
                "Growth = share in the recent period − share in the earlier one, in percentage points. By default the date range is split at its midpoint (moved to the nearest first of a month); --compare names the earlier period and the recent one is the rest after it. Postings without a date are left out of growth."),
            context.pick(
                "技能占比 = 该组中要求该技能的职位 ÷ 该组职位数；学历、地区占比以注明该项的职位为分母。",
                "A skill's share is the group's postings requiring it ÷ the group's postings; education and region shares are of the postings that give one."),
            context.pick(
                "月薪按元/月计：每个职位取最低与最高薪资的中点(只给一端时取该端)，未注明薪资的职位不计；四分位数用线性插值。",
                "Pay is CNY a month: the midpoint of each posting's minimum and maximum (the one given when only one is), postings without pay left out; quartiles by linear interpolation."),
        ]
    }
}
