import JACArchive
import JACSystem
import JACTestSupport
import Testing

/// On a pool, a block is rendered in chunks of about three quarters of a piece of text
/// (estimated from its directory), fewer records than `chunkRecords` when records are large:
/// each chunk then goes out as one piece, and the text is the one-thread text.
struct ChunkCutTests {
    static func pieces(_ path: String, threads: Int, pieceBytes: Int,
                       start: @escaping WorkPool.ThreadStarter = startThread) throws(JACError) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        try ParallelDecoder(threads: threads, spec: RenderSpec(style: .records(.ndjson)), pieceBytes: pieceBytes, start: start)
            .run(next: { () throws(JACError) in try reader.next().map { DecodeInput(block: $0) } },
                 write: { (t, _) throws(JACError) in pieces.append(t) })
        return pieces
    }

    @Test func chunksOfAboutAPieceGiveTheOneThreadText() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 20_000)
        let pieceBytes = 64 << 10
        let one = try ChunkCutTests.pieces(path, threads: 1, pieceBytes: pieceBytes)
        let pool = try ChunkCutTests.pieces(path, threads: 3, pieceBytes: pieceBytes)
        #expect(Array(pool.joined()) == Array(one.joined()))
        // One thread passes each piece's budget; chunks of 4,096 records (about 450 KB) would
        // too, but chunks cut to the text mostly fit in one piece.
        #expect(one.dropLast().allSatisfy { $0.count >= pieceBytes })
        #expect(pool.filter { $0.count < pieceBytes }.count * 10 >= pool.count * 9)
    }

    /// One thread renders beside the caller, which writes; where no thread can start, the
    /// caller runs the jobs itself (inline), and the text is the same either way.
    @Test func withoutThreadsTheCallerDecodesTheSameText() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 5_000)
        let refused: WorkPool.ThreadStarter = { (_) throws(JACError) in throw JACError(.io, "cannot start a thread: injected") }
        let threaded = try ChunkCutTests.pieces(path, threads: 1, pieceBytes: 64 << 10)
        for threads in [1, 3] {
            let inline = try ChunkCutTests.pieces(path, threads: threads, pieceBytes: 64 << 10, start: refused)
            #expect(inline == threaded)
        }
    }
}
