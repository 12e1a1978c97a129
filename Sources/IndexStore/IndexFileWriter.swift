#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes one index file: header, body through a buffer, footer with the running CRC-32; then fsyncs.
///
/// The file is created exclusively: segment files are immutable and never rewritten.
final class IndexFileWriter {
    let path: String
    private var fd: Int32
    private var buffer: [UInt8] = []
    private var crc: UInt32 = 0
    /// Bytes written so far, header included: the offset the next byte lands at.
    private(set) var offset: Int = 0

    init(path: String, kind: FileFormat.Kind) throws(IndexError) {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: path, operation: "create", errno: errno) }
        buffer.reserveCapacity(1 << 16)
        try append(FileFormat.header(kind))
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Offset relative to the end of the header, as readers of the body see it.
    var bodyOffset: Int { offset - FileFormat.headerSize }

    func append(_ bytes: [UInt8]) throws(IndexError) {
        try bytes.withUnsafeBytes { raw in Result { () throws(IndexError) in try append(raw) } }.get()
    }

    /// Small pieces are gathered in the buffer; a piece as large as the buffer goes straight to the file
    /// (after what is buffered), so writing a segment's 10–20 MB stored body does not copy it into a
    /// buffer that grows to its size.
    func append(_ bytes: UnsafeRawBufferPointer) throws(IndexError) {
        if bytes.count >= 1 << 16 {
            try flush()
            try writeOut(bytes)
            offset += bytes.count
            return
        }
        buffer.append(contentsOf: bytes)
        offset += bytes.count
        if buffer.count >= 1 << 16 { try flush() }
    }

    private func flush() throws(IndexError) {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in Result { () throws(IndexError) in try writeOut(raw) } }.get()
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes `raw` to the file, adding it to the checksum.
    private func writeOut(_ raw: UnsafeRawBufferPointer) throws(IndexError) {
        guard raw.count > 0 else { return }
        crc = FileFormat.crc32(raw, seed: crc)
        var done = 0
        while done < raw.count {
            let n = write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, operation: "write", errno: errno)
            }
            done += n
        }
    }

    /// Writes the footer, fsyncs and closes. Returns the file's size.
    @discardableResult
    func finish() throws(IndexError) -> Int {
        try append(FileFormat.footerMagic)
        try flush()
        var footer = ByteWriter()
        footer.u32(crc)
        buffer = footer.bytes
        offset += 4
        let saved = crc
        try flush()
        crc = saved
        guard fsync(fd) == 0 else { throw .io(path: path, operation: "fsync", errno: errno) }
        close(fd)
        fd = -1
        return offset
    }
}
