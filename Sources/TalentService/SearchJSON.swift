import Foundation
import SearchEngine
import TalentDirectory

/// What `talent search` is asked: the CLI's flags and the API's parameters are the same fields.
public struct SearchRequest: Sendable, Equatable {
    public var query: String
    public var limit = 10
    public var offset = 0
    public var facets: [String] = []
    /// Values shown per facet, most frequent first (a facet such as employer has thousands).
    public var facetSize = SearchRequest.defaultFacetSize
    /// `nil`: the engine's default.
    public var match: MatchMode?
    /// Synonyms, translations and longer words containing a query word.
    public var expand = true
    public var explain = false

    /// The largest page and offset served: deeper paging costs more than it helps anyone reading results.
    public static let maxLimit = 1000
    public static let defaultFacetSize = 15
    public static let maxOffset = 100_000
    /// Facet fields users may count by.
    public static let facetFields: Set<String> = ["region", "city", "industry", "occupation", "occupation_code", "education",
                                                  "employer", "skills", "skill_ids", "lang", "experience", "source"]

    public init(query: String, limit: Int = 10, offset: Int = 0, facets: [String] = [], match: MatchMode? = nil,
                expand: Bool = true, explain: Bool = false) {
        self.query = query
        self.limit = limit
        self.offset = offset
        self.facets = facets
        self.match = match
        self.expand = expand
        self.explain = explain
    }

    /// Rejects what no search can answer: negative or huge paging, unknown facets.
    public func validate() throws(ServiceError) {
        guard (0...Self.maxLimit).contains(limit) else {
            throw ServiceError(.badRequest, "n must be between 0 and \(Self.maxLimit), not \(limit)")
        }
        guard (0...Self.maxOffset).contains(offset) else {
            throw ServiceError(.badRequest, "offset must be between 0 and \(Self.maxOffset), not \(offset)")
        }
        guard (1...Self.maxLimit).contains(facetSize) else {
            throw ServiceError(.badRequest, "facet_size must be between 1 and \(Self.maxLimit), not \(facetSize)")
        }
        for f in facets where !Self.facetFields.contains(f) {
            throw ServiceError(.badRequest, "facet \(f): not a facet field; use one of "
                               + Self.facetFields.sorted().joined(separator: ", "))
        }
    }

    /// The query parsed, or a ``ServiceError`` naming the column.
    public func parsed() throws(ServiceError) -> Query {
        do {
            return try QueryParser().parse(query)
        } catch {
            throw ServiceError(.badRequest, "query syntax: \(error.description)", detail: error.caretLine())
        }
    }

    /// The engine options this request asks for.
    public var options: SearchOptions {
        var options = SearchOptions()
        if let match { options.match = match }
        if !expand {
            options.synonymWeight = 0
            options.subwordWeight = 0
        }
        return options
    }
}

/// The JSON shapes of search results, one implementation for `talent search --json` and `GET /api/search`.
public enum SearchJSON {
    /// One hit: rank, score, id, the record's display fields, the snippet and highlight ranges (UTF-8 byte
    /// offsets into `snippet` and `title`), and with `explain` each term's contribution.
    public static func hit(rank: Int, hit: Hit, record: Record, title: Snippet, snippet: Snippet,
                           explain: Bool) -> [String: Any] {
        var object: [String: Any] = [
            "rank": rank, "score": (hit.score * 10000).rounded() / 10000, "id": record.id, "title": record.title,
            "snippet": snippet.text, "highlights": snippet.highlights.map { [$0.lowerBound, $0.upperBound] },
            "title_highlights": title.highlights.map { [$0.lowerBound, $0.upperBound] },
        ]
        for (k, v) in [("employer", record.employer), ("region", record.region), ("industry", record.industry),
                       ("occupation", record.occupation), ("education", record.education)] where !v.isEmpty {
            object[k] = v
        }
        if let v = record.salaryMin { object["salary_min"] = v }
        if let v = record.salaryMax { object["salary_max"] = v }
        if let v = record.posted { object["posted"] = v }
        if !record.skills.isEmpty { object["skills"] = record.skills }
        if explain {
            object["explanation"] = hit.explanation.map {
                ["field": $0.field, "term": $0.term, "origin": $0.origin, "freq": $0.freq, "score": $0.score,
                 "idf": $0.idf, "weight": $0.weight, "field_length": $0.fieldLength] as [String: Any]
            }
        }
        return object
    }

    /// Facet counts as `{field: [{value, count}]}`, the `size` most frequent values of each.
    public static func facets(_ results: SearchResults, fields: [String], size: Int) -> [String: Any] {
        var object: [String: Any] = [:]
        for f in fields { object[f] = (results.facets[f] ?? []).prefix(size).map { ["value": $0.value, "count": $0.count] } }
        return object
    }

    /// The hits of `results`, with their records and snippets, as JSON objects.
    public static func hits(_ results: SearchResults, searcher: Searcher, offset: Int,
                            explain: Bool) throws -> [[String: Any]] {
        let (terms, pieces) = (results.highlightTerms, results.highlightPieces)
        return try results.hits.enumerated().map { i, hit in
            let stored = try searcher.snapshot.segments[hit.segment].storedDocument(hit.doc)
            let record = try TalentIndex.record(from: stored)
            let body = try searcher.snippet(record.description, terms: terms, pieces: pieces)
            let title = try searcher.snippet(record.title, terms: terms, pieces: pieces, length: 80)
            return Self.hit(rank: offset + i + 1, hit: hit, record: record, title: title, snippet: body, explain: explain)
        }
    }

    /// Compact JSON text with sorted keys, as every command prints it.
    public static func encode(_ object: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
