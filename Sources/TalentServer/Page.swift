import Foundation
import Hummingbird
import NIOCore

/// The page's files, read once at start from the target's resources and served from memory.
///
/// The routes are this fixed table: no request path is ever joined to a folder, so `..` cannot reach a file.
struct Page: Sendable {
    struct File: Sendable {
        let bytes: ByteBuffer
        let type: String

        func response() -> Response {
            Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: bytes))
        }
    }

    /// Request path → file.
    let routes: [(String, File)]

    static let files: [(path: String, name: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/app.js", "app.js", "text/javascript; charset=utf-8"),
        ("/style.css", "style.css", "text/css; charset=utf-8"),
    ]

    init() throws {
        guard let folder = Bundle.module.url(forResource: "page", withExtension: nil) else {
            throw PageError(name: "page")
        }
        routes = try Self.files.map { file in
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file.name).path) else {
                throw PageError(name: file.name)
            }
            return (file.path, File(bytes: ByteBuffer(bytes: data), type: file.type))
        }
    }
}

/// The build lost a file of the page (the resources folder next to the executable).
struct PageError: Error, CustomStringConvertible {
    let name: String
    var description: String { "the page's file \(name) is missing from talent's resources; reinstall talent" }
}
