import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A compiled copy of the built-in lexicon (its entries, trie and form tables), so a cold `talent search`
/// reads tables instead of folding and hashing every form (about 2.5 ms of a 20 ms start).
///
/// The files are `$XDG_CACHE_HOME/talent/lexicon-v1-<key>.bin` (else `~/.cache/talent/…`), keyed by the
/// lexicon file's bytes, this layout's version and the identity of the running executable (device, inode,
/// size, modification time), so an edited lexicon or a rebuilt binary (whose folding code or tables may
/// differ) never reads another's tables: without a file for its key, a run builds the lexicon as before and
/// writes one (keeping the eight newest). Writes go to a temporary file renamed into place; a damaged or foreign file fails its checksum
/// and is ignored. Setting `TALENT_NO_LEXICON_CACHE` turns the cache off.
///
/// Layout (little-endian, as this machine writes it): u64 magic, u64 key, then the tables (see
/// ``LexiconCache/encode(_:into:)``), then a u64 checksum of everything before it.
enum LexiconCache {
    static let magic: UInt64 = 0x3176_5843_584C_4154  // "TALXCXv1"

    /// The cache directory, or `nil` when there is no home or cache directory, or the cache is turned off.
    static var directory: String? {
        if getenv("TALENT_NO_LEXICON_CACHE") != nil { return nil }
        if let xdg = getenv("XDG_CACHE_HOME"), xdg.pointee != 0 { return String(cString: xdg) + "/talent" }
        if let home = getenv("HOME"), home.pointee != 0 { return String(cString: home) + "/.cache/talent" }
        return nil
    }

    /// The file for `key` in `directory`: one per executable and lexicon, so builds side by side do not
    /// overwrite each other's.
    static func path(directory: String, key: UInt64) -> String {
        let hex = String(key, radix: 16)
        return directory + "/lexicon-v1-" + String(repeating: "0", count: 16 - hex.count) + hex + ".bin"
    }

    /// How many compiled lexicons a cache directory keeps (the most recently written).
    static let kept = 8

    /// The key of a lexicon file's bytes for the running executable; `nil` when the executable cannot be
    /// identified.
    static func key(_ file: [UInt8]) -> UInt64? {
        #if os(Linux)
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return nil }
        var h = fnv(file)
        for v in [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_size), UInt64(bitPattern: Int64(info.st_mtim.tv_sec)),
                  UInt64(bitPattern: Int64(info.st_mtim.tv_nsec)), magic] {
            h = (h ^ v) &* 0x100_0000_01B3
        }
        return h
        #else
        return nil
        #endif
    }

    /// FNV-1a over 8-byte words (then the tail bytes): a checksum, fast enough to check the whole file.
    static func fnv(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        let words = bytes.count / 8
        for i in 0..<words {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) &* 0x100_0000_01B3
            h ^= h >> 32
        }
        for b in bytes[(8 * words)...] { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    static func fnv(_ bytes: [UInt8]) -> UInt64 { bytes.withUnsafeBytes { fnv($0) } }

    /// The lexicon stored under `key`, or `nil` when the file is missing, stale or damaged.
    static func load(key: UInt64, path: String) -> Lexicon? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= 24, info.st_size < 64 << 20 else { return nil }
        let size = Int(info.st_size)
        // Mapped with its pages populated up front: one call instead of a fault per page.
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0), address != MAP_FAILED else {
            return nil
        }
        defer { munmap(address, size) }
        let all = UnsafeRawBufferPointer(start: address, count: size)
        let body = UnsafeRawBufferPointer(rebasing: all[0..<size - 8])
        guard UInt64(littleEndian: all.loadUnaligned(fromByteOffset: size - 8, as: UInt64.self)) == fnv(body) else { return nil }
        var r = Reader(bytes: body)
        guard r.u64() == magic, r.u64() == key else { return nil }
        return decode(&r)
    }

    /// Writes `lexicon` under `key` (best effort: failures leave no file behind and are ignored).
    static func store(_ lexicon: Lexicon, key: UInt64, path: String) {
        var w = Writer()
        w.u64(magic)
        w.u64(key)
        encode(lexicon, into: &w)
        w.u64(fnv(w.bytes))
        guard let slash = path.lastIndex(of: "/") else { return }
        let directory = String(path[..<slash])
        if let parent = directory.lastIndex(of: "/") { _ = mkdir(String(directory[..<parent]), 0o755) }
        _ = mkdir(directory, 0o755)
        let temporary = path + ".\(getpid()).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let written = w.bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if written != w.bytes.count || rename(temporary, path) != 0 { unlink(temporary) }
        prune(directory)
    }

    /// Removes all but the ``kept`` newest compiled lexicons of `directory` (those of old builds).
    static func prune(_ directory: String) {
        guard let dir = opendir(directory) else { return }
        var files: [(path: String, time: Int)] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name.hasPrefix("lexicon-v1-"), name.hasSuffix(".bin") else { continue }
            var info = stat()
            let path = directory + "/" + name
            if stat(path, &info) == 0 { files.append((path, Int(info.st_mtim.tv_sec))) }
        }
        closedir(dir)
        guard files.count > kept else { return }
        for file in files.sorted(by: { $0.time > $1.time }).dropFirst(kept) { unlink(file.path) }
    }

    /// Entries (strings), the root table as (unit, node) pairs, the edge table, node terms, term units, the
    /// form table and each form's entries.
    static func encode(_ lexicon: Lexicon, into w: inout Writer) {
        w.u32(lexicon.entries.count)
        for e in lexicon.entries {
            for s in [e.id, e.category, e.zh, e.en] { w.string(s) }
            w.strings(e.synonyms)
            w.strings(e.variants)
        }
        let root = lexicon.rootChildren.enumerated().filter { $0.element >= 0 }
        w.u32(root.count)
        for (unit, node) in root {
            w.u32(unit)
            w.i32(node)
        }
        let edges = lexicon.edges.storage
        w.u32(edges.keys.count)
        w.u64(edges.shift)
        w.u32(edges.count)
        for (k, v) in zip(edges.keys, edges.values) where k != .max {
            w.u64(k)
            w.i32(v)
        }
        w.i32s(lexicon.nodeTerms)
        w.u32(lexicon.termUnits.count)
        for t in lexicon.termUnits { w.units(t) }
        // Forms in insertion order: interning them again rebuilds the same table.
        let forms = lexicon.forms.storage
        w.u32(forms.slots.count)
        w.u32(forms.keys.count)
        for k in forms.keys { w.units(k) }
        w.u32(lexicon.entriesOfForm.count)
        for list in lexicon.entriesOfForm {
            w.u32(list.count)
            for i in list { w.u32(i) }
        }
    }

    static func decode(_ r: inout Reader) -> Lexicon? {
        guard let entryCount = r.count() else { return nil }
        var entries: [Lexicon.Entry] = []
        entries.reserveCapacity(entryCount)
        for _ in 0..<entryCount {
            guard let id = r.string(), let category = r.string(), let zh = r.string(), let en = r.string(),
                  let synonyms = r.strings(), let variants = r.strings() else { return nil }
            entries.append(Lexicon.Entry(id: id, category: category, zh: zh, en: en, synonyms: synonyms, variants: variants))
        }
        var root = [Int32](repeating: -1, count: 0x10000)
        guard let rootCount = r.count() else { return nil }
        for _ in 0..<rootCount {
            guard let unit = r.count(), unit < 0x10000, let node = r.i32() else { return nil }
            root[unit] = node
        }
        guard let slots = r.count(), slots > 0, slots & (slots - 1) == 0, let shift = r.u64(), let edgeCount = r.count(),
              edgeCount < slots, shift == UInt64(64 - slots.trailingZeroBitCount) else { return nil }
        var keys = [UInt64](repeating: .max, count: slots)
        var values = [Int32](repeating: -1, count: slots)
        for _ in 0..<edgeCount {
            guard let k = r.u64(), k != .max, let v = r.i32() else { return nil }
            var slot = Int(truncatingIfNeeded: (k &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while keys[slot] != .max { slot = (slot + 1) & (slots - 1) }
            keys[slot] = k
            values[slot] = v
        }
        guard let nodeTerms = r.i32s(), let termCount = r.count() else { return nil }
        var termUnits: [[UInt16]] = []
        termUnits.reserveCapacity(termCount)
        for _ in 0..<termCount {
            guard let t = r.units() else { return nil }
            termUnits.append(t)
        }
        guard let formSlots = r.count(), let formCount = r.count(), formCount < formSlots else { return nil }
        var forms = UnitsTable(capacity: formSlots / 2)
        for _ in 0..<formCount {
            guard let k = r.units(), forms.intern(k) == forms.keys.count - 1 else { return nil }
        }
        guard forms.storage.slots.count == formSlots, let listCount = r.count() else { return nil }
        var entriesOfForm: [[Int]] = []
        entriesOfForm.reserveCapacity(listCount)
        for _ in 0..<listCount {
            guard let n = r.count() else { return nil }
            var list: [Int] = []
            for _ in 0..<n {
                guard let i = r.count(), i < entries.count else { return nil }
                list.append(i)
            }
            entriesOfForm.append(list)
        }
        // Every index the analyzer follows must be in range.
        guard r.isAtEnd, root.allSatisfy({ $0 < nodeTerms.count }), values.allSatisfy({ $0 < nodeTerms.count }),
              nodeTerms.allSatisfy({ $0 < termUnits.count }), listCount == formCount
        else { return nil }
        return Lexicon(entries: entries, rootChildren: root,
                       edges: EdgeTable(keys: keys, values: values, shift: shift, count: edgeCount),
                       nodeTerms: nodeTerms, termUnits: termUnits, forms: forms, entriesOfForm: entriesOfForm)
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { bytes += $0 } }
        mutating func i32(_ v: Int32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
        mutating func string(_ s: String) {
            u32(s.utf8.count)
            bytes += s.utf8
        }
        mutating func strings(_ list: [String]) {
            u32(list.count)
            for s in list { string(s) }
        }
        mutating func units(_ units: [UInt16]) {
            u32(units.count)
            for u in units { withUnsafeBytes(of: u.littleEndian) { bytes += $0 } }
        }
        mutating func i32s(_ list: [Int32]) {
            u32(list.count)
            for v in list { i32(v) }
        }
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var isAtEnd: Bool { offset == bytes.count }

        mutating func u32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }
        mutating func count() -> Int? { u32().map(Int.init) }
        mutating func i32() -> Int32? { u32().map { Int32(bitPattern: $0) } }
        mutating func u64() -> UInt64? {
            guard offset + 8 <= bytes.count else { return nil }
            defer { offset += 8 }
            return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        }
        mutating func string() -> String? {
            guard let n = count(), offset + n <= bytes.count else { return nil }
            defer { offset += n }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]), as: UTF8.self)
        }
        mutating func strings() -> [String]? {
            guard let n = count(), n <= bytes.count - offset else { return nil }
            var out: [String] = []
            for _ in 0..<n {
                guard let s = string() else { return nil }
                out.append(s)
            }
            return out
        }
        mutating func units() -> [UInt16]? {
            guard let n = count(), offset + 2 * n <= bytes.count else { return nil }
            defer { offset += 2 * n }
            return [UInt16](unsafeUninitializedCapacity: n) { buffer, count in
                if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress! + offset, byteCount: 2 * n) }
                count = n
            }
        }
        mutating func i32s(_ n: Int) -> [Int32]? {
            guard offset + 4 * n <= bytes.count else { return nil }
            defer { offset += 4 * n }
            return [Int32](unsafeUninitializedCapacity: n) { buffer, count in
                if n > 0 { UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: bytes.baseAddress! + offset, byteCount: 4 * n) }
                count = n
            }
        }
        mutating func i32s() -> [Int32]? {
            guard let n = count() else { return nil }
            return i32s(n)
        }
    }
}
