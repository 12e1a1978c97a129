/// Turns Chinese and English text into index terms, identically for documents and queries.
///
/// The pipeline, all in one pass over the text:
/// 1. fold: NFKC with case folding (`ＰＬＣ` → `plc`, `Java` → `java`), then Traditional → Simplified per
///    character (`機器人` → `机器人`), before segmenting so both scripts segment alike;
/// 2. segment with ICU word break (locale `zh`), keeping letters, numbers, kana and ideographs;
/// 3. join or protect lexicon terms (`数控机床`, `c++`, `s7-1200`) and fold regional variants (`軟體` → `软件`).
///    A Han compound ICU split is emitted over its words, which follow it at their own positions
///    (`数控机床` spans `数 控 机床`), so queries match both the compound and its parts.
///
/// ```swift
/// let analyzer = try Analyzer()
/// for token in try analyzer.analyze("熟悉FANUC系统和PLC编程") {
///     print(token.term, token.kind)  // 熟悉 ideograph, fanuc lexicon, 系统 ideograph, …
/// }
/// ```
///
/// `Analyzer` is a `Sendable` value: ``analyze(_:)`` opens an ICU context per call (a few µs). For many
/// texts on one thread, make an ``AnalysisSession`` with ``makeSession()`` and reuse it.
public struct Analyzer: Sendable {
    public let lexicon: Lexicon

    /// An analyzer with the built-in lexicon.
    public init() throws {
        self.lexicon = try Lexicon.builtin()
    }

    public init(lexicon: Lexicon) {
        self.lexicon = lexicon
    }

    /// Analyses one text.
    public func analyze(_ text: String) throws -> [Token] {
        try makeSession().analyze(text)
    }

    /// Opens a reusable, single-thread analysis context.
    public func makeSession() throws -> AnalysisSession {
        try AnalysisSession(lexicon: lexicon)
    }
}

/// A borrowed view of one token, valid only inside the closure it is passed to.
///
/// The hot path of indexing reads `units` (the folded term as UTF-16) without creating a `String`.
public struct TokenView {
    public var units: UnsafeBufferPointer<UInt16>
    public var position: Int
    public var start: Int
    public var end: Int
    public var kind: Token.Kind
    /// Positions the token spans: 1, or for a compound the number of words it overlays.
    public var length: Int
    /// The term as a `String` (allocates).
    public var term: String { String(utf16Units: units) }
}

/// How a session applies ICU word break. Both give the same segments; a test checks it on every text it
/// analyses.
public enum Segmentation: Sendable {
    /// Splits a run of Han characters between punctuation, spaces or Latin text by walking ICU's CJK
    /// dictionary directly, as ICU's own engine would split the run standing alone, without the break
    /// iterator around it (about twice as fast on Chinese descriptions); the rest goes through ICU.
    case hanRunsByDictionary
    /// One ICU pass over the whole text: the reference.
    case wholeText
}

/// An analyzer bound to one ICU context; reuse it for many texts on one thread.
public final class AnalysisSession {
    public let lexicon: Lexicon
    private let context: FoldingContext
    public var segmentation = Segmentation.hanRunsByDictionary

    init(lexicon: Lexicon) throws {
        self.lexicon = lexicon
        self.context = try FoldingContext()
    }

    /// Analyses `text` into tokens.
    public func analyze(_ text: String) throws -> [Token] {
        var tokens: [Token] = []
        try forEachToken(in: text) { token in
            tokens.append(Token(term: token.term, position: token.position, start: token.start, end: token.end,
                                kind: token.kind, length: token.length))
        }
        return tokens
    }

    /// Calls `body` with each token of `text`, in order, without allocating per token.
    public func forEachToken(in text: String, _ body: (TokenView) throws -> Void) throws {
        var text = text
        try text.withUTF8 { try forEachToken(utf8: $0, body) }
    }

    /// Calls `body` with each token of UTF-8 bytes; ill-formed bytes count as U+FFFD and give no token.
    public func forEachToken(utf8: UnsafeBufferPointer<UInt8>, _ body: (TokenView) throws -> Void) throws {
        let run = try context.run(utf8, segmentation: segmentation)
        guard run.segmentCount > 0, let segments = run.segments else { return }
        let folded = run.folded
        let lexicon = lexicon
        var position = 0
        var s = 0
        while s < run.segmentCount {
            let start = Int(segments[3 * s])
            if let match = lexicon.longestMatch(in: folded, segments: segments, segmentCount: run.segmentCount,
                                                first: s) {
                let end = Int(segments[3 * (match.nextSegment - 1) + 1])
                // A Han compound ICU split into several words keeps those words too, at their own positions
                // (search-mode segmentation): `前端` still matches `前端开发` as plain ICU would, and the
                // compound adds a sharper term. Protected terms (`c++`, `s7-1200`) stand alone.
                var parts = 0
                var onlyHanWords = true
                for k in s..<match.nextSegment {
                    let status = segments[3 * k + 2]
                    if (400..<500).contains(status) { parts += 1 } else { onlyHanWords = false }
                }
                // Only where the compound is spelled by its words: a regional variant (程式設計 → 编程) stands
                // alone, or its words would match nothing the canonical spelling has.
                var overlay = onlyHanWords && parts > 1
                if overlay {
                    let a = Int(segments[3 * s]), b = Int(segments[3 * (match.nextSegment - 1) + 1])
                    overlay = lexicon.termUnits[match.term].elementsEqual(folded[a..<b])
                }
                try lexicon.termUnits[match.term].withUnsafeBufferPointer { units in
                    try body(TokenView(units: units, position: position, start: Int(run.sourceStarts[start]),
                                       end: Int(run.sourceEnds[end - 1]), kind: .lexicon, length: overlay ? parts : 1))
                }
                if overlay {
                    for k in s..<match.nextSegment {
                        let a = Int(segments[3 * k]), b = Int(segments[3 * k + 1])
                        try body(TokenView(units: UnsafeBufferPointer(rebasing: folded[a..<b]), position: position,
                                           start: Int(run.sourceStarts[a]), end: Int(run.sourceEnds[b - 1]),
                                           kind: .ideograph, length: 1))
                        position += 1
                    }
                } else {
                    position += 1
                }
                s = match.nextSegment
                continue
            }
            if let kind = Token.Kind(ruleStatus: segments[3 * s + 2]) {
                let end = Int(segments[3 * s + 1])
                let units = UnsafeBufferPointer(rebasing: folded[start..<end])
                try body(TokenView(units: units, position: position, start: Int(run.sourceStarts[start]),
                                   end: Int(run.sourceEnds[end - 1]), kind: kind, length: 1))
                position += 1
            }
            s += 1
        }
    }

    /// The folded code units of `text` (tests compare them with ``FoldingContext/referenceFold(_:)``).
    func foldUnits(_ text: String) throws -> [UInt16] { try context.fold(text) }

    /// Folds `text` as the analyzer does, without segmenting: `ＰＬＣ編程` → `plc编程`.
    public func fold(_ text: String) throws -> String {
        String(utf16Units: try context.fold(text))
    }
}
