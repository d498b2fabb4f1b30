import JACArchive
import JACCodec
import JACPipeline
import JACSystem
import Testing

/// Chunks handed back by the squeezer and filled again by the splitter give the same blocks as
/// fresh chunks, whatever the blocks' and chunks' sizes and the thread count, and the spare
/// chunks kept never exceed their bound in bytes.
struct RecycledChunkTests {
    /// Records of very different lengths: mostly short, some of 20 KiB, a few of 300 KiB (longer
    /// than a chunk, so their chunks grow past the usual size).
    static func input() -> [UInt8] {
        var input: [UInt8] = []
        for i in 0 ..< 3000 {
            let length = i % 997 == 5 ? 300 << 10 : i % 61 == 0 ? 20 << 10 : i % 40
            input += Array("{\"i\":\(i),\"s\":\"\(String(repeating: "ab", count: length / 2))\",\"k\":\(i % 7)}\n".utf8)
        }
        return input
    }

    /// Every block's bytes, packed from `path` by a squeezer of `threads` threads.
    static func blocks(_ path: String, _ options: SplitOptions, threads: Int, budget: Int, recycling: Bool,
                       most: inout Int) throws -> [[UInt8]] {
        let spares = recycling ? FreeList<RawChunk>(maxBytes: 0) : nil
        let splitter = Splitter(source: try ByteSource(path: path), options: options, spares: spares)
        let squeezer = Squeezer(options: SqueezeOptions(), threads: threads, maxInFlightBytes: budget)
        let held = Monitor()
        nonisolated(unsafe) var largest = 0
        nonisolated(unsafe) var overBound = false
        var out: [[UInt8]] = []
        try squeezer.run(input: { () throws(JACError) in
            if let spares {
                held.lock()
                largest = max(largest, spares.heldBytes)
                overBound = overBound || spares.heldBytes > spares.maxBytes || spares.maxBytes > budget
                held.unlock()
            }
            return try splitter.next()
        }, spares: spares) { (_, blocks) throws(JACError) in
            out += blocks.map(\.bytes)
        }
        #expect(!overBound)
        most = max(most, largest)
        return out
    }

    @Test(arguments: [(records: 100_000, chunk: 1 << 20), (records: 50, chunk: 4096), (records: 700, chunk: 64 << 10)])
    func recycledChunksGiveTheSameBlocks(records: Int, chunk: Int) throws {
        let h = try StageHarness()
        let path = try h.file(Self.input())
        var options = SplitOptions()
        options.blockRecords = records
        options.chunkBytes = chunk
        var most = 0
        let reference = try Self.blocks(path, options, threads: 1, budget: 64 << 20, recycling: false, most: &most)
        for threads in [1, 2, 3] {
            for budget in [64 << 20, 2 << 20] {
                let blocks = try Self.blocks(path, options, threads: threads, budget: budget, recycling: true, most: &most)
                #expect(blocks == reference, "-j\(threads), budget \(budget), \(records) records per block, \(chunk)-byte chunks")
            }
        }
        // With several blocks, chunks did come back to be reused.
        #expect(reference.count == 1 || most > 0)
    }
}
