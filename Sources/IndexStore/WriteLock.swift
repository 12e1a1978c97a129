import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The index's write lock: an exclusive `flock` on `write.lock`, which the kernel releases when the holder
/// exits, even when it is killed. The file names the holder so a refused writer can say who it is.
public final class WriteLock {
    public static let fileName = "write.lock"
    private var fd: Int32

    /// Takes the lock or throws ``IndexError/locked(path:holder:)`` at once.
    public init(directory: String, purpose: String) throws(IndexError) {
        let path = directory + "/" + Self.fileName
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "open", errno: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            fd = -1
            throw .locked(path: directory, holder: holder.isEmpty ? "unknown process" : holder)
        }
        let host = ProcessInfo.processInfo.hostName
        let since = ISO8601DateFormatter().string(from: Date())
        let text = "pid \(getpid()) on \(host), \(purpose), since \(since)\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
    }

    deinit { release() }

    public func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }
}
