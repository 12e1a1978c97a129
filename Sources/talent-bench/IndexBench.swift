import ArgumentParser
import Dispatch
import Foundation
import IndexStore
import TalentDirectory
#if canImport(Glibc)
import Glibc
#endif

struct IndexBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Time `talent index` on a corpus from scratch: wall time, docs/s, MB/s, peak RSS, index size.",
        discussion: """
            swift run -c release talent-bench index ../shared/data/cn-job-postings/jobs.csv
            MB/s and the size ratio use the UTF-8 bytes of title + description, as the peer harness does
            (../shared/bench/peers); the index size is given with and without stored fields.
            """
    )

    @Argument(help: "Corpus files or folders.")
    var paths: [String] = ["../shared/data/cn-job-postings/jobs.csv"]

    @Option(help: "Where to build (removed first).")
    var index = "/tmp/talent-bench-index"

    @Option(help: "Runs; the median is reported. 0 measures nothing and reads the index already at --index.")
    var runs = 3

    @Option(help: "Extra arguments for talent index, e.g. --threads 1.")
    var extra: [String] = []

    @Option(help: "The talent executable.")
    var talent = ".build/release/talent"

    @Option(help: "Write the index's contents (terms with postings and positions, stored records, columns, norms) per document id, in a canonical order, to this file; compare two dumps to check that a change to indexing keeps the index the same.")
    var dump: String?

    func run() throws {
        var walls: [Double] = []
        var rss: [Int] = []
        for _ in 0..<runs {
            try? FileManager.default.removeItem(atPath: index)
            let run = try timedRun([talent, "index"] + paths + ["--index", index] + extra)
            walls.append(run.seconds)
            rss.append(run.maxRSSKB)
        }
        let snapshot = try IndexSnapshot(directory: index)
        if let dump { try dumpContents(snapshot, to: dump) }
        var textBytes = 0
        for segment in snapshot.segments {
            for doc in 0..<segment.maxDoc where !segment.isDeleted(doc) {
                let r = try TalentIndex.record(from: segment.storedDocument(doc))
                textBytes += r.title.utf8.count + r.description.utf8.count
            }
        }
        var bytes: [String: Int] = [:]
        for s in snapshot.manifest.segments { for (k, v) in s.bytes { bytes[k, default: 0] += v } }
        let total = bytes.values.reduce(0, +)
        let inverted = (bytes["terms"] ?? 0) + (bytes["postings"] ?? 0) + (bytes["positions"] ?? 0)
        let docs = snapshot.liveDocuments
        let mb = Double(textBytes) / 1e6
        print(String(format: "documents %d, title+text %.1f MB, segments %d", docs, mb, snapshot.segments.count))
        if !walls.isEmpty {
            let wall = walls.sorted()[walls.count / 2]
            print(String(format: "build wall %.2f s (runs: %@), %.0f docs/s, %.1f MB/s, peak RSS %d MB", wall,
                     walls.map { String(format: "%.2f", $0) }.joined(separator: " "), Double(docs) / wall, mb / wall,
                     (rss.max() ?? 0) / 1024))
        }
        print(String(format: "index %.1f MB = %.2f× text; inverted (terms+postings+positions) %.1f MB = %.2f×; columns %.1f MB; stored %.1f MB",
                     Double(total) / 1e6, Double(total) / Double(textBytes), Double(inverted) / 1e6,
                     Double(inverted) / Double(textBytes), Double(bytes["values"] ?? 0) / 1e6,
                     Double(bytes["stored"] ?? 0) / 1e6))
    }
}

/// Writes the index's contents in an order that does not depend on how documents were split into segments:
/// per document id its stored bytes, column values and norms; per field and term the postings by id, with
/// frequencies and positions.
func dumpContents(_ snapshot: IndexSnapshot, to path: String) throws {
    var lines: [String] = []
    let schema = snapshot.manifest.schema
    var postings: [String: [String]] = [:]
    for segment in snapshot.segments {
        for doc in 0..<segment.maxDoc where !segment.isDeleted(doc) {
            let id = segment.id(of: doc)
            var line = "doc \(id) stored \(String(decoding: try segment.storedDocument(doc), as: UTF8.self))"
            for spec in schema.columns {
                guard let column = segment.column(spec.name) else { continue }
                switch spec.kind {
                case .int: line += " \(spec.name)=\(column.int(doc).map(String.init) ?? "-")"
                default: line += " \(spec.name)=\(column.strings(doc))"
                }
            }
            for field in 0..<schema.textFields.count { line += " n\(field)=\(segment.norm(field: field, doc: doc))" }
            lines.append(line)
        }
        for field in 0..<schema.textFields.count {
            var terms: [([UInt8], TermInfo)] = []
            try segment.forEachTerm(field: field) { term, info in
                terms.append((term, info))
                return true
            }
            for (term, info) in terms {
                let cursor = try segment.postings(info)
                var entries: [String] = []
                // A cursor starts on its first document; deleted documents' postings are not the index's.
                while cursor.doc != PostingsCursor.noMoreDocs {
                    let doc = Int(cursor.doc)
                    if !segment.isDeleted(doc) { entries.append("\(segment.id(of: doc)):\(try cursor.positions())") }
                    try cursor.next()
                }
                postings["term \(field) \(String(decoding: term, as: UTF8.self))", default: []] += entries
            }
        }
    }
    for (key, entries) in postings { lines.append(key + " " + entries.sorted().joined(separator: " ")) }
    lines.sort()
    try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
}

/// Runs a program with its output discarded; returns the wall time and the peak RSS (KB) of the child.
/// posix_spawn directly: Foundation's `Process` adds ~25 ms of its own on Linux, which cold-start figures
/// cannot afford.
func timedRun(_ args: [String]) throws -> (seconds: Double, maxRSSKB: Int) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    let cArgs = args.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    var pid: pid_t = 0
    let start = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, args[0], &actions, nil, cArgs, environ) == 0 else { throw ValidationError("cannot run \(args[0])") }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, usage.ru_maxrss)
}
