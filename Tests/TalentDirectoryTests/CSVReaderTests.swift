import Testing

@testable import TalentDirectory

struct CSVReaderTests {
    func rows(_ text: String) throws -> [CSVReader.Row] {
        var reader = CSVReader(text: text)
        var rows: [CSVReader.Row] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = "职位,描述,地区\r\n焊工,\"会二保焊, 氩弧焊\n持证\"\"优先\"\"\",广东·佛山\r\n\n电工,,\n"
        let result = try rows(text)
        #expect(result.map(\.fields) == [["职位", "描述", "地区"], ["焊工", "会二保焊, 氩弧焊\n持证\"优先\"", "广东·佛山"], ["电工", "", ""]])
        #expect(result.map(\.line) == [1, 2, 5])
    }

    @Test func lastRowWithoutNewline() throws {
        #expect(try rows("a,b\n1,2").map(\.fields) == [["a", "b"], ["1", "2"]])
    }

    @Test func unterminatedQuoteLosesOneLineOnly() throws {
        var reader = CSVReader(text: "a,b\n1,\"oops\n2,3\n")
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(throws: CSVReader.Error(line: 2, reason: "a quoted field is not closed before the end of the file")) {
            try reader.next()
        }
        let next = try reader.next()
        #expect(next == CSVReader.Row(fields: ["2", "3"], line: 3))
    }
}
