import Foundation
import Hummingbird
import TalentDirectory
import TalentService

/// A value a parameter may take by name: `by=skill`, `format=html`.
protocol ParameterValue: RawRepresentable, CaseIterable where RawValue == String {}

/// The query-string parameters of a request, decoded as forms are: `+` is a space, `%XX` a byte of UTF-8.
///
/// Hummingbird's own parser keeps `+`; browsers' forms send spaces as `+`, so the page and `curl -G
/// --data-urlencode` both work only when `+` is decoded first.
struct Parameters {
    private var pairs: [(String, String)] = []

    init(_ request: Request) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) throws -> String {
                let spaced = s.replacingOccurrences(of: "+", with: " ")
                guard let decoded = spaced.removingPercentEncoding else {
                    throw ServiceError(.badRequest, "parameter \(kv[0]): bad percent-encoding or not UTF-8")
                }
                return decoded
            }
            pairs.append((try decode(kv[0]), kv.count > 1 ? try decode(kv[1]) : ""))
        }
    }

    func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }
    func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// Repeated or comma-separated values: `facet=region&facet=skills` or `facet=region,skills`.
    func list(_ name: String) -> [String] {
        all(name).flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// A non-empty value, trimmed.
    func text(_ name: String) -> String? {
        guard let v = first(name)?.trimmingCharacters(in: .whitespacesAndNewlines), !v.isEmpty else { return nil }
        return v
    }

    func int(_ name: String) throws(ServiceError) -> Int? {
        guard let v = text(name) else { return nil }
        guard let n = Int(v) else { throw ServiceError(.badRequest, "\(name) must be a whole number, not \(v)") }
        return n
    }

    func double(_ name: String) throws(ServiceError) -> Double? {
        guard let v = text(name) else { return nil }
        guard let n = Double(v), n.isFinite else { throw ServiceError(.badRequest, "\(name) must be a number, not \(v)") }
        return n
    }

    /// `1`/`true`/`yes` or `0`/`false`/`no`.
    func bool(_ name: String) throws(ServiceError) -> Bool? {
        guard let v = text(name)?.lowercased() else { return nil }
        switch v {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ServiceError(.badRequest, "\(name) must be true or false, not \(v)")
        }
    }

    func choice<T: ParameterValue>(_ name: String, _ type: T.Type) throws(ServiceError) -> T? {
        guard let v = text(name) else { return nil }
        guard let value = T(rawValue: v.lowercased()) else {
            throw ServiceError(.badRequest, "\(name) must be one of " + T.allCases.map(\.rawValue).joined(separator: ", ") + ", not \(v)")
        }
        return value
    }

    /// `where`, `since`, `until`, `compare` and `lang` (default: the browser's first language, else English).
    func reportRequest(_ request: Request) throws(ServiceError) -> ReportRequest {
        let preferred = request.headers[.acceptLanguage]?.lowercased().hasPrefix("zh") == true ? ReportLanguage.zh : .en
        return ReportRequest(query: text("where"), since: text("since"), until: text("until"), compare: text("compare"),
                             language: try choice("lang", ReportLanguage.self) ?? preferred)
    }
}
