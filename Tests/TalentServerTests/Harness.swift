import Foundation
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A `talent serve` child process on a free port of 127.0.0.1.
final class RunningServer {
    let process: Process
    let port: Int
    let output: String

    /// Starts the server over `index` and waits for its "listening on" line (at most 60 s).
    init(index: String, in directory: String, extra: [String] = []) throws {
        output = directory + "/serve-\(UUID().uuidString)"
        process = try CLI.start(["serve", "--index", index, "--port", "0"] + extra, in: directory, output: output)
        var found: Int?
        for _ in 0..<600 {
            let text = (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? ""
            if let range = text.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                found = Int(text[range].dropFirst("127.0.0.1:".count).dropLast())
                break
            }
            if !process.isRunning { break }
            usleep(100_000)
        }
        guard let found else {
            process.terminate()
            let err = (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? ""
            throw CLI.Failure("talent serve did not start: \(err)")
        }
        port = found
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    func request(_ method: String = "GET", _ target: String, body: [UInt8] = [], headers: [String: String] = [:]) throws
        -> HTTPResponse
    {
        try HTTPResponse.fetch(port: port, method: method, target: target, body: body, headers: headers)
    }

    /// A GET whose parameters are percent-encoded as a browser's form would (space as `+`).
    func get(_ path: String, _ parameters: [(String, String)]) throws -> HTTPResponse {
        try request("GET", path + "?" + parameters.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&"))
    }

    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed)!.replacingOccurrences(of: "%20", with: "+")
    }
}

/// One HTTP/1.1 exchange over a plain socket, so tests send request targets exactly as written (`/../x`
/// included), which URL types would normalise.
struct HTTPResponse {
    var status: Int
    var headers: [String: String]
    var body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw CLI.Failure("not a JSON object: \(text.prefix(200))")
        }
        return object
    }

    static func fetch(port: Int, method: String, target: String, body: [UInt8], headers: [String: String]) throws
        -> HTTPResponse
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLI.Failure("socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw CLI.Failure("connect to port \(port): errno \(errno)") }
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may answer (413) and close before reading a large body.
            if n <= 0 { break }
            sent += n
        }
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            data += buffer[0..<n]
        }
        return try parse(data)
    }

    static func parse(_ data: [UInt8]) throws -> HTTPResponse {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, data.count - 3)).first(where: { Array(data[$0..<$0 + 4]) == separator }) else {
            throw CLI.Failure("no HTTP response (\(data.count) bytes)")
        }
        let lines = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { throw CLI.Failure("bad status line \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(data[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = try dechunk(body) }
        return HTTPResponse(status: status, headers: headers, body: body)
    }

    static func dechunk(_ data: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            guard let lineEnd = (i..<data.count - 1).first(where: { data[$0] == 13 && data[$0 + 1] == 10 }),
                  let size = Int(String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { throw CLI.Failure("bad chunk") }
            if size == 0 { break }
            out += data[(lineEnd + 2)..<(lineEnd + 2 + size)]
            i = lineEnd + 2 + size + 2
        }
        return out
    }
}

/// A headless browser, when one is installed (`TALENT_BROWSER` names another).
enum Browser {
    static let path: String? = {
        let candidates = [ProcessInfo.processInfo.environment["TALENT_BROWSER"]].compactMap { $0 }
            + ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Loads `url` headless, lets its scripts run (virtual time: fetches finish first), and returns the DOM
    /// as serialised after them; with `screenshot`, also saves a PNG of the page there.
    static func render(_ url: String, screenshot: String? = nil, in directory: String) throws -> String {
        guard let path else { throw CLI.Failure("no browser") }
        func run(_ extra: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                           "--hide-scrollbars", "--user-data-dir=\(directory)/browser-profile",
                           "--virtual-time-budget=10000", "--window-size=1200,1400"] + extra + [url]
            let out = directory + "/browser-\(UUID().uuidString).out"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Bounded: a browser that hangs fails the test instead of stalling CI.
            for _ in 0..<1200 where p.isRunning { usleep(100_000) }
            if p.isRunning {
                p.terminate()
                throw CLI.Failure("the browser did not finish in 120 s")
            }
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        if let screenshot { _ = try run(["--screenshot=\(screenshot)"]) }
        return try run(["--dump-dom"])
    }
}
