import JACCodec
import Testing

/// `RecordWriter.positions(of:at:)` finds, in one pass, where each column stands at many
/// records: writers placed there render what a writer from the first record renders.
@Suite struct RecordPositionsTests {
    /// Sparse fields of mixed kinds, and sparse fields each of one kind (no tags to read).
    @Test(arguments: [false, true])
    func writersPlacedAtPositionsRenderTheirRecords(oneKindPerField: Bool) throws {
        let records = 700, keys = 12
        var numbers = RecordWriterTests.Numbers(state: 11)
        let values = ["null", "true", "-12", "1.5", "\"text\"", "[1,[2]]", "{\"a\":{}}"]
        let lines = (0 ..< records).map { r in
            let chosen = r == 0 ? Array(0 ..< keys) : (0 ..< keys).filter { _ in numbers.below(keys) < 5 }
            let members = chosen.map { k in
                "\"k\(k)\":\(values[oneKindPerField ? k % values.count : numbers.below(values.count)])"
            }
            return "{" + members.joined(separator: ",") + "}"
        }
        let block = try encode(lines)[0]
        let columns = try block.storedColumns()
        // Starts inside and at the edges of bitmap bytes, one past another, and the end.
        let starts = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 200, 201, 555, records - 1, records]
        let positions = columns.map { RecordWriter.positions(of: $0, at: starts) }
        for (k, start) in starts.enumerated().dropLast() {
            let end = starts[k + 1]
            var writer = RecordWriter(columns: columns)
            writer.seek(to: start, positions: positions.map { $0[k] })
            var text: [UInt8] = []
            var first = true
            #expect(writer.write(upTo: end, layout: .ndjson, first: &first, to: &text) == end - start)
            #expect(text == Array(lines[start ..< end].map { $0 + "\n" }.joined().utf8), "records \(start) ..< \(end)")
        }
    }
}
