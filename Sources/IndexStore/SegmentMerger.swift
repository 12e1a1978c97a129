/// Merges segments into one, dropping deleted documents: the work of `talent optimize`.
public enum SegmentMerger {
    /// Writes the live documents of `readers` as segment `name` in `directory`; returns `nil` when no live
    /// document is left.
    public static func merge(_ readers: [SegmentReader], schema: Schema, into directory: String,
                             name: String) throws(IndexError) -> SegmentInfo? {
        // New document numbers: live documents in segment order.
        var docMaps: [[Int32]] = []
        var maxDoc = 0
        for r in readers {
            var map = [Int32](repeating: -1, count: r.maxDoc)
            for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
                map[doc] = Int32(maxDoc)
                maxDoc += 1
            }
            docMaps.append(map)
        }
        guard maxDoc > 0 else { return nil }

        var norms = schema.textFields.map { _ in [UInt16]() }
        var stats = schema.textFields.map { _ in FieldStats() }
        for (s, r) in readers.enumerated() {
            for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                for f in schema.textFields.indices {
                    let n = r.norm(field: f, doc: doc)
                    norms[f].append(UInt16(n))
                    if n > 0 {
                        stats[f].docCount += 1
                        stats[f].sumLength += n
                    }
                }
            }
        }

        let output = try SegmentOutput(directory: directory, name: name, maxDoc: maxDoc, fieldStats: stats)
        var encoder = PostingsEncoder()
        for field in schema.textFields.indices {
            output.startField()
            // Every segment's sorted term list, merged.
            var lists: [[([UInt8], TermInfo)]] = []
            for r in readers {
                var list: [([UInt8], TermInfo)] = []
                list.reserveCapacity(r.termCount(field: field))
                try r.forEachTerm(field: field) { term, info in
                    list.append((term, info))
                    return true
                }
                lists.append(list)
            }
            var heads = [Int](repeating: 0, count: readers.count)
            while true {
                var smallest: [UInt8]?
                for (s, list) in lists.enumerated() where heads[s] < list.count {
                    let t = list[heads[s]].0
                    if smallest == nil || t.lexicographicallyPrecedes(smallest!) { smallest = t }
                }
                guard let term = smallest else { break }
                for (s, list) in lists.enumerated() where heads[s] < list.count && list[heads[s]].0 == term {
                    let cursor = try readers[s].postings(list[heads[s]].1)
                    while cursor.doc != PostingsCursor.noMoreDocs {
                        let newDoc = docMaps[s][Int(cursor.doc)]
                        if newDoc >= 0 {
                            encoder.add(doc: UInt32(newDoc), norm: UInt32(norms[field][Int(newDoc)]),
                                        positions: try cursor.positions())
                        }
                        try cursor.next()
                    }
                    heads[s] += 1
                }
                if !encoder.isEmpty { try output.addTerm(term, &encoder) }
            }
            output.endField()
        }

        // Stored documents stream to their file; columns are gathered one at a time, so memory stays near one
        // column of the merged segment rather than all of them.
        var stored = StoredFieldsWriter()
        var ids: [String] = []
        ids.reserveCapacity(maxDoc)
        for (s, r) in readers.enumerated() {
            for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                stored.add(try r.storedDocument(doc))
                ids.append(r.id(of: doc))
                if stored.body.count >= 1 << 22 { try output.streamStored(&stored) }
            }
        }
        var values = DocValuesWriter()
        values.ids(ids)
        ids = []
        for spec in schema.columns {
            var column: [ColumnValue] = []
            column.reserveCapacity(maxDoc)
            for (s, r) in readers.enumerated() {
                let source = r.column(spec.name)
                for doc in 0..<r.maxDoc where docMaps[s][doc] >= 0 {
                    switch spec.kind {
                    case .keyword: column.append(.keyword(source?.strings(doc).first))
                    case .keywords: column.append(.keywords(source?.strings(doc) ?? []))
                    case .int: column.append(.int(source?.int(doc)))
                    }
                }
            }
            values.column(spec, column)
        }
        for f in schema.textFields.indices { values.norms(field: f, values: norms[f]) }
        return try output.finish(stored: &stored, values: &values, deletions: nil)
    }
}
