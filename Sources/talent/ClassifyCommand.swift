import ArgumentParser
import Foundation
import TalentDirectory
import TalentService
import TextAnalysis

extension Talent {
    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classify",
            abstract: "Map job titles to codes of China's Occupational Classification 2022 (CSCO, e.g. 6-18-01-01).",
            discussion: """
                Titles are cleaned of what is not the job (brackets, pay and shift words, the employer before 招聘,
                places, numbers), then matched against the occupations' official names and talent's aliases with
                the search engine; with --classification, the official definitions and main tasks count too.
                The score is about the number of title characters a name or alias covers (焊工 gives 2), plus up
                to 2 from the text match. Below 3 the mapping is a guess (marked so; `"confident": false` in
                JSON). Indexing records a code only where a name or alias of the occupation is in the title.

                Examples:
                  talent classify 数控车工 "招聘電焊工（包吃住）" "Java开发工程师"
                  talent classify --file titles.txt --json
                  talent classify --file jobs.csv --classification ../shared/data/csco-2022/csco22.csv -n 3
                """
        )

        @Argument(help: "Job titles to classify (quote titles with spaces).")
        var titles: [String] = []

        @Option(name: .long, help: "Read titles from a file: one title per line, or a CSV/TSV whose first column is the title.")
        var file: String?

        @Flag(name: .long, help: "Print JSON Lines: one object per title with title, code, name, score, middle, confident and alternatives.")
        var json = false

        @Option(name: .long, help: "A copy of the classification (csco22.csv) whose definitions and tasks are matched too.")
        var classification: String?

        @Option(name: .short, help: "How many occupations to show per title.")
        var n = 1

        func validate() throws {
            if titles.isEmpty && file == nil { throw ValidationError("Give job titles, or --file with one title per line.") }
            if n < 1 { throw ValidationError("-n must be at least 1.") }
        }

        func run() throws {
            var all = titles
            if let file { all += try Self.readTitles(file) }
            let classifier: OccupationClassifier
            do {
                classifier = try OccupationClassifier(analyzer: try Analyzer(), classificationFile: classification)
            } catch let error as OccupationError {
                throw CLIError(error.description)
            }
            let format: any ClassificationFormat = json ? JSONLinesClassificationFormat() : TableClassificationFormat()
            for title in all {
                let matches = try classifier.classify(title, limit: max(n, json ? 3 : 1))
                print(try format.render(title: title, matches: matches, shown: n))
            }
        }

        /// Titles of a file: a CSV or TSV's first column (after a header naming it), else one title per line.
        static func readTitles(_ path: String) throws -> [String] {
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
            let text = try TextDecoder.decode(Array(data), path: path).text
            let lower = path.lowercased()
            if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") {
                let source = lower.hasSuffix(".tsv") ? Self.tsvAsCSV(text) : text
                var reader = CSVReader(text: source)
                var result: [String] = []
                do {
                    while let row = try reader.next() {
                        guard let first = row.fields.first?.trimmingCharacters(in: .whitespaces), !first.isEmpty else { continue }
                        if row.line == 1 && Self.headerNames.contains(first.lowercased()) { continue }
                        result.append(first)
                    }
                } catch {
                    throw CLIError("\(path):\(error.line): \(error.reason)")
                }
                return result
            }
            return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        /// Names of a title column, skipped when they head a CSV file.
        static let headerNames: Set<String> = ["title", "job_name", "job title", "job_title", "name", "职位", "职位名称",
                                               "岗位", "岗位名称", "标题", "招聘职位", "职位标题"]

        /// The first column of a TSV, quoted as CSV so that commas inside titles stay.
        private static func tsvAsCSV(_ text: String) -> String {
            text.split(whereSeparator: \.isNewline).map { line in
                let first = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return "\"" + first.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: "\n")
        }
    }
}

/// How `talent classify` prints the matches of one title.
protocol ClassificationFormat {
    /// The text printed for `title`: `shown` is how many matches the user asked for.
    func render(title: String, matches: [OccupationMatch], shown: Int) throws -> String
}

/// `title → code name (score)`, alternatives on the lines below.
struct TableClassificationFormat: ClassificationFormat {
    func render(title: String, matches: [OccupationMatch], shown: Int) throws -> String {
        guard let best = matches.first else { return "\(title) → (no match)" }
        var lines = ["\(title) → \(Self.describe(best))"]
        for m in matches.dropFirst().prefix(shown - 1) { lines.append("    or \(Self.describe(m))") }
        return lines.joined(separator: "\n")
    }

    static func describe(_ m: OccupationMatch) -> String {
        let guess = m.confident ? "" : ", a guess"
        return "\(m.code) \(m.name) (\(String(format: "%.2f", m.score))\(guess))"
    }
}

/// One JSON object per title: the best match's fields, and `alternatives` (the next ones, at least two).
struct JSONLinesClassificationFormat: ClassificationFormat {
    func render(title: String, matches: [OccupationMatch], shown: Int) throws -> String {
        try SearchJSON.encode(ClassificationJSON.object(title: title, matches: matches, shown: shown))
    }
}
