import JACArchive
import JACCodec
import JACCompression
import JACPipeline
import JACSystem
import Testing

/// A raw block that must be cut into many blocks goes through the squeezer a group of blocks at
/// a time: the blocks of one record-by-record pass, for any thread count, and the first error
/// in the input, whichever group it falls in.
struct CutBlockTests {
    /// Records of 20 keys each that no other record has: a block every 204 records (4,096
    /// fields), each holding far more than its text.
    static func wideLines(_ count: Int) -> [String] {
        (0 ..< count).map { i in "{" + (0 ..< 20).map { k in "\"k\(i * 20 + k)\":\(k)" }.joined(separator: ",") + "}" }
    }

    static func squeeze(_ path: String, threads: Int) throws -> [[UInt8]] {
        let splitter = Splitter(source: try ByteSource(path: path), options: SplitOptions())
        var out: [[UInt8]] = []
        try Squeezer(options: SqueezeOptions(), threads: threads).run(input: { () throws(JACError) in try splitter.next() }) {
            (_, blocks) throws(JACError) in out += blocks.map(\.bytes)
        }
        return out
    }

    @Test func manyCutBlocksComeInGroupsAsOnePass() throws {
        let lines = Self.wideLines(4000)
        let h = try StageHarness()
        let path = try h.file(Array(lines.joined(separator: "\n").utf8))
        var raw = RawChunk(block: 0, index: 0, isLast: true)
        for (i, line) in lines.enumerated() { Array(line.utf8).withUnsafeBytes { raw.append($0, line: i + 1, column: 1) } }
        let payloads = try BlockEncoder(options: EncodingOptions()).encode([raw]).blocks
        // Several groups at every thread count tried.
        #expect(payloads.reduce(0) { $0 + $1.heldBytes } > 2 * Squeezer.groupBytes(workers: 3))
        let compressor = SegmentCompressor()
        let reference = try payloads.map { (p) throws(JACError) in
            try EncodedBlock(payloads: p, codec: SqueezeOptions().codec, compressor: compressor).bytes
        }
        #expect(reference.count == 4000 * 20 / 4096 + 1)
        for threads in [1, 2, 3] {
            #expect(try Self.squeeze(path, threads: threads) == reference, "-j\(threads)")
        }
    }

    @Test func anErrorInALaterGroupIsTheOneReported() throws {
        var lines = Self.wideLines(4000)
        lines[3500] = "{\"k\":tru}"
        let h = try StageHarness()
        let path = try h.file(Array(lines.joined(separator: "\n").utf8))
        for threads in [1, 2, 3] {
            do {
                _ = try Self.squeeze(path, threads: threads)
                Issue.record("-j\(threads) packed bad JSON")
            } catch let error as JACError {
                #expect(error.message.hasPrefix("line 3501, column 6:"), "-j\(threads): \(error.message)")
            }
        }
    }
}
