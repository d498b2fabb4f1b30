import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// The pipeline and `jac pack` are one archive, whatever the thread count (DESIGN.md
/// invariant 1), and that archive gives the input back.
struct StageTests {
    static func options(blockRecords: Int = 100_000, blockBytes: Int = 64 << 20, canonical: Bool = false,
                        segmentMaxBytes: Int = 64 << 20, index: ArchiveWriter.Index = .announced) -> PackOptions {
        var o = PackOptions()
        o.index = index
        o.split.blockRecords = blockRecords
        o.split.blockBytes = blockBytes
        o.squeeze.encoding.canonicalizeKeys = canonical
        o.squeeze.encoding.segmentMaxBytes = segmentMaxBytes
        return o
    }

    @Test(arguments: [
        ("one block", options()),
        ("many small blocks", options(blockRecords: 37)),
        ("byte-capped blocks", options(blockBytes: 3000)),
        ("canonical keys", options(blockRecords: 500, canonical: true)),
        ("blocks the encoder cuts", options(segmentMaxBytes: 5000)),
        ("reference header", options(blockRecords: 300, index: .reference)),
        ("no index", options(blockRecords: 300, index: .omitted)),
    ])
    func pipelineEqualsPackForEveryThreadCount(name: String, options: PackOptions) throws {
        let h = try StageHarness()
        let input = sampleRecords(2000)
        let reference = try h.pack(input, options, threads: 1)
        for threads in [2, 8] {
            #expect(try h.pack(input, options, threads: threads) == reference, "pack -j\(threads), \(name)")
        }
        for threads in [1, 4] {
            #expect(try h.pipeline(input, options, threads: threads) == reference, "pipeline -j\(threads), \(name)")
        }
        // Blocks cut into many small chunks (encoded apart and joined) give the same archive.
        var chunked = options
        chunked.split.chunkBytes = 700
        for threads in [1, 2, 8] {
            #expect(try h.pack(input, chunked, threads: threads) == reference, "pack -j\(threads), 700-byte chunks, \(name)")
        }
        #expect(try h.pipeline(input, chunked, threads: 4) == reference, "pipeline -j4, 700-byte chunks, \(name)")
        #expect(firstDifference(actualText: try h.unpack(reference), expectedText: input) == nil)
    }

    /// Bad records in several chunks and blocks: pack at any -j names the one earliest in the
    /// input (errors wait for their block's turn), never whichever a thread met first, even
    /// when the splitter reads past it to a broken record. (In the pipeline, jac-split reports
    /// the broken record and jac-squeeze the earliest bad value before it.)
    @Test(arguments: [(true, "line 701, column 1: duplicate key"), (false, "line 2501, column")])
    func theEarliestBadRecordIsReported(withDuplicate: Bool, expected: String) throws {
        let h = try StageHarness()
        var lines = String(decoding: sampleRecords(3000), as: UTF8.self).split(separator: "\n").map(String.init)
        if withDuplicate { lines[700] = #"{"a":1,"a":2}"# }
        lines[2500] = #"{"a":01}"#
        lines[2900] = #"{"a":1}}"#
        let input = Array((lines.joined(separator: "\n") + "\n").utf8)
        var options = Self.options(blockRecords: 1000)
        options.split.chunkBytes = 2000
        func message(_ run: () throws -> [UInt8]) -> String {
            do {
                _ = try run()
                return "no error"
            } catch let error as JACError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        for _ in 0 ..< 3 {
            for threads in [1, 2, 8] {
                let got = message { try h.pack(input, options, threads: threads) }
                #expect(got.contains(expected), "pack -j\(threads): \(got)")
            }
        }
    }

    @Test func blockBytesCapCutsBlocks() throws {
        let h = try StageHarness()
        let archive = try h.pack(sampleRecords(500), Self.options(blockBytes: 4096), threads: 2)
        let path = try h.file(archive)
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        var blocks = 0
        while try reader.next() != nil { blocks += 1 }
        #expect(blocks > 5)
        #expect(reader.hasIndex)
    }

    @Test func mergingArchivesKeepsBlocksAndRecords() throws {
        let h = try StageHarness()
        let parts = (1 ... 3).map { sampleRecords(300, seed: $0) }
        let archives = try parts.map { try h.pack($0, Self.options(blockRecords: 100), threads: 2) }
        let merged = try h.assemble(archives)
        #expect(firstDifference(actualText: try h.unpack(merged), expectedText: parts.flatMap { $0 }) == nil)
        let report = try Verifier.run(source: try ByteSource(path: try h.file(merged)))
        #expect(report.blocks == 9 && report.records == 900 && report.hasIndex)
    }

    /// The merged archive has an index, so its header announces it, whatever the inputs'
    /// headers said; an input that announces an index and lacks it was cut short, and is refused.
    @Test func mergingAnnouncesTheIndexAndRefusesACutInput() throws {
        let h = try StageHarness()
        var reference = Self.options(blockRecords: 100)
        reference.index = .reference
        let parts = try (1 ... 2).map { try h.pack(sampleRecords(300, seed: $0), reference, threads: 1) }
        #expect(parts.allSatisfy { $0[4] & 0x20 == 0 })
        let merged = try h.assemble(parts)
        #expect(merged[4] & 0x20 != 0)
        #expect(try h.assemble(parts, index: .reference)[4] & 0x20 == 0)
        let whole = try h.pack(sampleRecords(300), Self.options(blockRecords: 100), threads: 1)
        let cut = Array(whole[..<archiveBoundaries(whole)[2]])
        #expect(throws: JACError.self) { try h.assemble([parts[0], cut]) }
        #expect(try h.assemble([parts[0], whole]).count > 0)
    }

    @Test func verifierComparesAgainstTheInput() throws {
        let h = try StageHarness()
        let input = sampleRecords(300)
        let name = try h.pack(input, Self.options(blockRecords: 64), threads: 2)
        let archive = try h.file(name)
        let same = try Verifier.run(source: try ByteSource(path: archive), against: try ByteSource(path: try h.file(input)))
        #expect(same.records == 300)
        // Compared field by field, the records' size is still counted exactly.
        let alone = try Verifier.run(source: try ByteSource(path: archive))
        #expect(same.jsonBytes == alone.jsonBytes)
        #expect(alone.jsonBytes == (try h.unpack(name)).count)
        var extraKey = input
        extraKey.replaceSubrange(0 ..< 1, with: Array(#"{"extra":1,"#.utf8))
        #expect { try Verifier.run(source: try ByteSource(path: archive), against: try ByteSource(path: try h.file(extraKey))) }
            throws: { ($0 as? JACError)?.message.contains("record 0 (input line 1): the input has keys the archive lacks") == true }
        var changed = input
        let at = changed.firstIndex(of: UInt8(ascii: "I"))!
        changed[at] = UInt8(ascii: "J")
        #expect(throws: JACError.self) {
            try Verifier.run(source: try ByteSource(path: archive), against: try ByteSource(path: try h.file(changed)))
        }
        let fewer = Array(input[..<input.lastIndex(of: UInt8(ascii: "{"))!])
        #expect(throws: JACError.self) {
            try Verifier.run(source: try ByteSource(path: archive), against: try ByteSource(path: try h.file(fewer)))
        }
    }

    @Test func malformedRecordNamesItsLineWhenSqueezed() throws {
        let h = try StageHarness()
        var input = sampleRecords(50)
        let lines = input.split(separator: 0x0A, omittingEmptySubsequences: false)
        let line = 42
        let offset = lines[..<(line - 1)].reduce(0) { $0 + $1.count + 1 }
        input.insert(contentsOf: Array(",,".utf8), at: offset + 1)
        let raw = try h.split(input, Self.options(blockRecords: 10).split)
        do {
            _ = try h.squeeze(raw, SqueezeOptions(), threads: 2)
            Issue.record("squeeze accepted a malformed record")
        } catch let error as JACError {
            #expect(error.message.contains("line \(line), column 2"), "\(error.message)")
        }
    }
}
