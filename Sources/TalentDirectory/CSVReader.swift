#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads RFC 4180 CSV: comma-separated fields, double-quoted fields that may hold commas, quotes (`""`)
/// and newlines; CRLF or LF line ends.
///
/// Rows come with the line number they start on, so errors can name `file:line`.
///
/// ```swift
/// var reader = CSVReader(text: "职位,地区\n\"焊工, 二保焊\",广东·佛山\n")
/// while let row = try reader.next() { print(row.line, row.fields) }
/// // 1 ["职位", "地区"]
/// // 2 ["焊工, 二保焊", "广东·佛山"]
/// ```
public struct CSVReader {
    public struct Row: Equatable, Sendable {
        public var fields: [String]
        /// The 1-based line the row starts on.
        public var line: Int
    }

    /// A row that cannot be read: an unterminated quoted field (reported where its row starts). Reading
    /// can go on after it: the next call starts on the following line.
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    private var text: String
    private var index: Int = 0
    private var line: Int = 1
    /// Streaming: the buffer, its bytes read so far (`..<end`, from `index` not yet consumed), and where more
    /// come from. The buffer keeps its size from fill to fill; it grows only for a row longer than it.
    private var buffer: [UInt8] = []
    private var end = 0
    private var source: Source?
    private var sourceDone = false
    /// Why the input stopped early (a failed read), reported once as the next row's error.
    private var readFailure: String?

    private enum Source {
        case chunks(() -> [UInt8]?)
        /// Fills the space it is given and returns how many bytes it wrote (0 at the end, -1 when reading
        /// failed).
        case fill((UnsafeMutableRawBufferPointer) -> Int)
    }

    /// The buffer's starting size for `fill`: reads ask for about this many bytes.
    private var fillSize = 1 << 20

    public init(text: String) {
        // Read in place through the string's own UTF-8 storage rather than a copy of it.
        var text = text
        text.makeContiguousUTF8()
        self.text = text
    }

    /// Reads UTF-8 CSV as it arrives: `chunks` returns the next bytes of the input, or `nil` at its end. Memory
    /// stays near one chunk plus the longest row, however large the file.
    public init(chunks: @escaping () -> [UInt8]?) {
        text = ""
        source = .chunks(chunks)
    }

    /// Reads UTF-8 CSV as `fill` writes it into the reader's own buffer (such as `read(2)` from a file):
    /// `fill` returns how many bytes it wrote, 0 at the end of the input. The buffer is reused from fill to
    /// fill, so a large file costs no new memory per chunk. A negative count means reading failed: the rows
    /// read so far stand, and the next call throws an error saying the rest of the input was not read.
    public init(fill: @escaping (UnsafeMutableRawBufferPointer) -> Int) {
        text = ""
        source = .fill(fill)
    }

    /// ``init(fill:)`` with a buffer that starts at `bufferSize` bytes (tests make it tiny, so rows outgrow it).
    init(fill: @escaping (UnsafeMutableRawBufferPointer) -> Int, bufferSize: Int) {
        self.init(fill: fill)
        fillSize = max(1, bufferSize)
    }

    /// The next row, or `nil` at the end. Blank lines are skipped.
    public mutating func next() throws(Error) -> Row? {
        guard source != nil else {
            let text = self.text
            let result = text.utf8.withContiguousStorageIfAvailable { bytes in
                Result { () throws(Error) -> Parse in try parse(bytes, final: true) }
            }!
            if case .row(let row) = try result.get() { return row }
            return nil
        }
        while true {
            let final = sourceDone
            let result: Result<Parse, Error>
            do {
                // A copy for the parse (which changes `self`), released before `refill` so the buffer stays
                // uniquely referenced and is compacted and refilled in place.
                let buffer = self.buffer
                let end = self.end
                result = buffer.withUnsafeBufferPointer { bytes in
                    Result { () throws(Error) -> Parse in try parse(UnsafeBufferPointer(rebasing: bytes[..<end]), final: final) }
                }
            }
            switch try result.get() {
            case .row(let row): return row
            case .end: return nil
            case .incomplete:
                refill()
                if let failure = readFailure {
                    readFailure = nil
                    // What was read of the unfinished row is dropped with the rest.
                    index = 0
                    end = 0
                    throw Error(line: line, reason: failure)
                }
            }
        }
    }

    /// Moves the unconsumed bytes to the front and reads more after them (or notes the end of the input).
    private mutating func refill() {
        if index > 0 {
            let (from, count) = (index, end - index)
            buffer.withUnsafeMutableBytes { b in
                if count > 0 { b.baseAddress!.copyMemory(from: b.baseAddress! + from, byteCount: count) }
            }
            end = count
            index = 0
        }
        switch source {
        case .chunks(let next):
            guard let chunk = next(), !chunk.isEmpty else {
                sourceDone = true
                return
            }
            reserve(chunk.count)
            buffer.withUnsafeMutableBytes { b in
                chunk.withUnsafeBytes { c in (b.baseAddress! + end).copyMemory(from: c.baseAddress!, byteCount: c.count) }
            }
            end += chunk.count
        case .fill(let fill):
            // Reads are at least half the buffer: a partial row left at the front never makes them small.
            reserve(max(fillSize - end, (buffer.count + 1) / 2))
            let n = buffer.withUnsafeMutableBytes { fill(UnsafeMutableRawBufferPointer(rebasing: $0[end...])) }
            if n > 0 {
                end += min(n, buffer.count - end)
            } else {
                sourceDone = true
                if n < 0 { readFailure = "the file could not be read past this line; the rest of it was not indexed" }
            }
        case nil:
            sourceDone = true
        }
    }

    /// Makes room for `count` more bytes after `end`.
    private mutating func reserve(_ count: Int) {
        let needed = end + count
        guard needed > buffer.count else { return }
        buffer.append(contentsOf: repeatElement(0, count: max(needed, 2 * buffer.count) - buffer.count))
    }

    private enum Parse {
        case row(Row)
        case end
        /// The buffer ends inside a row and more input may follow; nothing was consumed.
        case incomplete
    }

    /// Columns to decode, by index (`nil`: all); the others come back as empty strings. Reading skips what
    /// it will not use rather than making a `String` of it.
    var keep: [Bool]?

    private mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, final: Bool) throws(Error) -> Parse {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        // Skip blank lines between rows.
        while index < bytes.count, bytes[index] == lf || bytes[index] == cr {
            if bytes[index] == cr && index + 1 == bytes.count && !final { return .incomplete }
            if bytes[index] == lf || !(index + 1 < bytes.count && bytes[index + 1] == lf) { line += 1 }
            index += 1
        }
        guard index < bytes.count else { return final ? .end : .incomplete }
        let startLine = line
        let startIndex = index
        func incomplete() -> Parse {
            index = startIndex
            line = startLine
            return .incomplete
        }
        // A field's text is the input between its delimiters less its quotes: it is copied run by run (a run
        // ends at a quote that is not text), and made a `String` straight from the input when it is one run.
        let keep = self.keep
        var fields: [String] = []
        fields.reserveCapacity(keep?.count ?? 8)
        var field: [UInt8] = []
        var firstRun: Range<Int>?
        var runStart = index
        var inQuotes = false
        var fieldWasQuoted = false
        func wanted() -> Bool { keep == nil || fields.count >= keep!.count || keep![fields.count] }
        func endRun(_ end: Int) {
            guard end > runStart else { return }
            if firstRun == nil && field.isEmpty {
                firstRun = runStart..<end
                return
            }
            guard wanted() else { return }
            if let first = firstRun {
                field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[first]))
                firstRun = nil
            }
            field.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end]))
        }
        func endField(_ end: Int) {
            endRun(end)
            if !wanted() {
                fields.append("")
                field.removeAll(keepingCapacity: true)
            } else if let first = firstRun {
                fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[first]), as: UTF8.self))
            } else {
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
            }
            firstRun = nil
            fieldWasQuoted = false
        }
        while index < bytes.count {
            let b = bytes[index]
            if inQuotes {
                if b != quote {
                    // Jump to the next quote (memchr), counting the line ends passed: quoted fields are the long
                    // descriptions, and this loop went byte by byte.
                    let base = bytes.baseAddress!
                    let end = memchr(base + index, Int32(quote), bytes.count - index)
                        .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
                    var from = index
                    while from < end, let nl = memchr(base + from, Int32(lf), end - from) {
                        line += 1
                        from = base.distance(to: nl.assumingMemoryBound(to: UInt8.self)) + 1
                    }
                    index = end
                    continue
                }
                if index + 1 == bytes.count && !final { return incomplete() }
                endRun(index)
                if index + 1 < bytes.count, bytes[index + 1] == quote {
                    // `""`: the second quote is text.
                    runStart = index + 1
                    index += 2
                    continue
                }
                inQuotes = false
                index += 1
                runStart = index
                continue
            }
            switch b {
            case comma:
                endField(index)
                index += 1
                runStart = index
            case lf, cr:
                if b == cr && index + 1 == bytes.count && !final { return incomplete() }
                endField(index)
                index += 1
                if b == cr, index < bytes.count, bytes[index] == lf { index += 1 }
                line += 1
                return .row(Row(fields: fields, line: startLine))
            case quote where index == runStart && !fieldWasQuoted:
                inQuotes = true
                fieldWasQuoted = true
                index += 1
                runStart = index
            default:
                // A quote inside an unquoted field is kept as text, as spreadsheet programs do.
                index += 1
            }
        }
        if !final { return incomplete() }
        if inQuotes {
            // Resume after the row's first line so one stray quote loses one line, not the rest of the file.
            index = startIndex
            while index < bytes.count, bytes[index] != lf { index += 1 }
            index += 1
            line = startLine + 1
            throw Error(line: startLine, reason: "a quoted field is not closed before the end of the file")
        }
        endField(index)
        return .row(Row(fields: fields, line: startLine))
    }
}
