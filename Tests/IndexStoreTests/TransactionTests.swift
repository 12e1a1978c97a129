import Foundation
import Testing
import TestSupport

@testable import IndexStore

struct TransactionTests {
    func build(_ dir: String, _ tx: IndexTransaction, _ docs: [TestDoc]) throws -> Int {
        let b = SegmentBuilder(schema: testSchema)
        for d in docs { add(d, to: b) }
        return try tx.addSegment(try b.write(to: dir, name: tx.newSegmentName()))
    }

    @Test func sameIDReplacesAcrossCommitsAndWithinABatch() throws {
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            #expect(try build(dir, tx, [TestDoc(id: "x", title: "old", body: ""), TestDoc(id: "y", title: "keep", body: "")]) == 0)
            try tx.commit()
            let tx2 = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            #expect(try build(dir, tx2, [TestDoc(id: "x", title: "mid", body: ""), TestDoc(id: "x", title: "new", body: "")]) == 1)
            try tx2.commit()
            let s = try IndexSnapshot(directory: dir)
            #expect(s.liveDocuments == 2)
            var live: [String: String] = [:]
            for r in s.segments {
                for doc in 0..<r.maxDoc where !r.isDeleted(doc) {
                    live[r.id(of: doc)] = String(decoding: try r.storedDocument(doc), as: UTF8.self)
                }
            }
            #expect(Set(live.keys) == ["x", "y"])
            #expect(try postings(s.segments[1], 0, "new").count == 1)
            #expect(s.segments[1].isDeleted(0))
        }
    }

    @Test func uncommittedWorkIsInvisibleAndCleanedUp() throws {
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            _ = try build(dir, tx, [TestDoc(id: "a", title: "one", body: "")])
            try tx.commit()
            do {
                let tx2 = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
                _ = try build(dir, tx2, [TestDoc(id: "b", title: "two", body: "")])
                // Dropped without commit, as a failed build would be.
            }
            #expect(try IndexSnapshot(directory: dir).liveDocuments == 1)
            let tx3 = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".post") }
            #expect(files.count == 1, "the orphaned segment was removed")
            _ = tx3
        }
    }

    @Test func secondWriterIsRefusedNamingTheHolder() throws {
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "talent index corpus/")
            #expect {
                _ = try IndexTransaction(directory: dir, schema: testSchema, purpose: "second")
            } throws: { error in
                guard case IndexError.locked(_, let holder) = error else { return false }
                return holder.contains("pid \(ProcessInfo.processInfo.processIdentifier)") && holder.contains("talent index corpus/")
            }
            try tx.commit()
            _ = try IndexTransaction(directory: dir, schema: testSchema, purpose: "after")
        }
    }

    @Test func checkNamesTheFileWithAFlippedByte() throws {
        try TemporaryDirectory.with { dir in
            let tx = try IndexTransaction(directory: dir, schema: testSchema, purpose: "test")
            _ = try build(dir, tx, (0..<300).map { TestDoc(id: "d\($0)", title: "t\($0 % 9)", body: "b\($0 % 13) c", region: "r", skills: ["s"], salary: 1) })
            _ = tx.delete(ids: ["d5"])
            try tx.commit()
            #expect(try IndexChecker.check(dir).documents == 299)
            let files = try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { !$0.hasPrefix("manifest") && $0 != WriteLock.fileName }.sorted()
            #expect(files.count == 6)
            for name in files {
                let path = dir + "/" + name
                var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
                for offset in [0, 9, bytes.count / 2, bytes.count - 1] {
                    let original = bytes[offset]
                    bytes[offset] ^= 0x5A
                    try Data(bytes).write(to: URL(fileURLWithPath: path))
                    #expect {
                        _ = try IndexChecker.check(dir)
                    } throws: { error in
                        "\(error)".contains(name)
                    }
                    bytes[offset] = original
                }
                try Data(bytes).write(to: URL(fileURLWithPath: path))
            }
            #expect(try IndexChecker.check(dir).documents == 299)
        }
    }
}
