extension Report {
    /// A curriculum's skill gaps as a report: the demanded skills ranked by gap (with share, growth, the
    /// courses covering them and example postings), the taught skills few postings ask for, and, with a
    /// supply table, the demand/supply ratio of each of its rows.
    ///
    /// - Parameters:
    ///   - gaps: the computed gaps.
    ///   - context: language, skill labels and the filters as the user gave them.
    ///   - lowDemand: the threshold below which a taught skill is listed as little demanded (for the header).
    public init(gaps: SkillGaps, context: ReportContext, lowDemand: Double = 0.01) {
        let t = context.text
        self.init(language: context.language, title: t(.gapsTitle))
        let curriculum = gaps.curriculum
        facts = [
            ReportFact(id: "curriculum", label: t(.curriculum), value: .text(curriculum.path)),
            ReportFact(id: "courses", label: t(.courses), value: .integer(curriculum.courses.count)),
            ReportFact(id: "skills_taught", label: t(.skillsTaught), value: .integer(curriculum.skills.count)),
        ]
        let unrecognised = curriculum.unrecognised.map(\.name)
        if !unrecognised.isEmpty {
            let shown = unrecognised.prefix(8).joined(separator: context.pick("、", ", "))
                + (unrecognised.count > 8 ? context.pick(" 等", " …") : "")
            facts.append(ReportFact(id: "unrecognised", label: t(.unrecognised),
                                    value: .text("\(unrecognised.count): \(shown)")))
        }
        facts += Self.sliceFacts(gaps.slice, context: context)
        facts.append(ReportFact(id: "reach", label: t(.reach), value: .percent(gaps.reach)))

        var rows: [[ReportValue]] = []
        for (i, g) in gaps.gaps.enumerated() {
            rows.append([
                .integer(i + 1),
                .text(context.skill(g.skill)),
                .text(g.skill),
                .integer(g.postings),
                .percent(g.share),
                g.growth.map { .points($0.points) } ?? .missing,
                .percent(g.gap),
                g.courses.isEmpty ? .text(t(.notCovered)) : .list(g.courses),
                g.examples.isEmpty ? .missing : .list(g.examples),
                .text(context.skills[g.skill]?.category ?? ""),
            ])
        }
        let gapColumns = [
            ReportColumn(id: "rank", title: t(.rank)),
            ReportColumn(id: "skill", title: t(.skill)),
            ReportColumn(id: "key", title: "key", role: .data),
            ReportColumn(id: "postings", title: t(.postings)),
            ReportColumn(id: "share", title: t(.share)),
            ReportColumn(id: "growth_pp", title: t(.growth)),
            ReportColumn(id: "gap", title: t(.gap)),
            ReportColumn(id: "covered_by", title: t(.coveredBy)),
            ReportColumn(id: "examples", title: t(.examples), role: .detail),
            ReportColumn(id: "category", title: "category", role: .data),
        ]
        let note = context.pick(
            "需求技能共 \(gaps.demandedCount) 项，其中 \(gaps.uncoveredCount) 项未被课程覆盖；显示前 \(gaps.gaps.count) 项。",
            "\(gaps.demandedCount) skills are demanded, \(gaps.uncoveredCount) of them not covered by the curriculum; the first \(gaps.gaps.count) are shown.")
        var sections = [ReportSection(
            id: "gaps", title: t(.gapsSection), columns: gapColumns, rows: rows,
            charts: [ReportChart(title: t(.chartGap), labelColumn: "skill", valueColumn: "gap")],
            emptyMessage: t(.emptySlice), note: gaps.slice.postings.isEmpty ? nil : note)]

        let lowRows: [[ReportValue]] = gaps.lowDemand.map { l in
            [.text(context.skill(l.skill)), .text(l.skill), .integer(l.postings), .percent(l.share), .list(l.courses)]
        }
        let threshold = ReportNumber.percent(lowDemand, decimals: 1)
        sections.append(ReportSection(
            id: "low_demand", title: t(.lowDemandSection) + " (< \(threshold))",
            columns: [
                ReportColumn(id: "skill", title: t(.skill)),
                ReportColumn(id: "key", title: "key", role: .data),
                ReportColumn(id: "postings", title: t(.postings)),
                ReportColumn(id: "share", title: t(.share)),
                ReportColumn(id: "courses", title: t(.courseList)),
            ],
            rows: lowRows, emptyMessage: t(.lowDemandEmpty)))

        if !gaps.supply.isEmpty {
            let supplyRows: [[ReportValue]] = gaps.supply.map { s in
                [.text(s.name),
                 .text(s.kind == .skill ? t(.kindSkill) : t(.kindOccupation)),
                 .integer(s.postings), .integer(s.demand),
                 .number(s.supply), s.ratio.map(ReportValue.ratio) ?? .missing]
            }
            sections.append(ReportSection(
                id: "supply", title: t(.supplySection),
                columns: [
                    ReportColumn(id: "name", title: t(.name)),
                    ReportColumn(id: "kind", title: t(.kind)),
                    ReportColumn(id: "postings", title: t(.postings)),
                    ReportColumn(id: "demand", title: t(.demand)),
                    ReportColumn(id: "supply", title: t(.supply)),
                    ReportColumn(id: "ratio", title: t(.ratio)),
                ],
                rows: supplyRows, emptyMessage: ""))
        }
        self.sections = sections
        notes = Self.gapsNotes(context)
    }

    static func gapsNotes(_ context: ReportContext) -> [String] {
        [
            context.pick(
                "占比 = 要求该技能的职位 ÷ 筛选范围内的职位数。课程与职位用同一技能词库标注；至少一门课程教授该技能即为已覆盖。",
                "Share = postings requiring the skill ÷ postings in the slice. Courses and postings are tagged with the same skill lexicon; a skill is covered when at least one course teaches it."),
            context.pick(
                "差距 = 占比 × (未覆盖为 1，已覆盖为 0)；按差距、再按占比排序。",
                "Gap = share × (1 when not covered, 0 when covered); skills rank by gap, then by share."),
            context.pick(
                "增长 = 近期占比 − 前期占比，单位为百分点；无日期的职位不计入增长。",
                "Growth = share in the recent period − share in the earlier one, in percentage points; postings without a date are left out of growth."),
            context.pick(
                "求人倍率 = 需求人数 ÷ 供给人数；需求人数为相应职位的招聘人数之和，未注明人数的职位按 1 人计。",
                "Demand/supply ratio = openings ÷ supply; openings are the headcounts of the matching postings, a posting without one counting as one."),
        ]
    }
}
