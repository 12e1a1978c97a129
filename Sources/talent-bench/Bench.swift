import ArgumentParser
import CICUShim
import Dispatch
import Foundation
import IndexStore
import Synchronization
import TalentDirectory
import TextAnalysis

@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talent-bench",
        abstract: "Release-mode benchmarks for talent (run with `swift run -c release talent-bench …`).",
        subcommands: [AnalyzeBench.self, IndexBench.self, SearchBench.self, EvalBench.self, VariantsBench.self, ClassifyBench.self, SkillsBench.self, T2SBench.self, ReportBench.self, ServeLoadBench.self]
    )
}

struct AnalyzeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Analyzer throughput beside raw ICU word break iteration over the same bytes.",
        discussion: """
            Reads the 职位描述 texts of the Chinese postings and the responsibilities and qualifications of the
            English postings from ../shared/data (or the paths given), then times, per text:
              raw-utext  ICU word break over a UTF-8 UText, counting words (a plain C loop)
              raw     UTF-8 → UTF-16 (u_strFromUTF8), then ICU word break counting words (a plain C loop)
              tokens  the full analyzer (fold, segment, lexicon), counting tokens
              tokens-whole  the same with one ICU pass over each whole text (Han runs not split by the dictionary directly)
              full    the full analyzer interning every term into a TermTable, as indexing does
            on one thread and on two (texts split between threads, one analysis session each).
            """
    )

    @Option(help: "The Chinese postings CSV (column 职位描述).")
    var chinese = "../shared/data/cn-job-postings/jobs.csv"

    @Option(help: "The English postings CSV (Responsibilities, Minimum and Preferred Qualifications).")
    var english = "../shared/data/en-google-careers-2018/job_skills.csv"

    @Option(help: "Repeat the English texts this many times, so both corpora take long enough to time.")
    var englishRepeat = 10

    @Option(help: "Timed repetitions per measurement; the best is reported.")
    var runs = 3

    @Option(help: "Use at most this many texts of each corpus (0 = all).")
    var limit = 0

    @Option(help: "Comma-separated modes to time.")
    var modes = "raw,raw-utext,tokens-whole,tokens,full"

    @Flag(help: "Instead of timing, check that splitting Han runs by the dictionary gives the tokens of one ICU pass per text.")
    var verify = false

    func run() throws {
        let corpora = [
            ("zh jobs.csv 职位描述", try loadTexts(chinese, columns: ["职位描述"])),
            ("en job_skills.csv ×\(englishRepeat)", Array(repeating: try loadTexts(english, columns: ["Responsibilities", "Minimum Qualifications", "Preferred Qualifications"]), count: englishRepeat).flatMap { $0 }),
        ]
        let analyzer = try Analyzer()
        if verify {
            let reusing = try analyzer.makeSession()
            let whole = try analyzer.makeSession()
            whole.segmentation = .wholeText
            for (name, texts) in corpora {
                var differing = 0
                var tokens = 0
                for text in texts {
                    let string = String(decoding: text, as: UTF8.self)
                    let a = try reusing.analyze(string)
                    let b = try whole.analyze(string)
                    tokens += b.count
                    if a != b {
                        differing += 1
                        if differing <= 3 { print("differs: \(String(decoding: text.prefix(200), as: UTF8.self))") }
                    }
                }
                print("\(name): \(texts.count) texts, \(tokens) tokens, \(differing) texts differ")
                if differing > 0 { throw ExitCode(1) }
            }
            return
        }
        print("| corpus | MB | mode | threads | s | MB/s | Mtokens/s | × raw (1 thread) | × 1 thread |")
        print("|---|---|---|---|---|---|---|---|---|")
        for (name, texts) in corpora {
            let mb = Double(texts.reduce(0) { $0 + $1.count }) / 1_000_000
            var single: [String: Double] = [:]
            for mode in modes.split(separator: ",").map(String.init) {
                for threads in [1, 2] {
                    var best = Double.infinity
                    var tokens = 0
                    for _ in 0..<runs {
                        let (seconds, count) = try measure(mode: mode, threads: threads, texts: texts, analyzer: analyzer)
                        best = min(best, seconds)
                        tokens = count
                    }
                    let rate = mb / best
                    if threads == 1 { single[mode] = rate }
                    let vsRaw = (single[mode] ?? rate) / (single["raw"] ?? rate)
                    let scaling = rate / (single[mode] ?? rate)
                    print("| \(name) | \(f(mb, 1)) | \(mode) | \(threads) | \(f(best, 3)) | \(f(rate, 1)) | \(f(Double(tokens) / best / 1e6, 2)) | \(threads == 1 ? f(vsRaw, 2) : "") | \(threads == 2 ? f(scaling, 2) : "") |")
                }
            }
        }
    }

    private func f(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    private func loadTexts(_ path: String, columns: [String]) throws -> [[UInt8]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path) (run from the project folder, beside ../shared, or pass the path)")
        }
        var reader = CSVReader(text: try TextDecoder.decode(Array(data), path: path).text)
        guard let header = try reader.next() else { return [] }
        let indices = columns.compactMap { header.fields.firstIndex(of: $0) }
        guard indices.count == columns.count else { throw ValidationError("\(path): missing column among \(columns)") }
        var texts: [[UInt8]] = []
        while let row = try reader.next() {
            let text = indices.compactMap { $0 < row.fields.count ? row.fields[$0] : nil }.joined(separator: "\n")
            if !text.isEmpty { texts.append(Array(text.utf8)) }
            if limit > 0 && texts.count >= limit { break }
        }
        return texts
    }

    /// Runs one measurement; returns wall seconds and the number of words or tokens seen.
    private func measure(mode: String, threads: Int, texts: [[UInt8]], analyzer: Analyzer) throws -> (Double, Int) {
        let total = Mutex(0)
        let failure = Mutex<String?>(nil)
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: threads) { worker in
            do {
                var count = 0
                let session = try analyzer.makeSession()
                if mode == "tokens-whole" { session.segmentation = .wholeText }
                var table = TermTable(capacity: 1 << 16)
                for i in stride(from: worker, to: texts.count, by: threads) {
                    try texts[i].withUnsafeBufferPointer { bytes in
                        switch mode {
                        case "raw-utext":
                            var status: Int32 = 0
                            count += Int(talent_raw_break_count(bytes.baseAddress!, Int64(bytes.count), &status))
                        case "raw":
                            var status: Int32 = 0
                            count += Int(talent_raw_break_count_utf16(bytes.baseAddress!, Int32(bytes.count), &status))
                        case "tokens", "tokens-whole":
                            try session.forEachToken(utf8: bytes) { _ in count += 1 }
                        default:
                            try session.forEachToken(utf8: bytes) { token in
                                _ = table.intern(token.units)
                                count += 1
                            }
                        }
                    }
                }
                total.withLock { $0 += count }
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let message = failure.withLock({ $0 }) { throw ValidationError(message) }
        return (seconds, total.withLock { $0 })
    }
}

struct T2SBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "t2s",
        abstract: "Print the Traditional → Simplified pairs of this machine's ICU as C source for Sources/CICUShim/t2s_pairs.inc.",
        discussion: "swift run talent-bench t2s > Sources/CICUShim/t2s_pairs.inc")

    func run() throws {
        var table = [UInt16](repeating: 0, count: 0x10000)
        let status = table.withUnsafeMutableBufferPointer { talent_t2s_from_icu($0.baseAddress!) }
        guard status <= 0 else { throw ValidationError("ICU error \(status)") }
        var out = "// Generated by `talent-bench t2s` from ICU's Traditional-Simplified transliterator, one BMP Han\n"
            + "// character at a time: pairs (from, to).\n"
        var n = 0
        for c in 0..<0x10000 where table[c] != UInt16(c) {
            out += String(format: "0x%04X, 0x%04X,", c, table[c]) + (n % 6 == 5 ? "\n" : " ")
            n += 1
        }
        print(out)
    }
}
