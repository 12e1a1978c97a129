import ArgumentParser
import Foundation
import IndexStore
import SearchEngine
import TalentDirectory
import TalentService
import TextAnalysis

#if canImport(Glibc)
import Glibc
#endif

extension MatchMode: ExpressibleByArgument {}

extension Talent {
    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Search the index: ranked postings with highlighted snippets.",
            discussion: """
                Query language:
                  数控 编程              words; postings matching more of them rank first (--match any)
                  "PLC 编程"             a phrase
                  焊工 OR 电工           either;  焊工 AND 证   both;  -实习   without
                  (焊工 OR 电工) 深圳     grouping
                  title:焊工  skills:PLC  employer:比亚迪  region:深圳  industry:汽车  occupation:电工  education:本科
                  salary>=8000  experience<=3  posted>=2025-01-01  salary:8000..12000
                Words are analysed like the postings, so 機器人 finds 机器人 and ＰＬＣ finds PLC; a Chinese word also
                finds longer words that contain it (工具 → 工具箱), and a lexicon term its synonyms and translations
                (可编程控制器 → PLC, welder → 焊工), ranked below the query's own words (--no-expand turns both off).

                Examples:
                  talent search 数控车工 深圳
                  talent search '"PLC 编程" salary>=8000' --facet city
                  talent search "Senior CNC machinist" --json -n 20
                """
        )

        @Argument(help: "The query (several arguments are joined with spaces).")
        var query: [String] = []

        @Option(name: .long, help: "Read the query from a file instead.")
        var queryFile: String?

        @OptionGroup var options: IndexOptions

        @Option(name: .short, help: "How many results.")
        var n = 10

        @Option(name: .long, help: "Skip this many results (paging).")
        var offset = 0

        @Option(name: .long, help: "How unfielded words combine: all or any.")
        var match: MatchMode?

        @Flag(name: .long, help: "Match only the query's own words: no synonyms, translations or longer words.")
        var noExpand = false

        @Flag(name: .long, help: "Print JSON Lines: one object per hit.")
        var json = false

        @Flag(name: .long, help: "Show each term's contribution per field.")
        var explain = false

        @Option(name: .long, help: "Count matching postings by a field: region, city (the region cut to its city: 深圳 for 深圳·南山区 and Guangdong·Shenzhen), industry, occupation, occupation_code, education, employer, skills, skill_ids, lang (repeatable).")
        var facet: [String] = []

        @Option(name: .long, help: "Values shown per facet, most frequent first.")
        var facetSize = SearchRequest.defaultFacetSize

        func validate() throws {
            if n < 0 || offset < 0 { throw ValidationError("-n and --offset must not be negative.") }
            if facetSize < 1 { throw ValidationError("--facet-size must be at least 1.") }
        }

        func run() throws {
            let text: String
            if let queryFile {
                guard let data = FileManager.default.contents(atPath: queryFile) else {
                    throw CLIError("cannot read \(queryFile)")
                }
                text = try TextDecoder.decode(Array(data), path: queryFile).text.trimmingCharacters(in: .whitespacesAndNewlines)
            } else {
                text = query.joined(separator: " ")
            }
            let parsed: Query
            do {
                parsed = try QueryParser().parse(text)
            } catch {
                printError(error.caretLine())
                throw CLIError("query syntax: \(error.description)")
            }
            let snapshot = try IndexSnapshot(directory: options.index)
            var searchOptions = SearchOptions()
            if let match { searchOptions.match = match }
            if noExpand {
                searchOptions.synonymWeight = 0
                searchOptions.subwordWeight = 0
            }
            let searcher = try Searcher(snapshot: snapshot, analyzer: try Analyzer(), options: searchOptions)
            let results = try searcher.search(parsed, limit: n, offset: offset, facets: facet, explain: explain)
            let color = !json && isatty(1) == 1
            let (terms, pieces) = (results.highlightTerms, results.highlightPieces)
            for (i, hit) in results.hits.enumerated() {
                let record = try TalentIndex.record(from: snapshot.segments[hit.segment].storedDocument(hit.doc))
                let body = try searcher.snippet(record.description, terms: terms, pieces: pieces)
                let title = try searcher.snippet(record.title, terms: terms, pieces: pieces, length: 80)
                if json {
                    print(try SearchJSON.encode(SearchJSON.hit(rank: offset + i + 1, hit: hit, record: record, title: title,
                                                               snippet: body, explain: explain)))
                } else {
                    let (open, close) = color ? ("\u{1B}[1;31m", "\u{1B}[0m") : ("【", "】")
                    var facts = [record.employer, record.region].filter { !$0.isEmpty }
                    if let salary = Self.salary(record) { facts.append(salary) }
                    if let posted = record.posted { facts.append(posted) }
                    print(Self.rankAndScore(offset + i + 1, hit.score) + title.marked(open: open, close: close)
                          + "  [\(record.id)]")
                    if !facts.isEmpty { print("             " + facts.joined(separator: " · ")) }
                    if !body.text.isEmpty { print("             " + body.marked(open: open, close: close)) }
                    if explain {
                        for c in hit.explanation {
                            print(String(format: "               %7.3f  %@:%@ (%@) freq %d, length %d/%.0f, idf %.2f, weight %.2f",
                                         c.score, c.field, c.term, c.origin, c.freq, c.fieldLength, c.averageLength, c.idf, c.weight))
                        }
                    }
                }
            }
            if !json {
                if results.hits.isEmpty && n > 0 { print(offset > 0 ? "no more matching postings" : "no matching postings") }
                // The pruned search does not count what it skips; count the matches for the reader.
                var total = results.totalMatches ?? 0
                if results.totalMatches == nil { try searcher.forEachMatch(parsed) { _, _ in total += 1 } }
                if total > 0 {
                    let shown = results.hits.isEmpty ? "" : "showing \(offset + 1)-\(offset + results.hits.count) of "
                    print("\(shown)\(total) matching posting(s)")
                }
                for f in facet {
                    let values = (results.facets[f] ?? []).prefix(facetSize).map { "\($0.value) \($0.count)" }
                    print("\(f): " + (values.isEmpty ? "(none)" : values.joined(separator: " · ")))
                }
            } else if !facet.isEmpty {
                var object = SearchJSON.facets(results, fields: facet, size: facetSize)
                if let total = results.totalMatches { object["total"] = total }
                print(try SearchJSON.encode(["facets": object]))
            }
        }

        /// `String(format: "%3d  %6.2f  ", rank, score)` through the C library's formatter directly: the same
        /// text, without Foundation's format-string machinery at every start.
        static func rankAndScore(_ rank: Int, _ score: Double) -> String {
            var buffer = [CChar](repeating: 0, count: 64)
            let n = withVaList([rank, score]) { vsnprintf(&buffer, 64, "%3ld  %6.2f  ", $0) }
            return String(decoding: buffer[0..<Int(max(0, min(n, 63)))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        static func salary(_ r: Record) -> String? {
            switch (r.salaryMin, r.salaryMax) {
            case let (lo?, hi?) where lo != hi: return "\(lo)-\(hi)/月"
            case let (v?, _), let (nil, v?): return "\(v)/月"
            default: return nil
            }
        }
    }
}
