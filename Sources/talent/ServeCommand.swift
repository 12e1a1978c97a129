import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Talent {
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the search, directory and gaps page and a JSON API over the index.",
            discussion: """
                Open http://127.0.0.1:8080/ in a browser. The API answers what the commands do:
                  GET  /api/search?q=数控车工 深圳&n=10&offset=0&facet=city&facet=skills
                  GET  /api/directory?by=skill&where=region:深圳&since=2025-01&format=json|html|csv|md
                  POST /api/gaps?type=csv&format=json     (the curriculum file as the body)
                  GET  /api/analyze?text=熟悉PLC编程
                  GET  /api/classify?title=数控车工&title=Java开发工程师
                  GET  /healthz
                Errors are JSON: {"error": "...", "status": 400}. The server reads each new commit of the index,
                so `talent index` may run while it serves. It listens on localhost only unless --host says
                otherwise; it has no authentication, so do not expose it to a network you do not trust.

                The server is the program talent-server beside talent (built by `swift build`); talent serve
                runs it in its place.

                Examples:
                  talent serve
                  talent serve --index /data/jobs-index --port 9000
                  curl -G 'http://127.0.0.1:8080/api/search' --data-urlencode 'q=焊工 region:深圳'
                """
        )

        @OptionGroup var options: IndexOptions

        @Option(help: "Address to listen on (0.0.0.0 for every interface).")
        var host = "127.0.0.1"

        @Option(help: "Port to listen on (0: any free port; the address is printed).")
        var port = 8080

        @Option(help: "A copy of the classification (csco22.csv) for /api/classify, as with `talent classify`.")
        var classification: String?

        func validate() throws {
            if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
        }

        func run() throws {
            let server = Self.serverPath
            guard FileManager.default.isExecutableFile(atPath: server) else {
                throw CLIError("talent serve needs the program talent-server beside talent (\(server)); build it with "
                               + "`swift build -c release --product talent-server`")
            }
            var arguments = [server, "--index", options.index, "--host", host, "--port", String(port)]
            if let classification { arguments += ["--classification", classification] }
            // The server takes this process's place: Ctrl-C and SIGTERM reach it directly, and its exit status is ours.
            let argv = arguments.map { strdup($0) } + [nil]
            execv(server, argv)
            throw CLIError("cannot start \(server): \(String(cString: strerror(errno)))")
        }

        /// `talent-server` in the folder of this executable, or `TALENT_SERVER`.
        static var serverPath: String {
            if let path = ProcessInfo.processInfo.environment["TALENT_SERVER"], !path.isEmpty { return path }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
            let me = n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                : (Bundle.main.executablePath ?? CommandLine.arguments[0])
            return (me as NSString).deletingLastPathComponent + "/talent-server"
        }
    }
}
