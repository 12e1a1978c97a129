import ArgumentParser
import Dispatch
import Foundation
import IndexStore
import SearchEngine
import TalentDirectory
import TextAnalysis

/// Times `talent directory` and `talent gaps` phase by phase on an index, and the cold CLI runs.
struct ReportBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Directory and gaps timings: setup, loading the columns, aggregation and rendering, and cold CLI runs.",
        discussion: """
            Example:
              swift run -c release talent index ../shared/data/cn-job-postings/jobs.csv --index /tmp/jobs-index
              swift run -c release talent-bench report --index /tmp/jobs-index --curriculum /tmp/courses.csv
            """
    )

    @Option(help: "The index folder.")
    var index = "/tmp/jobs-index"

    @Option(help: "A curriculum for the gaps (default: a small built-in list of skills).")
    var curriculum: String?

    @Option(help: "A --where query for the slice.")
    var query: String?

    @Option(help: "Timed repetitions of each in-process phase (the median is printed).")
    var reps = 5

    @Option(help: "The talent executable for cold runs (empty: skip them).")
    var talent = ".build/release/talent"

    func run() throws {
        func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        func median(_ body: () throws -> Void) rethrows -> Double {
            var samples: [Double] = []
            for _ in 0..<max(1, reps) { samples.append(try time(body).1) }
            return samples.sorted()[samples.count / 2]
        }
        let (analyzer, analyzerMS) = try time { try Analyzer() }
        let (catalog, catalogMS) = try time { try SkillCatalog(analyzer: analyzer) }
        let (snapshot, openMS) = try time { try IndexSnapshot(directory: index) }
        let parsed = try query.map { try QueryParser().parse($0) }
        var postings: [DemandPosting] = []
        let loadMS = try median { postings = try DemandPosting.load(from: snapshot, matching: parsed, analyzer: analyzer) }
        var slice = DemandSlice(postings: postings)
        let sliceMS = median { slice = DemandSlice(postings: postings) }
        print("\(postings.count) postings in \(snapshot.segments.count) segment(s)")
        print("| phase | ms |")
        print("|---|---|")
        print("| Analyzer() | \(fmt(analyzerMS)) |")
        print("| SkillCatalog | \(fmt(catalogMS)) |")
        print("| open index | \(fmt(openMS)) |")
        print("| load columns | \(fmt(loadMS)) |")
        print("| slice | \(fmt(sliceMS)) |")
        let context = ReportContext(language: .zh, skills: catalog.skills, query: query)
        for dimension in DemandDimension.allCases {
            var directory: DemandDirectory?
            let aggregateMS = median { directory = DemandDirectory(slice: slice, by: dimension) }
            var bytes = 0
            let renderMS = try median {
                let report = Report(directory: directory!, context: context)
                bytes = try HTMLReportFormat().render(report).count + TableReportFormat().render(report).count
            }
            print("| directory --by \(dimension.rawValue) (\(directory!.groupCount) groups) | \(fmt(aggregateMS)) + render \(fmt(renderMS)) (\(bytes) bytes) |")
        }
        let session = try analyzer.makeSession()
        let taught: Curriculum
        let tagMS: Double
        if let curriculum {
            (taught, tagMS) = try time { try Curriculum(path: curriculum, catalog: catalog, session: session) }
        } else {
            (taught, tagMS) = try time {
                try Curriculum(text: "PLC编程\n机器视觉\n焊接\nJava\nPython\n数控车床\nSolidWorks\n", format: .list,
                               path: "built-in", catalog: catalog, session: session)
            }
        }
        var gaps: SkillGaps?
        let gapsMS = median { gaps = SkillGaps(slice: slice, curriculum: taught) }
        let renderMS = try median { _ = try HTMLReportFormat().render(Report(gaps: gaps!, context: context)) }
        print("| curriculum (\(taught.courses.count) entries, \(taught.skills.count) skills) | \(fmt(tagMS)) |")
        print("| gaps (\(gaps!.demandedCount) skills) | \(fmt(gapsMS)) + render \(fmt(renderMS)) |")

        guard !talent.isEmpty, FileManager.default.isExecutableFile(atPath: talent) else { return }
        var runs: [(String, [String])] = [("directory --by occupation", ["directory", "--by", "occupation"]),
                                          ("directory --by skill", ["directory", "--by", "skill"])]
        if let curriculum { runs.append(("gaps", ["gaps", "--curriculum", curriculum])) }
        for (name, arguments) in runs {
            let ms = try median {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: talent)
                process.arguments = arguments + ["--index", index, "--format", "html"] + (query.map { ["--where", $0] } ?? [])
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                process.waitUntilExit()
            }
            print("| cold `talent \(name)` | \(fmt(ms)) |")
        }
    }

    private func fmt(_ ms: Double) -> String { String(format: "%.1f", ms) }
}
