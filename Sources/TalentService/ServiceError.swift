/// A request the service cannot answer, with the HTTP status that says why.
public struct ServiceError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Int, Sendable {
        case badRequest = 400
        case notFound = 404
        case contentTooLarge = 413
        case uriTooLong = 414
        case unprocessable = 422
        case unavailable = 503
    }

    public var kind: Kind
    /// One sentence for the user: `q: column 7: unclosed quote (opened here)`.
    public var message: String
    /// Where a query went wrong, as the query and a caret under the column (two lines), for display.
    public var detail: String?

    public init(_ kind: Kind, _ message: String, detail: String? = nil) {
        self.kind = kind
        self.message = message
        self.detail = detail
    }

    public var status: Int { kind.rawValue }
    public var description: String { message }
}
