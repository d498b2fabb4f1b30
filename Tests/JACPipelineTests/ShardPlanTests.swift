import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// `jac-split --shards`: the shards of a plan, packed one by one and merged by jac-assemble,
/// are exactly the bytes of one `jac pack` of the whole input.
struct ShardPlanTests {
    /// Packs every shard of a plan of `input` on its own, merges the archives in plan order and
    /// checks the merge is byte for byte the pack of the whole input. Returns the plan.
    @discardableResult
    func checkMerge(_ input: [UInt8], _ options: PackOptions, shards: Int, _ h: StageHarness) throws -> [ShardPlan.Shard] {
        let plan = try ShardPlan.make(path: try h.file(input), shards: shards, options: options.split)
        #expect(plan.first?.offset == 0 && plan.count <= shards)
        for (a, b) in zip(plan, plan.dropFirst()) { #expect(a.offset + a.length == b.offset && a.length > 0) }
        #expect(plan.last.map { $0.offset + $0.length } == input.count)
        var parts: [[UInt8]] = []
        for shard in plan {
            parts.append(try h.pack(Array(input[shard.offset ..< shard.offset + shard.length]), options, threads: 2))
        }
        let whole = try h.pack(input, options, threads: 1)
        #expect(try h.assemble(parts, index: options.index) == whole, "\(plan.count) shards of \(shards)")
        // A fan-in tree: merges of merges are the same bytes.
        if parts.count >= 3 {
            let left = try h.assemble(Array(parts[..<2]), index: options.index)
            let right = try h.assemble(Array(parts[2...]), index: options.index)
            #expect(try h.assemble([left, right], index: options.index) == whole, "a merge of merges of \(plan.count) shards")
        }
        return plan
    }

    func blockCount(_ archive: [UInt8], _ h: StageHarness) throws -> Int {
        let reader = try ArchiveReader(source: try ByteSource(path: try h.file(archive)))
        var count = 0
        while try reader.next() != nil { count += 1 }
        return count
    }

    @Test(arguments: [
        ("one block", StageTests.options()),
        ("single-record blocks", StageTests.options(blockRecords: 1)),
        ("small blocks", StageTests.options(blockRecords: 37)),
        ("byte-capped blocks", StageTests.options(blockBytes: 3000)),
        ("both caps", StageTests.options(blockRecords: 50, blockBytes: 5000)),
        ("canonical keys, no index", StageTests.options(blockRecords: 120, canonical: true, index: .omitted)),
        ("reference header", StageTests.options(blockRecords: 300, index: .reference)),
    ])
    func mergedShardsEqualOnePack(name: String, options: PackOptions) throws {
        let h = try StageHarness()
        let input = sampleRecords(250)
        let blocks = try blockCount(try h.pack(input, options, threads: 1), h)
        for shards in [1, 2, 3, 7, blocks, blocks + 1, 1000] {
            let plan = try checkMerge(input, options, shards: shards, h)
            if shards == 1 { #expect(plan.count == 1) }
            // More shards than blocks: one shard per block.
            if shards == 1000 { #expect(plan.count == blocks, "\(plan.count) shards for \(blocks) blocks") }
        }
    }

    /// The encoder cuts a raw block into several archive blocks when a segment would pass the
    /// segment limit; those cuts stay inside a raw block, so shards ending beside them still merge
    /// into the same bytes.
    @Test func shardsEndingOnEncoderCuts() throws {
        let h = try StageHarness()
        let input = sampleRecords(900)
        let options = StageTests.options(blockRecords: 300, segmentMaxBytes: 2500)
        let raw = try blockCount(try h.pack(input, StageTests.options(blockRecords: 300), threads: 1), h)
        let cut = try blockCount(try h.pack(input, options, threads: 1), h)
        #expect(raw == 3 && cut >= 2 * raw, "\(raw) raw blocks encoded as \(cut) blocks")
        for shards in [2, 3, 4] { try checkMerge(input, options, shards: shards, h) }
    }

    /// What lies between records (a byte order mark, blank lines, CRLF, pretty-printed objects,
    /// trailing space) goes with some shard and never changes the blocks.
    @Test func textBetweenRecordsDoesNotMove() throws {
        let h = try StageHarness()
        var text = "\u{FEFF}\n\n"
        for i in 0 ..< 200 {
            text += i % 9 == 0 ? "{\n  \"id\": \(i),\n  \"s\": \"x\(i)\"\n}\n" : "{\"id\":\(i),\"s\":\"y\(i)\"}\r\n"
            if i % 17 == 0 { text += "   \n" }
        }
        text += "  \n\n"
        for shards in [2, 5, 40, 500] {
            try checkMerge(Array(text.utf8), StageTests.options(blockRecords: 11), shards: shards, h)
        }
    }

    /// Shards are as even in bytes as block starts allow: each cut is the block start nearest to
    /// its share of the file.
    @Test func shardsAreBalancedByBytes() throws {
        let h = try StageHarness()
        let line = Array(#"{"n":"0123456789"}"#.utf8) + [0x0a]
        let input = Array([[UInt8]](repeating: line, count: 1000).joined())
        var options = SplitOptions()
        options.blockRecords = 10
        let plan = try ShardPlan.make(path: try h.file(input), shards: 3, options: options)
        // Blocks of 190 bytes; shares at 6333 and 12666 bytes: cuts at 6270 and 12730.
        #expect(plan == [.init(offset: 0, length: 6270), .init(offset: 6270, length: 6460), .init(offset: 12730, length: 6270)])
    }

    @Test func emptyInputIsOneEmptyShard() throws {
        let h = try StageHarness()
        #expect(try ShardPlan.make(path: try h.file([]), shards: 4, options: SplitOptions()) == [.init(offset: 0, length: 0)])
    }

    @Test func plansNeedAnUncompressedFileOfObjects() throws {
        let h = try StageHarness()
        func error(_ path: String, shards: Int = 2) -> JACError? {
            do {
                _ = try ShardPlan.make(path: path, shards: shards, options: SplitOptions())
                return nil
            } catch { return error }
        }
        let array = try #require(error(try h.file(Array(#"[{"a":1},{"a":2}]"#.utf8))))
        #expect(array.kind == .usage && array.message.contains("JSON array"), "\(array.message)")
        let gzip = try #require(error(try h.file([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3])))
        #expect(gzip.kind == .usage && gzip.message.contains("gzip") && gzip.message.contains("uncompressed"), "\(gzip.message)")
        #expect(error("-")?.message.contains("needs a file") == true)
        #expect(error("/dev/null")?.message.contains("regular file") == true)
        #expect(error(try h.file(Array("{}".utf8)), shards: 0)?.kind == .usage)
        let bad = try #require(error(try h.file(Array("{\"a\":1}\n\u{0}".utf8))))
        #expect(bad.kind == .json, "\(bad.message)")
    }
}
