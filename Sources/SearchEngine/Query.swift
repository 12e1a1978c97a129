/// The parsed form of a `talent search` query string.
///
/// ``QueryParser`` keeps text as typed: the search engine analyses the strings of `text` and `phrase` with the
/// same analyzer as documents, so `ＰＬＣ编程` finds `plc编程` and `機器人` finds `机器人`. Range values are
/// kept as typed too (`8000`, `8k`, `1.5万`, `2025-01-01`); the engine parses them.
///
/// The grammar, loosest binding first:
///
/// ```
/// query   = clause*                          side by side: .group (the caller decides all or any)
/// clause  = and ( ("OR" | "||" | "｜") and )*
/// and     = unary ( ("AND" | "&&") unary )*
/// unary   = ( "NOT" | "-" ) unary | atom     "-" only at the start of a clause: S7-1200 is one word
/// atom    = word | phrase | "(" query ")" | field ":" value | range
/// value   = word | phrase | "(" query ")"    right after the colon, or after a space
/// range   = rangefield op value              op: >= <= > < = ≥ ≤ ＞ ＜ ＝ ＞＝ ＜＝
///         | rangefield ":" [op] value        salary:8000..12000, salary:8000-12000
/// ```
///
/// A word runs up to whitespace (also U+3000), a parenthesis or an opening quote. Operators are the
/// uppercase words `OR`, `AND`, `NOT` (lowercase `or` is a word). Full-width forms typed by Chinese input
/// methods work like their ASCII forms: `：`, `（ ）`, `“…”`, `「…」`, `＂…＂`, `－`.
///
/// | query | parsed |
/// |---|---|
/// | `焊工 深圳` | `.group([.text("焊工"), .text("深圳")])` |
/// | `"PLC 编程"` | `.phrase("PLC 编程")` |
/// | `焊工 OR 电工 深圳` | `.group([.or([.text("焊工"), .text("电工")]), .text("深圳")])` |
/// | `a AND b OR c` | `.or([.and([.text("a"), .text("b")]), .text("c")])` |
/// | `技能：PLC` | `.field("skills", .text("PLC"))` |
/// | `region:(深圳 OR 广州)` | `.field("region", .or([.text("深圳"), .text("广州")]))` |
/// | `salary>=8000` | `.range(field: "salary", op: .ge, value: "8000")` |
/// | `salary:8000..12000` | `.and([.range(field: "salary", op: .ge, value: "8000"), .range(field: "salary", op: .le, value: "12000")])` |
/// | `-实习 S7-1200` | `.group([.not(.text("实习")), .text("S7-1200")])` |
///
/// A single clause is returned without a `.group`; one-element groups, `or`s and `and`s never occur, and
/// `.text` and `.phrase` strings are never empty. An empty or whitespace-only query is `.group([])`.
///
/// ## Topics
///
/// ### Terms
/// - ``text(_:)``
/// - ``phrase(_:)``
///
/// ### Fields
/// - ``field(_:_:)``
/// - ``range(field:op:value:)``
///
/// ### Combinations
/// - ``not(_:)``
/// - ``and(_:)``
/// - ``or(_:)``
/// - ``group(_:)``
public indirect enum Query: Hashable, Sendable {
    /// A bare word or chunk as typed: `焊工`, `PLC编程`, `C++`, `S7-1200`.
    case text(String)
    /// Quoted text, without its quotes: `"PLC 编程"`, `“数控 机床”`, `「焊工证」`, `＂焊工＂`.
    case phrase(String)
    /// A query restricted to one text field, named canonically in lowercase: `title:焊工`, `技能："PLC 编程"`
    /// → `skills`, `region:(深圳 OR 广州)`.
    case field(String, Query)
    /// A comparison on a numeric or date field, named canonically: `salary>=8000`, `experience<=3`,
    /// `posted>=2025-01-01`, `headcount>5`, `salary=8000`.
    case range(field: String, op: RangeOperator, value: String)
    /// Postings that do not match: `-term`, `-"phrase"`, `NOT term`, `-(a OR b)`.
    case not(Query)
    /// All must match: `a AND b`, `a && b`; at least two parts.
    case and([Query])
    /// Any may match: `a OR b`, `a || b`, `a ｜ b`; at least two parts.
    case or([Query])
    /// Clauses side by side; the caller decides whether all or any must match.
    case group([Query])
}

/// The comparison of a range clause such as `salary>=8000`.
public enum RangeOperator: String, Sendable {
    case lt = "<"
    case le = "<="
    case gt = ">"
    case ge = ">="
    case eq = "="
}
