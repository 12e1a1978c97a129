import ArgumentParser
import Foundation
import IndexStore
import SearchEngine
import TextAnalysis

/// Options that change ranking, shared by the evaluation commands.
struct RankingOptions: ParsableArguments {
    @Option(help: "Unfielded word matching: all or any.")
    var match: String = "any"

    @Option(help: "Field weights, e.g. title=1,body=1,skills=1.")
    var weights: String?

    @Option(help: "Fields where words also match exactly, e.g. place=0.5 (place=0 turns it off).")
    var exactWeights: String?

    @Option(help: "Phrase boost of each multi-word chunk.")
    var phrase: Double?

    @Option(help: "Weight of longer terms containing a Chinese query word.")
    var subword: Double?

    @Option(help: "Weight of lexicon compounds spelled by the query's words.")
    var compound: Double?

    @Option(help: "Synonym weight (0 = no expansion).")
    var synonym: Double?

    @Option(help: "Synonyms count in full for words held by less than this share of the postings.")
    var synonymFullShare: Double?

    @Option(help: "Coordination power (0 = off).")
    var coordination: Double?

    @Flag(help: "Weigh coordination by idf.")
    var coordinationIDF = false

    func apply(to options: inout SearchOptions) throws {
        guard let mode = MatchMode(rawValue: match) else { throw ValidationError("--match all|any") }
        options.match = mode
        func parse(_ text: String, _ flag: String) throws -> [String: Double] {
            var w: [String: Double] = [:]
            for pair in text.split(separator: ",") {
                let kv = pair.split(separator: "=")
                guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("\(flag) field=number,…") }
                w[String(kv[0])] = v
            }
            return w
        }
        if let weights { options.fieldWeights = try parse(weights, "--weights") }
        if let exactWeights { options.exactFieldWeights = try parse(exactWeights, "--exact-weights") }
        if let phrase { options.phraseBoost = phrase }
        if let subword { options.subwordWeight = subword }
        if let compound { options.compoundWeight = compound }
        if let coordination { options.coordination = coordination }
        if let synonym { options.synonymWeight = synonym }
        if let synonymFullShare { options.synonymFullShare = synonymFullShare }
        if coordinationIDF { options.coordinationByIDF = true }
    }
}

struct EvalBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run a judged query set through the searcher and score it with ../shared/eval/score.py.",
        discussion: """
            Build the index of the judged corpus first:
              swift run -c release talent index ../shared/data/cn-job-postings/jobs.csv --index /tmp/jobs-index
              swift run -c release talent-bench eval --index /tmp/jobs-index --set dev
            Prints nDCG@10, P@10, Recall@100, MRR and judged@10, then the ten worst queries.
            """
    )

    @Option(help: "The index of ../shared/data/cn-job-postings/jobs.csv.")
    var index: String

    @Option(help: "The query set: dev or hard-dev (files in --eval).")
    var set = "dev"

    @Option(help: "The folder with the judged sets and score.py.")
    var eval = "../shared/eval"

    @Option(name: .customLong("run"), help: "Write the run here (qid, docid, rank).")
    var runPath = "/tmp/talent-run.tsv"

    @OptionGroup var ranking: RankingOptions

    func run() throws {
        var options = SearchOptions()
        try ranking.apply(to: &options)
        let queries = try readTSV("\(eval)/\(set).tsv").map { ($0[0], $0[1]) }
        let searcher = try Searcher(snapshot: try IndexSnapshot(directory: index), analyzer: try Analyzer(), options: options)
        var lines: [String] = []
        for (qid, text) in queries {
            let hits = try searcher.search(try QueryParser().parse(text), limit: 100).hits
            for (rank, hit) in hits.enumerated() { lines.append("\(qid)\t\(hit.id)\t\(rank + 1)") }
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: runPath, atomically: true, encoding: .utf8)
        print(try python(["\(eval)/score.py", runPath, "\(eval)/\(set).qrels"]))
        let perQuery = try python(["\(eval)/score.py", runPath, "\(eval)/\(set).qrels", "--per-query"])
        let rows = perQuery.split(separator: "\n").filter { $0.hasPrefix(set == "dev" ? "d" : "hd") }
        let worst = rows.sorted { ndcg($0) < ndcg($1) }.prefix(10)
        print("worst 10 by nDCG@10:")
        let text = Dictionary(uniqueKeysWithValues: queries)
        for row in worst { print("  \(row)  \(text[String(row.split(separator: "\t").first ?? "")] ?? "")") }
    }

    private func ndcg(_ row: Substring) -> Double {
        // "d01 nDCG@10=0.9105 P@10=…": the first value.
        Double(row.split(separator: " ").dropFirst().first?.split(separator: "=").last ?? "") ?? 0
    }
}

struct VariantsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variants",
        abstract: "Check that each Traditional, full-width and case variant of a dev query returns the original's top 10.")

    @Option(help: "The index of ../shared/data/cn-job-postings/jobs.csv.")
    var index: String

    @Option(help: "The folder with variants.tsv.")
    var eval = "../shared/eval"

    @OptionGroup var ranking: RankingOptions

    func run() throws {
        var options = SearchOptions()
        try ranking.apply(to: &options)
        let searcher = try Searcher(snapshot: try IndexSnapshot(directory: index), analyzer: try Analyzer(), options: options)
        func top(_ q: String) throws -> [String] { try searcher.search(try QueryParser().parse(q), limit: 10).hits.map(\.id) }
        var agree = 0, total = 0
        for row in try readTSV("\(eval)/variants.tsv").dropFirst() where row.count >= 5 {
            total += 1
            if try top(row[3]) == top(row[4]) { agree += 1 } else { print("differs: \(row[0]) \(row[2]) \(row[3]) vs \(row[4])") }
        }
        print("variant agreement: \(agree)/\(total)")
    }
}

func readTSV(_ path: String) throws -> [[String]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
        $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
}

func python(_ arguments: [String]) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
