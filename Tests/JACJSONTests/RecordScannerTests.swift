import JACJSON
import JACWire
import Testing

@Suite struct RecordScannerTests {
    struct Found: Equatable, CustomStringConvertible {
        var text: String
        var line: Int
        var column: Int
        var description: String { "\(line):\(column) \(text)" }
    }

    /// Feeds `input` to a scanner `chunkSize` bytes at a time the way a splitter does: the
    /// unconsumed tail is kept and the next bytes are appended after it.
    func scan(_ input: [UInt8], mode: InputMode = .auto, chunkSize: Int) throws -> (records: [Found], mode: InputMode?) {
        var scanner = RecordScanner(mode: mode)
        var found: [Found] = []
        var buffer: [UInt8] = []
        var next = 0
        while true {
            let take = min(chunkSize, input.count - next)
            buffer += input[next ..< next + take]
            next += take
            let isFinal = next == input.count
            let consumed = try buffer.withUnsafeBytes { raw -> Int in
                try scanner.scan(raw, isFinal: isFinal) { (start, end, line, column) throws(JACError) in
                    found.append(Found(text: String(decoding: raw[start ..< end], as: UTF8.self), line: line, column: column))
                }
            }
            buffer.removeFirst(consumed)
            if isFinal {
                #expect(buffer.isEmpty)
                return (found, scanner.detectedMode)
            }
        }
    }

    func scanAllWays(_ input: String, mode: InputMode = .auto) throws -> (records: [Found], mode: InputMode?) {
        let bytes = Array(input.utf8)
        let whole = try scan(bytes, mode: mode, chunkSize: max(bytes.count, 1))
        for size in [1, 7] {
            let chunked = try scan(bytes, mode: mode, chunkSize: size)
            #expect(chunked.records == whole.records, "chunk size \(size)")
            #expect(chunked.mode == whole.mode)
        }
        return whole
    }

    /// The error message for `input`, checked to be the same however the input is chunked.
    func scanError(_ input: String, mode: InputMode = .auto) -> String? {
        let bytes = Array(input.utf8)
        var messages: [String?] = []
        for size in [max(bytes.count, 1), 1, 7] {
            do {
                _ = try scan(bytes, mode: mode, chunkSize: size)
                messages.append(nil)
            } catch let error as JACError {
                messages.append(error.message)
            } catch {
                Issue.record(error)
            }
        }
        #expect(Set(messages).count == 1, "\(messages)")
        return messages[0]
    }

    @Test func ndjson() throws {
        let input = "{\"a\":1}\n{\"b\":\"x}{\\\"\\\\\"}\r\n\n  {\"c\":[1,{\"d\":\"]\"}]}\n"
        let result = try scanAllWays(input)
        #expect(result.mode == .ndjson)
        #expect(result.records == [
            Found(text: "{\"a\":1}", line: 1, column: 1),
            Found(text: "{\"b\":\"x}{\\\"\\\\\"}", line: 2, column: 1),
            Found(text: "{\"c\":[1,{\"d\":\"]\"}]}", line: 4, column: 3),
        ])
    }

    @Test func prettyPrintedAndConcatenated() throws {
        let input = "\u{FEFF}{\n  \"a\": {\n    \"b\": \"line\\nbreak\"\n  }\n}{\"x\":[]}{}\n\t{\n}"
        let result = try scanAllWays(input)
        #expect(result.mode == .ndjson)
        #expect(result.records == [
            Found(text: "{\n  \"a\": {\n    \"b\": \"line\\nbreak\"\n  }\n}", line: 1, column: 4),
            Found(text: "{\"x\":[]}", line: 5, column: 2),
            Found(text: "{}", line: 5, column: 10),
            Found(text: "{\n}", line: 6, column: 2),
        ])
    }

    @Test func jsonArray() throws {
        let input = " \n[ {\"a\":1} ,{\"b\":\"]\"}\n,{\"c\":{}}\n]\n "
        let result = try scanAllWays(input)
        #expect(result.mode == .jsonArray)
        #expect(result.records == [
            Found(text: "{\"a\":1}", line: 2, column: 3),
            Found(text: "{\"b\":\"]\"}", line: 2, column: 12),
            Found(text: "{\"c\":{}}", line: 3, column: 2),
        ])
        #expect(try scanAllWays("[]").records.isEmpty)
        #expect(try scanAllWays("[{}]", mode: .jsonArray).records == [Found(text: "{}", line: 1, column: 2)])
    }

    @Test func emptyInput() throws {
        let empty = try scanAllWays("")
        #expect(empty.records.isEmpty)
        #expect(empty.mode == nil)
        #expect(try scanAllWays(" \n\t\r\n").records.isEmpty)
        #expect(try scanAllWays("\u{FEFF}").records.isEmpty)
    }

    @Test func longRecordsAcrossManyChunks() throws {
        var input = ""
        for i in 0 ..< 50 {
            input += "{\"i\":\(i),\"s\":\"" + String(repeating: "abc\\\"{[", count: i) + "\",\"n\":[[{}]]}\n"
        }
        let result = try scanAllWays(input)
        #expect(result.records.count == 50)
        #expect(result.records.map(\.line) == Array(1 ... 50))
        #expect(result.records.allSatisfy { $0.column == 1 })
    }

    @Test func errors() {
        #expect(scanError("{\"a\":1}\n5") == "line 2, column 1: expected '{' (a record must be a JSON object)")
        #expect(scanError("{\"a\":1}\n\n  \"x\"") == "line 3, column 3: expected '{' (a record must be a JSON object)")
        #expect(scanError("{}[{}]") == "line 1, column 3: expected '{' (a record must be a JSON object)")
        #expect(scanError("{\"a\":1}\n{\"b\":") == "line 2, column 1: input ends inside a record")
        #expect(scanError("{\"a\":\"}") == "line 1, column 1: input ends inside a record")
        #expect(scanError("[{\"a\":1},]") == "line 1, column 10: trailing comma before ']'")
        #expect(scanError("[{\"a\":1},\n 2]") == "line 2, column 2: expected '{' (array elements must be JSON objects)")
        #expect(scanError("[1]") == "line 1, column 2: expected '{' (array elements must be JSON objects)")
        #expect(scanError("[{} {}]") == "line 1, column 5: expected ',' or ']' after a record")
        #expect(scanError("[{\"a\":1}] x") == "line 1, column 11: unexpected text after the array's closing ']'")
        #expect(scanError("[{\"a\":1}]\n[]") == "line 2, column 1: unexpected text after the array's closing ']'")
        #expect(scanError("[{\"a\":1}") == "line 1, column 9: input ends before the array's closing ']'")
        #expect(scanError("[{\"a\":1},\n") == "line 2, column 1: input ends before the array's closing ']'")
        #expect(scanError("{\"a\":1}", mode: .jsonArray) == "line 1, column 1: expected '[' (JSON array input)")
        #expect(scanError("", mode: .jsonArray) == "line 1, column 1: expected '[' (JSON array input), found the end of the input")
        #expect(scanError("[{}]", mode: .ndjson) == "line 1, column 1: expected '{' (a record must be a JSON object)")
    }
}
