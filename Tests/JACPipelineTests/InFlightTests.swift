import JACArchive
import JACCodec
import JACPipeline
import JACSystem
import JACWire
import Testing

/// jac-squeeze holds raw blocks up to a budget in bytes, whatever their count or size.
struct InFlightTests {
    /// Raw chunk `index` of block `block`: four records of 64 KiB of text each.
    static func chunk(block: Int, index: Int, chunks: Int) -> RawChunk {
        var chunk = RawChunk(block: block, index: index, isLast: index == chunks - 1)
        let record = Array("{\"s\":\"\(String(repeating: "x", count: (64 << 10) - 8))\"}".utf8)
        for r in 0 ..< 4 {
            record.withUnsafeBytes { chunk.append($0, line: 4 * index + r + 1, column: 1) }
        }
        return chunk
    }

    /// Bytes read and not yet handed out stay within the budget, or one block when that is larger.
    @Test(arguments: [(blocks: 12, chunks: 4), (blocks: 3, chunks: 16)])
    func rawBytesInFlightStayWithinTheBudget(blocks: Int, chunks: Int) throws {
        let budget = 3 << 20
        let chunkCost = 4 * (64 << 10) + 4 * 32 + 512
        let blockCost = chunks * chunkCost
        let state = Monitor()
        nonisolated(unsafe) var next = (block: 0, index: 0)
        nonisolated(unsafe) var read = 0
        nonisolated(unsafe) var written = 0
        nonisolated(unsafe) var most = 0
        let squeezer = Squeezer(options: SqueezeOptions(), threads: 2, maxInFlightBytes: budget)
        var sequences: [Int] = []
        try squeezer.run(input: { () throws(JACError) -> RawChunk? in
            state.lock()
            defer { state.unlock() }
            guard next.block < blocks else { return nil }
            let chunk = Self.chunk(block: next.block, index: next.index, chunks: chunks)
            next = next.index + 1 == chunks ? (next.block + 1, 0) : (next.block, next.index + 1)
            read += chunk.text.count + 32 * chunk.recordCount + 512
            most = max(most, read - written)
            return chunk
        }) { (sequence, _) throws(JACError) in
            state.lock()
            written += blockCost
            state.unlock()
            sequences.append(sequence)
        }
        #expect(sequences == Array(0 ..< blocks))
        // Counted here, the chunk that waits to be let in is read already, and the block being
        // handed out is not written yet.
        #expect(most <= max(budget, blockCost) + blockCost + chunkCost, "held \(most) bytes, budget \(budget)")
    }
}
