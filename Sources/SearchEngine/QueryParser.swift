/// Parses the query language of `talent search` into a ``Query``.
///
/// ```swift
/// let query = try QueryParser().parse("(焊工 OR 电工) 深圳 salary>=8000 -实习")
/// // .group([.or([.text("焊工"), .text("电工")]), .text("深圳"),
/// //         .range(field: "salary", op: .ge, value: "8000"), .not(.text("实习"))])
/// ```
///
/// ``Query`` documents the grammar. The parser never traps: any string parses or throws a
/// ``QuerySyntaxError``, and parentheses nest at most ``maximumDepth`` deep, so the stack stays small.
///
/// ## Topics
///
/// ### Parsing
/// - ``init()``
/// - ``parse(_:)``
/// - ``maximumDepth``
///
/// ### Field names
/// - ``textFields``
/// - ``rangeFields``
/// - ``fieldAliases``
/// - ``canonicalField(_:)``
public struct QueryParser: Sendable {
    /// Names accepted before `:` for text fields (lowercase; matched case-insensitively).
    public static let textFields: Set<String> = [
        "title", "skills", "skill", "employer", "company", "region", "city", "industry", "occupation", "education",
        "body", "description",
    ]

    /// Names accepted before a comparison or `:` for numeric and date fields (lowercase).
    public static let rangeFields: Set<String> = ["salary", "experience", "posted", "headcount"]

    /// Other names of fields, English and Chinese, with the canonical name each stands for.
    public static let fieldAliases: [String: String] = [
        "skill": "skills", "company": "employer", "description": "body",
        "职位": "title", "职位名称": "title", "技能": "skills", "公司": "employer", "企业": "employer",
        "地区": "region", "工作地点": "region", "城市": "city", "行业": "industry", "职业": "occupation", "学历": "education",
        "职位描述": "body",
        "薪资": "salary", "月薪": "salary", "经验": "experience", "工作经验": "experience", "发布时间": "posted",
        "人数": "headcount", "招聘人数": "headcount",
    ]

    /// How deep parentheses may nest; deeper nesting throws "parentheses nested too deeply".
    public static let maximumDepth = 100

    public init() {}

    /// Parses a query string.
    ///
    /// - Parameters:
    ///   - query: the query as typed.
    /// - Returns: the query's clauses: a single clause as itself, several as a ``Query/group(_:)``, none
    ///   (an empty or whitespace-only query) as `.group([])`.
    ///
    /// Throws ``QuerySyntaxError`` for the leftmost problem: an unclosed quote or parenthesis (at its opener),
    /// a `)` without a `(`, an operator without a term before or after it, empty quotes or parentheses, a
    /// field or comparison without a value, or parentheses nested deeper than ``maximumDepth``. A `-` on its
    /// own is ignored.
    public func parse(_ query: String) throws(QuerySyntaxError) -> Query {
        var parser = QueryParsing(query: query)
        let clauses = try parser.parseSequence(depth: 0, opener: nil)
        return clauses.count == 1 ? clauses[0] : .group(clauses)
    }

    /// The canonical name of a field name or alias, or `nil` if it names no field.
    ///
    /// - Parameters:
    ///   - name: a name as typed, in any case: `Skill`, `技能`, `薪资`.
    /// - Returns: a member of ``textFields`` or ``rangeFields`` that is not an alias: `skills`, `salary`.
    public static func canonicalField(_ name: String) -> String? {
        let lower = name.lowercased()
        if let canonical = fieldAliases[lower] { return canonical }
        return textFields.contains(lower) || rangeFields.contains(lower) ? lower : nil
    }
}

/// A syntax error in a query string, with the column it was found at.
///
/// ``description`` is one line; ``caretLine()`` shows where, for a terminal:
///
/// ```
/// column 7: unclosed quote (opened here)
/// title:"PLC 编程
///       ^
/// ```
public struct QuerySyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based position of the problem, in `Character`s of ``query``.
    ///
    /// An unclosed quote or parenthesis is reported at its opener, a dangling operator at the operator, and
    /// a missing value at the start of its field.
    public var column: Int
    /// What is wrong, without the column: `unclosed quote`, `missing term after OR`.
    public var message: String
    /// The query as given to ``QueryParser/parse(_:)``.
    public var query: String

    public init(column: Int, message: String, query: String) {
        self.column = column
        self.message = message
        self.query = query
    }

    /// One line: `column 7: unclosed quote (opened here)`.
    public var description: String {
        let opener = message == "unclosed quote" || message == "unclosed parenthesis"
        return "column \(column): \(message)" + (opener ? " (opened here)" : "")
    }

    /// The query on one line and a caret under ``column`` on the next, for a terminal.
    ///
    /// - Returns: two lines joined by `"\n"`, without a final newline.
    ///
    /// Control characters (newlines, tabs) show as spaces so the query stays on one line. The caret is
    /// placed by display width: East Asian wide and full-width characters (Han, kana, Hangul, `（`, most
    /// emoji) take two terminal cells.
    public func caretLine() -> String {
        var shown = ""
        var indent = 0
        for (offset, character) in query.enumerated() {
            let scalar = character.unicodeScalars.first!
            let visible: Character
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator: visible = " "
            default: visible = character.isNewline ? " " : character
            }
            shown.append(visible)
            if offset < column - 1 { indent += Self.cells(visible) }
        }
        return shown + "\n" + String(repeating: " ", count: indent) + "^"
    }

    /// Terminal cells of a character: 2 for East Asian wide and full-width, 0 for a lone combining mark.
    private static func cells(_ character: Character) -> Int {
        let scalar = character.unicodeScalars.first!
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark: return 0
        default: break
        }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}

// MARK: - Characters

/// The characters with a meaning in the query language, ASCII and full-width.
private enum QuerySyntax {
    static func isOpen(_ c: Character) -> Bool { c == "(" || c == "（" }
    static func isClose(_ c: Character) -> Bool { c == ")" || c == "）" }
    static func isDash(_ c: Character) -> Bool { c == "-" || c == "－" }
    static func isColon(_ c: Character) -> Bool { c == ":" || c == "：" }

    /// The quotes that close a quote opened by `c`, or `nil` if `c` opens none.
    static func closingQuotes(for c: Character) -> [Character]? {
        switch c {
        case "\"", "＂": ["\"", "＂"]
        case "“": ["”"]
        case "「": ["」"]
        default: nil
        }
    }

    /// Whether `c` ends a bare word (the character is not part of it).
    static func endsWord(_ c: Character) -> Bool {
        c.isWhitespace || isOpen(c) || isClose(c) || closingQuotes(for: c) != nil
    }

    static func startsComparison(_ c: Character) -> Bool {
        switch c {
        case "<", ">", "=", "＜", "＞", "＝", "≤", "≥": true
        default: false
        }
    }

    /// The comparison at the start of `chars` (which `startsComparison`) and how many characters it takes.
    static func comparison(_ chars: ArraySlice<Character>) -> (RangeOperator, Int) {
        let first = chars[chars.startIndex]
        let second = chars.count > 1 ? chars[chars.startIndex + 1] : nil
        let equals = second == "=" || second == "＝"
        switch first {
        case ">", "＞": return equals ? (.ge, 2) : (.gt, 1)
        case "<", "＜": return equals ? (.le, 2) : (.lt, 1)
        case "≥": return (.ge, 1)
        case "≤": return (.le, 1)
        default: return (.eq, 1)
        }
    }

    /// Separators of a numeric interval written `8000-12000` or `8k~12k`.
    static func isIntervalDash(_ c: Character) -> Bool { c == "-" || c == "－" || c == "~" || c == "～" }
}

// MARK: - Tokens

/// A token of a query: a bare word, a quoted phrase, a parenthesis, or a leading `-`.
private struct QueryToken {
    enum Kind {
        case word(String)
        case phrase(String)
        case open
        case close
        case minus
        case end
    }

    /// The connectives, spelled as words.
    enum Connective { case or, and, not }

    var kind: Kind
    /// 1-based column of the token's first character.
    var column: Int
    /// The word directly follows a leading `-`, so `-OR` is the word `OR`, not an operator.
    var negated = false

    /// The connective this token spells, if it is a word that does.
    var connective: Connective? {
        guard case .word(let word) = kind, !negated else { return nil }
        switch word {
        case "OR", "||", "｜", "｜｜": return .or
        case "AND", "&&", "＆＆": return .and
        case "NOT": return .not
        default: return nil
        }
    }

    /// The token as typed, for messages; only words have text worth quoting.
    var text: String {
        switch kind {
        case .word(let word): word
        case .minus: "-"
        default: ""
        }
    }

    /// Whether the token starts an atom: a word that is not a connective, a phrase, or `(`.
    var startsAtom: Bool {
        switch kind {
        case .word: connective == nil
        case .phrase, .open: true
        case .close, .minus, .end: false
        }
    }

    /// Whether the token starts a clause: an atom, `NOT` or a leading `-`.
    var startsClause: Bool {
        if case .minus = kind { return true }
        return startsAtom || connective == .not
    }
}

/// Splits a query into tokens on demand, so the error reported is the leftmost.
private struct QueryLexer {
    let query: String
    private let characters: [Character]
    private var position = 0
    private var afterMinus = false

    init(query: String) {
        self.query = query
        characters = Array(query)
    }

    mutating func next() throws(QuerySyntaxError) -> QueryToken {
        while true {
            while position < characters.count, characters[position].isWhitespace { position += 1 }
            guard position < characters.count else { return QueryToken(kind: .end, column: characters.count + 1) }
            let start = position
            let c = characters[start]
            let negated = afterMinus
            afterMinus = false
            if QuerySyntax.isOpen(c) {
                position += 1
                return QueryToken(kind: .open, column: start + 1)
            }
            if QuerySyntax.isClose(c) {
                position += 1
                return QueryToken(kind: .close, column: start + 1)
            }
            if let closers = QuerySyntax.closingQuotes(for: c) {
                return try phrase(from: start, closedBy: closers)
            }
            if QuerySyntax.isDash(c), atClauseStart(start) {
                var end = start
                while end < characters.count, QuerySyntax.isDash(characters[end]) { end += 1 }
                if end == characters.count || characters[end].isWhitespace || QuerySyntax.isClose(characters[end]) {
                    position = end  // a lone `-` (or a rule `---`) is punctuation
                    continue
                }
                if end == start + 1 {
                    position = end
                    afterMinus = true
                    return QueryToken(kind: .minus, column: start + 1)
                }
                // Several dashes before a word (`--verbose`) are part of it.
            }
            var end = start + 1
            while end < characters.count, !QuerySyntax.endsWord(characters[end]) { end += 1 }
            position = end
            return QueryToken(kind: .word(String(characters[start..<end])), column: start + 1, negated: negated)
        }
    }

    /// Whether a `-` at `index` would start a clause: at the start, or after whitespace or `(`.
    private func atClauseStart(_ index: Int) -> Bool {
        index == 0 || characters[index - 1].isWhitespace || QuerySyntax.isOpen(characters[index - 1])
    }

    private mutating func phrase(from start: Int,
                                 closedBy closers: [Character]) throws(QuerySyntaxError) -> QueryToken {
        var end = start + 1
        while end < characters.count, !closers.contains(characters[end]) { end += 1 }
        guard end < characters.count else {
            throw QuerySyntaxError(column: start + 1, message: "unclosed quote", query: query)
        }
        let text = characters[(start + 1)..<end]
        guard text.contains(where: { !$0.isWhitespace }) else {
            throw QuerySyntaxError(column: start + 1, message: "empty phrase", query: query)
        }
        position = end + 1
        return QueryToken(kind: .phrase(String(text)), column: start + 1)
    }
}

// MARK: - Parser

/// Recursive descent over the tokens, one level of recursion per precedence level and parenthesis.
private struct QueryParsing {
    private var lexer: QueryLexer
    private var lookahead: QueryToken?

    init(query: String) {
        lexer = QueryLexer(query: query)
    }

    private mutating func peek() throws(QuerySyntaxError) -> QueryToken {
        if let token = lookahead { return token }
        let token = try lexer.next()
        lookahead = token
        return token
    }

    private mutating func take() throws(QuerySyntaxError) -> QueryToken {
        let token = try peek()
        lookahead = nil
        return token
    }

    /// Drops the token that `peek()` returned.
    private mutating func skip() {
        lookahead = nil
    }

    private func failure(_ column: Int, _ message: String) -> QuerySyntaxError {
        QuerySyntaxError(column: column, message: message, query: lexer.query)
    }

    /// Clauses side by side, up to the end (`opener == nil`) or up to the `)` closing `opener` (not taken).
    mutating func parseSequence(depth: Int, opener: QueryToken?) throws(QuerySyntaxError) -> [Query] {
        var clauses: [Query] = []
        while true {
            let token = try peek()
            switch token.kind {
            case .end:
                if let opener { throw failure(opener.column, "unclosed parenthesis") }
                return clauses
            case .close:
                if opener == nil { throw failure(token.column, "unbalanced parenthesis") }
                return clauses
            default:
                if let connective = token.connective, connective != .not {
                    throw failure(token.column, "missing term before \(token.text)")
                }
                clauses.append(try parseOr(depth: depth))
            }
        }
    }

    private mutating func parseOr(depth: Int) throws(QuerySyntaxError) -> Query {
        var parts = [try parseAnd(depth: depth)]
        while try peek().connective == .or {
            let op = try take()
            guard try peek().startsClause else { throw failure(op.column, "missing term after \(op.text)") }
            parts.append(try parseAnd(depth: depth))
        }
        return parts.count == 1 ? parts[0] : .or(parts)
    }

    private mutating func parseAnd(depth: Int) throws(QuerySyntaxError) -> Query {
        var parts = [try parseUnary(depth: depth)]
        while try peek().connective == .and {
            let op = try take()
            guard try peek().startsClause else { throw failure(op.column, "missing term after \(op.text)") }
            parts.append(try parseUnary(depth: depth))
        }
        return parts.count == 1 ? parts[0] : .and(parts)
    }

    /// `NOT`s and leading `-`s, counted in a loop (not recursion); an even number cancels.
    private mutating func parseUnary(depth: Int) throws(QuerySyntaxError) -> Query {
        var negations = 0
        var last: QueryToken?
        while true {
            let token = try peek()
            let negates: Bool
            if case .minus = token.kind { negates = true } else { negates = token.connective == .not }
            guard negates else { break }
            last = try take()
            negations += 1
        }
        if let last, try !peek().startsAtom { throw failure(last.column, "missing term after \(last.text)") }
        let atom = try parseAtom(depth: depth)
        return negations % 2 == 0 ? atom : Self.negate(atom)
    }

    private static func negate(_ query: Query) -> Query {
        if case .not(let inner) = query { return inner }
        return .not(query)
    }

    /// A word, phrase or parenthesised query; the caller has checked that the next token `startsAtom`.
    private mutating func parseAtom(depth: Int) throws(QuerySyntaxError) -> Query {
        let token = try take()
        switch token.kind {
        case .phrase(let text): return .phrase(text)
        case .open: return try parseParenthesized(opener: token, depth: depth)
        case .word(let word): return try parseWord(word, token: token, depth: depth)
        case .close, .minus, .end: throw failure(token.column, "missing term")
        }
    }

    /// The query inside `(` … `)`; `opener` has been taken.
    private mutating func parseParenthesized(opener: QueryToken, depth: Int) throws(QuerySyntaxError) -> Query {
        guard depth < QueryParser.maximumDepth else { throw failure(opener.column, "parentheses nested too deeply") }
        let clauses = try parseSequence(depth: depth + 1, opener: opener)
        skip()  // the `)`
        guard !clauses.isEmpty else { throw failure(opener.column, "empty parentheses") }
        return clauses.count == 1 ? clauses[0] : .group(clauses)
    }

    /// A bare word: `field:value`, a comparison such as `salary>=8000`, or text.
    private mutating func parseWord(_ word: String, token: QueryToken, depth: Int) throws(QuerySyntaxError) -> Query {
        let chars = Array(word)
        if let i = chars.firstIndex(where: { QuerySyntax.isColon($0) || QuerySyntax.startsComparison($0) }), i > 0,
           let field = QueryParser.canonicalField(String(chars[..<i])) {
            let isRange = QueryParser.rangeFields.contains(field)
            let typed = String(chars[...i])
            if QuerySyntax.isColon(chars[i]) {
                let rest = chars[(i + 1)...]
                if isRange {
                    let inline = rest.isEmpty ? nil : String(rest)
                    return try parseRangeValue(field: field, inline, typed: typed, token: token)
                }
                if !rest.isEmpty { return .field(field, .text(String(rest))) }
                return .field(field, try parseSpacedValue(typed: typed, token: token, depth: depth))
            }
            if isRange {
                return try parseComparison(field: field, chars[i...], typed: String(chars[..<i]), token: token)
            }
        }
        // `salary >= 8000`: a range field alone, then a word starting with a comparison.
        if let field = QueryParser.canonicalField(word), QueryParser.rangeFields.contains(field) {
            let next = try peek()
            if case .word(let following) = next.kind, let first = following.first, QuerySyntax.startsComparison(first) {
                skip()
                return try parseComparison(field: field, Array(following)[...], typed: word + " ", token: token)
            }
        }
        return .text(word)
    }

    /// The value of a text field written after a space: `title: 焊工`, `title: "PLC 编程"`, `title: (a OR b)`.
    private mutating func parseSpacedValue(typed: String, token: QueryToken,
                                           depth: Int) throws(QuerySyntaxError) -> Query {
        let next = try peek()
        switch next.kind {
        case .word(let word) where next.connective == nil:
            skip()
            return .text(word)
        case .phrase(let text):
            skip()
            return .phrase(text)
        case .open:
            skip()
            return try parseParenthesized(opener: next, depth: depth)
        default:
            throw failure(token.column, "missing value after \(typed)")
        }
    }

    /// A range value that is not in the same word: the next word or phrase. Returns the value and whether
    /// it was quoted.
    private mutating func nextValue(typed: String, token: QueryToken) throws(QuerySyntaxError) -> (String, Bool) {
        let next = try peek()
        switch next.kind {
        case .word(let word) where next.connective == nil:
            skip()
            return (word, false)
        case .phrase(let text):
            skip()
            return (text, true)
        default:
            throw failure(token.column, "missing value after \(typed)")
        }
    }

    /// `field:value` for a range field: `salary:8000`, `salary:>=8000`, `salary:8000..12000`.
    private mutating func parseRangeValue(field: String, _ inline: String?, typed: String,
                                          token: QueryToken) throws(QuerySyntaxError) -> Query {
        let (value, quoted) = if let inline { (inline, false) } else { try nextValue(typed: typed, token: token) }
        if !quoted, let first = value.first, QuerySyntax.startsComparison(first) {
            return try parseComparison(field: field, Array(value)[...], typed: typed, token: token)
        }
        return try equality(field: field, value, quoted: quoted, typed: typed, token: token)
    }

    /// A comparison and its value: `>=8000`, or `>=` with the value in the next word.
    private mutating func parseComparison(field: String, _ chars: ArraySlice<Character>, typed: String,
                                          token: QueryToken) throws(QuerySyntaxError) -> Query {
        let (op, length) = QuerySyntax.comparison(chars)
        let typed = typed + String(chars.prefix(length))
        let rest = chars.dropFirst(length)
        let (value, quoted) = try rest.isEmpty ? nextValue(typed: typed, token: token) : (String(rest), false)
        if op == .eq { return try equality(field: field, value, quoted: quoted, typed: typed, token: token) }
        return .range(field: field, op: op, value: value)
    }

    /// `field=value` or `field:value`: an interval (`8000..12000`; `8000-12000` for numeric fields) or
    /// an equality. A quoted value is always an equality.
    private func equality(field: String, _ value: String, quoted: Bool, typed: String,
                          token: QueryToken) throws(QuerySyntaxError) -> Query {
        guard !quoted else { return .range(field: field, op: .eq, value: value) }
        let chars = Array(value)
        var low: ArraySlice<Character>?
        var high: ArraySlice<Character>?
        if let i = chars.indices.first(where: { $0 + 1 < chars.count && chars[$0] == "." && chars[$0 + 1] == "." }) {
            low = chars[..<i]
            high = chars[(i + 2)...]
        } else if field != "posted" {  // dates contain dashes: posted:2025-01-01
            let dashes = chars.indices.filter { QuerySyntax.isIntervalDash(chars[$0]) }
            if dashes.count == 1, let i = dashes.first, i > 0, i + 1 < chars.count, chars[0].isNumber,
               chars[i + 1].isNumber {
                low = chars[..<i]
                high = chars[(i + 1)...]
            }
        }
        guard let low, let high else { return .range(field: field, op: .eq, value: value) }
        var bounds: [Query] = []
        if !low.isEmpty { bounds.append(.range(field: field, op: .ge, value: String(low))) }
        if !high.isEmpty { bounds.append(.range(field: field, op: .le, value: String(high))) }
        switch bounds.count {
        case 0: throw failure(token.column, "missing value after \(typed)")
        case 1: return bounds[0]
        default: return .and(bounds)
        }
    }
}
