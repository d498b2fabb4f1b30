import JACArchive
import JACCodec
import JACSystem
import JACWire

/// jac-assemble's check of a block from a frame before it is written, as
/// `BlockDecoder.check` does it (frame, CRC, every segment decompressed and decoded), with the
/// fields decoded on a `WorkPool`: else an input of one block, compressed by jac-squeeze on
/// every thread, is checked on one. Fields go largest first, and a large field's nested values
/// are checked in parts on every worker (`NestedCheckParts`, as `jac unpack` does): the check
/// runs when jac-squeeze is done, so the other threads would wait for one field. The error is
/// the first failing field in directory order, as the check on one thread says it.
/// Memory: one decoded field per worker besides the block (parts run before the next field).
public final class BlockChecker: @unchecked Sendable {
    private let pool: WorkPool
    private let decoders: [BlockDecoder]
    private let splitBytes: Int
    private let monitor = Monitor()
    private var errors: [JACError?] = []
    private var pending = 0

    /// - Parameter splitBytes: the payload bytes from which a field's nested values are checked
    ///   in parts (`NestedCheckParts.minBytes`; tests split small fields).
    public init(threads: Int, segmentLimit: Int, splitBytes: Int = NestedCheckParts.minBytes) throws(JACError) {
        pool = try WorkPool(threads: threads, lanes: 2)
        decoders = (0 ..< pool.workers).map { _ in BlockDecoder(segmentLimit: segmentLimit) }
        self.splitBytes = max(1, splitBytes)
    }

    /// Ends the pool's threads; call once the last block is checked.
    public func stop() { pool.stop() }

    /// Checks one block; returns its header.
    public func check(_ bytes: [UInt8]) throws(JACError) -> BlockHeader {
        // The jobs of the previous block are done: decoder 0 is free to open this one.
        let (header, areaStart) = try decoders[0].open(ArchiveBlock(number: 0, offset: 0, bytes: bytes))
        let block = Block(bytes: bytes, header: header, areaStart: areaStart)
        let fields = header.fields
        monitor.lock()
        errors = Array(repeating: nil, count: fields.count)
        pending = fields.count
        monitor.unlock()
        for i in fields.indices.sorted(by: { fields[$0].uncompressedLength > fields[$1].uncompressedLength }) {
            pool.add(lane: 1, kind: .check, bytes: fields[i].compressedLength) { [self] worker in
                checkField(i, of: block, worker: worker)
            }
        }
        monitor.lock()
        while pending > 0 { monitor.wait() }
        let first = errors.lazy.compactMap { $0 }.first
        monitor.unlock()
        if let first { throw first }
        return header
    }

    private struct Block: Sendable {
        let bytes: [UInt8]
        let header: BlockHeader
        let areaStart: Int
    }

    private func column(_ i: Int, of block: Block, worker: Int, checkingNested: Bool) throws(JACError) -> FieldColumn {
        let entry = block.header.fields[i]
        let start = block.areaStart + entry.segmentOffset
        return try block.bytes.withBytes { (p) throws(JACError) in
            try decoders[worker].column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                                        recordCount: block.header.recordCount, checkingNested: checkingNested)
        }
    }

    private func checkField(_ i: Int, of block: Block, worker: Int) {
        let entry = block.header.fields[i]
        let split = NestedCheckParts.splits(entry, on: pool, minBytes: splitBytes)
        let decoded: FieldColumn
        do throws(JACError) {
            decoded = try column(i, of: block, worker: worker, checkingNested: !split)
        } catch {
            return finish(i, error)
        }
        guard split else { return finish(i, nil) }
        NestedCheckParts(decoded, entry: entry, workers: pool.workers).run(on: pool, lane: 0, kind: .check) { [self] result in
            finish(i, result)
        }
    }

    /// Field i is checked, with `result`'s error or none.
    private func finish(_ i: Int, _ result: Result<FieldColumn, JACError>) {
        guard case .failure(let error) = result else { return finish(i, nil) }
        finish(i, error)
    }

    /// Field i is checked, with `failure` or none.
    private func finish(_ i: Int, _ failure: JACError?) {
        monitor.lock()
        errors[i] = failure
        pending -= 1
        if pending == 0 { monitor.broadcast() }
        monitor.unlock()
    }
}
