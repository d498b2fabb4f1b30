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
/// so the other threads would wait for it. The error is the first failing field in directory
/// order, as the check on one thread says it (`FieldColumn.finishNested` takes a split field's
/// pieces in order).
/// Memory: one decoded field per worker besides the block (pieces run before the next field).
public final class BlockChecker: @unchecked Sendable {
    private let pool: WorkPool
    private let decoders: [BlockDecoder]
    private let pieceBytes: Int
    private let monitor = Monitor()
    private var errors: [JACError?] = []
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

    /// A column decoded with its nested values left to pieces, and what the pieces found.
    private final class Deferred: @unchecked Sendable {
        var column: FieldColumn
        var checks: [FieldColumn.NestedCheck]
        var left: Int

        init(_ column: FieldColumn, pieces: Int) {
            self.column = column
            checks = Array(repeating: FieldColumn.NestedCheck(), count: pieces)
            left = pieces
        }

        /// The field's error once every piece is checked: the first in the payload's order, as
        /// one pass finds it.
        func finish(_ entry: FieldDirectoryEntry) -> JACError? {
            BlockChecker.error { () throws(JACError) in
                try BlockDecoder.locating(entry) { () throws(JACError) in try column.finishNested(checks) }
            }
        }
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
        let split = !pool.isInline && entry.uncompressedLength > pieceBytes
        let decoded: FieldColumn
        do throws(JACError) {
            decoded = try column(i, of: block, worker: worker, checkingNested: !split)
        } catch {
            return finish(i, error)
        }
        guard split else { return finish(i, nil) }
        let values = decoded.nestedCount
        let count = min(values, (entry.uncompressedLength + pieceBytes - 1) / pieceBytes)
        let deferred = Deferred(decoded, pieces: count)
        guard count > 0 else { return finish(i, deferred.finish(entry)) }
        for k in 0 ..< count {
            let part = values * k / count ..< values * (k + 1) / count
            pool.add(lane: 0, kind: .check, bytes: entry.uncompressedLength / count) { [self] _ in
                let check = deferred.column.checkNested(part)
                monitor.lock()
                deferred.checks[k] = check
                deferred.left -= 1
                let last = deferred.left == 0
                monitor.unlock()
                if last { finish(i, deferred.finish(entry)) }
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

    fileprivate static func error(_ body: () throws(JACError) -> Void) -> JACError? {
        do throws(JACError) {
            try body()
            return nil
        } catch {
            return error
        }
    }
}
