import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The bilingual domain lexicon: skill, occupation and vocabulary terms with their synonyms and regional
/// variants.
///
/// The analyzer uses it to join adjacent tokens into known terms (`数 控 机床` → `数控机床`), to keep
/// tokens whole that ICU would break (`c++`, `.net`, `s7-1200`), and to fold regional spellings onto one
/// term (`軟體` → `软件`). Query expansion and skill tagging read the same entries, so there is one source.
///
/// The file format is UTF-8 text, one entry a line, six tab-separated columns:
///
/// ```
/// # id   category     zh          en     synonyms (|)                        variants (|)
/// plc    automation   可编程控制器  PLC    可编程逻辑控制器|programmable logic controller
/// software vocab      软件         software                                    軟體
/// ```
///
/// A line without tabs is a single term to join or protect (id and label are the term itself).
/// `#` starts a comment line. Synonyms are terms of their own; variants are folded into the entry's
/// main term (its `zh` label, else its `en` label) at index and query time alike.
public final class Lexicon: Sendable {
    /// One row of a lexicon file.
    public struct Entry: Hashable, Sendable, Codable {
        public var id: String
        public var category: String
        public var zh: String
        public var en: String
        public var synonyms: [String]
        public var variants: [String]

        public init(id: String, category: String, zh: String, en: String, synonyms: [String] = [],
                    variants: [String] = []) {
            self.id = id
            self.category = category
            self.zh = zh
            self.en = en
            self.synonyms = synonyms
            self.variants = variants
        }

        /// The label variants fold into.
        var mainLabel: String { zh.isEmpty ? en : zh }

        /// Every surface form: labels, synonyms and variants.
        public var forms: [String] { [zh, en].filter { !$0.isEmpty } + synonyms + variants }
    }

    /// A bad line in a lexicon file.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var reason: String
        public var description: String { "\(path):\(line): \(reason)" }
    }

    public let entries: [Entry]

    /// The trie over folded forms. The root's children sit in a flat table indexed by UTF-16 unit, because
    /// nearly every walk ends there; deeper edges live in a hash table keyed by (node, unit).
    let rootChildren: [Int32]
    let edges: EdgeTable
    /// Bits that let most words of a text, which start no form, be passed over without touching the trie
    /// (whose root table and edges missed the cache on nearly every word): the units that are a form on
    /// their own, and (hashed) the pairs of units that begin a longer form.
    private let singleUnits: [UInt64]
    private let pairPrefixes: [UInt64]
    private static let pairBits: UInt32 = 17
    /// For each trie node, the index in `terms` of the term a form ending there maps to, or -1.
    let nodeTerms: [Int32]
    /// Folded terms, as UTF-16 code units.
    let termUnits: [[UInt16]]
    /// Folded forms (labels, synonyms and variants; spaces collapsed), and the entries of each.
    let forms: UnitsTable
    let entriesOfForm: [[Int]]

    /// A lexicon from its tables (as ``LexiconCache`` reads them).
    init(entries: [Entry], rootChildren: [Int32], edges: EdgeTable, nodeTerms: [Int32], termUnits: [[UInt16]],
         forms: UnitsTable, entriesOfForm: [[Int]]) {
        self.entries = entries
        self.rootChildren = rootChildren
        (singleUnits, pairPrefixes) = Self.filters(rootChildren: rootChildren, edges: edges, nodeTerms: nodeTerms)
        self.edges = edges
        self.nodeTerms = nodeTerms
        self.termUnits = termUnits
        self.forms = forms
        self.entriesOfForm = entriesOfForm
    }

    /// Builds a lexicon; forms are folded exactly as the analyzer folds text.
    ///
    /// Forms that contain white space, or mix Latin and Han, are kept in `entries` (for phrase matching and
    /// tagging by callers) but are not joined into single tokens; see ``isJoinable(_:)``.
    ///
    /// Runs at every start of the command-line tool, so it uses its own hash tables over UTF-16 units
    /// rather than `Dictionary` with `String` or array keys (their hashing was most of a cold search's
    /// lexicon time).
    public init(entries: [Entry]) throws {
        self.entries = entries
        let context = try FoldingContext()
        var root = [Int32](repeating: -1, count: 0x10000)
        var edges = EdgeTable(capacity: 4 * entries.count)
        var nodeTerms: [Int32] = [-1]  // node 0 is the root
        var terms = UnitsTable(capacity: 2 * entries.count)
        var forms = UnitsTable(capacity: 4 * entries.count)
        var entriesOfForm: [[Int]] = []

        for (entryIndex, entry) in entries.enumerated() {
            let main = try context.fold(entry.mainLabel)
            let mainTerm = terms.intern(main)
            let labelCount = (entry.zh.isEmpty ? 0 : 1) + (entry.en.isEmpty ? 0 : 1) + entry.synonyms.count
            var formIndex = 0
            for form in [entry.zh, entry.en].filter({ !$0.isEmpty }) + entry.synonyms + entry.variants {
                let isVariant = formIndex >= labelCount
                formIndex += 1
                let units = try context.fold(form)
                let key = Self.formKey(units)
                if !key.isEmpty {
                    let f = Int(forms.intern(key))
                    if f == entriesOfForm.count { entriesOfForm.append([]) }
                    if entriesOfForm[f].last != entryIndex { entriesOfForm[f].append(entryIndex) }
                }
                guard Self.isJoinable(form), !units.isEmpty else { continue }
                var node: Int32 = 0
                for unit in units {
                    if node == 0 {
                        if root[Int(unit)] < 0 {
                            root[Int(unit)] = Int32(nodeTerms.count)
                            nodeTerms.append(-1)
                        }
                        node = root[Int(unit)]
                    } else {
                        let next = edges.child(of: node, unit: unit)
                        if next >= 0 {
                            node = next
                        } else {
                            let next = Int32(nodeTerms.count)
                            nodeTerms.append(-1)
                            edges.insert(node: node, unit: unit, child: next)
                            node = next
                        }
                    }
                }
                // The first entry to claim a form keeps it, so user files cannot silently re-map built-ins
                // by accident of order: built-ins come first.
                if nodeTerms[Int(node)] < 0 {
                    nodeTerms[Int(node)] = isVariant ? mainTerm : terms.intern(units)
                }
            }
        }
        self.rootChildren = root
        (singleUnits, pairPrefixes) = Self.filters(rootChildren: root, edges: edges, nodeTerms: nodeTerms)
        self.edges = edges
        self.nodeTerms = nodeTerms
        self.termUnits = terms.keys
        self.forms = forms
        self.entriesOfForm = entriesOfForm
    }

    /// Folded text with runs of white space collapsed to one space and trimmed, as forms are looked up.
    static func formKey(_ folded: String) -> String { String(utf16Units: formKey(Array(folded.utf16))) }

    static func formKey(_ units: [UInt16]) -> [UInt16] {
        func isSpace(_ u: UInt16) -> Bool { u == 0x20 || u == 0x09 || u == 0x0A || u == 0x0D || u == 0x3000 }
        guard units.contains(where: isSpace) else { return units }
        var out: [UInt16] = []
        var pendingSpace = false
        for u in units {
            if isSpace(u) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20) }
                pendingSpace = false
                out.append(u)
            }
        }
        return out
    }

    /// The entries one of whose forms is `folded` (already folded by the analyzer: `plc`, `可编程控制器`,
    /// `quality inspector`).
    public func entries(forFolded folded: String) -> [Entry] {
        guard let f = forms.find(Self.formKey(Array(folded.utf16))) else { return [] }
        return entriesOfForm[Int(f)].map { entries[$0] }
    }

    /// Whether the analyzer joins `form` into one token.
    ///
    /// Forms with spaces stay separate words (`programmable logic controller`), and so do forms that mix
    /// Latin letters or digits with Han (`PLC编程`, `Java开发工程师`): joining those would hide their Latin
    /// core, and `plc` must match `PLC编程`. Such forms still serve tagging and query expansion.
    static func isJoinable(_ form: String) -> Bool {
        var hasLatin = false, hasHan = false
        for scalar in form.unicodeScalars {
            let v = scalar.value
            if v == 0x20 || v == 0x09 || v == 0x3000 || (v > 0x7F && Self.isOtherWhiteSpace(v)) { return false }
            if (0x30...0x39).contains(v) || (0x41...0x5A).contains(v) || (0x61...0x7A).contains(v) { hasLatin = true }
            if (0x3400...0x9FFF).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x3FFFF).contains(v) { hasHan = true }
        }
        return !form.isEmpty && !(hasLatin && hasHan)
    }

    /// Unicode's White_Space characters above ASCII (PropList.txt), without a property lookup per character.
    @inline(__always)
    static func isOtherWhiteSpace(_ v: UInt32) -> Bool {
        v == 0x85 || v == 0xA0 || v == 0x1680 || (0x2000...0x200A).contains(v) || v == 0x2028 || v == 0x2029
            || v == 0x202F || v == 0x205F || v == 0x3000
    }

    /// An empty lexicon: the analyzer then gives plain ICU words.
    public static let empty: Lexicon = try! Lexicon(entries: [])

    /// The lexicon that ships with talent (`Resources/lexicon.tsv`).
    public static func builtin() throws -> Lexicon {
        try builtinResult.get()
    }

    private static let builtinResult: Result<Lexicon, any Error> = Result {
        guard let url = besideExecutable() ?? Bundle.module.url(forResource: "lexicon", withExtension: "tsv") else {
            throw ParseError(path: "lexicon.tsv", line: 0, reason: "the built-in lexicon is missing from the bundle")
        }
        let bytes = Array(try Data(contentsOf: url))
        // The compiled tables of an earlier run of this executable over these bytes, if there are any.
        let cache = LexiconCache.directory.flatMap { directory in
            LexiconCache.key(bytes).map { (key: $0, path: LexiconCache.path(directory: directory, key: $0)) }
        }
        if let cache, let lexicon = LexiconCache.load(key: cache.key, path: cache.path) { return lexicon }
        let decoded = try TextDecoder.decode(bytes, path: url.path, strict: true)
        let lexicon = try Lexicon(entries: parse(decoded.text, path: url.path))
        if let cache { LexiconCache.store(lexicon, key: cache.key, path: cache.path) }
        return lexicon
    }

    /// The built-in lexicon in the resource bundle beside the running executable, where `Bundle.module` looks
    /// first, found without setting up `Bundle` (most of a millisecond at every start of the tool); `nil`
    /// when it is not there.
    private static func besideExecutable() -> URL? {
        #if os(Linux)
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buffer, 4096)
        guard n > 0 else { return nil }
        var executable = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = executable.lastIndex(of: "/") else { return nil }
        executable.removeSubrange(slash...)
        let path = executable + "/talent_TextAnalysis.resources/lexicon.tsv"
        return access(path, R_OK) == 0 ? URL(fileURLWithPath: path) : nil
        #else
        return nil
        #endif
    }

    /// The built-in lexicon followed by the entries of `files` (built-ins win on conflicting forms).
    public static func builtin(adding files: [String]) throws -> Lexicon {
        if files.isEmpty { return try builtin() }
        var entries = try builtin().entries
        for file in files { entries += try parse(contentsOf: URL(fileURLWithPath: file)) }
        return try Lexicon(entries: entries)
    }

    /// Reads a lexicon file.
    ///
    /// - Throws: ``ParseError`` naming the file and line of the first bad row, or the file system's error.
    public static func parse(contentsOf url: URL) throws -> [Entry] {
        let data = try Data(contentsOf: url)
        let decoded = try TextDecoder.decode(Array(data), path: url.path, strict: true)
        return try parse(decoded.text, path: url.path)
    }

    /// Parses lexicon text; `path` names the source in errors.
    public static func parse(_ text: String, path: String) throws -> [Entry] {
        // Works on UTF-8 bytes: splitting `String`s by `Character` was half of a cold `talent search`.
        let bytes = Array(text.utf8)
        func string(_ slice: ArraySlice<UInt8>) -> String {
            var a = slice.startIndex, b = slice.endIndex
            while a < b, bytes[a] == 0x20 || bytes[a] == 0x09 || bytes[a] == 0x0D { a += 1 }
            while b > a, bytes[b - 1] == 0x20 || bytes[b - 1] == 0x09 || bytes[b - 1] == 0x0D { b -= 1 }
            return String(decoding: bytes[a..<b], as: UTF8.self)
        }
        var entries: [Entry] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = string(line)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard line.contains(0x09) else {
                entries.append(Entry(id: trimmed, category: "user", zh: "", en: trimmed))
                continue
            }
            let columns = line.split(separator: 0x09, omittingEmptySubsequences: false)
            guard columns.count <= 6 else {
                throw ParseError(path: path, line: lineNumber, reason: "expected at most 6 tab-separated columns (id, category, zh, en, synonyms, variants), found \(columns.count)")
            }
            func column(_ i: Int) -> String { i < columns.count ? string(columns[i]) : "" }
            func list(_ i: Int) -> [String] {
                guard i < columns.count else { return [] }
                return columns[i].split(separator: UInt8(ascii: "|")).map(string).filter { !$0.isEmpty }
            }
            let entry = Entry(id: column(0), category: column(1), zh: column(2), en: column(3),
                              synonyms: list(4), variants: list(5))
            guard !entry.id.isEmpty else {
                throw ParseError(path: path, line: lineNumber, reason: "the id column is empty")
            }
            guard !entry.zh.isEmpty || !entry.en.isEmpty else {
                throw ParseError(path: path, line: lineNumber, reason: "entry '\(entry.id)' has neither a zh nor an en label")
            }
            entries.append(entry)
        }
        return entries
    }

    // MARK: - Matching

    @inline(__always)
    private static func pairBit(_ first: UInt16, _ second: UInt16) -> Int {
        Int(((UInt32(first) << 16 | UInt32(second)) &* 0x9E37_79B1) >> (32 - pairBits))
    }

    @inline(__always)
    private static func has(_ bits: [UInt64], _ bit: Int) -> Bool { bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 }

    private static func filters(rootChildren: [Int32], edges: EdgeTable, nodeTerms: [Int32]) -> ([UInt64], [UInt64]) {
        var singles = [UInt64](repeating: 0, count: 1 << 10)
        var pairs = [UInt64](repeating: 0, count: 1 << (pairBits - 6))
        var firstOfNode: [Int32: UInt16] = [:]
        for (unit, node) in rootChildren.enumerated() where node >= 0 {
            firstOfNode[node] = UInt16(unit)
            if nodeTerms[Int(node)] >= 0 { singles[unit >> 6] |= 1 << UInt64(unit & 63) }
        }
        let (keys, _, _, _) = edges.storage
        for key in keys where key != .max {
            guard let first = firstOfNode[Int32(truncatingIfNeeded: key >> 16)] else { continue }
            let bit = pairBit(first, UInt16(truncatingIfNeeded: key))
            pairs[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        return (singles, pairs)
    }

    /// Finds the longest form that starts at folded unit `start` and ends where a segment ends.
    ///
    /// - Parameters:
    ///   - folded: the folded text.
    ///   - segments: the ICU segments (start, end, status triples); `first` is the segment starting at `start`.
    /// - Returns: the term index and the index of the segment after the match, or `nil`.
    @inline(__always)
    func longestMatch(in folded: UnsafeBufferPointer<UInt16>, segments: UnsafePointer<Int32>, segmentCount: Int,
                      first: Int) -> (term: Int, nextSegment: Int)? {
        var i = Int(segments[3 * first])
        let unit = folded[i]
        if i + 1 < folded.count && !Self.has(pairPrefixes, Self.pairBit(unit, folded[i + 1]))
            && !Self.has(singleUnits, Int(unit)) {
            return nil
        }
        var node = rootChildren[Int(unit)]
        guard node >= 0 else { return nil }
        var best: (term: Int, nextSegment: Int)?
        var segment = first
        while true {
            i += 1
            // Advance to the segment containing unit i - 1; a match may end only at a segment's end.
            while segment < segmentCount && Int(segments[3 * segment + 1]) < i { segment += 1 }
            if segment < segmentCount && Int(segments[3 * segment + 1]) == i {
                let term = nodeTerms[Int(node)]
                if term >= 0 { best = (Int(term), segment + 1) }
            }
            guard i < folded.count else { break }
            let next = edges.child(of: node, unit: folded[i])
            guard next >= 0 else { break }
            node = next
        }
        return best
    }
}

/// The trie's edges below the root in an open-addressing table with a multiplicative hash: lookups run per
/// character of the text, and `Dictionary`'s seeded hashing cost more than the rest of the walk.
struct EdgeTable: Sendable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var shift: UInt64
    private var count = 0

    /// A table from its arrays (`keys.count` a power of two, `shift` 64 minus its log).
    init(keys: [UInt64], values: [Int32], shift: UInt64, count: Int) {
        self.keys = keys
        self.values = values
        self.shift = shift
        self.count = count
    }

    /// The arrays, for ``LexiconCache``.
    var storage: (keys: [UInt64], values: [Int32], shift: UInt64, count: Int) { (keys, values, shift, count) }

    init(capacity: Int) {
        var bits = 4
        while (1 << bits) < capacity * 2 { bits += 1 }
        keys = [UInt64](repeating: .max, count: 1 << bits)
        values = [Int32](repeating: -1, count: 1 << bits)
        shift = UInt64(64 - bits)
    }

    /// Adds the edge from `node` along `unit` (which must be new).
    mutating func insert(node: Int32, unit: UInt16, child: Int32) {
        if 2 * (count + 1) > keys.count { grow() }
        place(UInt64(node) << 16 | UInt64(unit), child)
        count += 1
    }

    private mutating func place(_ key: UInt64, _ value: Int32) {
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while keys[slot] != .max { slot = (slot + 1) & mask }
        keys[slot] = key
        values[slot] = value
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: .max, count: 2 * oldKeys.count)
        values = [Int32](repeating: -1, count: 2 * oldKeys.count)
        shift -= 1
        for (k, v) in zip(oldKeys, oldValues) where k != .max { place(k, v) }
    }

    /// The child of `node` along `unit`, or -1.
    @inline(__always)
    func child(of node: Int32, unit: UInt16) -> Int32 {
        let key = UInt64(node) << 16 | UInt64(unit)
        let mask = keys.count - 1
        var slot = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == .max { return -1 }
            slot = (slot + 1) & mask
        }
    }
}

/// Distinct UTF-16 strings, each with the index of its first insertion, in an open-addressing table with
/// FNV-1a hashes (no seeded hashing of arrays).
struct UnitsTable: Sendable {
    private(set) var keys: [[UInt16]] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32]

    /// A table from its arrays (`slots.count` a power of two).
    init(keys: [[UInt16]], hashes: [UInt64], slots: [Int32]) {
        self.keys = keys
        self.hashes = hashes
        self.slots = slots
    }

    /// The arrays, for ``LexiconCache``.
    var storage: (keys: [[UInt16]], hashes: [UInt64], slots: [Int32]) { (keys, hashes, slots) }

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = [Int32](repeating: -1, count: size)
        keys.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
    }

    @inline(__always)
    static func hash(_ units: [UInt16]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for u in units { h = (h ^ UInt64(u)) &* 0x100_0000_01B3 }
        return h ^ (h >> 29)
    }

    /// The index of `units`, or `nil`.
    func find(_ units: [UInt16]) -> Int32? {
        let h = Self.hash(units)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let i = slots[slot]
            if i < 0 { return nil }
            if hashes[Int(i)] == h && keys[Int(i)] == units { return i }
            slot = (slot + 1) & mask
        }
    }

    /// The index of `units`, adding it when new.
    mutating func intern(_ units: [UInt16]) -> Int32 {
        let h = Self.hash(units)
        var mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let i = slots[slot]
            if i < 0 { break }
            if hashes[Int(i)] == h && keys[Int(i)] == units { return i }
            slot = (slot + 1) & mask
        }
        let index = Int32(keys.count)
        keys.append(units)
        hashes.append(h)
        if 2 * keys.count > slots.count {
            slots = [Int32](repeating: -1, count: 2 * slots.count)
            mask = slots.count - 1
            for (k, kh) in hashes.enumerated() {
                var s = Int(truncatingIfNeeded: kh) & mask
                while slots[s] >= 0 { s = (s + 1) & mask }
                slots[s] = Int32(k)
            }
        } else {
            slots[slot] = index
        }
        return index
    }
}
