import Foundation
import Testing

@testable import TalentDirectory
import TestSupport

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

struct StreamingCSVReaderTests {
    /// Rows and errors of a reader, in order.
    func drain(_ reader: inout CSVReader) -> [String] {
        var out: [String] = []
        while true {
            do {
                guard let row = try reader.next() else { break }
                out.append("\(row.line):\(row.fields)")
            } catch {
                out.append("error \(error)")
            }
        }
        return out
    }

    static let texts = [
        "职位,描述,地区\r\n焊工,\"会二保焊, 氩弧焊\n持证\"\"优先\"\"\",广东·佛山\r\n\n电工,,\n",
        "a,b\n1,\"oops\n2,3\n",
        "a,\"\"\"\",c\r\n\r\n\r\nx,y,z",
        "only\n",
        "",
    ]

    @Test(arguments: texts)
    func chunkedInputGivesTheSameRowsAsWholeText(_ text: String) {
        var whole = CSVReader(text: text)
        let expected = drain(&whole)
        for size in [1, 2, 3, 5, 8, 64] {
            var bytes = Array(text.utf8)[...]
            var reader = CSVReader(chunks: {
                guard !bytes.isEmpty else { return nil }
                let chunk = Array(bytes.prefix(size))
                bytes = bytes.dropFirst(size)
                return chunk
            })
            #expect(drain(&reader) == expected, "chunks of \(size)")
        }
    }

    /// Random CSV (quotes, doubled quotes, commas, LF and CRLF inside and between rows, blank lines,
    /// multi-byte text) read through a buffer of a few bytes, filled a random few bytes at a time, gives the
    /// rows, line numbers and errors of the whole text: rows outgrow the buffer, and compaction and growth
    /// happen at every offset.
    @Test func randomTextsThroughATinyBufferMatchTheWholeText() {
        var g = SeededRandom(seed: 2026)
        let pieces = ["a", "焊工", "\"", "\"\"", ",", "\n", "\r\n", "\r", " ", "x,y", "\"q,\nz\"", "€"]
        for round in 0..<300 {
            let text = (0..<Int(g.next() % 40)).map { _ in pieces[Int(g.next() % UInt64(pieces.count))] }.joined()
            var whole = CSVReader(text: text)
            let expected = drain(&whole)
            var bytes = Array(text.utf8)[...]
            let most = Int(g.next() % 5) + 1
            var sizes = SeededRandom(seed: UInt64(round))
            var reader = CSVReader(fill: { space in
                let n = min(Int(sizes.next() % UInt64(most)) + 1, bytes.count, space.count)
                space.copyBytes(from: bytes.prefix(n))
                bytes = bytes.dropFirst(n)
                return n
            }, bufferSize: Int(g.next() % 8) + 1)
            #expect(drain(&reader) == expected, "round \(round): \(text.debugDescription)")
        }
    }

    /// A read that fails part-way keeps the rows before it and reports the line where reading stopped.
    @Test func aFailedReadKeepsEarlierRowsAndSaysWhereItStopped() {
        var bytes = Array("a,b\n1,2\n3,4\n5,".utf8)[...]
        var reader = CSVReader(fill: { space in
            guard !bytes.isEmpty else { return -1 }
            let n = min(4, bytes.count, space.count)
            space.copyBytes(from: bytes.prefix(n))
            bytes = bytes.dropFirst(n)
            return n
        })
        let out = drain(&reader)
        #expect(out.prefix(3) == ["1:[\"a\", \"b\"]", "2:[\"1\", \"2\"]", "3:[\"3\", \"4\"]"])
        #expect(out.count == 4 && out[3].hasPrefix("error line 4: the file could not be read"), "\(out)")
    }

    /// The same input written into the reader's buffer a few bytes per fill, as a file is read.
    @Test(arguments: texts)
    func filledInputGivesTheSameRowsAsWholeText(_ text: String) {
        var whole = CSVReader(text: text)
        let expected = drain(&whole)
        for size in [1, 2, 3, 7, 64] {
            var bytes = Array(text.utf8)[...]
            var reader = CSVReader(fill: { space in
                let n = min(size, bytes.count, space.count)
                space.copyBytes(from: bytes.prefix(n))
                bytes = bytes.dropFirst(n)
                return n
            })
            #expect(drain(&reader) == expected, "fills of \(size)")
        }
    }
}

struct StreamedFileTests {
    @Test func aStreamedCSVFileGivesTheSameRecordsAsAWholeOne() throws {
        try TemporaryDirectory.with { dir in
            var text = "\u{FEFF}职位,描述,地区,最低薪资\n"
            for i in 0..<3000 {
                text += "焊工\(i),\"会二保焊, 氩弧焊\n持证\"\"优先\"\"\",广东·佛山,\(5000 + i)\n"
                if i % 500 == 0 { text += "ragged,row\n" }
            }
            let path = dir + "/big.csv"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            func read(threshold: Int) throws -> ([Record], [RecordIssue]) {
                var records: [Record] = [], issues: [RecordIssue] = []
                try RecordReader().read(fileAt: path, displayPath: "big.csv", streamingThreshold: threshold,
                                        record: { records.append($0) }, issue: { issues.append($0) })
                return (records, issues)
            }
            let whole = try read(threshold: Int.max)
            let streamed = try read(threshold: 1)
            #expect(whole.0.count == 3000)
            #expect(streamed.0 == whole.0)
            #expect(streamed.1 == whole.1)
            #expect(streamed.1.count == 6)
        }
    }

    /// Whatever character the first megabyte ends in, and through a symbolic link, a large UTF-8 file streams.
    @Test func largeUTF8FilesStreamWhereverTheFirstChunkEnds() throws {
        try TemporaryDirectory.with { dir in
            for pad in 0..<3 {
                let path = dir + "/big-\(pad).csv"
                let text = "职位\n" + String(repeating: "a", count: pad) + String(repeating: "焊", count: 400_000) + "\n"
                try text.write(toFile: path, atomically: false, encoding: .utf8)
                #expect(try RecordReader.utf8Stream(path, threshold: 1 << 20) != nil, "pad \(pad)")
                let link = dir + "/link-\(pad).csv"
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
                #expect(try RecordReader.utf8Stream(link, threshold: 1 << 20) != nil, "link, pad \(pad)")
            }
            #expect(RecordReader.lastCharacterStart(Array("ab焊".utf8)) == 2)
            #expect(RecordReader.lastCharacterStart(Array("ab焊".utf8).dropLast()) == 2)
            #expect(RecordReader.lastCharacterStart(Array("ab".utf8)) == 1)
            #expect(RecordReader.lastCharacterStart([]) == 0)
        }
    }
}
