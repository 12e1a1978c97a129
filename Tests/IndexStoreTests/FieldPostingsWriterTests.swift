import Testing

@testable import IndexStore

struct FieldPostingsWriterTests {
    @Test func termIsOneCacheLine() {
        #expect(MemoryLayout<FieldPostingsWriter.Term>.stride == 64)
    }

    /// Terms that share their first six code units, differ only past them, or are prefixes of each other
    /// stay distinct, and every occurrence is recorded in its term's streams.
    @Test(arguments: [4, 1 << 12])
    func internsAndRecordsPostings(capacity: Int) {
        var writer = FieldPostingsWriter(capacity: capacity)
        defer { writer.deallocate() }
        let words = ["", "a", "ab", "数控", "数控机床", "abcdef", "abcdefg", "abcdefh", "abcdefgh", "abcdefgh\u{0}",
                     "机器人工程师助理", "机器人工程师助手"] + (0..<3000).map { "t\($0 % 1000)词" }
        var ids: [String: Int32] = [:]
        var expected: [String: [(doc: Int32, positions: [UInt32])]] = [:]
        for (i, word) in words.enumerated() {
            let doc = Int32(i / 50)
            let position = UInt32(i % 50)
            let units = Array(word.utf16)
            let id = units.withUnsafeBufferPointer { writer.add($0, doc: doc, position: position) }
            if let known = ids[word] { #expect(known == id) } else { ids[word] = id }
            if expected[word]?.last?.doc == doc {
                expected[word]![expected[word]!.count - 1].positions.append(position)
            } else {
                expected[word, default: []].append((doc, [position]))
            }
        }
        #expect(writer.count == ids.count)
        writer.closeDocuments()
        for (word, id) in ids {
            let t = Int(id)
            #expect(String(decoding: writer.text(t), as: UTF16.self) == word)
            var docs = ByteReader(writer.docBytes(t), file: "memory")
            var positions = ByteReader(writer.positionBytes(t), file: "memory")
            var doc: Int64 = -1
            var found: [(doc: Int32, positions: [UInt32])] = []
            while !docs.isAtEnd {
                doc += Int64(try! docs.vint())
                let freq = Int(try! docs.vint())
                var last: UInt32 = 0
                var list: [UInt32] = []
                for _ in 0..<freq {
                    last += UInt32(try! positions.vint())
                    list.append(last)
                }
                found.append((Int32(doc), list))
            }
            #expect(found.map(\.doc) == expected[word]!.map(\.doc))
            #expect(found.map(\.positions) == expected[word]!.map(\.positions))
        }
    }
}
