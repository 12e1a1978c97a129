import TextAnalysis

/// A short passage of a field with the query's words marked.
public struct Snippet: Sendable, Equatable, Codable {
    /// The passage, white space collapsed; `…` marks cut ends.
    public var text: String
    /// Matched words as UTF-8 byte ranges of `text`, words that touch joined into one range.
    public var highlights: [Range<Int>]

    /// The passage with each match wrapped in `open` and `close` (ANSI codes, or `【` `】`).
    public func marked(open: String, close: String) -> String {
        var out = ""
        let bytes = Array(text.utf8)
        var at = 0
        for r in highlights {
            out += String(decoding: bytes[at..<r.lowerBound], as: UTF8.self)
            out += open + String(decoding: bytes[r], as: UTF8.self) + close
            at = r.upperBound
        }
        out += String(decoding: bytes[at...], as: UTF8.self)
        return out
    }
}

extension Searcher {
    /// The passage of `text` (about `length` characters) with the most distinct query words, marked.
    ///
    /// The text is analysed again, so matches are found exactly as the index found them (`機器人` matches a
    /// query for `机器人`), and marks cover the original characters.
    /// `pieces` (``SearchResults/highlightPieces``) are marked only where they touch another match.
    public func snippet(_ text: String, terms: Set<String>, pieces: Set<String> = [], length: Int = 110) throws -> Snippet {
        var tokens = try session.analyze(text).filter { terms.contains($0.term) }
        if !pieces.isEmpty {
            // A piece is kept where another match ends where it starts or starts where it ends. (One inside a
            // longer match is marked with it either way.)
            let ends = Set(tokens.map(\.end)), starts = Set(tokens.map(\.start))
            tokens.removeAll { pieces.contains($0.term) && !ends.contains($0.start) && !starts.contains($0.end) }
        }
        let utf8 = Array(text.utf8)
        // Candidate windows start a little before each match; keep the one covering the most distinct terms.
        var bestStart = 0
        var bestCount = -1
        let lead = 16
        for anchor in tokens {
            let start = max(0, byteOffset(utf8, from: anchor.start, characters: -lead))
            let end = byteOffset(utf8, from: start, characters: length)
            let distinct = Set(tokens.filter { $0.start >= start && $0.end <= end }.map(\.term)).count
            if distinct > bestCount {
                bestCount = distinct
                bestStart = start
            }
        }
        let end = byteOffset(utf8, from: bestStart, characters: length)
        var out: [UInt8] = []
        var highlights: [Range<Int>] = []
        if bestStart > 0 { out += Array("…".utf8) }
        var i = bestStart
        // Longest first where tokens start together, so a compound is marked whole.
        let inWindow = tokens.filter { $0.start >= bestStart && $0.end <= end }
            .sorted { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        var next = 0
        var lastWasSpace = false
        while i < end {
            // Words inside a compound already marked are skipped.
            while next < inWindow.count && inWindow[next].start < i { next += 1 }
            if next < inWindow.count && inWindow[next].start == i {
                let t = inWindow[next]
                let lower = out.count
                out += utf8[t.start..<t.end]
                // Words that touch are one mark: 【数控】车床, not 【数】【控】车床 (the analyzer splits what its
                // dictionary does not hold into characters).
                if let last = highlights.last, last.upperBound == lower {
                    highlights[highlights.count - 1] = last.lowerBound..<out.count
                } else {
                    highlights.append(lower..<out.count)
                }
                i = t.end
                next += 1
                lastWasSpace = false
                continue
            }
            let b = utf8[i]
            if b == 0x0A || b == 0x0D || b == 0x09 || b == 0x20 {
                if !lastWasSpace && !out.isEmpty { out.append(0x20) }
                lastWasSpace = true
            } else {
                out.append(b)
                lastWasSpace = false
            }
            i += 1
        }
        while out.last == 0x20 { out.removeLast() }
        if end < utf8.count { out += Array("…".utf8) }
        return Snippet(text: String(decoding: out, as: UTF8.self), highlights: highlights)
    }
}

/// The byte offset `characters` scalars after (or before, if negative) `from`, staying on scalar boundaries.
private func byteOffset(_ utf8: [UInt8], from: Int, characters: Int) -> Int {
    var i = from
    if characters >= 0 {
        var n = 0
        while i < utf8.count && n < characters {
            i += 1
            while i < utf8.count && utf8[i] & 0xC0 == 0x80 { i += 1 }
            n += 1
        }
        return i
    }
    var n = 0
    while i > 0 && n < -characters {
        i -= 1
        while i > 0 && utf8[i] & 0xC0 == 0x80 { i -= 1 }
        n += 1
    }
    return i
}
