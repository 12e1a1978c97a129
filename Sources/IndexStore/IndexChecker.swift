/// Verifies an index: every file's frame and checksum, and the invariants readers rely on.
public enum IndexChecker {
    public struct Report: Sendable {
        public var segments = 0
        public var documents = 0
        public var terms = 0
        public var postings = 0
        public var files = 0
        public var bytes = 0
    }

    /// Checks the committed index in `directory`; throws naming the first damaged file.
    public static func check(_ directory: String) throws(IndexError) -> Report {
        let snapshot = try IndexSnapshot(directory: directory)
        var report = Report()
        for r in snapshot.segments {
            try r.verifyChecksums()
            report.segments += 1
            report.files += r.filePaths.count
            report.bytes += r.info.bytes.values.reduce(0, +)
            report.documents += r.info.liveCount
            let file = r.filePaths.first { $0.0 == .postings }?.1 ?? r.info.name
            let maxDoc = UInt32(r.maxDoc)
            for field in snapshot.manifest.schema.textFields.indices {
                var previous: [UInt8]?
                var count = 0
                var failure: IndexError?
                try r.forEachTerm(field: field) { (term, info) throws(IndexError) in
                    if let p = previous, !p.lexicographicallyPrecedes(term) {
                        failure = .corrupt(file: file, reason: "terms out of order in field \(field)")
                        return false
                    }
                    previous = term
                    count += 1
                    let cursor = try r.postings(info)
                    var n = 0
                    var last: Int64 = -1
                    var maxFreq: UInt32 = 0
                    while cursor.doc != PostingsCursor.noMoreDocs {
                        let positions = try cursor.positions()
                        guard Int64(cursor.doc) > last, cursor.doc < maxDoc, positions.count == Int(cursor.freq),
                              zip(positions, positions.dropFirst()).allSatisfy({ $0 < $1 }) else {
                            failure = .corrupt(file: file, reason: "postings of term \(String(decoding: term, as: UTF8.self)) are inconsistent")
                            return false
                        }
                        maxFreq = max(maxFreq, cursor.freq)
                        last = Int64(cursor.doc)
                        n += 1
                        try cursor.next()
                    }
                    guard n == info.docFreq, Int(maxFreq) == info.maxFreq else {
                        failure = .corrupt(file: file, reason: "document frequency of \(String(decoding: term, as: UTF8.self)) is \(info.docFreq), postings hold \(n)")
                        return false
                    }
                    report.postings += n
                    return true
                }
                if let failure { throw failure }
                guard count == r.termCount(field: field) else {
                    throw .corrupt(file: file, reason: "field \(field) has \(count) terms, its index says \(r.termCount(field: field))")
                }
                report.terms += count
            }
            for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
                guard r.doc(forID: r.id(of: doc)) != nil else {
                    throw .corrupt(file: r.info.fileName(.values), reason: "id of document \(doc) cannot be looked up")
                }
                _ = try r.storedDocument(doc)
            }
        }
        return report
    }
}
