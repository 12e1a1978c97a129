import ArgumentParser
import Foundation
import IndexStore
import TalentDirectory
import TextAnalysis

#if canImport(Glibc)
import Glibc
#endif

extension Talent {
    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index",
            abstract: "Build or update the index from corpus files.",
            discussion: """
                Reads JSON Lines (.jsonl, .ndjson, .json), CSV/TSV with Chinese or English headers (.csv, .tsv)
                and plain text (.txt, .md: one document per file) in UTF-8, UTF-16 or GB18030/GBK. Folders are
                read recursively. Unchanged files are skipped; a changed file replaces its old records; a record
                whose id is already indexed replaces it. Bad rows are reported as file:line: reason and skipped.
                Nothing changes for readers until the whole run commits. Afterwards, when ten segments of
                similar size have piled up, they are merged into one (each merge committed on its own; searches
                look every word up in every segment); --no-merge skips this, `talent optimize` merges everything.

                Exit status: 0 indexed cleanly; 3 indexed, but some rows or files were rejected; 1 failed (the index is
                unchanged).

                Examples:
                  talent index                          # corpus/ → index/
                  talent index data/jobs.csv --map title=岗位 --map description=工作内容
                """
        )

        @Argument(help: "Corpus files or folders.")
        var paths: [String] = ["corpus"]

        @OptionGroup var options: IndexOptions

        @Option(name: .long, help: "Map a record field to a column or key, e.g. title=岗位名称 (repeatable).")
        var map: [String] = []

        @Flag(name: .long, help: "Stop at the first bad row or undecodable byte and leave the index unchanged.")
        var strict = false

        @Flag(name: .long, help: "Index everything again from scratch; the old index stays usable until the new one commits.")
        var rebuild = false

        @Flag(name: .long, help: "Do not merge segments after the commit.")
        var noMerge = false

        @Option(name: .long, help: "Memory for in-memory postings before a segment is written, in MB.")
        var ramBudget = 128

        @Option(name: .long, help: "Analysis threads (default: one per core).")
        var threads = ProcessInfo.processInfo.activeProcessorCount

        @Option(name: .long, help: "An extra lexicon file for the analyzer (repeatable).")
        var lexicon: [String] = []

        @Flag(name: .long, help: "Print the summary as JSON.")
        var json = false

        func validate() throws {
            guard ramBudget >= 8 else { throw ValidationError("--ram-budget must be at least 8 (MB).") }
            guard threads >= 1 else { throw ValidationError("--threads must be at least 1.") }
        }

        func run() throws {
            var ingestOptions = Ingest.Options(paths: paths, indexDirectory: options.index)
            ingestOptions.mapping = try FieldMapping(parsing: map)
            ingestOptions.strict = strict
            ingestOptions.rebuild = rebuild
            ingestOptions.ramBudget = ramBudget << 20
            ingestOptions.threads = threads
            if noMerge { ingestOptions.mergePolicy = nil }
            let analyzer = Analyzer(lexicon: try Lexicon.builtin(adding: lexicon))
            let bar = ProgressBar()
            var shownIssues = 0
            let summary = try Ingest(options: ingestOptions, analyzer: analyzer).run(issue: { problem in
                shownIssues += 1
                if shownIssues <= 50 {
                    bar.clear()
                    printError("warning: \(problem)")
                } else if shownIssues == 51 {
                    printError("warning: more problems follow; only the first 50 are shown")
                }
            }, progress: { bar.show($0) })
            bar.clear()
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print("""
                    indexed \(summary.filesRead) file(s), \(summary.filesUnchanged) unchanged: \
                    \(summary.added) added, \(summary.replaced) replaced, \(summary.unchanged) unchanged, \
                    \(summary.removed) removed, \(summary.rejected) rejected in \(String(format: "%.2f", summary.seconds)) s
                    \(options.index): \(summary.documents) documents\(summary.committed ? "" : " (nothing to commit)")
                    """)
                if summary.segments < summary.segmentsBeforeMerging {
                    print("merged \(summary.segmentsBeforeMerging) segments into \(summary.segments) in \(String(format: "%.2f", summary.mergeSeconds)) s")
                }
            }
            if let problem = summary.mergeProblem {
                printError("warning: the run is committed, but merging its segments stopped: \(problem)")
            }
            if let advice = summary.optimizeAdvice { printError("note: \(advice)") }
            if summary.rejectedFiles > 0 {
                printError("warning: \(summary.rejectedFiles) file(s) could not be read and were skipped")
            }
            if summary.rejected > 0 || summary.rejectedFiles > 0 { throw ExitCode(3) }
        }
    }
}

/// A one-line progress display on a terminal's standard error; silent on a pipe or file.
final class ProgressBar {
    private let enabled = isatty(2) == 1
    private var shown = false

    func show(_ p: Ingest.Progress) {
        guard enabled, p.seconds > 0.3 else { return }
        let mb = Double(p.bytes) / 1_000_000
        let rate = Double(p.documents) / max(p.seconds, 0.001)
        let fraction = p.totalBytes > 0 ? min(1, Double(p.bytes) / Double(p.totalBytes)) : 0
        let eta = fraction > 0.01 ? p.seconds * (1 - fraction) / fraction : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %3.0f%%  %d docs  %.1f MB  %.0f docs/s  ETA %.0fs ",
                          bar, fraction * 100, p.documents, mb, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
        shown = true
    }

    func clear() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        shown = false
    }
}
