/// Errors of the on-disk index. Each names the file or segment a reader needs to act on.
public enum IndexError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file is damaged: wrong magic, bad checksum, or a value out of range.
    case corrupt(file: String, reason: String)
    /// A file was written by another format version.
    case versionMismatch(file: String, found: UInt32, supported: UInt32)
    /// Another process holds the write lock.
    case locked(path: String, holder: String)
    /// No index at the path.
    case missing(path: String)
    /// A system call failed.
    case io(path: String, operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .corrupt(let file, let reason):
            return "\(file): index file is damaged: \(reason)"
        case .versionMismatch(let file, let found, let supported):
            return "\(file): index format version \(found), this talent reads version \(supported); rebuild it with `talent index --rebuild`"
        case .locked(let path, let holder):
            return "\(path): the index is being written by another process (\(holder)); wait for it to finish or stop it"
        case .missing(let path):
            return "\(path): no index here; build one with `talent index`"
        case .io(let path, let operation, let errno):
            return "\(path): \(operation) failed: \(String(cString: strerror(errno)))"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
