import Foundation
import TextAnalysis

/// A row or file part that could not become a record, or a warning about a file; reading goes on after it.
public struct RecordIssue: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file, as the reader's `displayPath`.
    public var path: String
    /// The 1-based line the row (CSV row, JSON line or JSON array item) starts on; `nil` for a warning about
    /// the whole file, such as replaced undecodable bytes.
    public var line: Int?
    public var reason: String

    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// `path:line: reason`, or `path: reason` without a line.
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// The errors of the `TalentDirectory` module: a corpus file that cannot be read at all, or a bad `--map`.
public enum CorpusError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// In strict mode, bytes that decode as no supported encoding.
    case undecodable(path: String, offset: Int, encoding: String, count: Int)
    /// A CSV or TSV file without a header row.
    case missingHeader(path: String)
    /// A header in which no column feeds a title, description or skills.
    case noTextColumn(path: String, columns: [String])
    /// A `.json` file that starts like a JSON array but is not one.
    case malformedJSON(path: String, reason: String)
    /// A `--map FIELD=COLUMN` argument that cannot be used.
    case invalidMapping(spec: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "Cannot read \(path): \(reason)."
        case .undecodable(let path, let offset, let encoding, let count):
            "\(path) has \(count) undecodable byte sequence\(count == 1 ? "" : "s"), the first at byte offset "
                + "\(offset) (read as \(encoding)); fix the file or read it without strict decoding."
        case .missingHeader(let path):
            "\(path) has no header row; a CSV or TSV file must name its columns in its first line."
        case .noTextColumn(let path, let columns):
            "\(path) has no title, description or skills column among \(columns.joined(separator: ", ")); "
                + "name one with a mapping such as description=COLUMN."
        case .malformedJSON(let path, let reason):
            "\(path) is not a valid JSON array: \(reason)."
        case .invalidMapping(let spec, let reason):
            "Invalid field mapping \"\(spec)\": \(reason)."
        }
    }
}

/// How a corpus file holds its records.
public enum CorpusFormat: String, Sendable {
    /// JSON Lines, one object a line; or a JSON array of objects.
    case jsonl
    /// Comma-separated (`.csv`) or, by its path, tab-separated (`.tsv`) values with a header row.
    case csv
    /// One document per file.
    case text
}

/// Reads corpus files (CSV, TSV, JSON Lines, JSON arrays, plain text and Markdown) into ``Record``s.
///
/// Bytes are decoded with `TextDecoder` (UTF-8, UTF-16 with BOM, GB18030/GBK). Columns and keys are mapped
/// to fields by a ``FieldMapping``; values are read by ``ValueParsing``: HTML is stripped from titles,
/// employers and descriptions, salaries become monthly CNY, dates `YYYY-MM-DD`. Every record's `source` is
/// the file's display path.
///
/// A bad row never stops the rest: it is reported through the `issue` callback and skipped. Reported are
/// malformed JSON lines and JSON values that are not objects, CSV rows whose field count differs from the
/// header's, unterminated quotes, records without a title, description or skills, and (once per file,
/// without a line) undecodable bytes that were replaced.
///
/// ```swift
/// let reader = RecordReader()
/// try reader.read(fileAt: "/data/corpus/jobs.csv", displayPath: "jobs.csv") { record in
///     print(record.id, record.title, record.salaryMin ?? 0)
/// } issue: { issue in
///     print("warning: \(issue)")     // jobs.csv:812: row has 3 fields but the header has 25; row skipped
/// }
/// ```
///
/// ## Topics
///
/// ### Reading
/// - ``read(fileAt:displayPath:strict:record:issue:)``
/// - ``read(bytes:displayPath:format:strict:record:issue:)``
/// - ``format(ofPath:)``
public struct RecordReader: Sendable {
    public var mapping: FieldMapping

    public init(mapping: FieldMapping = FieldMapping()) {
        self.mapping = mapping
    }

    /// The format a file's extension names.
    ///
    /// - Parameter path: a file path; only its extension (case-insensitive) counts.
    /// - Returns: `.jsonl` for `.jsonl`, `.ndjson` and `.json` (a `.json` file whose first non-space
    ///   character is `[` is read as a JSON array of objects), `.csv` for `.csv` and `.tsv`, `.text` for
    ///   `.txt` and `.md`; `nil` for anything else.
    public static func format(ofPath path: String) -> CorpusFormat? {
        switch fileExtension(path) {
        case "jsonl", "ndjson", "json": .jsonl
        case "csv", "tsv": .csv
        case "txt", "md": .text
        default: nil
        }
    }

    /// Reads the records of one file.
    ///
    /// - Parameters:
    ///   - path: where the file is.
    ///   - displayPath: names the file in records' `source` and in issues and errors: its path relative to
    ///     the indexed root. A `.tsv` display path makes a CSV file tab-separated, and a `.md` one strips
    ///     `#` from the title.
    ///   - strict: throw on undecodable bytes instead of replacing them.
    ///   - record: called with each good record, in file order; an error it throws stops reading and is
    ///     rethrown.
    ///   - issue: called for each bad row and for the replaced-bytes warning.
    /// - Throws: ``CorpusError`` when the file as a whole cannot be read: it cannot be opened, its format
    ///   is unknown, a CSV has no header or no text column, a JSON array is malformed, or (strict)
    ///   it holds undecodable bytes.
    ///   - streamingThreshold: UTF-8 CSV files at least this large are read in chunks (for tests).
    public func read(
        fileAt path: String, displayPath: String, strict: Bool = false,
        streamingThreshold: Int = RecordReader.streamingThreshold, record: (Record) throws -> Void,
        issue: (RecordIssue) -> Void
    ) throws {
        guard let format = Self.format(ofPath: path) ?? Self.format(ofPath: displayPath) else {
            throw CorpusError.unreadable(
                path: displayPath, reason: "its extension is not one of .csv, .tsv, .jsonl, .ndjson, .json, .txt, .md")
        }
        // A large UTF-8 CSV streams through the reader in chunks, so memory does not grow with the file.
        if format == .csv, Self.fileExtension(displayPath) != "tsv",
           let stream = try Self.utf8Stream(path, threshold: streamingThreshold) {
            try readDelimited("", tabs: false, path: displayPath, stream: stream, record: record, issue: issue)
            return
        }
        // Decode inside a scope so the raw bytes are freed before parsing: a large CSV is then held once
        // as text, not three times.
        let decoded: TextDecoder.Decoded
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            decoded = try decode([UInt8](data), displayPath: displayPath, strict: strict, issue: issue)
        } catch let error as CorpusError {
            throw error
        } catch {
            throw CorpusError.unreadable(path: displayPath, reason: Self.readFailureReason(path: path, error: error))
        }
        try read(decoded: decoded, displayPath: displayPath, format: format, record: record, issue: issue)
    }

    /// Reads the records of one file's bytes; see ``read(fileAt:displayPath:strict:record:issue:)``.
    ///
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - displayPath: names the file; its `.tsv` or `.md` extension selects tab separation or Markdown
    ///     titles within `format`.
    ///   - format: how to read the bytes.
    ///   - strict: throw on undecodable bytes instead of replacing them.
    ///   - record: called with each good record.
    ///   - issue: called for each bad row and for the replaced-bytes warning.
    public func read(
        bytes: [UInt8], displayPath: String, format: CorpusFormat, strict: Bool = false,
        record: (Record) throws -> Void, issue: (RecordIssue) -> Void
    ) throws {
        let decoded = try decode(bytes, displayPath: displayPath, strict: strict, issue: issue)
        try read(decoded: decoded, displayPath: displayPath, format: format, record: record, issue: issue)
    }

    private func decode(_ bytes: [UInt8], displayPath: String, strict: Bool, issue: (RecordIssue) -> Void) throws
        -> TextDecoder.Decoded
    {
        let decoded: TextDecoder.Decoded
        do {
            decoded = try TextDecoder.decode(bytes, path: displayPath, strict: strict)
        } catch let error as TextDecoder.DecodingError {
            throw CorpusError.undecodable(path: displayPath, offset: error.offset, encoding: error.encoding.rawValue,
                                          count: error.count)
        } catch {
            throw CorpusError.unreadable(path: displayPath, reason: "its bytes cannot be decoded (\(error))")
        }
        if decoded.invalidCount > 0 {
            let n = decoded.invalidCount
            issue(RecordIssue(
                path: displayPath, line: nil,
                reason: "\(n) undecodable byte sequence\(n == 1 ? "" : "s") replaced (first at byte offset "
                    + "\(decoded.firstInvalidOffset ?? 0), read as \(decoded.encoding.rawValue))"))
        }
        return decoded
    }

    private func read(
        decoded: TextDecoder.Decoded, displayPath: String, format: CorpusFormat, record: (Record) throws -> Void,
        issue: (RecordIssue) -> Void
    ) throws {
        let ext = Self.fileExtension(displayPath)
        switch format {
        case .csv: try readDelimited(decoded.text, tabs: ext == "tsv", path: displayPath, record: record, issue: issue)
        case .jsonl: try readJSON(decoded.text, path: displayPath, record: record, issue: issue)
        case .text: try readText(decoded.text, markdown: ext == "md", path: displayPath, record: record, issue: issue)
        }
    }

    /// Files at least this large are streamed when they are UTF-8 CSV.
    public static let streamingThreshold = 32 << 20

    /// A chunked reader over a large UTF-8 CSV file (its BOM skipped), or `nil` when the file is small or its
    /// first megabyte is not UTF-8 (GB18030 and UTF-16 files are decoded whole, with detection).
    static func utf8Stream(_ path: String, threshold: Int = streamingThreshold) throws -> CSVReader? {
        // The size of the file a link points to, not of the link.
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved),
              let size = (attributes[.size] as? NSNumber)?.intValue, size >= threshold,
              let handle = FileHandle(forReadingAtPath: path) else { return nil }
        var first = [UInt8](handle.readData(ofLength: 1 << 20))
        if first.starts(with: [0xFF, 0xFE]) || first.starts(with: [0xFE, 0xFF]) { return nil }
        if first.starts(with: [0xEF, 0xBB, 0xBF]) { first.removeFirst(3) }
        // The chunk may end inside a character: judge it without its last character, whole or cut. (Dropping
        // a fixed three bytes could cut the character before a cut one, and the file was then decoded whole.)
        guard String(validating: first[..<Self.lastCharacterStart(first)], as: UTF8.self) != nil else { return nil }
        // The rest is read straight into the reader's buffer: a new array per chunk cost a fresh mapping of
        // several MB each time (page faults on every chunk of a large file).
        var pending = first[...]
        return CSVReader(fill: { space in
            if !pending.isEmpty {
                let n = min(pending.count, space.count)
                space.copyBytes(from: pending.prefix(n))
                pending = pending.dropFirst(n)
                return n
            }
            while true {
                let n = readFile(handle.fileDescriptor, space.baseAddress, space.count)
                if n >= 0 || errno != EINTR { return n }
            }
        })
    }

    /// Where the last character of UTF-8 `bytes` starts (its continuation bytes skipped back over, at most 3).
    static func lastCharacterStart(_ bytes: [UInt8]) -> Int {
        var i = bytes.count - 1
        while i > 0 && bytes.count - i < 4 && bytes[i] & 0xC0 == 0x80 { i -= 1 }
        return max(0, i)
    }

    // MARK: - CSV and TSV

    private func readDelimited(
        _ text: String, tabs: Bool, path: String, stream: CSVReader? = nil, record: (Record) throws -> Void,
        issue: (RecordIssue) -> Void
    ) throws {
        let memo = ParsedValues()
        var csv = stream ?? (tabs ? nil : CSVReader(text: text))
        var tsv = tabs && stream == nil ? TSVReader(text: text) : nil
        func nextRow() throws(CSVReader.Error) -> CSVReader.Row? {
            if tsv != nil { return tsv!.next() }
            return try csv!.next()
        }
        var headerRow: CSVReader.Row?
        do { headerRow = try nextRow() } catch { headerRow = nil }
        guard let header = headerRow?.fields else { throw CorpusError.missingHeader(path: path) }
        let map = mapping.columns(forHeader: header)
        guard map.hasTextColumn else {
            throw CorpusError.noTextColumn(path: path, columns: header.map(ValueParsing.trimmed))
        }
        // Single-column fields first, in a fixed order; description handled on its own.
        let singles: [(RecordField, Int)] = RecordField.allCases.compactMap { field in
            guard !field.takesSeveralColumns, let index = map[field].first else { return nil }
            return (field, index)
        }
        let descriptionColumns = map[.description]
        var used = [Bool](repeating: false, count: header.count)
        for (_, index) in singles where index < used.count { used[index] = true }
        for index in descriptionColumns where index < used.count { used[index] = true }
        csv?.keep = used
        rows: while true {
            let row: CSVReader.Row
            do {
                guard let next = try nextRow() else { break rows }
                row = next
            } catch {
                issue(RecordIssue(path: path, line: error.line, reason: error.reason))
                continue
            }
            guard row.fields.count == header.count else {
                issue(RecordIssue(
                    path: path, line: row.line,
                    reason: "row has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s") but the header has "
                        + "\(header.count); row skipped"))
                continue
            }
            var builder = RecordBuilder(memo: memo)
            for (field, index) in singles { builder.set(field, row.fields[index]) }
            if descriptionColumns.count == 1 {
                builder.set(.description, row.fields[descriptionColumns[0]])
            } else if !descriptionColumns.isEmpty {
                builder.setDescription(parts: descriptionColumns.map { row.fields[$0] })
            }
            if let r = builder.finish(path: path, line: row.line, issue: issue) { try record(r) }
        }
    }

    // MARK: - JSON

    private func readJSON(
        _ text: String, path: String, record: (Record) throws -> Void, issue: (RecordIssue) -> Void
    ) throws {
        var resolved: [String: (field: RecordField, rank: Int)?] = [:]
        let memo = ParsedValues()
        func build(_ object: [String: Any], line: Int) -> Record? {
            var builder = RecordBuilder(memo: memo)
            var chosen: [RecordField: (rank: Int, key: String, value: Any)] = [:]
            var descriptions: [(rank: Int, key: String, value: Any)] = []
            for (key, value) in object {
                let resolution: (field: RecordField, rank: Int)?
                if let cached = resolved[key] {
                    resolution = cached
                } else {
                    resolution = mapping.resolve(column: key)
                    resolved[key] = .some(resolution)
                }
                guard let (field, rank) = resolution else { continue }
                if field.takesSeveralColumns {
                    descriptions.append((rank, key, value))
                } else if chosen[field].map({ (rank, key) < ($0.rank, $0.key) }) ?? true {
                    chosen[field] = (rank, key, value)
                }
            }
            for (field, entry) in chosen {
                if field == .skills {
                    builder.addSkills(Self.strings(entry.value))
                } else {
                    builder.set(field, Self.strings(entry.value).joined(separator: field == .title ? " " : ", "))
                }
            }
            if descriptions.contains(where: { $0.rank < 0 }) { descriptions.removeAll { $0.rank >= 0 } }
            descriptions.sort { ($0.rank, $0.key) < ($1.rank, $1.key) }
            builder.setDescription(parts: descriptions.flatMap { Self.strings($0.value) })
            return builder.finish(path: path, line: line, issue: issue)
        }

        let bytes = Array(text.utf8)
        let firstSignificant = bytes.first { !Self.isJSONSpace($0) }
        if firstSignificant == UInt8(ascii: "[") {
            let array: [Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes), options: []) as? [Any] else {
                    throw CorpusError.malformedJSON(path: path, reason: "the top-level value is not an array")
                }
                array = parsed
            } catch let error as CorpusError {
                throw error
            } catch {
                throw CorpusError.malformedJSON(path: path, reason: Self.jsonReason(error))
            }
            let lines = Self.arrayItemLines(bytes)
            for (offset, element) in array.enumerated() {
                // Item numbers stand in for lines should the scan and the parser ever disagree.
                let line = lines.count == array.count ? lines[offset] : offset + 1
                guard let object = element as? [String: Any] else {
                    issue(RecordIssue(path: path, line: line,
                                      reason: "\(Self.jsonKind(element)) is not an object; item skipped"))
                    continue
                }
                if let r = build(object, line: line) { try record(r) }
            }
            return
        }

        var lineNumber = 0
        var triedWholeDocument = false
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard lineBytes.contains(where: { !Self.isJSONSpace($0) }) else { continue }
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(lineBytes), options: [.fragmentsAllowed])
            } catch {
                // A pretty-printed single object spans lines: read it whole if its first line fails.
                if !triedWholeDocument {
                    triedWholeDocument = true
                    let whole = try? JSONSerialization.jsonObject(with: Data(bytes), options: [])
                    if let object = whole as? [String: Any] {
                        if let r = build(object, line: lineNumber) { try record(r) }
                        return
                    }
                }
                issue(RecordIssue(path: path, line: lineNumber,
                                  reason: "malformed JSON (\(Self.jsonReason(error))); line skipped"))
                continue
            }
            triedWholeDocument = true
            guard let object = value as? [String: Any] else {
                issue(RecordIssue(path: path, line: lineNumber,
                                  reason: "\(Self.jsonKind(value)) is not an object; line skipped"))
                continue
            }
            if let r = build(object, line: lineNumber) { try record(r) }
        }
    }

    /// The 1-based line on which each item of the top-level JSON array in `bytes` starts.
    private static func arrayItemLines(_ bytes: [UInt8]) -> [Int] {
        var lines: [Int] = []
        var line = 1
        var depth = 0
        var inString = false
        var escaped = false
        var expectingItem = false
        for b in bytes {
            if b == UInt8(ascii: "\n") { line += 1 }
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            if isJSONSpace(b) { continue }
            if depth == 1, expectingItem, b != UInt8(ascii: "]") {
                lines.append(line)
                expectingItem = false
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth == 1 { expectingItem = true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            case UInt8(ascii: ","): if depth == 1 { expectingItem = true }
            default: break
            }
        }
        return lines
    }

    /// A JSON value as strings: a string or number as one, an array as its elements (nested ones
    /// flattened); `null` and objects as none.
    private static func strings(_ value: Any) -> [String] {
        switch value {
        case let s as String: return [s]
        case let array as [Any]: return array.flatMap(strings)
        case is NSNull, is [String: Any]: return []
        case let b as Bool where type(of: value) == Bool.self: return [b ? "true" : "false"]
        case let i as Int: return [String(i)]
        case let d as Double: return d.isFinite ? [d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)] : []
        default: return ["\(value)"]
        }
    }

    private static func jsonKind(_ value: Any) -> String {
        switch value {
        case is [Any]: "a JSON array"
        case is String: "a JSON string"
        case is NSNull: "JSON null"
        default: "a JSON scalar"
        }
    }

    private static func jsonReason(_ error: any Error) -> String {
        let ns = error as NSError
        if let debug = ns.userInfo[NSDebugDescriptionErrorKey] as? String, !debug.isEmpty { return debug }
        return ns.localizedDescription
    }

    private static func isJSONSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\n")
    }

    // MARK: - Text

    private func readText(
        _ text: String, markdown: Bool, path: String, record: (Record) throws -> Void, issue: (RecordIssue) -> Void
    ) throws {
        let body = ValueParsing.trimmed(ValueParsing.stripHTML(text))
        var r = Record(id: path)
        r.description = body
        r.source = path
        if let firstLine = body.split(whereSeparator: \.isNewline).lazy.map({ ValueParsing.trimmed(String($0)) })
            .first(where: { !$0.isEmpty })
        {
            var title = Substring(firstLine)
            if markdown {
                let hashes = title.prefix { $0 == "#" }
                if !hashes.isEmpty, hashes.count <= 6 { title = title.dropFirst(hashes.count).drop { $0 == " " } }
            }
            r.title = String(title.prefix(200))
        }
        guard r.hasText else {
            issue(RecordIssue(path: path, line: 1, reason: "the document has no text; skipped"))
            return
        }
        try record(r)
    }

    // MARK: - Files

    private static func fileExtension(_ path: String) -> String {
        let name = path.split(separator: "/").last ?? ""
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    private static func readFailureReason(path: String, error: any Error) -> String {
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        return (error as NSError).localizedDescription
    }
}

/// Pay, experience and dates parsed once per distinct text of a file: the same few hundred texts (`8000`,
/// `3-5年`, `2025-02-20`) repeat on every row, and parsing them was as costly as reading the CSV.
private final class ParsedValues {
    private var salaries: [String: ValueParsing.SalaryRange?] = [:]
    private var years: [String: Int?] = [:]
    private var dates: [String: String?] = [:]
    /// Each table is emptied when it reaches this many texts (a column of unique values stays bounded).
    private let limit = 50_000

    func salary(_ text: String) -> ValueParsing.SalaryRange? {
        Self.lookUp(text, in: &salaries, limit: limit, ValueParsing.salary)
    }

    func experienceYears(_ text: String) -> Int? {
        Self.lookUp(text, in: &years, limit: limit, ValueParsing.experienceYears)
    }

    func date(_ text: String) -> String? {
        Self.lookUp(text, in: &dates, limit: limit, ValueParsing.date)
    }

    private static func lookUp<V>(_ text: String, in table: inout [String: V?], limit: Int, _ parse: (String) -> V?) -> V? {
        if let known = table[text] { return known }
        let value = parse(text)
        if table.count >= limit { table.removeAll(keepingCapacity: true) }
        table[text] = .some(value)
        return value
    }
}

/// Fills one record from text values and checks it.
private struct RecordBuilder {
    let memo: ParsedValues
    var record = Record(id: "")
    var salaryText = ""
    var seenSkills: Set<String> = []

    mutating func set(_ field: RecordField, _ raw: String) {
        switch field {
        case .id: record.id = ValueParsing.trimmed(raw)
        case .title: record.title = singleLine(ValueParsing.trimmed(ValueParsing.stripHTML(raw)))
        case .employer: record.employer = singleLine(ValueParsing.trimmed(ValueParsing.stripHTML(raw)))
        case .occupation: record.occupation = ValueParsing.trimmed(raw)
        case .occupationCode: record.occupationCode = ValueParsing.trimmed(raw)
        case .industry: record.industry = ValueParsing.trimmed(raw)
        case .region: record.region = ValueParsing.trimmed(raw)
        case .skills: ValueParsing.appendSkills(raw, to: &record.skills, seen: &seenSkills)
        case .description: record.description = ValueParsing.trimmed(ValueParsing.stripHTML(raw))
        case .education: record.education = ValueParsing.trimmed(raw)
        case .experience: record.experienceYears = memo.experienceYears(raw)
        case .salaryMin:
            let range = memo.salary(raw)
            record.salaryMin = range?.min ?? range?.max
        case .salaryMax:
            let range = memo.salary(raw)
            record.salaryMax = range?.max ?? range?.min
        case .salary: salaryText = raw
        case .headcount: record.headcount = ValueParsing.headcount(raw)
        case .posted: record.posted = memo.date(raw)
        case .source: break  // always the corpus file
        case .lang: record.lang = ValueParsing.language(raw)
        }
    }

    mutating func addSkills(_ values: [String]) {
        for value in values { ValueParsing.appendSkills(value, to: &record.skills, seen: &seenSkills) }
    }

    /// Joins the non-empty parts, HTML stripped, with line breaks.
    mutating func setDescription(parts: [String]) {
        record.description = parts.lazy.map { ValueParsing.trimmed(ValueParsing.stripHTML($0)) }
            .filter { !$0.isEmpty }.joined(separator: "\n")
    }

    /// The finished record, or `nil` after reporting it has no text.
    mutating func finish(path: String, line: Int, issue: (RecordIssue) -> Void) -> Record? {
        if record.salaryMin == nil, record.salaryMax == nil, !salaryText.isEmpty,
            let range = memo.salary(salaryText)
        {
            record.salaryMin = range.min
            record.salaryMax = range.max
        }
        guard record.hasText else {
            issue(RecordIssue(path: path, line: line, reason: "no title, description or skills; skipped"))
            return nil
        }
        if record.id.isEmpty { record.id = "\(path)#\(line)" }
        record.source = path
        return record
    }

    private func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }) else { return text }
        return text.split(whereSeparator: \.isNewline).map { ValueParsing.trimmed(String($0)) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}

/// Tab-separated values as IANA's `text/tab-separated-values` defines them: one row a line, fields split at
/// tabs, no quoting (a field wholly in double quotes loses them). Blank lines are skipped.
private struct TSVReader {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 0

    init(text: String) {
        bytes = Array(text.utf8)
    }

    mutating func next() -> CSVReader.Row? {
        while index < bytes.count {
            line += 1
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            var end = index
            index += 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            guard end > start else { continue }
            let fields = bytes[start..<end].split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { field -> String in
                    if field.count >= 2, field.first == UInt8(ascii: "\""), field.last == UInt8(ascii: "\"") {
                        return String(decoding: field.dropFirst().dropLast(), as: UTF8.self)
                            .replacingOccurrences(of: "\"\"", with: "\"")
                    }
                    return String(decoding: field, as: UTF8.self)
                }
            return CSVReader.Row(fields: fields, line: line)
        }
        return nil
    }
}

/// `read(2)`: inside `RecordReader` the name is its own method.
private func readFile(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.read(fd, buffer, count)
    #else
    Darwin.read(fd, buffer, count)
    #endif
}
