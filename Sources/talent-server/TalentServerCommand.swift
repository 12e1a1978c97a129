import ArgumentParser
import Foundation
import TalentServer
import TalentService

/// The web server `talent serve` starts (see `talent serve --help`).
@main
struct TalentServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "talent-server",
        abstract: "The web server behind `talent serve`: the page and the JSON API over an index.",
        discussion: "Run it as `talent serve`; `talent serve --help` lists the routes."
    )

    @Option(help: "The index folder.")
    var index = "index"

    @Option(help: "Address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the address is printed).")
    var port = 8080

    @Option(help: "A copy of the classification (csco22.csv) for /api/classify.")
    var classification: String?

    func validate() throws {
        if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535.") }
    }

    func run() async throws {
        let service = try TalentService(indexDirectory: index, classificationFile: classification)
        if (try? service.snapshot()) == nil {
            FileHandle.standardError.write(Data("warning: no index at \(index) yet; build one with `talent index` (the server picks it up)\n".utf8))
        }
        let index = self.index
        try await TalentServer(service: service).run(host: host, port: port) { host, port in
            // Tests and scripts read this line to find the port.
            FileHandle.standardOutput.write(Data("talent serve: listening on http://\(host):\(port)/ (index \(index))\n".utf8))
        }
    }
}
