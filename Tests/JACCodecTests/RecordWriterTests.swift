import JACCodec
import JACJSON
import JACWire
import Testing

/// `RecordWriter` visits only the fields a record has, listed a window of records at a time,
/// and writes through a fixed spool: these check it against the input on blocks of many sparse
/// fields (across window boundaries, from start records inside windows and bitmap words), and
/// on strings long enough to pass through the spool in pieces.
@Suite struct RecordWriterTests {
    /// A reproducible stream of numbers (xorshift).
    struct Numbers {
        var state: UInt64
        mutating func below(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
    }

    /// `records` lines over `keys` keys: the first has every key (which fixes the directory
    /// order), the others a few at random, some none; values of every kind.
    static func sparseLines(records: Int, keys: Int, seed: UInt64) -> [String] {
        var numbers = Numbers(state: seed)
        let values = ["null", "true", "false", "-12", "0", "9223372036854775807", "1.5", "-2.5e-9", "\"\"",
                      "\"text\"", "\"q\\\"\\n\\u0001é\"", "[1,[2]]", "{\"a\":{}}", "[]"]
        return (0 ..< records).map { r in
            let chosen = r == 0 ? Array(0 ..< keys) : (0 ..< keys).filter { _ in numbers.below(keys) < 3 }
            let members = chosen.map { "\"k\($0)\":\(values[numbers.below(values.count)])" }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    func columns(_ lines: [String]) throws -> (columns: [FieldColumn], records: Int) {
        let block = try encode(lines)[0]
        let columns = try block.storedColumns()
        return (columns, block.recordCount)
    }

    /// Many fields and few, in windows of 4,096 records (a record has about three values).
    @Test(arguments: [(300, 2000), (300, 9000), (7, 9000)])
    func sparseRecordsComeBackAsTheyWere(keys: Int, records: Int) throws {
        let lines = RecordWriterTests.sparseLines(records: records, keys: keys, seed: UInt64(keys))
        let (columns, count) = try columns(lines)
        #expect(count == records)
        var writer = RecordWriter(columns: columns)
        var out: [UInt8] = []
        var first = true
        #expect(writer.write(upTo: records, layout: .ndjson, first: &first, to: &out) == records)
        #expect(out == Array(lines.map { $0 + "\n" }.joined().utf8))

        // From records inside a window and a bitmap word, to records inside another.
        for (start, end) in [(1, 2), (63, 65), (831, 833), (100, 1999), (1500, records)] + (records > 4097 ? [(4095, 4097)] : []) {
            var w = RecordWriter(columns: columns)
            w.seek(to: start)
            var text: [UInt8] = []
            var first = true
            _ = w.write(upTo: end, layout: .jsonArray, first: &first, to: &text)
            #expect(String(decoding: text, as: UTF8.self) == lines[start ..< end].joined(separator: ","))
        }
    }

    /// Pieces of a sparse block, cut by a small budget, join into the whole text, and a piece
    /// that stops inside a record goes on from the right field.
    @Test func sparsePiecesJoin() throws {
        let lines = RecordWriterTests.sparseLines(records: 1000, keys: 200, seed: 3)
        let (columns, _) = try columns(lines)
        var writer = RecordWriter(columns: columns)
        var joined: [UInt8] = []
        var first = true
        var records = 0
        while writer.record < 1000 {
            var piece: [UInt8] = []
            records += writer.write(upTo: 1000, layout: .ndjson, first: &first, budget: 37, to: &piece)
            joined += piece
        }
        #expect(records == 1000)
        #expect(joined == Array(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Strings longer than the spool holds (64 KiB, about 10,900 bytes when each byte might
    /// need `\u00xx`) are escaped in pieces: the text is `JSONWriter.appendString`'s.
    @Test(arguments: [0, 1, 10_921, 10_922, 10_923, 65_535, 65_536, 200_000])
    func longStrings(length: Int) throws {
        var numbers = Numbers(state: UInt64(length) + 1)
        let alphabet = Array("ab \"\\/\n\t\u{1}\u{1F}é".utf8)
        var value = [UInt8](repeating: UInt8(ascii: "x"), count: length)
        for i in stride(from: 0, to: length, by: 1 + numbers.below(40)) {
            value[i] = alphabet[numbers.below(alphabet.count)]
            if value[i] >= 0x80 { value[i] = UInt8(ascii: "y") }
        }
        var expected: [UInt8] = Array("{\"s\":".utf8)
        value.withUnsafeBytes { JSONWriter.appendString($0, to: &expected) }
        expected += Array(",\"n\":1}\n".utf8)
        var line = expected
        line.removeLast()
        let (columns, _) = try columns([String(decoding: line, as: UTF8.self)])
        var writer = RecordWriter(columns: columns)
        var out: [UInt8] = []
        var first = true
        _ = writer.write(upTo: 1, layout: .ndjson, first: &first, to: &out)
        #expect(out == expected)
        var rows: [UInt8] = []
        var rowWriter = RecordWriter(columns: columns)
        _ = rowWriter.writeRows(upTo: 1, format: .values, to: &rows)
        #expect(rows == Array(expected.dropFirst(5).dropLast(8)) + Array("\t1\n".utf8))
    }

    /// Strings needing no escape, of every length about the 64-byte word copy's limit, are
    /// written (a word at a time, or as they are at the payload's end) as the general path
    /// writes them; a column holding one string that needs an escape takes that path, and
    /// a dictionary column does the same.
    @Test(arguments: [false, true])
    func plainStrings(dictionary: Bool) throws {
        var numbers = Numbers(state: dictionary ? 5 : 6)
        let alphabet = Array("abé𝄞xyz/ ")
        var lines: [String] = []
        var expected: [UInt8] = []
        for r in 0 ..< 400 {
            // 20-59 bytes from a few dictionary entries, or 0-69 of varied text.
            var value = dictionary ? String(repeating: "a/", count: r % 20 + 10)
                : String((0 ..< numbers.below(70)).map { _ in alphabet[numbers.below(alphabet.count)] })
            if r == 399 && !dictionary { value = "" }
            // The last records put an escape in column "e", never in "p".
            let escaped = r >= 390 ? value + "\"\n" : value
            let line = "{\"p\":\(json(value)),\"e\":\(json(escaped))}"
            lines.append(line)
            expected += Array((line + "\n").utf8)
        }
        let (columns, _) = try columns(lines)
        #expect(columns.map(\.entry.usesDictionary) == [dictionary, dictionary])
        var writer = RecordWriter(columns: columns)
        var out: [UInt8] = []
        var first = true
        _ = writer.write(upTo: lines.count, layout: .ndjson, first: &first, to: &out)
        #expect(out == expected)
    }

    /// A column of integers only is written without reading tags, as a column of mixed kinds
    /// writes the same integers, as objects and as rows.
    @Test func soleIntegerColumns() throws {
        let ints = [0, -1, 7, 10, 99, 100, -9_999_999, Int64.max, Int64.min, 1 << 40].map(String.init)
        let lines = ints.enumerated().map { i, v in "{\"i\":\(v),\"m\":\(i == 3 ? "\"x\"" : v)}" }
        let (columns, _) = try columns(lines)
        var writer = RecordWriter(columns: columns)
        var out: [UInt8] = []
        var first = true
        _ = writer.write(upTo: lines.count, layout: .ndjson, first: &first, to: &out)
        #expect(out == Array(lines.map { $0 + "\n" }.joined().utf8))
        var rowWriter = RecordWriter(columns: columns)
        var rows: [UInt8] = []
        _ = rowWriter.writeRows(upTo: lines.count, format: .values, to: &rows)
        let expected = ints.enumerated().map { i, v in "\(v)\t\(i == 3 ? "\"x\"" : v)\n" }.joined()
        #expect(String(decoding: rows, as: UTF8.self) == expected)
    }

    /// Strings (with and without a dictionary) are read again from the payload in order, beside
    /// integers (delta-coded and not) and decimals: a writer placed anywhere (by counting the
    /// values before it) goes on exactly.
    @Test func valuesReadInOrderFromAnyRecord() throws {
        var numbers = Numbers(state: 11)
        let lines = (0 ..< 3000).map { r in
            let decimal = ["1.5", "-0.25", "3e-7", "12345678901234567890123", "0.001"][numbers.below(5)]
            return "{\"t\":\(1_700_000_000 + 3 * r + numbers.below(3)),\"i\":\(numbers.below(1 << 20) - (1 << 19)),"
                + "\"d\":\(decimal),\"s\":\"v\(numbers.below(5000))\",\"k\":\"\(["a", "b", "c"][numbers.below(3)])\"}"
        }
        let (columns, _) = try columns(lines)
        #expect(columns.map(\.entry.usesDelta) == [true, false, false, false, false])
        #expect(columns.map(\.entry.usesDictionary) == [false, false, false, false, true])
        for start in [0, 1, 63, 64, 1999, 2999] {
            var writer = RecordWriter(columns: columns)
            writer.seek(to: start)
            var out: [UInt8] = []
            var first = true
            _ = writer.write(upTo: lines.count, layout: .ndjson, first: &first, to: &out)
            #expect(out == Array(lines[start...].map { $0 + "\n" }.joined().utf8), "from \(start)")
        }
    }

    private func json(_ s: String) -> String {
        var out: [UInt8] = []
        Array(s.utf8).withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A copy of a writer goes on by itself: rendering one does not move the other.
    @Test func copiesAreIndependent() throws {
        let lines = RecordWriterTests.sparseLines(records: 300, keys: 20, seed: 9)
        let (columns, _) = try columns(lines)
        var a = RecordWriter(columns: columns)
        var first = true
        var skipped: [UInt8] = []
        _ = a.write(upTo: 100, layout: .ndjson, first: &first, to: &skipped)
        var b = a
        var fromA: [UInt8] = []
        var fromB: [UInt8] = []
        _ = a.write(upTo: 300, layout: .ndjson, first: &first, to: &fromA)
        _ = b.write(upTo: 300, layout: .ndjson, first: &first, to: &fromB)
        #expect(fromA == fromB)
        #expect(fromA == Array(lines[100...].map { $0 + "\n" }.joined().utf8))
    }

    /// Values bunched in a few records of a wide, sparse block: there the window the block's
    /// mean gives (3,200 records) would list 400,000 columns, so it ends sooner, and the records
    /// still come back as they were, from any start.
    @Test func bunchedValuesShortenTheWindow() throws {
        let keys = 4000
        let dense = { (r: Int) in (0 ..< keys).map { "\"k\($0)\":\(r)" }.joined(separator: ",") }
        let lines = (0 ..< 10_000).map { r in
            r < 100 || (5000 ..< 5100).contains(r) ? "{" + dense(r) + "}" : r % 3 == 0 ? "{}" : "{\"k\(r % keys)\":\(r)}"
        }
        let (columns, count) = try columns(lines)
        #expect(count == lines.count && columns.count == keys)
        for (start, end) in [(0, 10_000), (50, 3000), (99, 101), (4990, 5200)] {
            var writer = RecordWriter(columns: columns)
            writer.seek(to: start)
            var out: [UInt8] = []
            var first = true
            #expect(writer.write(upTo: end, layout: .ndjson, first: &first, to: &out) == end - start)
            #expect(out == Array(lines[start ..< end].map { $0 + "\n" }.joined().utf8), "records \(start) ..< \(end)")
        }
    }
}
