#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file. Opening maps it; pages are read only when touched.
///
/// Immutable once created, so it is shared across threads; unmapped when the last reference goes.
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer

    public init(path: String) throws(IndexError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { throw .corrupt(file: path, reason: "file is missing") }
            throw .io(path: path, operation: "open", errno: errno)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .io(path: path, operation: "stat", errno: errno) }
        let size = Int(info.st_size)
        if size == 0 {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), address != MAP_FAILED else {
            throw .io(path: path, operation: "mmap", errno: errno)
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }

    /// Drops the pages of the map from this process's resident set (`madvise(MADV_DONTNEED)`: the file is
    /// read-only and shared, so its contents stay in the page cache and later reads fault them back in).
    func releasePages() {
        guard let base = bytes.baseAddress else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), bytes.count, MADV_DONTNEED)
    }

    /// `releasePages()` for the whole pages before `address` (inside the map): what a reader going through
    /// the file once has left behind.
    func releasePages(before address: UnsafeRawPointer) {
        guard let base = bytes.baseAddress, address > base else { return }
        let page = 4096
        let length = min(address - base, bytes.count) / page * page
        if length > 0 { _ = madvise(UnsafeMutableRawPointer(mutating: base), length, MADV_DONTNEED) }
    }

    /// The body of the file after checking its frame (see ``FileFormat``).
    func body(kind: FileFormat.Kind) throws(IndexError) -> UnsafeRawBufferPointer {
        try FileFormat.body(of: bytes, kind: kind, file: path)
    }
}
