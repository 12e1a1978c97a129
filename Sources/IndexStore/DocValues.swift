#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The kinds of columnar values a segment stores per document, for filters, facets and sorting.
public enum ColumnKind: String, Codable, Sendable {
    /// One string per document (region, education); dictionary-coded.
    case keyword
    /// Any number of strings per document (skills).
    case keywords
    /// One integer per document (salary, experience, posted day); missing is allowed.
    case int
}

public struct ColumnSpec: Codable, Equatable, Sendable {
    public var name: String
    public var kind: ColumnKind
    public init(name: String, kind: ColumnKind) {
        self.name = name
        self.kind = kind
    }
}

/// One document's value in one column.
public enum ColumnValue: Equatable, Sendable {
    case keyword(String?)
    case keywords([String])
    case int(Int64?)
}

/// Body layout of the `.vals` file: the unique document ids, each column, then the field lengths (norms) of
/// every text field, then a directory:
/// ```
/// dictionary: vint count, u32 offsets × (count + 1) relative to the strings, strings
/// ids:        dictionary (sorted), u32 doc per ordinal, u32 ordinal per doc
/// keyword:    dictionary, u32 per doc (0 = missing, else ordinal + 1)
/// keywords:   dictionary, u32 starts × (docs + 1), u32 ordinals
/// int:        i64 per doc (Int64.min = missing)
/// norms:      u16 per doc per text field (saturating)
/// directory:  vint entries; per entry: string name, vint offset
/// u64 directory offset
/// ```
struct DocValuesWriter {
    private(set) var body = ByteWriter(capacity: 1 << 16)
    private var directory: [(String, Int)] = []
    /// Bytes already handed out by `drain()`: the body continues after them.
    private var drained = 0

    /// Where the next byte goes in the whole body.
    private var position: Int { drained + body.count }

    /// Hands out the body written so far, so a merge streams a large values file instead of holding it.
    mutating func drain() -> [UInt8] {
        let bytes = body.bytes
        drained += bytes.count
        body.bytes.removeAll(keepingCapacity: true)
        return bytes
    }

    /// Starts a column or section `name` at the current position.
    mutating func begin(_ name: String) { directory.append((name, position)) }

    /// Writes a dictionary of `count` strings, string `i` being `string(i)` (UTF-8, in ascending order).
    mutating func dictionary(count: Int, _ string: (Int) -> UnsafeRawBufferPointer) {
        body.vint(count)
        var offset: UInt32 = 0
        body.u32(0)
        for i in 0..<count {
            offset += UInt32(string(i).count)
            body.u32(offset)
        }
        for i in 0..<count { body.append(string(i)) }
    }

    mutating func u32(_ v: UInt32) { body.u32(v) }
    mutating func u16(_ v: UInt16) { body.u16(v) }
    mutating func u64(_ v: UInt64) { body.u64(v) }

    private mutating func dictionary(_ values: [String]) {
        body.vint(values.count)
        var offset: UInt32 = 0
        body.u32(0)
        for v in values {
            offset += UInt32(v.utf8.count)
            body.u32(offset)
        }
        for v in values { body.append(v.utf8) }
    }

    mutating func ids(_ ids: [String]) {
        begin("\u{0}ids")
        // Ties (an id added twice to one segment, the earlier copy deleted) keep document order, so the
        // last ordinal of an id is its newest document.
        let keys = ids.map { Array($0.utf8) }
        let order = ids.indices.sorted { a, b in
            let c = compareBytes(keys[a], keys[b])
            return c != 0 ? c < 0 : a < b
        }
        dictionary(order.map { ids[$0] })
        var ordOfDoc = [UInt32](repeating: 0, count: ids.count)
        for (ord, doc) in order.enumerated() {
            body.u32(UInt32(doc))
            ordOfDoc[doc] = UInt32(ord)
        }
        for o in ordOfDoc { body.u32(o) }
    }

    mutating func keyword(name: String, values: [String?]) {
        begin(name)
        var interner = Interner()
        let ids = values.map { $0.map { interner.id($0) } }
        let (unique, rank) = interner.sorted()
        dictionary(unique)
        for id in ids { body.u32(id.map { rank[Int($0)] + 1 } ?? 0) }
    }

    mutating func keywords(name: String, values: [[String]]) {
        begin(name)
        var interner = Interner()
        let ids = values.map { $0.map { interner.id($0) } }
        let (unique, rank) = interner.sorted()
        dictionary(unique)
        var start: UInt32 = 0
        body.u32(0)
        for v in values {
            start += UInt32(v.count)
            body.u32(start)
        }
        for v in ids { for id in v { body.u32(rank[Int(id)]) } }
    }

    /// Numbers a column's distinct values in the order first seen, then ranks them in UTF-8 order.
    ///
    /// Keyed by UTF-8 bytes in a table of its own: `String` hashing checks normalization first, which for
    /// Chinese text made a `[String: UInt32]` most of a keyword column's time.
    private struct Interner {
        private var values: [String] = []
        private var hashes: [UInt64] = []
        private var keyStarts: [Int] = []
        private var keys: [UInt8] = []
        /// Per slot: value number + 1 (0: empty).
        private var slots = [UInt32](repeating: 0, count: 256)

        mutating func id(_ value: String) -> UInt32 {
            var utf8 = value
            return utf8.withUTF8 { bytes in
                let hash = Self.hash(bytes)
                var mask = slots.count - 1
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let s = Int(slots[slot])
                    if s == 0 { break }
                    if hashes[s - 1] == hash && equals(s - 1, bytes) { return UInt32(s - 1) }
                    slot = (slot + 1) & mask
                }
                let id = UInt32(values.count)
                values.append(value)
                hashes.append(hash)
                keyStarts.append(keys.count)
                keys.append(contentsOf: bytes)
                if 2 * values.count > slots.count {
                    slots = [UInt32](repeating: 0, count: 2 * slots.count)
                    mask = slots.count - 1
                    for (i, h) in hashes.enumerated() {
                        var t = Int(truncatingIfNeeded: h) & mask
                        while slots[t] != 0 { t = (t + 1) & mask }
                        slots[t] = UInt32(i + 1)
                    }
                } else {
                    slots[slot] = id + 1
                }
                return id
            }
        }

        /// Value `id`'s bytes within `keys`' bytes.
        private func key(_ id: Int, in keys: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: keys[keyStarts[id]..<(id + 1 < keyStarts.count ? keyStarts[id + 1] : keys.count)])
        }

        private func equals(_ id: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            keys.withUnsafeBytes { compareBytes(key(id, in: $0), UnsafeRawBufferPointer(bytes)) == 0 }
        }

        private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
            var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
            guard let base = bytes.baseAddress else { return h }
            let raw = UnsafeRawPointer(base)
            var i = 0
            while i + 8 <= bytes.count {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < bytes.count {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            return h ^ (h >> 29)
        }

        /// The distinct values in UTF-8 order, and each first-seen id's place in that order.
        func sorted() -> (unique: [String], rank: [UInt32]) {
            let order = keys.withUnsafeBytes { k in
                values.indices.sorted { compareBytes(key($0, in: k), key($1, in: k)) < 0 }
            }
            var rank = [UInt32](repeating: 0, count: values.count)
            for (place, id) in order.enumerated() { rank[id] = UInt32(place) }
            return (order.map { values[$0] }, rank)
        }
    }

    mutating func int(name: String, values: [Int64?]) {
        begin(name)
        for v in values { body.u64(UInt64(bitPattern: v ?? Int64.min)) }
    }

    /// Writes one column of values given per document.
    mutating func column(_ spec: ColumnSpec, _ column: [ColumnValue]) {
        switch spec.kind {
        case .keyword:
            keyword(name: spec.name, values: column.map { if case .keyword(let s) = $0 { return s } else { return nil } })
        case .keywords:
            keywords(name: spec.name, values: column.map { if case .keywords(let s) = $0 { return s } else { return [] } })
        case .int:
            int(name: spec.name, values: column.map { if case .int(let v) = $0 { return v } else { return nil } })
        }
    }

    mutating func norms(field: Int, values: [UInt16]) {
        begin("\u{0}norms\(field)")
        for v in values { body.u16(v) }
    }

    /// The rest of the body (after what `drain()` handed out): the directory and its offset.
    mutating func finish() -> [UInt8] {
        let offset = position
        body.vint(directory.count)
        for (name, at) in directory {
            body.string(name)
            body.vint(at)
        }
        body.u64(UInt64(offset))
        return body.bytes
    }
}

/// A dictionary of strings in a `.vals` body, read in place.
public struct ValueDictionary: @unchecked Sendable {
    let offsets: UnsafeRawBufferPointer
    let strings: UnsafeRawBufferPointer
    public let count: Int

    init(reader r: inout ByteReader) throws(IndexError) {
        count = try r.int()
        offsets = try r.bytes(4 * (count + 1))
        let total = Int(offsets.loadUnaligned(fromByteOffset: 4 * count, as: UInt32.self).littleEndian)
        strings = try r.bytes(total)
        var previous: UInt32 = 0
        for i in 0...count {
            let o = offsets.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian
            guard o >= previous, Int(o) <= total else { throw .corrupt(file: r.file, reason: "value dictionary offsets are not monotone") }
            previous = o
        }
    }

    public subscript(ordinal: Int) -> String {
        let a = Int(offsets.loadUnaligned(fromByteOffset: 4 * ordinal, as: UInt32.self).littleEndian)
        let b = Int(offsets.loadUnaligned(fromByteOffset: 4 * ordinal + 4, as: UInt32.self).littleEndian)
        return String(decoding: UnsafeRawBufferPointer(rebasing: strings[a..<b]), as: UTF8.self)
    }

    func bytes(_ ordinal: Int) -> UnsafeRawBufferPointer {
        let a = Int(offsets.loadUnaligned(fromByteOffset: 4 * ordinal, as: UInt32.self).littleEndian)
        let b = Int(offsets.loadUnaligned(fromByteOffset: 4 * ordinal + 4, as: UInt32.self).littleEndian)
        return UnsafeRawBufferPointer(rebasing: strings[a..<b])
    }

    /// The ordinal of `value` (the dictionary is sorted by UTF-8 bytes), or `nil`.
    public func ordinal(of value: String) -> Int? {
        let target = Array(value.utf8)
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let b = bytes(mid)
            if b.lexicographicallyPrecedes(target) { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && bytes(lo).elementsEqual(target) ? lo : nil
    }
}

/// A column of a segment, read in place from the mapped file.
public enum Column: @unchecked Sendable {
    case keyword(ValueDictionary, ords: UnsafeRawBufferPointer)
    case keywords(ValueDictionary, starts: UnsafeRawBufferPointer, ords: UnsafeRawBufferPointer)
    case int(UnsafeRawBufferPointer)

    /// The keyword ordinal of `doc` (+1; 0 = missing).
    @inline(__always)
    public func keywordOrdinal(_ doc: Int) -> Int {
        guard case .keyword(_, let ords) = self else { return 0 }
        return Int(ords.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self).littleEndian)
    }

    @inline(__always)
    public func int(_ doc: Int) -> Int64? {
        guard case .int(let values) = self else { return nil }
        let v = Int64(bitPattern: values.loadUnaligned(fromByteOffset: 8 * doc, as: UInt64.self).littleEndian)
        return v == Int64.min ? nil : v
    }

    /// The keyword ordinals of `doc` in a multi-valued column.
    public func keywordOrdinals(_ doc: Int) -> [Int] {
        switch self {
        case .keywords(_, let starts, let ords):
            let a = Int(starts.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self).littleEndian)
            let b = Int(starts.loadUnaligned(fromByteOffset: 4 * doc + 4, as: UInt32.self).littleEndian)
            return (a..<b).map { Int(ords.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
        case .keyword:
            let o = keywordOrdinal(doc)
            return o == 0 ? [] : [o - 1]
        case .int:
            return []
        }
    }

    public var dictionary: ValueDictionary? {
        switch self {
        case .keyword(let d, _), .keywords(let d, _, _): return d
        case .int: return nil
        }
    }

    /// The string values of `doc`.
    public func strings(_ doc: Int) -> [String] {
        guard let d = dictionary else { return int(doc).map { [String($0)] } ?? [] }
        return keywordOrdinals(doc).map { d[$0] }
    }
}

/// Reads a `.vals` body.
final class DocValuesReader: @unchecked Sendable {
    let ids: ValueDictionary
    let docOfOrdinal: UnsafeRawBufferPointer
    let ordinalOfDoc: UnsafeRawBufferPointer
    let columns: [String: Column]
    let norms: [UnsafeRawBufferPointer]

    init(body: UnsafeRawBufferPointer, maxDoc: Int, schema: Schema, file: String) throws(IndexError) {
        guard body.count >= 8 else { throw .corrupt(file: file, reason: "doc values too short") }
        var t = ByteReader(body, offset: body.count - 8, file: file)
        let dirOffset = Int(try t.u64())
        var d = ByteReader(body, offset: dirOffset, file: file)
        var entries: [String: Int] = [:]
        let n = try d.int()
        for _ in 0..<n {
            let name = try d.string()
            entries[name] = try d.int()
        }
        func reader(_ name: String) throws(IndexError) -> ByteReader {
            guard let at = entries[name], at < dirOffset else { throw .corrupt(file: file, reason: "column \(name) missing") }
            return ByteReader(UnsafeRawBufferPointer(rebasing: body[0..<dirOffset]), offset: at, file: file)
        }
        var r = try reader("\u{0}ids")
        ids = try ValueDictionary(reader: &r)
        guard ids.count == maxDoc else { throw .corrupt(file: file, reason: "\(ids.count) ids for \(maxDoc) documents") }
        docOfOrdinal = try r.bytes(4 * maxDoc)
        ordinalOfDoc = try r.bytes(4 * maxDoc)
        var columns: [String: Column] = [:]
        for spec in schema.columns {
            var r = try reader(spec.name)
            switch spec.kind {
            case .keyword:
                let dict = try ValueDictionary(reader: &r)
                columns[spec.name] = .keyword(dict, ords: try r.bytes(4 * maxDoc))
            case .keywords:
                let dict = try ValueDictionary(reader: &r)
                let starts = try r.bytes(4 * (maxDoc + 1))
                let total = Int(starts.loadUnaligned(fromByteOffset: 4 * maxDoc, as: UInt32.self).littleEndian)
                columns[spec.name] = .keywords(dict, starts: starts, ords: try r.bytes(4 * total))
            case .int:
                columns[spec.name] = .int(try r.bytes(8 * maxDoc))
            }
        }
        self.columns = columns
        var norms: [UnsafeRawBufferPointer] = []
        for f in schema.textFields.indices {
            var r = try reader("\u{0}norms\(f)")
            norms.append(try r.bytes(2 * maxDoc))
        }
        self.norms = norms
    }

    func id(of doc: Int) -> String {
        ids[Int(ordinalOfDoc.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self).littleEndian)]
    }

    /// The document whose id is the dictionary's `ordinal`-th.
    @inline(__always)
    func doc(atOrdinal ordinal: Int) -> Int {
        Int(docOfOrdinal.loadUnaligned(fromByteOffset: 4 * ordinal, as: UInt32.self).littleEndian)
    }

    /// The newest document with `id` in this segment.
    func doc(forID id: String) -> Int? {
        guard var ord = ids.ordinal(of: id) else { return nil }
        while ord + 1 < ids.count && ids[ord + 1] == id { ord += 1 }
        return doc(atOrdinal: ord)
    }

    @inline(__always)
    func norm(field: Int, doc: Int) -> UInt16 {
        norms[field].loadUnaligned(fromByteOffset: 2 * doc, as: UInt16.self).littleEndian
    }
}

/// Counts the values of one column over documents by ordinal, turning ordinals into strings only once at the
/// end: faceting a large match set costs an array increment per value, not a string and a hash per value.
public struct ColumnCounter {
    public let column: Column?
    private var byOrdinal: [Int]
    private var byInt: [Int64: Int] = [:]

    public init(_ column: Column?) {
        self.column = column
        byOrdinal = [Int](repeating: 0, count: column?.dictionary?.count ?? 0)
    }

    @inline(__always)
    public mutating func add(_ doc: Int) {
        switch column {
        case .keyword(_, let ords)?:
            let o = Int(ords.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self).littleEndian)
            if o > 0 { byOrdinal[o - 1] += 1 }
        case .keywords(_, let starts, let ords)?:
            let a = Int(starts.loadUnaligned(fromByteOffset: 4 * doc, as: UInt32.self).littleEndian)
            let b = Int(starts.loadUnaligned(fromByteOffset: 4 * doc + 4, as: UInt32.self).littleEndian)
            for i in a..<b { byOrdinal[Int(ords.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)] += 1 }
        case .int?:
            if let v = column?.int(doc) { byInt[v, default: 0] += 1 }
        case nil:
            break
        }
    }

    /// Adds the counts to `totals` by value (segments share values, not ordinals).
    public func merge(into totals: inout [String: Int]) {
        if let dictionary = column?.dictionary {
            for (o, n) in byOrdinal.enumerated() where n > 0 { totals[dictionary[o], default: 0] += n }
        }
        for (v, n) in byInt { totals[String(v), default: 0] += n }
    }
}

/// Byte order of two buffers (memcmp, then the shorter first): negative, zero or positive. For UTF-8
/// strings: `String.utf8`'s generic `lexicographicallyPrecedes` was most of the time sorting a segment's ids.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    let c = n == 0 ? 0 : Int(memcmp(a.baseAddress!, b.baseAddress!, n))
    return c != 0 ? c : a.count - b.count
}

func compareBytes(_ a: [UInt8], _ b: [UInt8]) -> Int {
    a.withUnsafeBytes { x in b.withUnsafeBytes { y in compareBytes(x, y) } }
}
