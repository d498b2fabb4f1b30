import JACArchive
import JACCodec
import JACSystem
import JACWire

/// jac-assemble's check of a block from a frame before it is written, as
/// `BlockDecoder.check` does it (frame, CRC, every segment decompressed and decoded), with the
/// fields decoded on a `WorkPool`: else an input of one block, compressed by jac-squeeze on
/// every thread, is checked on one. Fields go largest first, and the nested values of a field
/// over `pieceBytes` are checked in pieces on every worker: one field can hold most of a block
/// (geonames' alternatenames, three quarters), and the check runs when jac-squeeze is done,
/// so the other threads would wait for it. The error is the first failing field in directory order, as the
/// check on one thread says it: a field that fails in pieces is checked again whole for it.
/// Memory: one decoded field per worker besides the block (pieces run before the next field).
public final class BlockChecker: @unchecked Sendable {
    private let pool: WorkPool
    private let decoders: [BlockDecoder]
    private let pieceBytes: Int
    private let monitor = Monitor()
    private var errors: [JACError?] = []
    /// Per field split in pieces: the pieces not done, and whether one failed.
    private var pieces: [(left: Int, failed: Bool)] = []
    private var pending = 0

    public init(threads: Int, segmentLimit: Int, pieceBytes: Int = 1 << 20) throws(JACError) {
        pool = try WorkPool(threads: threads, lanes: 2)
        decoders = (0 ..< pool.workers).map { _ in BlockDecoder(segmentLimit: segmentLimit) }
        self.pieceBytes = max(1, pieceBytes)
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
        pieces = Array(repeating: (0, false), count: fields.count)
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

    /// A column decoded with its nested values left to pieces.
    private final class Deferred: @unchecked Sendable {
        let column: FieldColumn
        init(_ column: FieldColumn) { self.column = column }
    }

    private func column(_ i: Int, of block: Block, worker: Int, deferring: Bool) throws(JACError) -> FieldColumn {
        let entry = block.header.fields[i]
        let start = block.areaStart + entry.segmentOffset
        return try block.bytes.withBytes { (p) throws(JACError) in
            try decoders[worker].column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                                        recordCount: block.header.recordCount, deferringNested: deferring)
        }
    }

    /// The error of field i checked whole, as on one thread.
    private func wholeCheck(_ i: Int, of block: Block, worker: Int) -> JACError? {
        Self.error { () throws(JACError) in _ = try column(i, of: block, worker: worker, deferring: false) }
    }

    private func checkField(_ i: Int, of block: Block, worker: Int) {
        let entry = block.header.fields[i]
        let split = !pool.isInline && entry.uncompressedLength > pieceBytes
        let decoded: FieldColumn
        do throws(JACError) {
            decoded = try column(i, of: block, worker: worker, deferring: split)
        } catch {
            finish(i, split ? wholeCheck(i, of: block, worker: worker) : error)
            return
        }
        guard split else { return finish(i, nil) }
        let values = decoded.nestedCount
        let count = min(values, (entry.uncompressedLength + pieceBytes - 1) / pieceBytes)
        monitor.lock()
        pieces[i] = (count, false)
        monitor.unlock()
        guard count > 0 else { return finish(i, nil) }
        let deferred = Deferred(decoded)
        for k in 0 ..< count {
            let part = values * k / count ..< values * (k + 1) / count
            pool.add(lane: 0, kind: .check, bytes: entry.uncompressedLength / count) { [self] worker in
                let failed = Self.error { () throws(JACError) in try deferred.column.checkNested(part) } != nil
                monitor.lock()
                pieces[i].left -= 1
                pieces[i].failed = pieces[i].failed || failed
                let (last, anyFailed) = (pieces[i].left == 0, pieces[i].failed)
                monitor.unlock()
                if last { finish(i, anyFailed ? wholeCheck(i, of: block, worker: worker) : nil) }
            }
        }
    }

    /// Field i is checked, with `failure` or none.
    private func finish(_ i: Int, _ failure: JACError?) {
        monitor.lock()
        errors[i] = failure
        pending -= 1
        if pending == 0 { monitor.broadcast() }
        monitor.unlock()
    }

    private static func error(_ body: () throws(JACError) -> Void) -> JACError? {
        do throws(JACError) {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
