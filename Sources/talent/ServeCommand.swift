import ArgumentParser
import Foundation
import TalentServer
import TalentService

extension Talent {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the search, directory and gaps page and a JSON API over the index.",
            discussion: """
                Open http://127.0.0.1:8080/ in a browser. The API answers what the commands do:
                  GET  /api/search?q=数控车工 深圳&n=10&offset=0&facet=region&facet=skills
                  GET  /api/directory?by=skill&where=region:深圳&since=2025-01&format=json|html|csv|md
                  POST /api/gaps?type=csv&format=json     (the curriculum file as the body)
                  GET  /api/analyze?text=熟悉PLC编程
                  GET  /api/classify?title=数控车工&title=Java开发工程师
                  GET  /healthz
                Errors are JSON: {"error": "...", "status": 400}. The server reads each new commit of the index,
                so `talent index` may run while it serves. It listens on localhost only unless --host says
                otherwise; it has no authentication, so do not expose it to a network you do not trust.

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

        func run() async throws {
            let service = try TalentService(indexDirectory: options.index, classificationFile: classification)
            if (try? service.snapshot()) == nil {
                printError("warning: no index at \(options.index) yet; build one with `talent index` (the server picks it up)")
            }
            let index = options.index
            try await TalentServer(service: service).run(host: host, port: port) { host, port in
                // Tests and scripts read this line to find the port.
                FileHandle.standardOutput.write(Data("talent serve: listening on http://\(host):\(port)/ (index \(index))\n".utf8))
            }
        }
    }
}
