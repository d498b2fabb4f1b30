import JACArchive
import JACSystem
import JACWire

/// jac-assemble's check of a block from a frame before it is written, as
/// `BlockDecoder.check` does it (frame, CRC, every segment decompressed and decoded), with the
/// fields decoded on a `WorkPool`: else an input of one block, compressed by jac-squeeze on
/// every thread, is checked on one. The error is the first failing field in directory order,
/// as the check on one thread says. Memory: one decoded field per worker besides the block.
final class BlockChecker: @unchecked Sendable {
    private let pool: WorkPool
    private let decoders: [BlockDecoder]
    private let monitor = Monitor()
    private var errors: [JACError?] = []
    private var pending = 0

    init(threads: Int, segmentLimit: Int) throws(JACError) {
        pool = try WorkPool(threads: threads, lanes: 1)
        decoders = (0 ..< pool.workers).map { _ in BlockDecoder(segmentLimit: segmentLimit) }
    }

    /// Ends the pool's threads; call once the last block is checked.
    func stop() { pool.stop() }

    /// Checks one block; returns its header.
    func check(_ bytes: [UInt8]) throws(JACError) -> BlockHeader {
        // The jobs of the previous block are done: decoder 0 is free to open this one.
        let (header, areaStart) = try decoders[0].open(ArchiveBlock(number: 0, offset: 0, bytes: bytes))
        monitor.lock()
        errors = Array(repeating: nil, count: header.fields.count)
        pending = header.fields.count
        monitor.unlock()
        for (i, entry) in header.fields.enumerated() {
            pool.add(lane: 0, kind: .check, bytes: entry.compressedLength) { [self] worker in
                let start = areaStart + entry.segmentOffset
                var failure: JACError?
                do throws(JACError) {
                    _ = try bytes.withBytes { (p) throws(JACError) in
                        try decoders[worker].column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                                                    recordCount: header.recordCount)
                    }
                } catch {
                    failure = error
                }
                monitor.lock()
                errors[i] = failure
                pending -= 1
                if pending == 0 { monitor.broadcast() }
                monitor.unlock()
            }
        }
        monitor.lock()
        while pending > 0 { monitor.wait() }
        let first = errors.lazy.compactMap { $0 }.first
        monitor.unlock()
        if let first { throw first }
        return header
    }
}
