import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `talent serve` under concurrent searches (wrk), with an index update committed half-way.
struct ServeLoadBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-load",
        abstract: "Concurrent searches against `talent serve` with wrk, committing an index update in the middle.",
        discussion: """
            Copies --index to a temporary folder (the original is not touched), starts `talent serve` on it,
            and runs wrk (Debian's package) over /api/search with the queries of --queries, rotating. Half-way
            it indexes --update new postings into the copy with `talent index` and then asks /healthz at once:
            the first request after the commit must already read the new generation (no stale manifest).
            Reports requests/s, latency percentiles, non-200 answers and socket errors.

              swift run -c release talent index ../shared/data/cn-job-postings/jobs.csv --index /tmp/jobsidx
              swift build -c release
              swift run -c release talent-bench serve-load --index /tmp/jobsidx --seconds 60
            """
    )

    @Option(help: "The index to serve (copied first).")
    var index = "/tmp/jobsidx"

    @Option(help: "Query files, one query a line (a TSV's second column when it has tabs).")
    var queries: [String] = ["../shared/bench/peers/queries/queries.txt", "../shared/eval/dev.tsv"]

    @Option(help: "Seconds of load.")
    var seconds = 60

    @Option(help: "Concurrent connections.")
    var connections = 8

    @Option(help: "wrk threads (the server needs the machine's cores too).")
    var threads = 1

    @Option(help: "New postings committed half-way.")
    var update = 500

    func run() throws {
        let tools = Bundle.main.executableURL!.deletingLastPathComponent()
        let talent = tools.appendingPathComponent("talent").path
        guard FileManager.default.isExecutableFile(atPath: talent),
              FileManager.default.isExecutableFile(atPath: tools.appendingPathComponent("talent-server").path) else {
            throw ValidationError("build talent and talent-server first: swift build -c release")
        }
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            throw ValidationError("wrk is not installed: apt-get install wrk")
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("talent-serve-load-\(getpid())").path
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        try FileManager.default.copyItem(atPath: index, toPath: work + "/index")

        // Queries → request targets, encoded once here so wrk's script only rotates them.
        var targets: [String] = []
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        for q in try SearchBench.loadQueries(queries) {
            targets.append("/api/search?n=10&facet=region&q=" + q.addingPercentEncoding(withAllowedCharacters: allowed)!)
        }
        guard !targets.isEmpty else { throw ValidationError("no queries in \(queries)") }
        let lua = """
            local paths = {\(targets.map { "\"\($0)\"" }.joined(separator: ",\n"))}
            local i = math.random(#paths)
            request = function()
              i = i % #paths + 1
              return wrk.format("GET", paths[i])
            end
            """
        try lua.write(toFile: work + "/load.lua", atomically: false, encoding: .utf8)

        var lines: [String] = []
        for i in 0..<update {
            let object: [String: Any] = ["id": "load-\(i)", "title": "loadprobe 数控车工 \(i)", "region": "上海",
                                         "description": "负载测试期间提交的新职位，熟悉FANUC系统，能看懂图纸。编号 \(i)"]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        }
        try lines.joined(separator: "\n").write(toFile: work + "/update.jsonl", atomically: false, encoding: .utf8)

        let server = Process()
        server.executableURL = URL(fileURLWithPath: talent)
        server.arguments = ["serve", "--index", work + "/index", "--port", "0"]
        let serverOut = Pipe()
        server.standardOutput = serverOut
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        let first = String(decoding: serverOut.fileHandleForReading.availableData, as: UTF8.self)
        guard let match = first.firstMatch(of: /127\.0\.0\.1:(\d+)\//), let port = Int(match.1) else {
            throw ValidationError("talent serve did not start: \(first)")
        }
        let base = "http://127.0.0.1:\(port)"
        let before = try health(base)
        print("serving \(index) (copy) at \(base): \(before.documents) postings, generation \(before.generation); "
              + "\(targets.count) queries, \(connections) connections, \(seconds) s")

        let load = Process()
        load.executableURL = URL(fileURLWithPath: wrk)
        load.arguments = ["-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", work + "/load.lua", base]
        let loadOut = Pipe()
        load.standardOutput = loadOut
        try load.run()

        Thread.sleep(forTimeInterval: Double(seconds) / 2)
        let started = Date()
        let indexer = Process()
        indexer.executableURL = URL(fileURLWithPath: talent)
        indexer.arguments = ["index", work + "/update.jsonl", "--index", work + "/index"]
        indexer.standardOutput = FileHandle.nullDevice
        try indexer.run()
        indexer.waitUntilExit()
        let committed = Date().timeIntervalSince(started)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work + "/index/manifest.json"))) as? [String: Any]
        let generation = manifest?["generation"] as? Int ?? -1
        let seen = try health(base)
        print(String(format: "update: talent index added %d postings in %.2f s under load (exit %d); committed generation %d; "
                     + "the next /healthz read generation %d with %d postings%@", update, committed, indexer.terminationStatus,
                     generation, seen.generation, seen.documents, seen.generation == generation ? "" : "  ← STALE"))

        // wrk prints its report (about 1 kB) at the end: the pipe holds it until read.
        let report = loadOut.fileHandleForReading.readDataToEndOfFile()
        load.waitUntilExit()
        let text = String(decoding: report, as: UTF8.self)
        print(text)
        let after = try health(base)
        let found = try fetch(base + "/api/search?q=loadprobe&n=1")
        let total = (try JSONSerialization.jsonObject(with: found) as? [String: Any])?["total"] as? Int ?? -1
        print("after: generation \(after.generation), \(after.documents) postings; loadprobe matches \(total) (expected \(update))")
        if text.contains("Non-2xx") || text.contains("Socket errors") || seen.generation != generation || total != update {
            throw ExitCode(1)
        }
    }

    private func fetch(_ url: String) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = ["-sf", "--noproxy", "*", url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw ValidationError("GET \(url) failed (curl exit \(p.terminationStatus))") }
        return data
    }

    private func health(_ base: String) throws -> (generation: Int, documents: Int) {
        let object = try JSONSerialization.jsonObject(with: try fetch(base + "/healthz")) as? [String: Any]
        return (object?["generation"] as? Int ?? -1, object?["documents"] as? Int ?? -1)
    }
}
