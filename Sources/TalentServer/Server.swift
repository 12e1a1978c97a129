import Foundation
import Hummingbird
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import SearchEngine
import TalentDirectory
import TalentService
import TextAnalysis

/// `talent serve`: the JSON API and the page over one index, on Hummingbird.
///
/// Every route reads the newest commit (``TalentService``), so `talent index` can run beside the server.
/// No parameter names a file: the index folder is fixed at start and the page's files are a fixed table.
public struct TalentServer: Sendable {
    public let service: TalentService
    public var limits: Limits

    /// Sizes refused before any work is done.
    public struct Limits: Sendable {
        /// Longest request target (path and query), in bytes: longer gets 414.
        public var uriBytes = 8 * 1024
        /// Largest request body (a curriculum), in bytes: larger gets 413.
        public var bodyBytes = 1 << 20
        public init() {}
    }

    public init(service: TalentService, limits: Limits = Limits()) {
        self.service = service
        self.limits = limits
    }

    /// Serves until SIGINT or SIGTERM; `onReady` gets the address actually bound (port 0 picks a free one).
    public func run(host: String, port: Int, onReady: @escaping @Sendable (String, Int) -> Void) async throws {
        var logger = Logger(label: "talent")
        logger.logLevel = .warning
        let app = Application(
            router: try router(),
            configuration: .init(address: .hostname(host, port: port), serverName: "talent"),
            onServerRunning: { channel in onReady(host, channel.localAddress?.port ?? port) },
            logger: logger
        )
        do {
            try await app.runService()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw StartError(description: "\(host):\(port) is already in use: stop the other server or choose another --port")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw StartError(description: "not allowed to listen on \(host):\(port) (ports below 1024 need root): choose another --port")
        }
    }

    /// The server could not start listening; one sentence for the user.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// All routes, with the middleware that turns errors into JSON.
    public func router() throws -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware(uriBytes: limits.uriBytes))
        let page = try Page()
        let service = self.service
        let bodyBytes = limits.bodyBytes

        for (path, file) in page.routes {
            router.get(RouterPath(path)) { _, _ in file.response() }
        }
        router.get("/healthz") { _, _ in
            let snapshot = try service.snapshot()
            return try json(["status": "ok", "documents": snapshot.liveDocuments,
                             "segments": snapshot.segments.count, "generation": snapshot.manifest.generation])
        }
        router.get("/api/search") { request, _ in
            let p = try Parameters(request)
            var search = SearchRequest(query: p.first("q") ?? "")
            search.limit = try p.int("n") ?? 10
            search.offset = try p.int("offset") ?? 0
            search.facets = p.list("facet")
            search.facetSize = try p.int("facet_size") ?? SearchRequest.defaultFacetSize
            if let m = p.first("match") {
                guard let mode = MatchMode(rawValue: m) else {
                    throw ServiceError(.badRequest, "match must be all or any, not \(m)")
                }
                search.match = mode
            }
            search.expand = try p.bool("expand") ?? true
            search.explain = try p.bool("explain") ?? false
            return try json(try service.search(search))
        }
        router.get("/api/directory") { request, _ in
            let p = try Parameters(request)
            let by = try p.choice("by", DemandDimension.self) ?? .occupation
            let top = try p.int("top") ?? 20
            guard top >= 0 else { throw ServiceError(.badRequest, "top must not be negative") }
            let report = try service.directory(try p.reportRequest(request), by: by, top: top == 0 ? nil : top)
            return try render(report, p)
        }
        router.post("/api/gaps") { request, context in
            let p = try Parameters(request)
            var request = request
            let body = try await request.collectBody(upTo: bodyBytes)
            let text = try TextDecoder.decode(Array(body.readableBytesView), path: "curriculum").text
            let type = try p.choice("type", CurriculumFormat.self) ?? Self.curriculumFormat(request.headers[.contentType])
            let top = try p.int("top") ?? 30
            guard top >= 0 else { throw ServiceError(.badRequest, "top must not be negative") }
            let low = try p.double("low_demand") ?? 0.01
            guard (0...1).contains(low) else { throw ServiceError(.badRequest, "low_demand is a share between 0 and 1") }
            let report = try service.gaps(curriculum: text, format: type, request: try p.reportRequest(request),
                                          top: top == 0 ? nil : top, lowDemand: low)
            return try render(report, p)
        }
        router.get("/api/analyze") { request, _ in
            let p = try Parameters(request)
            guard let text = p.first("text") else { throw ServiceError(.badRequest, "give the text to analyse: ?text=…") }
            return try json(try service.analyze(text))
        }
        router.get("/api/classify") { request, _ in
            let p = try Parameters(request)
            let titles = p.all("title").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            guard !titles.isEmpty else { throw ServiceError(.badRequest, "give job titles: ?title=数控车工&title=…") }
            guard titles.count <= 100 else { throw ServiceError(.badRequest, "at most 100 titles a request") }
            let n = try p.int("n") ?? 3
            guard (1...20).contains(n) else { throw ServiceError(.badRequest, "n must be between 1 and 20") }
            return try json(["results": try service.classify(titles, limit: n)])
        }
        return router
    }

    /// The curriculum format a Content-Type names; a plain list of skills otherwise.
    static func curriculumFormat(_ contentType: String?) -> CurriculumFormat {
        let type = contentType?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "text/csv": return .csv
        case "text/tab-separated-values": return .tsv
        case "application/json", "application/x-ndjson", "application/jsonl": return .json
        case "text/markdown": return .markdown
        default: return .list
        }
    }
}

extension DemandDimension: ParameterValue {}
extension CurriculumFormat: ParameterValue {}
extension ReportFormatName: ParameterValue {}
extension ReportLanguage: ParameterValue {}

/// A report in the `format` parameter's format: JSON by default; `html` is the page `--format html` writes.
func render(_ report: Report, _ p: Parameters) throws -> Response {
    let name = try p.choice("format", ReportFormatName.self) ?? .json
    let bytes = try name.format().render(report)
    let type: String
    switch name {
    case .json: type = "application/json; charset=utf-8"
    case .html: type = "text/html; charset=utf-8"
    case .csv: type = "text/csv; charset=utf-8"
    case .md: type = "text/markdown; charset=utf-8"
    case .table: type = "text/plain; charset=utf-8"
    }
    var headers: HTTPFields = [.contentType: type]
    if name == .csv { headers[.contentDisposition] = "attachment; filename=\"talent-report.csv\"" }
    return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
}

/// A JSON response with sorted keys, as the CLI prints.
func json(_ object: Any, status: HTTPResponse.Status = .ok) throws -> Response {
    let text = try SearchJSON.encode(object)
    return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
}

/// Turns every error into `{"error": …, "status": …}` with its status, and refuses over-long request targets.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let uriBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.string.utf8.count > uriBytes {
            return try Self.error(.uriTooLong, "the request is longer than \(uriBytes) bytes; shorten the query")
        }
        do {
            var response = try await next(request, context)
            // The page frames only its own reports; nothing here should be sniffed into another type.
            response.headers[.xContentTypeOptions] = "nosniff"
            response.headers[.init("X-Frame-Options")!] = "SAMEORIGIN"
            return response
        } catch let error as ServiceError {
            var object: [String: Any] = ["error": error.message, "status": error.status]
            if let detail = error.detail { object["detail"] = detail }
            return try json(object, status: .init(code: error.status))
        } catch let error as TextDecoder.DecodingError {
            return try Self.error(.badRequest, error.description)
        } catch let error as any HTTPResponseError {
            let message: String
            switch error.status {
            case .notFound: message = "no such page: \(request.uri.path)"
            case .contentTooLarge: message = "the request body is too large"
            case .methodNotAllowed: message = "\(request.method) is not allowed on \(request.uri.path)"
            default: message = error.status.reasonPhrase
            }
            return try Self.error(error.status, message)
        } catch {
            return try Self.error(.internalServerError, "\(error)")
        }
    }

    static func error(_ status: HTTPResponse.Status, _ message: String) throws -> Response {
        try json(["error": message, "status": status.code], status: status)
    }
}
