import ArgumentParser
import Foundation
import TalentDirectory
import TextAnalysis

extension Talent {
    struct Analyze: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the index terms the analyzer makes of a text.",
            discussion: """
                Offsets are UTF-8 byte offsets into the text (end exclusive).
                Kinds: word, number, ideograph, kana, lexicon (a term of the domain lexicon).
                A Han compound (数控机床) spans the positions of the words ICU split it into (数 控 机床),
                which follow it: positions 1-3, then 1, 2, 3.

                Examples:
                  talent analyze "熟悉西門子S7-1200和C++"
                  talent analyze --file posting.txt --json
                """
        )

        @Argument(help: "The text to analyse. Use --file to read it from a file.")
        var text: [String] = []

        @Option(name: .long, help: "Read the text from this file (UTF-8, UTF-16 with BOM, or GB18030).")
        var file: String?

        @Flag(name: .long, help: "Print a JSON array of {term, position, start, end, kind}.")
        var json = false

        @Flag(name: .long, help: "List the lexicon skills the text mentions (id, category, Chinese and English names).")
        var skills = false

        @Option(name: .long, help: "An extra lexicon file (one term a line, or the TSV format of the built-in lexicon). Repeatable.")
        var lexicon: [String] = []

        func validate() throws {
            if file == nil && text.isEmpty { throw ValidationError("Give a TEXT to analyse, or --file PATH.") }
            if file != nil && !text.isEmpty { throw ValidationError("Give either TEXT or --file, not both.") }
        }

        func run() throws {
            let source: String
            if let file {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CLIError("cannot read \(file): no such file, or not readable")
                }
                let decoded = try TextDecoder.decode(Array(data), path: file)
                if decoded.invalidCount > 0 {
                    printError("warning: \(file): \(decoded.invalidCount) undecodable byte sequence(s) replaced with U+FFFD (first at byte offset \(decoded.firstInvalidOffset ?? 0), read as \(decoded.encoding.rawValue))")
                }
                source = decoded.text
            } else {
                source = text.joined(separator: " ")
            }
            let analyzer = Analyzer(lexicon: try Lexicon.builtin(adding: lexicon))
            if skills {
                let catalog = try SkillCatalog(analyzer: analyzer)
                let found = try catalog.skills(in: source, session: analyzer.makeSession())
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
                    for entry in found {
                        let object = ["id": entry.id, "category": entry.category, "zh": entry.zh, "en": entry.en]
                        print(String(decoding: try encoder.encode(object), as: UTF8.self))
                    }
                } else if found.isEmpty {
                    print("(no skills of the lexicon found)")
                } else {
                    for entry in found {
                        print("\(entry.id)\t\(entry.category)\t\(entry.zh)\t\(entry.en)")
                    }
                }
                return
            }
            let tokens = try analyzer.analyze(source)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.withoutEscapingSlashes]
                // Fields in reading order, one token a line.
                let lines = try tokens.map { token in
                    let term = String(decoding: try encoder.encode(token.term), as: UTF8.self)
                    return #"{"term":\#(term),"position":\#(token.position),"start":\#(token.start),"end":\#(token.end),"kind":"\#(token.kind.rawValue)","length":\#(token.length)}"#
                }
                print("[" + lines.joined(separator: ",\n ") + "]")
            } else {
                print(TokenTable(tokens: tokens, source: source).render())
            }
        }
    }
}

/// A plain-text table of tokens, with the source text each came from.
struct TokenTable {
    var tokens: [Token]
    var source: String

    func render() -> String {
        let utf8 = Array(source.utf8)
        var rows = [["pos", "term", "kind", "start", "end", "source"]]
        for token in tokens {
            let text = String(decoding: utf8[token.start..<token.end], as: UTF8.self)
            let position = token.length > 1 ? "\(token.position)-\(token.position + token.length - 1)" : "\(token.position)"
            rows.append([position, token.term, token.kind.rawValue, "\(token.start)", "\(token.end)", text])
        }
        if tokens.isEmpty { return "(no tokens)" }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], displayWidth(cell)) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - displayWidth(cell) + 2)
            }.joined()
        }.joined(separator: "\n")
    }
}

/// Terminal columns a string takes: East Asian wide characters take two.
func displayWidth(_ s: String) -> Int {
    s.unicodeScalars.reduce(0) { width, scalar in
        let v = scalar.value
        let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x20000...0x3FFFD).contains(v)
        return width + (wide ? 2 : 1)
    }
}
