import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system operations on an index folder: reading and atomically committing the manifest, and removing
/// files no commit refers to.
public enum IndexDirectory {
    /// The committed manifest, or `nil` when the folder holds no index.
    public static func readManifest(_ directory: String) throws(IndexError) -> Manifest? {
        let path = directory + "/" + Manifest.fileName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .io(path: path, operation: "read", errno: errno)
        }
        do {
            let manifest = try JSONDecoder().decode(Manifest.self, from: data)
            guard manifest.version == Int(FileFormat.version) else {
                throw IndexError.versionMismatch(file: path, found: UInt32(manifest.version), supported: FileFormat.version)
            }
            return manifest
        } catch let error as IndexError {
            throw error
        } catch {
            throw .corrupt(file: path, reason: "manifest is not valid JSON: \(error)")
        }
    }

    /// Writes `manifest` to a temporary file, fsyncs it, renames it over `manifest.json` and fsyncs the folder:
    /// the commit point.
    public static func commit(_ manifest: Manifest, to directory: String) throws(IndexError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do { data = try encoder.encode(manifest) } catch { throw .corrupt(file: directory, reason: "cannot encode manifest: \(error)") }
        let temp = directory + "/" + Manifest.fileName + ".tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: temp, operation: "create", errno: errno) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == data.count, fsync(fd) == 0 else {
            let e = errno
            close(fd)
            throw .io(path: temp, operation: "write", errno: e)
        }
        close(fd)
        guard rename(temp, directory + "/" + Manifest.fileName) == 0 else {
            throw .io(path: temp, operation: "rename", errno: errno)
        }
        try syncDirectory(directory)
    }

    static func syncDirectory(_ directory: String) throws(IndexError) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: directory, operation: "open", errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .io(path: directory, operation: "fsync", errno: errno) }
    }

    /// Deletes the files of segments that `manifest` does not list (left by an interrupted build or replaced
    /// by a merge). Call only while holding the write lock.
    public static func removeUnreferencedFiles(_ directory: String, keeping manifest: Manifest) {
        let referenced = Set(manifest.segments.flatMap(\.fileNames))
        let segmentSuffixes = [".tdic", ".post", ".pos", ".stor", ".vals", ".dels"]
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where !referenced.contains(name) {
            if segmentSuffixes.contains(where: { name.hasSuffix($0) }) || name == Manifest.fileName + ".tmp" {
                unlink(directory + "/" + name)
            }
        }
    }
}

/// A consistent view of the index at one commit.
public final class IndexSnapshot: Sendable {
    public let directory: String
    public let manifest: Manifest
    public let segments: [SegmentReader]

    /// Opens the last commit. A concurrent writer may remove the files of an older commit between reading the
    /// manifest and mapping them; opening then retries with the newer manifest.
    public init(directory: String) throws(IndexError) {
        var attempt = 0
        while true {
            guard let manifest = try IndexDirectory.readManifest(directory) else { throw .missing(path: directory) }
            do {
                segments = try manifest.segments.map { (info) throws(IndexError) in
                    try SegmentReader(directory: directory, info: info, schema: manifest.schema)
                }
                self.manifest = manifest
                self.directory = directory
                return
            } catch {
                attempt += 1
                let again = try IndexDirectory.readManifest(directory)
                if attempt >= 5 || again == manifest { throw error }
            }
        }
    }

    public var liveDocuments: Int { manifest.liveDocuments }

    /// Field statistics summed over segments (deleted documents count until a merge drops them, as in Lucene).
    public var fieldStats: [FieldStats] {
        var stats = manifest.schema.textFields.map { _ in FieldStats() }
        for s in manifest.segments {
            for (i, f) in s.fieldStats.enumerated() where i < stats.count {
                stats[i].docCount += f.docCount
                stats[i].sumLength += f.sumLength
            }
        }
        return stats
    }
}
