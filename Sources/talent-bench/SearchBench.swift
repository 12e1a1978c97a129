import ArgumentParser
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IndexStore
import SearchEngine
import TextAnalysis

struct SearchBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Query latency in process (p50/p95, all-words and any-word) and the wall time of cold CLI searches.",
        discussion: """
            swift run -c release talent-bench search --index /tmp/jobs-index
            Queries: ../shared/bench/peers/queries/queries.txt and the dev queries. Each query runs --reps times
            after --warmup passes; latency is measured around search + fetching the ids of the top 10.
            A searcher keeps the plans of queries it has run: add --plan-cache 0 to time planning in every search.
            Where a binary's code lands in memory moves these figures by up to 10% from one run to the next: to
            compare two builds, give each --copies 3 (the median over fresh copies of the executable).
            """
    )

    @Option(help: "The index to query.")
    var index: String

    @Option(help: "Query files (one query per line, or the eval TSV's second column).")
    var queries: [String] = ["../shared/bench/peers/queries/queries.txt", "../shared/eval/dev.tsv"]

    @Option(help: "Timed passes over the queries per mode.")
    var reps = 5

    @Option(help: "Untimed passes first.")
    var warmup = 2

    @Option(help: "Cold CLI runs (a new `talent search` process each).")
    var coldRuns = 20

    @Flag(help: "Time each search on a new searcher (made outside the timing): what a fresh process pays, with nothing cached between queries (sub-word expansions, term lookups).")
    var fresh = false

    @Option(help: "Plans a searcher keeps by query. 0 plans every search afresh (analysis, expansion, dictionary lookups), as a stream of distinct queries would; the default is the engine's.")
    var planCache: Int?

    @Option(help: "Threads one search may use (the engine uses 2 on indexes of at least --parallel-from documents).")
    var searchThreads: Int?

    @Option(help: "Documents from which a search uses a second thread; the default is the engine's (100,000).")
    var parallelFrom: Int?

    @Flag(help: "Print each query's median latency.")
    var perQuery = false

    @Option(help: "The talent executable for cold runs.")
    var talent = ".build/release/talent"

    @Option(help: "Measure in this many fresh copies of this executable, one after the other, and print the median of each figure with its range (copies land elsewhere in memory, which moves latency by up to 10%).")
    var copies = 1

    /// The queries of `files`: one a line, or an eval TSV's second column (id, query, need).
    static func loadQueries(_ files: [String]) throws -> [String] {
        var list: [String] = []
        for file in files {
            for line in try String(contentsOfFile: file, encoding: .utf8).split(whereSeparator: \.isNewline) {
                let columns = line.split(separator: "\t")
                let q = (columns.count > 1 ? columns[1] : line).trimmingCharacters(in: .whitespaces)
                if !q.isEmpty { list.append(q) }
            }
        }
        return list
    }

    func run() throws {
        if copies > 1 { return try runCopies() }
        let list = try Self.loadQueries(queries)
        let snapshot = try IndexSnapshot(directory: index)
        print("\(list.count) queries, \(snapshot.liveDocuments) documents in \(snapshot.segments.count) segment(s)")
        print("| mode | p50 µs | p95 µs | mean µs |")
        print("|---|---|---|---|")
        for mode in [MatchMode.any, .all] {
            var options = SearchOptions()
            options.match = mode
            let analyzer = try Analyzer()
            let searcher = try Searcher(snapshot: snapshot, analyzer: analyzer, options: options)
            configure(searcher)
            let parsed = try list.map { try QueryParser().parse($0) }
            for _ in 0..<warmup { for q in parsed { _ = try searcher.search(q, limit: 10).hits.map { $0.id } } }
            var samples: [Double] = []
            for _ in 0..<reps {
                for q in parsed {
                    let current = fresh ? try Searcher(snapshot: snapshot, analyzer: analyzer, options: options) : searcher
                    if fresh { configure(current) }
                    let start = DispatchTime.now().uptimeNanoseconds
                    _ = try current.search(q, limit: 10).hits.map { $0.id }
                    samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
                }
            }
            if perQuery {
                for (i, q) in list.enumerated() {
                    let mine = stride(from: i, to: samples.count, by: list.count).map { samples[$0] }.sorted()
                    print("  \(mode.rawValue) \(Int(mine[mine.count / 2])) µs  \(q)")
                }
            }
            samples.sort()
            let p50 = samples[samples.count / 2], p95 = samples[samples.count * 95 / 100]
            let mean = samples.reduce(0, +) / Double(samples.count)
            print("| \(mode.rawValue) | \(Int(p50)) | \(Int(p95)) | \(Int(mean)) |")
        }
        try coldReport(list)
    }

    /// Times `coldRuns` new `talent search` processes (start, open, query, print) over `list`.
    private func coldReport(_ list: [String]) throws {
        guard coldRuns > 0 else { return }
        var walls: [Double] = []
        for i in 0..<coldRuns {
            walls.append(try timedRun([talent, "search", "--index", index, list[i % list.count]]).seconds * 1000)
        }
        walls.sort()
        print(String(format: "cold CLI search (start, open, query, print): median %.1f ms, min %.1f ms, max %.1f ms",
                     walls[walls.count / 2], walls[0], walls[walls.count - 1]))
    }

    /// Applies the options that tune a searcher.
    private func configure(_ searcher: Searcher) {
        if let planCache { searcher.planCacheLimit = planCache }
        if let searchThreads { searcher.searchThreads = searchThreads }
        if let parallelFrom { searcher.parallelMinimumDocuments = parallelFrom }
    }

    /// Runs the in-process measurement in `copies` fresh copies of this executable and prints, per mode, the
    /// median of their p50, p95 and mean with the range; then the cold runs, if any, from here.
    private func runCopies() throws {
        guard !perQuery else { throw ValidationError("--per-query prints one run's figures: leave out --copies") }
        let me = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var args = ["search", "--index", index, "--reps", "\(reps)", "--warmup", "\(warmup)", "--cold-runs", "0"]
        for q in queries { args += ["--queries", q] }
        if fresh { args.append("--fresh") }
        if let planCache { args += ["--plan-cache", "\(planCache)"] }
        if let searchThreads { args += ["--search-threads", "\(searchThreads)"] }
        if let parallelFrom { args += ["--parallel-from", "\(parallelFrom)"] }
        var rows: [String: [[Int]]] = [:]
        var header = ""
        for c in 0..<copies {
            let copy = NSTemporaryDirectory() + "talent-bench-copy-\(getpid())-\(c)"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: me, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: copy)
            process.arguments = args
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw ValidationError("copy \(c + 1) of \(me) failed") }
            for line in output.split(separator: "\n") {
                if header.isEmpty && !line.hasPrefix("|") { header = String(line) }
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                guard cells.count == 4, let mode = MatchMode(rawValue: cells[0]) else { continue }
                rows[mode.rawValue, default: []].append(cells.dropFirst().compactMap { Int($0) })
            }
        }
        print(header)
        print("median of \(copies) fresh copies (range)")
        print("| mode | p50 µs | p95 µs | mean µs |")
        print("|---|---|---|---|")
        for mode in [MatchMode.any, .all] {
            guard let runs = rows[mode.rawValue], runs.allSatisfy({ $0.count == 3 }) else { continue }
            let cells = (0..<3).map { k -> String in
                let v = runs.map { $0[k] }.sorted()
                return "\(v[v.count / 2]) (\(v[0])–\(v[v.count - 1]))"
            }
            print("| \(mode.rawValue) | \(cells.joined(separator: " | ")) |")
        }
        try coldReport(try Self.loadQueries(queries))
    }
}
