import Foundation

/// Which segments `talent index` merges after a commit, so an index grown run after run (or built from a
/// large corpus in many flushes) keeps few segments without a full `talent optimize`: every search looks
/// each word up in every segment, so many small segments cost every query (1M postings: 65 segments p50
/// 2.6 ms, one segment 1.1 ms).
///
/// Segments are ranked in levels by their live documents, a level per power of ``mergeFactor`` above
/// ``floorDocuments``; whenever ``mergeFactor`` adjacent segments share a level they become one segment of
/// the next level (Lucene's log merge policy). Each document is rewritten about once per level, and
/// adjacent segments only, so documents keep their order and ties in ranking stay in indexing order.
public struct MergePolicy: Sendable, Equatable {
    /// How many segments of one level are merged at once.
    public var mergeFactor: Int
    /// Segments below this many live documents all count as the lowest level.
    public var floorDocuments: Int

    public init(mergeFactor: Int = 10, floorDocuments: Int = 1_000) {
        self.mergeFactor = max(2, mergeFactor)
        self.floorDocuments = max(1, floorDocuments)
    }

    func level(_ liveDocuments: Int) -> Int {
        let ratio = Double(max(liveDocuments, floorDocuments)) / Double(floorDocuments)
        // A hair above, so exact powers (log 1000 / log 10 = 2.9999…) land on their level.
        return Int((log(ratio) / log(Double(mergeFactor)) + 1e-9).rounded(.down))
    }

    /// The next merges for segments of these live document counts, in index order: ranges of adjacent
    /// segments, disjoint, left to right. Empty when nothing needs merging.
    public func merges(liveCounts: [Int]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0
        while start < liveCounts.count {
            let l = level(liveCounts[start])
            var end = start + 1
            while end < liveCounts.count && level(liveCounts[end]) == l { end += 1 }
            var from = start
            while end - from >= mergeFactor {
                result.append(from..<from + mergeFactor)
                from += mergeFactor
            }
            start = end
        }
        return result
    }
}
