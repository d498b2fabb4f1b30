import JACCodec
import JACJSON
import JACWire
import Testing

/// `RecordWriter` renders in pieces bounded in bytes: whatever the budget, the pieces join into
/// the same text, and each passes its budget by at most one key and value.
@Suite struct RecordPieceTests {
    static let lines: [String] = (0 ..< 40).map { i in
        let long = String(repeating: "é\\\"\\n", count: i % 7 * 30)
        return i % 5 == 4 ? "{}" : "{\"id\":\(i),\"s\":\"\(long)\",\"n\":\(i % 3 == 0 ? "null" : "[1,{\"a\":2}]"),\"d\":1.\(i)e-9,\"b\":true}"
    }

    func writer() throws -> RecordWriter {
        let block = try encode(RecordPieceTests.lines)[0]
        let columns = try block.storedColumns()
        return RecordWriter(keys: [Array("s".utf8), Array("id".utf8), Array("none".utf8), Array("n".utf8)],
                            columns: [columns[1], columns[0], nil, columns[2]])
    }

    /// Renders records 3..<37 in pieces of `budget` bytes; returns the pieces and the records each
    /// finished.
    func pieces(budget: Int, _ render: (inout RecordWriter, Int, inout [UInt8]) -> Int) throws -> [(text: [UInt8], records: Int)] {
        var w = try writer()
        w.seek(to: 3)
        var out: [(text: [UInt8], records: Int)] = []
        while w.record < 37 {
            var text: [UInt8] = []
            let n = render(&w, budget, &text)
            out.append((text, n))
        }
        return out
    }

    @Test(arguments: [1, 17, 100, 1000, Int.max])
    func piecesJoinIntoTheWholeText(budget: Int) throws {
        // The largest key and value as text, `"s":` and 180 times `é\"\n`, and a few separators.
        let overshoot = 4 + 2 + 180 * 6 + 8
        let whole = try pieces(budget: .max) { w, b, t in
            var first = false
            return w.write(upTo: 37, layout: .jsonArray, first: &first, budget: b, to: &t)
        }
        #expect(whole.count == 1 && whole[0].records == 34)
        for layout in [RecordLayout.ndjson, .jsonArray] {
            let reference = try pieces(budget: .max) { w, b, t in
                var first = false
                return w.write(upTo: 37, layout: layout, first: &first, budget: b, to: &t)
            }[0].text
            var first = false
            let split = try pieces(budget: budget) { w, b, t in w.write(upTo: 37, layout: layout, first: &first, budget: b, to: &t) }
            #expect(split.flatMap(\.text) == reference)
            #expect(split.reduce(0) { $0 + $1.records } == 34)
            #expect(budget == .max || split.allSatisfy { $0.text.count < budget + overshoot })
        }
        for format in [RowFormat.csv, .values] {
            let reference = try pieces(budget: .max) { w, b, t in w.writeRows(upTo: 37, format: format, budget: b, to: &t) }[0].text
            let split = try pieces(budget: budget) { w, b, t in w.writeRows(upTo: 37, format: format, budget: b, to: &t) }
            #expect(split.flatMap(\.text) == reference)
            #expect(split.reduce(0) { $0 + $1.records } == 34)
        }
    }

    /// Field by field: each record's values come one at a time as one-field objects, which
    /// joined by commas inside braces give the record.
    @Test func fieldByField() throws {
        var whole = try writer()
        var ndjson: [UInt8] = []
        var first = true
        _ = whole.write(upTo: 40, layout: .ndjson, first: &first, to: &ndjson)
        var w = try writer()
        var rebuilt: [UInt8] = []
        for _ in 0 ..< 40 {
            var fields: [[UInt8]] = []
            var field: [UInt8] = []
            while w.writeNextField(to: &field) {
                fields.append(Array(field.dropFirst().dropLast()))
                field = []
            }
            rebuilt += [UInt8(ascii: "{")] + Array(fields.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}"), 0x0A]
        }
        #expect(w.record == 40)
        #expect(rebuilt == ndjson)
    }
}
