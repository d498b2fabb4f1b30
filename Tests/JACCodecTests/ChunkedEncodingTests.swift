import JACCodec
import JACWire
import Testing

/// Encoding a block in chunks (on several threads in jac-squeeze) gives the same payloads as
/// encoding it record by record, whatever the chunk size.
struct ChunkedEncodingTests {
    static func rawBlock(_ lines: [String]) -> RawBlock {
        var raw = RawBlock(sequence: 0)
        for (i, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBytes { raw.append($0, line: i + 1, column: 1) }
        }
        return raw
    }

    /// Records whose strings repeat (dictionaries), integers that climb (delta), fields that come
    /// and go, and one field whose distinct strings pass the dictionary cap part way through.
    static let lines: [String] = (0 ..< 3000).map { i in
        var fields = ["\"id\":\(i * 3)", "\"kind\":\"k\(i % 5)\"", "\"word\":\"w\(i % 700)\""]
        if i % 3 == 0 { fields.append("\"opt\":\(i % 2 == 0 ? "null" : "true")") }
        if i > 1500 { fields.append("\"late\":{\"n\":\(i),\"x\":[1,2.50]}") }
        if i % 17 == 0 { fields.append("\"price\":\(i).25") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func flatten(_ blocks: [BlockPayloads]) -> [[UInt8]] {
        blocks.flatMap { block in
            block.fields.map { f in
                f.name + [UInt8(f.encodingFlags), UInt8(truncatingIfNeeded: f.dictEntryCount), UInt8(truncatingIfNeeded: block.recordCount)] + f.bytes
            }
        }
    }

    @Test(arguments: [1, 100, 4096, 1 << 20])
    func chunksEqualSequential(targetBytes: Int) throws {
        var options = EncodingOptions()
        options.maxDictEntries = 512
        let raw = Self.rawBlock(Self.lines)
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(raw)
        let chunks = try BlockEncoder.chunks(of: raw, targetBytes: targetBytes).map { try encoder.encodeChunk(raw, records: $0) }
        let merged = try encoder.merge(chunks, of: raw)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
        #expect(sequential.count == 1)
    }

    @Test func blocksThatMustBeCutFallBackToRecordByRecord() throws {
        var options = EncodingOptions()
        options.segmentMaxBytes = 2000
        let raw = Self.rawBlock(Self.lines)
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(raw)
        #expect(sequential.count > 1)
        let chunks = try BlockEncoder.chunks(of: raw, targetBytes: 500).map { try encoder.encodeChunk(raw, records: $0) }
        #expect(Self.flatten(try encoder.merge(chunks, of: raw)) == Self.flatten(sequential))
    }

    @Test func firstErrorIsTheEarliestRecords() throws {
        var lines = Self.lines
        lines[2500] = "{\"a\":1,\"a\":2}"
        let raw = Self.rawBlock(lines)
        let encoder = BlockEncoder(options: EncodingOptions())
        #expect(throws: JACError.self) { try encoder.encode(raw) }
        do {
            _ = try encoder.encode(raw)
        } catch {
            #expect(error.message.hasPrefix("line 2501, column 1: duplicate key \"a\""))
        }
    }
}
