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

    /// Where two encodings first differ (block count, or a field's name and first differing
    /// byte), or nil: a short message instead of the whole payloads.
    static func difference(_ a: [BlockPayloads], _ b: [BlockPayloads]) -> String? {
        guard a.count == b.count else { return "\(a.count) blocks, not \(b.count)" }
        for (k, (x, y)) in zip(a, b).enumerated() {
            guard x.recordCount == y.recordCount, x.fields.count == y.fields.count else {
                return "block \(k): \(x.recordCount) records and \(x.fields.count) fields, not \(y.recordCount) and \(y.fields.count)"
            }
            for (f, g) in zip(x.fields, y.fields) where Self.flatten([BlockPayloads(recordCount: 0, fields: [f])]) != Self.flatten([BlockPayloads(recordCount: 0, fields: [g])]) {
                let at = (0 ..< min(f.bytes.count, g.bytes.count)).first { f.bytes[$0] != g.bytes[$0] } ?? min(f.bytes.count, g.bytes.count)
                return "block \(k) field \(String(decoding: f.name, as: UTF8.self)) / \(String(decoding: g.name, as: UTF8.self)): bytes differ at \(at) of \(f.bytes.count) / \(g.bytes.count), flags \(f.encodingFlags) / \(g.encodingFlags)"
            }
        }
        return nil
    }

    /// Encodes `chunks` apart and joins them, as jac-squeeze does, fields in reverse order; with
    /// `takingText`, each chunk's text is taken once it is encoded, as jac-squeeze does too.
    static func chunked(_ chunks: [RawChunk], encoder: BlockEncoder, takingText: Bool = false) throws -> [BlockPayloads] {
        var chunks = chunks
        let columns = try chunks.map { try encoder.encodeChunk($0) }
        if takingText {
            for c in chunks.indices where encoder.canTakeText(of: columns[c]) { _ = chunks[c].takeText() }
        }
        switch try encoder.merge(columns, of: &chunks) {
        case .whole(let block):
            return block.map { block in
                var fields = (0 ..< block.fieldCount).reversed().map { block.takePayload(field: $0) }
                fields.reverse()
                return [BlockPayloads(recordCount: block.recordCount, fields: fields)]
            } ?? []
        case .cut:
            return try groups(chunks, encoder: encoder, groupBytes: 1).flatMap { $0 }
        }
    }

    /// The blocks of `chunks` encoded record by record a group of `groupBytes` at a time, each
    /// group going on from where the one before stopped, as jac-squeeze cuts a raw block.
    static func groups(_ chunks: [RawChunk], encoder: BlockEncoder, groupBytes: Int) throws -> [[BlockPayloads]] {
        var groups: [[BlockPayloads]] = []
        var next: BlockEncoder.RecordIndex? = BlockEncoder.RecordIndex()
        while let start = next {
            let group = try encoder.encode(chunks, from: start, groupBytes: groupBytes)
            groups.append(group.blocks)
            next = group.next
        }
        return groups
    }

    @Test(arguments: [1, 100, 4096, 1 << 20])
    func chunksEqualSequential(chunkBytes: Int) throws {
        var options = EncodingOptions()
        options.maxDictEntries = 512
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines)).blocks
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: chunkBytes), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
        #expect(sequential.count == 1)
    }

    @Test func canonicalKeyOrderIsTheSameChunked() throws {
        var options = EncodingOptions()
        options.canonicalizeKeys = true
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines)).blocks
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: 300), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
        #expect(sequential[0].fields.map(\.name) == sequential[0].fields.map(\.name).sorted { $0.lexicographicallyPrecedes($1) })
    }

    @Test func blocksThatMustBeCutFallBackToRecordByRecord() throws {
        var options = EncodingOptions()
        options.segmentMaxBytes = 2000
        let encoder = BlockEncoder(options: options)
        let sequential = try encoder.encode(Self.chunks(Self.lines)).blocks
        #expect(sequential.count > 1)
        let merged = try Self.chunked(Self.chunks(Self.lines, chunkBytes: 500), encoder: encoder)
        #expect(Self.flatten(merged) == Self.flatten(sequential))
    }

    /// Records whose text differs from how our writer prints their values: whitespace, escapes
    /// (also in keys), decimals in every form §6.4 keeps, integers past 64 bits, nested values
    /// with spaces, keys in changing orders, an empty record, non-ASCII text.
    static let awkwardLines: [String] = (0 ..< 400).map { i in
        var fields = [" \"id\" : \(i) ", "\"t\\u0061g\":\"a\\/b\\u00e9\\n\\t\\\"q\\\"\(i % 7)\"",
                      "\"num\":\(["1.50", "1e5", "-0", "0.001", "1.5E-7", "18446744073709551616", "-12", "2.0e+3"][i % 8])",
                      "\"nest\":{ \"b\" : [ 1 , 2.50, \"x\\u0020y\" ], \"a\":null }", "\"ok\":\(i % 2 == 0)", "\"ü\":\"ö\(i)\""]
        if i % 5 == 0 { fields.reverse() }
        if i % 11 == 0 { fields.append("\"k\(i)\":[]") }
        return i == 7 ? "{ }" : "{" + fields.joined(separator: ",") + "}\t"
    }

    /// A block that must be cut is encoded again from its records written back from the chunks'
    /// columns when their text was taken: the same blocks as from the text itself.
    @Test(arguments: [false, true])
    func cutBlocksFromTakenTextEqualSequential(canonicalKeys: Bool) throws {
        for (lines, segment) in [(Self.lines, 2000), (Self.awkwardLines, 1500)] {
            var options = EncodingOptions()
            options.segmentMaxBytes = segment
            options.canonicalizeKeys = canonicalKeys
            let encoder = BlockEncoder(options: options)
            let sequential = try encoder.encode(Self.chunks(lines)).blocks
            #expect(sequential.count > 1)
            #expect(try Self.takable(lines, chunkBytes: 1, encoder: encoder) > 0)
            for chunkBytes in [1, 700, 5000] {
                let merged = try Self.chunked(Self.chunks(lines, chunkBytes: chunkBytes), encoder: encoder, takingText: true)
                #expect(Self.difference(merged, sequential) == nil)
            }
        }
    }

    /// How many of the chunks of `lines` may have their text taken once encoded.
    static func takable(_ lines: [String], chunkBytes: Int, encoder: BlockEncoder) throws -> Int {
        try chunks(lines, chunkBytes: chunkBytes).filter { encoder.canTakeText(of: try encoder.encodeChunk($0)) }.count
    }

    /// Cut for the field count (more than 4,096 keys in a block).
    @Test func wideBlocksFromTakenTextEqualSequential() throws {
        let lines = (0 ..< 300).map { i in
            "{" + (0 ..< 30).map { k in "\"f\((i * 30 + k) % 5000)\":\(k)" }.joined(separator: ",") + "}"
        }
        let encoder = BlockEncoder(options: EncodingOptions())
        #expect(try Self.takable(lines, chunkBytes: 2000, encoder: encoder) > 0)
        let sequential = try encoder.encode(Self.chunks(lines)).blocks
        #expect(sequential.count > 1)
        let merged = try Self.chunked(Self.chunks(lines, chunkBytes: 2000), encoder: encoder, takingText: true)
        #expect(Self.difference(merged, sequential) == nil)
    }

    /// Keys in field order: the first record's, any of them left out, new ones after them; not
    /// a key moved before another, nor a key twice.
    @Test(arguments: [
        (["{\"a\":1,\"b\":2}", "{\"a\":3}", "{\"b\":4,\"c\":5}", "{}", "{\"a\":1,\"b\":2,\"c\":3}"], true),
        (["{\"a\":1,\"b\":2}", "{\"b\":4,\"a\":5}"], false),
        (["{\"a\":1,\"b\":2}", "{\"c\":1}", "{\"c\":1,\"a\":2}"], false),
        (["{\"a\":1,\"a\":2}"], false),
    ])
    func keysInFieldOrder(lines: [String], inOrder: Bool) throws {
        var options = EncodingOptions()
        options.duplicateKeys = .last
        #expect(try BlockEncoder(options: options).encodeChunk(Self.chunks(lines)[0])?.keysInFieldOrder == inOrder)
    }

    /// A chunk that alone has more fields than a block may keeps its text for the cut; so does
    /// one whose keys are out of field order.
    @Test func canTakeTextOnlyWhereTheBlockMayStayWhole() throws {
        let encoder = BlockEncoder(options: EncodingOptions())
        let narrow = (0 ..< 100).map { i in "{\"a\":\(i),\"b\":\"x\"}" }
        let wide = (0 ..< 100).map { i in "{" + (0 ..< 50).map { k in "\"f\(i * 50 + k)\":1" }.joined(separator: ",") + "}" }
        #expect(encoder.canTakeText(of: try encoder.encodeChunk(Self.chunks(narrow)[0])))
        #expect(!encoder.canTakeText(of: try encoder.encodeChunk(Self.chunks(wide)[0])))
        #expect(!encoder.canTakeText(of: try encoder.encodeChunk(Self.chunks(narrow + ["{\"b\":1,\"a\":2}"])[0])))
    }

    /// A record that fits no block is named by its line in the input, not in the text written back.
    @Test func recordOverALimitFromTakenTextNamesItsLine() throws {
        var lines = Self.lines
        lines[2200] = "{\"big\":\"" + String(repeating: "x", count: 3000) + "\"}"
        var options = EncodingOptions()
        options.segmentMaxBytes = 2000
        let encoder = BlockEncoder(options: options)
        do {
            _ = try Self.chunked(Self.chunks(lines, chunkBytes: 1000), encoder: encoder, takingText: true)
            Issue.record("a value over the segment limit was encoded")
        } catch let error as JACError {
            #expect(error.message.hasPrefix("line 2201, column 1: a value too large for one segment"))
        }
    }

    @Test func firstErrorIsTheEarliestRecords() throws {
        var lines = Self.lines
        lines[2500] = "{\"a\":1,\"a\":2}"
        let chunks = Self.chunks(lines, chunkBytes: 1000)
        let encoder = BlockEncoder(options: EncodingOptions())
        #expect(throws: JACError.self) { try encoder.encode(chunks).blocks }
        do {
            _ = try encoder.encode(chunks).blocks
        } catch {
            #expect(error.message.hasPrefix("line 2501, column 1: duplicate key \"a\""))
        }
    }

    /// Groups of any size give the blocks of one pass, and stop only between blocks.
    @Test(arguments: [1, 5000, Int.max])
    func groupsGoOnWhereTheyStopped(groupBytes: Int) throws {
        var options = EncodingOptions()
        options.segmentMaxBytes = 1500
        let encoder = BlockEncoder(options: options)
        let chunks = Self.chunks(Self.awkwardLines, chunkBytes: 700)
        let sequential = try encoder.encode(chunks).blocks
        let groups = try Self.groups(chunks, encoder: encoder, groupBytes: groupBytes)
        #expect(groupBytes == .max ? groups.count == 1 : groups.count > 1)
        #expect(groupBytes > 1 || groups.count == sequential.count)
        #expect(Self.difference(groups.flatMap { $0 }, sequential) == nil)
    }

    /// A chunk with more fields than a block may hold gives no columns (its block is cut from
    /// its text), and its block's blocks are still those of one pass; a record with too many
    /// keys of its own is refused as soon as its chunk is encoded, naming its line.
    @Test func chunksWithTooManyFieldsAreCutFromTheirText() throws {
        let encoder = BlockEncoder(options: EncodingOptions())
        let lines = (0 ..< 40).map { i in "{" + (0 ..< 300).map { k in "\"w\(i * 300 + k)\":\(k)" }.joined(separator: ",") + "}" }
        let chunks = Self.chunks(lines, chunkBytes: 50_000)
        let columns = try chunks.map { try encoder.encodeChunk($0) }
        #expect(columns.contains { $0 == nil } && columns.contains { $0 != nil })
        #expect(Self.difference(try Self.chunked(chunks, encoder: encoder, takingText: true), try encoder.encode(chunks).blocks) == nil)

        var tooWide = lines
        tooWide[30] = "{" + (0 ..< 5000).map { k in "\"k\(k)\":1" }.joined(separator: ",") + "}"
        var lastOfDuplicates = EncodingOptions()
        lastOfDuplicates.duplicateKeys = .last
        for (options, message) in [(EncodingOptions(), "4096 keys"), (lastOfDuplicates, "4096 distinct keys")] {
            let encoder = BlockEncoder(options: options)
            let expected = "line 31, column 1: a record with more than \(message) cannot be stored"
            for chunk in Self.chunks(tooWide, chunkBytes: 50_000) {
                do {
                    _ = try encoder.encodeChunk(chunk)
                    #expect(!(chunk.lines.contains(31)), "line 31 has 5000 keys")
                } catch {
                    #expect(error.message == expected)
                }
            }
            #expect { try encoder.encode(Self.chunks(tooWide)).blocks } throws: { ($0 as? JACError)?.message == expected }
        }
    }
}
