/// One index term produced by the ``Analyzer``, with where it came from.
///
/// `start` and `end` are **UTF-8 byte offsets** into the analysed text (end exclusive), so
/// `text.utf8[start..<end]` is the source span even when folding changed it (`ＰＬＣ` → `plc`).
public struct Token: Hashable, Sendable, Codable {
    /// The folded term as it is indexed and searched.
    public var term: String
    /// The token's ordinal among the text's tokens, counting from 0; phrases compare positions.
    public var position: Int
    /// UTF-8 byte offset of the token's first source byte.
    public var start: Int
    /// UTF-8 byte offset just past the token's last source byte.
    public var end: Int
    /// What produced the token.
    public var kind: Kind
    /// How many positions the token spans: 1, or for a lexicon compound laid over the words ICU found in
    /// it, their number. The words follow the compound, the first at the compound's own position.
    public var length: Int

    public init(term: String, position: Int, start: Int, end: Int, kind: Kind, length: Int = 1) {
        self.term = term
        self.position = position
        self.start = start
        self.end = end
        self.kind = kind
        self.length = length
    }

    /// What produced a token: ICU word break classes, or the domain lexicon.
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// Letters (Latin, Cyrillic, …), as ICU classes them.
        case word
        /// Digits, possibly with separators (`3.5`, `1,200`).
        case number
        /// Han ideographs.
        case ideograph
        /// Hiragana and katakana.
        case kana
        /// A term of the domain lexicon: adjacent tokens joined (`数控机床`) or protected (`c++`).
        case lexicon

        /// Maps an ICU word break rule status (`ubrk_getRuleStatus`); `nil` for spaces and punctuation.
        init?(ruleStatus: Int32) {
            switch ruleStatus {
            case 100..<200: self = .number
            case 200..<300: self = .word
            case 300..<400: self = .kana
            case 400..<500: self = .ideograph
            default: return nil
            }
        }
    }
}
