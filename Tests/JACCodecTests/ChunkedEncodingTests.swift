import JACCodec
import JACWire
import Testing

/// Encoding a block in chunks (on several threads in jac-squeeze) gives the same payloads as
/// encoding it record by record, whatever the chunk size.
struct ChunkedEncodingTests {
    /// The records of `lines` as one raw block, in chunks of at least `chunkBytes` bytes of text.
    static func chunks(_ lines: [String], chunkBytes: Int = .max) -> [RawChunk] {
        var chunks = [RawChunk(block: 0)]
        for (i, line) in lines.enumerated() {
            if chunks[chunks.count - 1].text.count >= chunkBytes {
                chunks.append(RawChunk(block: 0, index: chunks.count))
            }
            Array(line.utf8).withUnsafeBytes { chunks[chunks.count - 1].append($0, line: i + 1, column: 1) }
        }
        for i in chunks.indices { chunks[i].isLast = i == chunks.count - 1 }
        return chunks
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

    /// Encodes `chunks` apart and joins them, as jac-squeeze does, fields in reverse order.
    static func chunked(_ chunks: [RawChunk], encoder: BlockEncoder) throws -> [BlockPayloads] {
        let blocks = try encoder.merge(chunks.map { try encoder.encodeChunk($0) }, of: chunks)
        return blocks.map { block in
            var fields = (0 ..< block.fieldCount).reversed().map { block.takePayload(field: $0) }
            fields.reverse()
            return BlockPayloads(recordCount: block.recordCount, fields: fields)
        }
    }

    @Test(arguments: [1, 100, 4096, 1 << 20])
    func chunksEqualSequential(chunkBytes: Int) throws {
        var options = EncodingOptions()
        options.maxDictEntries = 512
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines))
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: chunkBytes), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
        #expect(sequential.count == 1)
    }

    @Test func canonicalKeyOrderIsTheSameChunked() throws {
        var options = EncodingOptions()
        options.canonicalizeKeys = true
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines))
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: 300), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
        #expect(sequential[0].fields.map(\.name) == sequential[0].fields.map(\.name).sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func blocksThatMustBeCutFallBackToRecordByRecord() throws {
        var options = EncodingOptions()
        options.segmentMaxBytes = 2000
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines))
        #expect(sequential.count > 1)
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: 500), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
    }

    @Test func firstErrorIsTheEarliestRecords() throws {
        var lines = Self.lines
        lines[2500] = "{\"a\":1,\"a\":2}"
        let chunks = Self.chunks(lines, chunkBytes: 1000)
        let encoder = BlockEncoder(options: EncodingOptions())
        #expect(throws: JACError.self) { try encoder.encode(chunks) }
        do {
            _ = try encoder.encode(chunks)
        } catch {
            #expect(error.message.hasPrefix("line 2501, column 1: duplicate key \"a\""))
        }
    }
}
