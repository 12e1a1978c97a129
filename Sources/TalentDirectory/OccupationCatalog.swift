import Foundation
import TextAnalysis

/// One class of China's Occupational Classification 2022 (中华人民共和国职业分类大典 2022年版).
public struct Occupation: Sendable, Equatable {
    /// The dashed code, e.g. `6-18-01-01`; higher levels are padded with `00` (`6-18-00-00`).
    public var code: String
    /// 1 大类, 2 中类, 3 小类, 4 细类 (职业).
    public var level: Int
    /// The official name without its suffix marker: `全媒体运营师`, not `全媒体运营师S`.
    public var name: String
    /// The 2022 edition's marker: `S` (digital occupation), `L` (green occupation), `L/S` (both), or empty.
    public var marks: String
    /// Job-board titles and synonyms written for talent; `*` inside one matches a short gap (`高中*教师`).
    public var aliases: [String]
    /// Workplaces that name the occupation when nothing else does (`养老院`, `电子厂`), written `@养老院` in
    /// the TSV: before another job word they only say where the job is (养老院厨师 is a cook).
    public var workplaces: [String] = []
    /// The official definition, when a classification file was read (it is not shipped).
    public var definition: String = ""
    /// The official main tasks, when a classification file was read (they are not shipped).
    public var tasks: String = ""

    /// The 中类 (level 2) code: the first two parts, `6-18` for `6-18-01-01`.
    public var middle: String { Occupation.middle(of: code) }

    /// The first two parts of a dashed code: `6-18` for `6-18-01-01`.
    public static func middle(of code: String) -> String {
        code.split(separator: "-", omittingEmptySubsequences: false).prefix(2).joined(separator: "-")
    }
}

/// A failure to read the occupation classification.
public enum OccupationError: Error, Sendable, CustomStringConvertible {
    /// The bundled `csco2022.tsv` is missing from the package resources.
    case missingResource
    /// A file cannot be read.
    case unreadable(path: String)
    /// A line of a classification file is malformed.
    case malformed(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .missingResource: return "The bundled occupation classification csco2022.tsv is missing."
        case .unreadable(let path): return "Cannot read the classification file \(path)."
        case .malformed(let path, let line, let reason): return "\(path):\(line): \(reason)."
        }
    }
}

/// The occupations of CSCO 2022 with talent's aliases, from the bundled `csco2022.tsv`, optionally completed
/// with definitions and tasks from the user's copy of the classification (`csco22.csv`).
///
/// ```swift
/// let catalog = try OccupationCatalog()
/// catalog["6-18-01-01"]?.name  // "车工"
/// ```
public struct OccupationCatalog: Sendable {
    /// Every class, in the file's order (大类, then its 中类, …).
    public let occupations: [Occupation]
    private let byCode: [String: Int]

    /// Reads the bundled classification, then definitions and tasks from `classificationFile` when given.
    ///
    /// - Parameter classificationFile: a CSV with columns `code`, `definition` and `tasks` (such as csco22.csv);
    ///   other columns (its `alias` column among them) are ignored.
    /// - Throws: ``OccupationError`` when a file is missing or malformed.
    public init(classificationFile: String? = nil) throws {
        guard let url = Bundle.module.url(forResource: "csco2022", withExtension: "tsv"),
              let data = FileManager.default.contents(atPath: url.path)
        else { throw OccupationError.missingResource }
        var occupations = try Self.parseTSV(String(decoding: data, as: UTF8.self), path: url.path)
        var byCode: [String: Int] = [:]
        for (i, o) in occupations.enumerated() { byCode[o.code] = i }
        if let classificationFile {
            for (code, definition, tasks) in try Self.readDefinitions(classificationFile) {
                guard let i = byCode[code] else { continue }
                if occupations[i].definition.isEmpty { occupations[i].definition = definition }
                if occupations[i].tasks.isEmpty { occupations[i].tasks = tasks }
            }
        }
        self.occupations = occupations
        self.byCode = byCode
    }

    /// The class with this code, if any.
    public subscript(code: String) -> Occupation? { byCode[code].map { occupations[$0] } }

    /// Parses the bundled TSV: `code level name aliases marks`, `#` comment lines, a header line; an alias
    /// written `@…` is a workplace.
    static func parseTSV(_ text: String, path: String) throws -> [Occupation] {
        // Bytes, not Characters: every `talent index` and `classify` reads the 2,000 lines first, and
        // Foundation's splitting and trimming made that a third of their start-up.
        var result: [Occupation] = []
        var text = text
        try text.withUTF8 { bytes in
            var lineNumber = 0
            var start = 0
            while start < bytes.count {
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                lineNumber += 1
                var line = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                if line.last == 0x0D { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
                if line.isEmpty || line[0] == 0x23 || Self.isHeader(line) { continue }
                let f = line.split(separator: 0x09, omittingEmptySubsequences: false)
                    .map { String(decoding: $0, as: UTF8.self) }
                guard f.count >= 3, let level = Int(f[1]) else {
                    throw OccupationError.malformed(path: path, line: lineNumber, reason: "expected code, level, name, aliases, marks")
                }
                let forms = f.count > 3 ? f[3].utf8.split(separator: 0x7C).map { ValueParsing.trimmingSpaces(Substring($0)) }.filter { !$0.isEmpty } : []
                var occupation = Occupation(code: f[0], level: level, name: f[2], marks: f.count > 4 ? f[4] : "",
                                            aliases: forms.filter { !$0.hasPrefix("@") })
                occupation.workplaces = forms.filter { $0.hasPrefix("@") }.map { String($0.dropFirst()) }.filter { !$0.isEmpty }
                result.append(occupation)
            }
        }
        return result
    }

    private static func isHeader(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.count >= 5 && line[0] == 0x63 && line[1] == 0x6F && line[2] == 0x64 && line[3] == 0x65 && line[4] == 0x09
    }

    /// The `code`, `definition` and `tasks` columns of a classification CSV.
    static func readDefinitions(_ path: String) throws -> [(String, String, String)] {
        guard let data = FileManager.default.contents(atPath: path) else { throw OccupationError.unreadable(path: path) }
        let text = try TextDecoder.decode(Array(data), path: path).text
        var reader = CSVReader(text: text)
        do {
            guard let header = try reader.next() else { return [] }
            let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let code = names.firstIndex(of: "code") else {
                throw OccupationError.malformed(path: path, line: 1, reason: "no `code` column")
            }
            let definition = names.firstIndex(of: "definition"), tasks = names.firstIndex(of: "tasks")
            var rows: [(String, String, String)] = []
            while let row = try reader.next() {
                func field(_ i: Int?) -> String { i.flatMap { $0 < row.fields.count ? row.fields[$0] : nil } ?? "" }
                rows.append((field(code), field(definition), field(tasks)))
            }
            return rows
        } catch let error as CSVReader.Error {
            throw OccupationError.malformed(path: path, line: error.line, reason: error.reason)
        }
    }
}
