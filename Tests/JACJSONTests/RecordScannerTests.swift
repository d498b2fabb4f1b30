import CJACScan
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

    /// What a scan of the whole input gives: each record's start and end offsets, line and
    /// column, then the error that stopped it, if any.
    struct Outcome: Equatable, CustomStringConvertible {
        var records: [[Int]] = []
        var error: String?
        var description: String { "\(records) \(error ?? "no error")" }
    }

    /// RecordScanner's rules a byte at a time over the whole input, written for clarity: the
    /// reference the scanner is compared with.
    func referenceScan(_ input: [UInt8], mode: InputMode) -> Outcome {
        enum State { case detect, betweenRecords, beforeArray, arrayFirst, afterElement, needElement, afterArray }
        var out = Outcome()
        var state: State = mode == .auto ? .detect : mode == .ndjson ? .betweenRecords : .beforeArray
        var array = mode == .jsonArray
        var line = 1, lineStart = 0
        func fail(_ at: Int, _ what: String) -> Outcome {
            out.error = "line \(line), column \(at - lineStart + 1): \(what)"
            return out
        }
        var i = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while i < input.count {
            let b = input[i]
            if b == 0x0A { (line, lineStart) = (line + 1, i + 1) }
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1; continue }
            switch (state, b) {
            case (.detect, _):
                array = b == 0x5B
                state = array ? .beforeArray : .betweenRecords
                continue
            case (.betweenRecords, 0x7B), (.arrayFirst, 0x7B), (.needElement, 0x7B):
                let (recordLine, recordColumn) = (line, i - lineStart + 1)
                var depth = 0, inString = false, escaped = false, j = i
                repeat {
                    guard j < input.count else {
                        out.error = "line \(recordLine), column \(recordColumn): input ends inside a record"
                        return out
                    }
                    let c = input[j]
                    if c == 0x0A { (line, lineStart) = (line + 1, j + 1) }
                    if escaped {
                        escaped = false
                    } else if inString {
                        if c == 0x5C { escaped = true } else if c == 0x22 { inString = false }
                    } else if c == 0x22 {
                        inString = true
                    } else if c == 0x7B || c == 0x5B {
                        depth += 1
                    } else if c == 0x7D || c == 0x5D {
                        depth -= 1
                    }
                    j += 1
                } while depth > 0
                out.records.append([i, j, recordLine, recordColumn])
                state = array ? .afterElement : .betweenRecords
                i = j
                continue
            case (.arrayFirst, 0x5D): state = .afterArray
            case (.needElement, 0x5D): return fail(i, "trailing comma before ']'")
            case (.betweenRecords, _): return fail(i, "expected '{' (a record must be a JSON object)")
            case (.arrayFirst, _), (.needElement, _): return fail(i, "expected '{' (array elements must be JSON objects)")
            case (.beforeArray, 0x5B): state = .arrayFirst
            case (.beforeArray, _): return fail(i, "expected '[' (JSON array input)")
            case (.afterElement, 0x2C): state = .needElement
            case (.afterElement, 0x5D): state = .afterArray
            case (.afterElement, _): return fail(i, "expected ',' or ']' after a record")
            case (.afterArray, _): return fail(i, "unexpected text after the array's closing ']'")
            }
            i += 1
        }
        switch state {
        case .beforeArray: return fail(input.count, "expected '[' (JSON array input), found the end of the input")
        case .arrayFirst, .afterElement, .needElement: return fail(input.count, "input ends before the array's closing ']'")
        case .detect, .betweenRecords, .afterArray: return out
        }
    }

    /// The scanner fed the way a splitter feeds it, the input arriving in reads that end at
    /// `cuts` (ascending), with offsets in the whole input.
    func streamScan(_ input: [UInt8], mode: InputMode, cuts: [Int]) -> Outcome {
        var scanner = RecordScanner(mode: mode)
        var out = Outcome()
        var buffer: [UInt8] = []
        var base = 0, next = 0
        for end in cuts + [input.count] {
            buffer += input[next ..< end]
            next = end
            let isFinal = end == input.count
            do {
                let consumed = try buffer.withUnsafeBytes { raw -> Int in
                    try scanner.scan(raw, isFinal: isFinal) { (start, end, line, column) throws(JACError) in
                        out.records.append([base + start, base + end, line, column])
                    }
                }
                buffer.removeFirst(consumed)
                base += consumed
            } catch let error as JACError {
                out.error = error.message
                return out
            } catch {
                out.error = "\(error)"
                return out
            }
        }
        return out
    }

    struct Xorshift: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
    }

    /// JSON-like text: records (or an array of them) whose strings hold runs of plain bytes and
    /// of backslashes long enough to cross 16- and 64-byte block edges, escaped and unescaped
    /// quotes and brackets, raw newlines and bytes that are not UTF-8; then, sometimes, a byte
    /// put in anywhere or the end cut off.
    func generatedInput(_ rng: inout Xorshift) -> [UInt8] {
        var out: [UInt8] = rng.next() % 8 == 0 ? [0xEF, 0xBB, 0xBF] : []
        func space() {
            for _ in 0 ..< Int.random(in: 0 ... 2, using: &rng) { out.append([0x20, 0x0A, 0x0D, 0x09, 0x0A].randomElement(using: &rng)!) }
        }
        func string() {
            out.append(0x22)
            for _ in 0 ..< Int.random(in: 0 ... 6, using: &rng) {
                switch rng.next() % 5 {
                case 0: out += [UInt8](repeating: 0x78, count: Int.random(in: 0 ... 80, using: &rng))
                case 1:
                    out += [UInt8](repeating: 0x5C, count: Int.random(in: 1 ... 9, using: &rng))
                    out.append(Array("\"\\n{}[]x".utf8).randomElement(using: &rng)!)
                case 2: out.append(Array("{}[],:\n".utf8).randomElement(using: &rng)!)
                case 3: out += [0xC3, 0xA9]
                default: out.append([0xFF, 0x00, 0x80].randomElement(using: &rng)!)
                }
            }
            out.append(0x22)
        }
        func value(_ depth: Int) {
            switch depth > 3 ? rng.next() % 2 + 2 : rng.next() % 4 {
            case 0, 1:
                let (open, close): (UInt8, UInt8) = rng.next() % 2 == 0 ? (0x7B, 0x7D) : (0x5B, 0x5D)
                out.append(open)
                for k in 0 ..< Int.random(in: 0 ... 4, using: &rng) {
                    if k > 0 { out.append(0x2C) }
                    space()
                    if open == 0x7B {
                        string()
                        out.append(0x3A)
                    }
                    value(depth + 1)
                }
                space()
                out.append(close)
            case 2: string()
            default: out += Array(["1", "-2.5e3", "true", "null"].randomElement(using: &rng)!.utf8)
            }
        }
        let array = rng.next() % 3 == 0
        if array { out.append(0x5B) }
        for k in 0 ..< Int.random(in: 0 ... 5, using: &rng) {
            if array && k > 0 { out.append(0x2C) }
            space()
            out.append(0x7B)
            for f in 0 ..< Int.random(in: 0 ... 4, using: &rng) {
                if f > 0 { out.append(0x2C) }
                string()
                out.append(0x3A)
                value(1)
            }
            out.append(0x7D)
            space()
        }
        if array { out.append(0x5D) }
        if rng.next() % 4 == 0 {
            out.insert(Array("{}[]\"\\,\n x".utf8).randomElement(using: &rng)!, at: Int.random(in: 0 ... out.count, using: &rng))
        }
        if rng.next() % 4 == 0 { out.removeLast(Int.random(in: 0 ... out.count, using: &rng)) }
        return out
    }

    /// Records, lines, columns and errors are the reference's, whether the input comes whole,
    /// in a few reads cut anywhere, or a byte at a time.
    @Test func agreesWithTheByteAtATimeReference() {
        var rng = Xorshift(state: 0x9E37_79B9_7F4A_7C15)
        var records = 0, errors = 0
        for n in 0 ..< 4000 {
            let input = generatedInput(&rng)
            for mode in [InputMode.auto, .ndjson, .jsonArray] {
                let expected = referenceScan(input, mode: mode)
                records += expected.records.count
                errors += expected.error == nil ? 0 : 1
                var feeds: [[Int]] = [[]]
                for _ in 0 ..< 2 {
                    let cuts = (0 ..< Int.random(in: 1 ... 6, using: &rng)).map { _ in Int.random(in: 0 ... input.count, using: &rng) }
                    feeds.append(cuts.sorted())
                }
                if n % 40 == 0 { feeds.append(Array(0 ..< input.count)) }
                for cuts in feeds {
                    let got = streamScan(input, mode: mode, cuts: cuts)
                    guard got == expected else {
                        Issue.record("input \(input) mode \(mode) cuts \(cuts): \(got), expected \(expected)")
                        return
                    }
                }
            }
        }
        // The inputs reach both outcomes often.
        #expect(records > 10_000 && errors > 3_000 && errors < 10_000, "\(records) records, \(errors) errors")
    }
}

/// The record scan's SSE2 and AVX2 forms (the scanner uses the fastest) against its byte loop,
/// on the generated inputs taken as record bytes from several states, in one call or two.
@Suite struct RecordScanPathTests {
    @Test func vectorFormsAgreeWithTheByteLoop() {
        #if arch(x86_64)
        var rng = RecordScannerTests.Xorshift(state: 0x2545_F491_4F6C_DD1D)
        var forms: [(String, (UnsafePointer<UInt8>, Int, Int, UnsafeMutablePointer<jac_record_scan_state>) -> Int)] = [("SSE2", jac_record_scan_sse2)]
        if jac_record_scan_has_avx2() != 0 { forms.append(("AVX2", jac_record_scan_avx2)) }
        for _ in 0 ..< 3000 {
            let input = RecordScannerTests().generatedInput(&rng)
            let cut = Int.random(in: 0 ... input.count, using: &rng)
            input.withUnsafeBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                for (depth, inString, escaped) in [(1, 0, 0), (4, 0, 0), (1, 1, 0), (2, 1, 1)] {
                    let start = jac_record_scan_state(depth: Int64(depth), newlines: 0, last_newline: -1,
                                                      in_string: UInt8(inString), escaped: UInt8(escaped))
                    var expected = start
                    let end = jac_record_scan_bytes(p, 0, input.count, &expected)
                    for (name, form) in forms {
                        for parts in [[0, input.count], [0, cut, input.count]] {
                            var state = start
                            var at = 0
                            for k in 1 ..< parts.count where state.depth != 0 { at = form(p, at, parts[k], &state) }
                            #expect(at == end && state.depth == expected.depth && state.newlines == expected.newlines
                                    && state.last_newline == expected.last_newline && state.in_string == expected.in_string
                                    && state.escaped == expected.escaped, "\(name) on \(input) from \(start), parts \(parts)")
                        }
                    }
                }
            }
        }
        #endif
    }
}
