import ArgumentParser
import Foundation
import TalentDirectory
import TextAnalysis

struct ClassifyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Occupation mapping accuracy: job titles hand-mapped to CSCO 2022 codes against `talent classify`.",
        discussion: """
            Reads a CSV of job_name, expected_code (and expected_name), classifies every title and prints top-1 and
            top-3 accuracy at the fine level (细类, the whole code) and the middle level (中类, the first two parts
            of the code), titles per second, and example errors. Rows without an expected code are skipped.
              swift run -c release talent-bench classify
              swift run -c release talent-bench classify --classification ../shared/data/csco-2022/csco22.csv
            """
    )

    @Option(help: "The judged titles: CSV with columns job_name, expected_code.")
    var cases = "../shared/data/csco-2022/testcases-dev.csv"

    @Option(help: "A copy of csco22.csv whose definitions and tasks are indexed too.")
    var classification: String?

    @Option(help: "Print this many example errors.")
    var errors = 20

    @Option(help: "Write every title with its expected and predicted codes here (TSV).")
    var dump: String?

    @Option(help: "Ranking weights to try: headBonus, modifier, workplace, coverage, bracketed, employer, laterSegment, engine, headKind, middleVote, voteWindow, levelPenalty, candidates, and the field weights name, alias, text (e.g. engine=3,headBonus=0).")
    var tune: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: cases) else {
            throw ValidationError("cannot read \(cases) (run from the project folder, beside ../shared, or pass --cases)")
        }
        var reader = CSVReader(text: try TextDecoder.decode(Array(data), path: cases).text)
        guard let header = try reader.next() else { throw ValidationError("\(cases) is empty") }
        guard let titleColumn = header.fields.firstIndex(of: "job_name"),
              let codeColumn = header.fields.firstIndex(of: "expected_code")
        else { throw ValidationError("\(cases): needs columns job_name and expected_code") }
        var rows: [(title: String, code: String)] = []
        var skipped = 0
        while let row = try reader.next() {
            guard row.fields.count > max(titleColumn, codeColumn), !row.fields[codeColumn].isEmpty else {
                skipped += 1
                continue
            }
            rows.append((row.fields[titleColumn], row.fields[codeColumn]))
        }

        let buildStart = Date()
        let classifier = try OccupationClassifier(analyzer: try Analyzer(), classificationFile: classification)
        let buildSeconds = Date().timeIntervalSince(buildStart)
        if let tune { try apply(tune, to: &classifier.tuning) }

        var fine = 0, middle = 0, fine3 = 0, middle3 = 0, empty = 0
        var failures: [(String, String, [OccupationMatch])] = []
        var lines = ["title\texpected\texpected_name\tpredicted\tpredicted_name\tscore\tok\tform\talternatives"]
        let start = Date()
        for (title, code) in rows {
            let explained = try classifier.explain(title, limit: 3)
            let matches = explained.map(\.match)
            let expectedMiddle = Occupation.middle(of: code)
            if matches.isEmpty { empty += 1 }
            if matches.first?.code == code { fine += 1 }
            if matches.first?.middle == expectedMiddle { middle += 1 }
            if matches.contains(where: { $0.code == code }) { fine3 += 1 }
            if matches.contains(where: { $0.middle == expectedMiddle }) { middle3 += 1 }
            if matches.first?.code != code { failures.append((title, code, matches)) }
            let top = matches.first
            lines.append("\(title)\t\(code)\t\(classifier.name(of: code) ?? "")\t\(top?.code ?? "")\t\(top?.name ?? "")\t\(top?.score ?? 0)\t\(top?.code == code ? 1 : 0)\t\(explained.first?.form ?? "")\t\(explained.dropFirst().map { "\($0.match.code) \($0.match.name) \($0.match.score) \($0.form ?? "")" }.joined(separator: "; "))")
        }
        let seconds = Date().timeIntervalSince(start)
        // Indexing assigns codes without the engine (assign(_:useEngine: false)): how many titles get one, and
        // how often it is right, at the score it trusts and around it.
        var unassisted: [(score: Double, fine: Bool, middle: Bool)] = []
        for (title, code) in rows {
            guard let best = try classifier.explain(title, limit: 1, useEngine: false).first?.match else { continue }
            unassisted.append((best.score, best.code == code, best.middle == Occupation.middle(of: code)))
        }
        if let dump { try (lines.joined(separator: "\n") + "\n").write(toFile: dump, atomically: true, encoding: .utf8) }

        let n = Double(max(rows.count, 1))
        func pct(_ k: Int) -> String { String(format: "%.3f", Double(k) / n) }
        print("cases: \(rows.count) (\(skipped) without an expected code skipped)\(classification.map { ", with \($0)" } ?? "")")
        print("| level | top-1 | top-3 |")
        print("|---|---|---|")
        print("| fine (细类) | \(pct(fine)) | \(pct(fine3)) |")
        print("| middle (中类) | \(pct(middle)) | \(pct(middle3)) |")
        print("")
        print("Indexing (no engine): titles given a code, and how many of those are right")
        print("| from score | assigned | fine | middle |")
        print("|---|---|---|---|")
        for threshold in [1.5, 2.0, 2.5, 3.0, 3.5] {
            let kept = unassisted.filter { $0.score >= threshold }
            let k = Double(max(kept.count, 1))
            let mark = threshold == OccupationClassifier.assignScore ? " (used)" : ""
            print("| \(threshold)\(mark) | \(pct(kept.count)) | \(String(format: "%.3f", Double(kept.filter(\.fine).count) / k)) | \(String(format: "%.3f", Double(kept.filter(\.middle).count) / k)) |")
        }
        print("no match: \(empty); build \(String(format: "%.2f", buildSeconds)) s; \(String(format: "%.0f", Double(rows.count) / seconds)) titles/s")
        if errors > 0 && !failures.isEmpty {
            print("example errors (title → predicted; expected):")
            // Spread the examples over the file rather than taking its first rows.
            let step = max(1, failures.count / errors)
            for (title, code, matches) in stride(from: 0, to: failures.count, by: step).prefix(errors).map({ failures[$0] }) {
                let got = matches.first.map { "\($0.code) \($0.name)" } ?? "(none)"
                print("  \(title) → \(got); expected \(code) \(classifier.name(of: code) ?? "")")
            }
        }
    }

    private func apply(_ spec: String, to tuning: inout OccupationClassifier.Tuning) throws {
        for pair in spec.split(separator: ",") {
            let kv = pair.split(separator: "=")
            guard kv.count == 2, let v = Double(kv[1]) else { throw ValidationError("--tune name=number,…") }
            switch kv[0] {
            case "headBonus": tuning.headBonus = v
            case "coverage": tuning.coverage = v
            case "modifier": tuning.modifier = v
            case "bracketed": tuning.bracketed = v
            case "laterSegment": tuning.laterSegment = v
            case "engine": tuning.engine = v
            case "levelPenalty": tuning.levelPenalty = v
            case "headKind": tuning.headKind = v
            case "middleVote": tuning.middleVote = v
            case "employer": tuning.employer = v
            case "workplace": tuning.workplace = v
            case "voteWindow": tuning.voteWindow = v
            case "candidates": tuning.candidates = Int(v)
            case "text": tuning.fieldWeights["text"] = v
            case "alias": tuning.fieldWeights["alias"] = v
            case "name": tuning.fieldWeights["name"] = v
            default: throw ValidationError("unknown weight \(kv[0])")
            }
        }
    }
}
