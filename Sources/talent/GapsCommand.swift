import ArgumentParser
import Foundation
import TalentDirectory
import TalentService
import TextAnalysis

extension Talent {
    struct Gaps: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaps",
            abstract: "A curriculum's skill gaps against the demand in the postings (课程技能差距).",
            discussion: """
                The curriculum is tagged with the same skill lexicon as the postings:
                  .csv .tsv  a header naming the course and description columns
                             (课程,内容 or course,description); without one, the first
                             column is the name and the others describe it
                  .jsonl     objects with name/course/课程 and description/内容/skills,
                             or strings
                  .md        headings start courses, the text under them describes
                             them; list items before any heading are entries too
                  other      a plain list: one skill a line (PLC, 机器视觉, welding…)

                Output: the demanded skills ranked by gap = share × (1 when no course
                teaches the skill, else 0), with share of postings, growth (recent −
                earlier share, percentage points), the courses covering the skill and
                example postings; then the taught skills few postings ask for.
                --supply FILE (CSV: an occupation or skill column and a count of job
                seekers or graduates) adds the demand/supply ratio (求人倍率): openings
                (headcount; a posting without one counts as one) ÷ supply.

                Examples:
                  talent gaps --curriculum 课程.csv
                  talent gaps --curriculum skills.txt --where "industry:新能源" --lang zh
                  talent gaps --curriculum courses.md --supply 毕业生.csv -o gaps.html
                  talent gaps --curriculum courses.jsonl --format csv --encoding gb18030
                """
        )

        @Option(help: "The curriculum: CSV, TSV, JSONL, Markdown or a plain list of skills.")
        var curriculum: String

        @Option(help: "Job seekers or graduates per occupation or skill (CSV), for the demand/supply ratio.")
        var supply: String?

        @Option(help: "Demanded skills shown, by gap (0: all).")
        var top = 30

        @Option(help: "Taught skills asked for by fewer than this share of postings are listed as little demanded.")
        var lowDemand = 0.01

        @OptionGroup var options: ReportOptions

        func validate() throws {
            if top < 0 { throw ValidationError("--top must not be negative.") }
            if !(0...1).contains(lowDemand) { throw ValidationError("--low-demand is a share between 0 and 1 (0.01 = 1%).") }
        }

        func run() throws {
            let analyzer = try Analyzer()
            let catalog = try SkillCatalog(analyzer: analyzer)
            let session = try analyzer.makeSession()
            let taught: Curriculum
            let supplyTable: SupplyTable?
            do {
                taught = try Curriculum(path: curriculum, catalog: catalog, session: session)
                supplyTable = try supply.map { try SupplyTable(path: $0, catalog: catalog, session: session) }
            } catch let error as SkillGapsError {
                throw CLIError(error.description)
            }
            let slice = try options.slice(analyzer: analyzer)
            try options.write(Reports.gaps(slice: slice, curriculum: taught, supply: supplyTable, top: top == 0 ? nil : top,
                                           lowDemand: lowDemand, request: options.request, catalog: catalog))
        }
    }
}
