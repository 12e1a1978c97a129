import ArgumentParser
import Foundation
import IndexStore
import SearchEngine
import TalentDirectory
import TalentService
import TextAnalysis

extension DemandDimension: ExpressibleByArgument {}
extension ReportFormatName: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}
extension CSVReportFormat.Encoding: ExpressibleByArgument {}

/// The slice and output options `talent directory` and `talent gaps` share.
struct ReportOptions: ParsableArguments {
    @Option(name: .customLong("where"),
            help: "Only postings matching this query, in the search syntax: 'region:深圳', 'PLC OR 机器视觉', 'industry:汽车 salary>=8000'.")
    var query: String?

    @Option(help: "First publication day kept: YYYY-MM-DD, YYYY-MM or YYYY (postings without a date are then left out).")
    var since: String?

    @Option(help: "Last publication day kept: YYYY-MM-DD, YYYY-MM (its last day) or YYYY.")
    var until: String?

    @Option(help: "The earlier period for growth, e.g. 2025-01-01..2025-06-30 or 2025-01..2025-06; the recent period is the rest of the range after it (default: the two halves of the date range).")
    var compare: String?

    @Option(help: "table, csv, json, md or html (default: from --output's extension, else table).")
    var format: ReportFormatName?

    @Option(help: "CSV encoding: utf8 (with a byte order mark, for Excel) or gb18030 (old Excel).")
    var encoding: CSVReportFormat.Encoding = .utf8

    @Option(help: "Report language: zh or en (default: zh when LANG is Chinese, else en).")
    var lang: ReportLanguage?

    @Option(name: [.short, .long], help: "Write the report to this file instead of standard output.")
    var output: String?

    @OptionGroup var index: IndexOptions

    func validate() throws {
        do {
            try request.validate(names: ("--since", "--until", "--compare"))
        } catch {
            throw ValidationError(error.message)
        }
        if format == nil, let output, ReportFormatName.of(path: output) == nil {
            throw ValidationError("--output \(output): say --format (table, csv, json, md or html); the extension does not tell.")
        }
    }

    /// The slice and language as the service takes them.
    var request: ReportRequest {
        ReportRequest(query: query, since: since, until: until, compare: compare, language: lang ?? .environment)
    }

    /// The postings of the index that match `--where`, cut to `--since`/`--until`, with growth periods.
    func slice(analyzer: Analyzer) throws -> DemandSlice {
        do {
            _ = try request.parsedQuery(name: "--where")
        } catch {
            if let detail = error.detail { printError(detail) }
            throw CLIError(error.message)
        }
        let snapshot: IndexSnapshot
        do {
            snapshot = try IndexSnapshot(directory: index.index)
        } catch {
            if case .missing = error {
                throw CLIError("no index at \(index.index): build one with `talent index` (or give --index DIR)")
            }
            throw error
        }
        return try request.slice(snapshot: snapshot, analyzer: analyzer)
    }

    /// Renders `report` and writes it to `--output` or standard output.
    func write(_ report: Report) throws {
        let name = format ?? output.flatMap(ReportFormatName.of(path:)) ?? .table
        let bytes = try name.format(encoding: encoding).render(report)
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
                throw CLIError("cannot write \(output)")
            }
            printError("wrote \(output) (\(name.rawValue), \(bytes.count) bytes)")
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}

extension Talent {
    struct Directory: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "directory",
            abstract: "The talent demand directory (人才需求目录): postings grouped by occupation, skill, region or industry.",
            discussion: """
                One row per group: postings, share, headcount, growth, median pay and
                experience, top skills, education mix, main regions, pay quartiles and
                example postings.

                Definitions:
                  share      group postings ÷ slice postings; a skill's share in a group
                             is the group's postings requiring it ÷ the group's postings
                  headcount  sum of the headcounts postings give; the headcount-weighted
                             share counts a posting without one as one opening
                  growth     share in the recent period − share in the earlier one, in
                             percentage points. Periods: the two halves of the date
                             range, cut at the first of the month nearest the midpoint;
                             or --compare PERIOD (earlier) and the rest after it
                  pay        CNY a month: the midpoint of each posting's min and max
                Postings without a date count in shares, not in growth; --since and
                --until leave them out.

                Examples:
                  talent directory                       # by occupation, top 20
                  talent directory --by skill --where "region:深圳" --lang zh
                  talent directory --by occupation-group --where "industry:制造"
                  talent directory --by region --where "PLC OR 机器视觉" --since 2025-01
                  talent directory --compare 2025-01..2025-06 --output 目录.html
                  talent directory --by industry --format csv --encoding gb18030 \\
                                   --output directory.csv
                  talent directory --by skill --top 50 --format json
                """
        )

        @Option(help: "Group by occupation, occupation-group (the CSCO 中类, e.g. 6-18), skill, region or industry.")
        var by: DemandDimension = .occupation

        @Option(help: "Groups shown, largest first (0: all).")
        var top = 20

        @OptionGroup var options: ReportOptions

        func validate() throws {
            if top < 0 { throw ValidationError("--top must not be negative.") }
        }

        func run() throws {
            let analyzer = try Analyzer()
            let catalog = try SkillCatalog(analyzer: analyzer)
            let slice = try options.slice(analyzer: analyzer)
            let report = Reports.directory(slice: slice, by: by, top: top == 0 ? nil : top, request: options.request,
                                           catalog: catalog, occupations: try OccupationCatalog())
            try options.write(report)
        }
    }
}
