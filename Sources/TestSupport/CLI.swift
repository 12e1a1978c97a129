import Foundation

/// Runs the `talent` executable that `swift test` builds beside the test bundle.
public enum CLI {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The package's folder (for the shipped corpus).
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    public static var binary: URL {
        get throws {
            let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
                + (Bundle.main.executableURL.map { [$0.deletingLastPathComponent()] } ?? [])
            for dir in candidates {
                let url = dir.appendingPathComponent("talent")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
            throw Failure("the talent executable was not found beside the test bundle (\(candidates.map(\.path)))")
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(_ d: String) { description = d }
    }

    /// Starts `talent ARGS` in `directory` with output to files; returns the running process.
    public static func start(_ arguments: [String], in directory: String, output: String) throws -> Process {
        let p = Process()
        p.executableURL = try binary
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: directory)
        _ = FileManager.default.createFile(atPath: output + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: output + ".err", contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output + ".out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: output + ".err"))
        try p.run()
        return p
    }

    /// Runs `talent ARGS` in `directory` to completion.
    @discardableResult
    public static func run(_ arguments: [String], in directory: String) throws -> Result {
        let output = directory + "/.cli-\(UUID().uuidString)"
        let p = try start(arguments, in: directory, output: output)
        p.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(atPath: output + ".out")
            try? FileManager.default.removeItem(atPath: output + ".err")
        }
        return Result(status: p.terminationStatus,
                      stdout: (try? String(contentsOfFile: output + ".out", encoding: .utf8)) ?? "",
                      stderr: (try? String(contentsOfFile: output + ".err", encoding: .utf8)) ?? "")
    }
}

