import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Runs the `talent` executable that `swift test` builds beside the test bundle.
enum CLI {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
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

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Starts `talent ARGS` in `directory` with output to files; returns the running process.
    static func start(_ arguments: [String], in directory: String, output: String) throws -> Process {
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
    static func run(_ arguments: [String], in directory: String) throws -> Result {
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


func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

