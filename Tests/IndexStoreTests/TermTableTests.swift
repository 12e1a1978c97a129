import Testing

@testable import IndexStore

struct TermTableTests {
    @Test func internsDistinctTermsDensely() {
        var table = TermTable(capacity: 4)
        let words = (0..<5000).map { "t\($0 % 1000)词" }
        var ids: [String: Int32] = [:]
        for word in words {
            let units = Array(word.utf16)
            let id = units.withUnsafeBufferPointer { table.intern($0) }
            if let known = ids[word] { #expect(known == id) } else { ids[word] = id }
        }
        #expect(table.count == 1000)
        #expect(Set(ids.values) == Set(0..<1000))
        for (word, id) in ids { #expect(table.term(id) == word) }
        let missing = Array("absent".utf16)
        #expect(missing.withUnsafeBufferPointer { table.lookup($0) } == nil)
        let empty: [UInt16] = []
        let emptyID = empty.withUnsafeBufferPointer { table.intern($0) }
        #expect(table.term(emptyID) == "")
    }
}
