import JACArchive
import JACCodec
import JACCompression
import JACSystem
import JACWire

/// Options of the `jac-squeeze` stage: how records become encoded, compressed blocks.
public struct SqueezeOptions: Equatable, Sendable {
    public var encoding = EncodingOptions()
    public var codec = Codec.zstdDefault

    public init() {}
}

/// The `jac-squeeze` stage: encodes and compresses raw blocks on a fixed pool of threads and
/// hands the finished blocks out in input order.
///
/// Work is two kinds of task, as in pigz: "encode chunk c of raw block k" (parse about 1 MiB of
/// records into columns, as soon as the chunk is read; the task that encodes a block's last
/// chunk joins the chunks), and "finish field f of block k" (lay out its payload from the
/// chunks' columns and compress it). Field tasks go first, largest first, so blocks finish in
/// order and one large block keeps every thread busy in both phases. The raw blocks held at
/// once (read and not yet handed out) cost at most `maxInFlightBytes` (the reader waits), which
/// bounds memory in bytes whatever the blocks' size; only a block that comes alone may exceed
/// it, up to `SplitOptions.maxBlockBytes`. At most `maxInFlight` blocks are held, which lets
/// tiny blocks flow in batches.
/// Each block's bytes depend only on its records and the options, never on the thread that
/// made them or on timing; so does the error reported for bad input: the one earliest in the
/// input (errors wait for their block's turn, like results).
public final class Squeezer: @unchecked Sendable {
    public let options: SqueezeOptions
    public let threads: Int
    public let maxInFlight: Int
    public let maxInFlightBytes: Int

    private let lock = Monitor()
    private var encodeQueue: [(job: Job, chunk: Int)] = []
    private var encodeHead = 0
    private var fieldQueue: [(job: Job, block: Int, field: Int)] = []
    private var fieldHead = 0
    private var results: [Int: Result<[EncodedBlock], JACError>] = [:]
    private var inFlight = 0
    /// What the blocks in flight cost (`cost(of:)` of their chunks), by sequence and in all.
    private var costs: [Int: Int] = [:]
    private var inFlightBytes = 0
    private var inputDone = false
    private var readerStopped = false
    private var failure: JACError?
    private var workersRunning = 0

    /// One raw block on its way through: its chunks and their columns, then its pending blocks
    /// and the fields finished so far. Guarded by the squeezer's lock.
    private final class Job {
        let sequence: Int
        var chunks: [RawChunk] = []
        var columns: [ColumnSet?] = []
        var hasLastChunk = false
        var chunksToEncode = 0
        /// The earliest error in the block's input: a chunk that failed to encode (by chunk
        /// index), else the input failing after the chunks read.
        var chunkError: (chunk: Int, error: JACError)?
        var readError: JACError?
        var blocks: [PendingBlock] = []
        var segments: [[FieldSegment?]] = []
        var fieldsToFinish = 0

        init(sequence: Int) { self.sequence = sequence }
    }

    /// - Parameter maxInFlightBytes: default `inFlightBytes(threads:blockBytes:)` for blocks of
    ///   `SplitOptions`' default size.
    public init(options: SqueezeOptions, threads: Int, maxInFlightBytes: Int? = nil, maxInFlight: Int = 64) {
        self.options = options
        self.threads = max(1, threads)
        self.maxInFlightBytes = maxInFlightBytes ?? Squeezer.inFlightBytes(threads: threads, blockBytes: SplitOptions().blockBytes)
        self.maxInFlight = max(1, maxInFlight)
    }

    /// The raw bytes a pool may hold for blocks of `blockBytes`: one per thread and one being
    /// read, as in pigz. A block in flight holds about four times its raw bytes at its peak
    /// (text, columns, payloads, segments).
    public static func inFlightBytes(threads: Int, blockBytes: Int) -> Int {
        (max(1, threads) + 1) * min(max(1, blockBytes), SplitOptions.maxBlockBytes)
    }

    /// What a chunk costs while its block is in flight: its text, the per-record offsets and
    /// places, and its share of the block's bookkeeping.
    static func cost(of chunk: RawChunk) -> Int {
        chunk.text.count + 32 * chunk.recordCount + 512
    }

    /// Pulls raw chunks from `input` (on a reader thread) until it returns nil, and calls
    /// `output` on this thread with each raw block's encoded blocks, in sequence order.
    /// Chunks must come in order: blocks numbered 0, 1, 2, ..., each block's chunks numbered
    /// from 0 up to one marked last. Stops at the first error and throws it.
    public func run(input: @escaping @Sendable () throws(JACError) -> RawChunk?,
                    output: (_ sequence: Int, _ blocks: [EncodedBlock]) throws(JACError) -> Void) throws(JACError) {
        try startThread { [self] in readLoop(input) }
        lock.lock()
        for _ in 0 ..< threads {
            do throws(JACError) {
                try startThread { [self] in workLoop() }
            } catch {
                if workersRunning == 0 { failure = error }
                break
            }
            workersRunning += 1
        }
        var next = 0
        while failure == nil {
            if let result = results.removeValue(forKey: next) {
                inFlight -= 1
                inFlightBytes -= costs.removeValue(forKey: next) ?? 0
                lock.broadcast()
                let blocks: [EncodedBlock]
                switch result {
                case .success(let finished): blocks = finished
                case .failure(let error):
                    failure = error
                    continue
                }
                lock.unlock()
                var outputError: JACError?
                do throws(JACError) {
                    try output(next, blocks)
                } catch {
                    outputError = error
                }
                lock.lock()
                if let outputError { failure = failure ?? outputError }
                next += 1
                continue
            }
            if inputDone && inFlight == 0 { break }
            lock.wait()
        }
        // Let the threads see the end (or the failure) and stop before returning.
        inputDone = true
        if failure != nil { encodeHead = encodeQueue.count; fieldHead = fieldQueue.count }
        lock.broadcast()
        while workersRunning > 0 || !readerStopped { lock.wait() }
        let error = failure
        lock.unlock()
        if let error { throw error }
    }

    private func readLoop(_ input: () throws(JACError) -> RawChunk?) {
        lock.lock()
        defer {
            readerStopped = true
            lock.broadcast()
            lock.unlock()
        }
        var job: Job?
        while failure == nil && !inputDone {
            lock.unlock()
            let result: Result<RawChunk?, JACError>
            do throws(JACError) {
                result = .success(try input())
            } catch {
                result = .failure(error)
            }
            lock.lock()
            switch result {
            case .failure(let error):
                // In input order, this comes after the chunks read so far.
                if let job, !job.hasLastChunk {
                    job.readError = error
                    job.hasLastChunk = true
                    if job.chunksToEncode == 0 { settle(job, with: job.chunkError?.error ?? error) }
                } else {
                    results[(job?.sequence ?? -1) + 1] = .failure(error)
                    inFlight += 1
                }
                inputDone = true
            case .success(nil):
                if job != nil && !job!.hasLastChunk { failure = failure ?? JACError(.bug, "input ends inside a block") }
                inputDone = true
            case .success(let chunk?):
                if chunk.index == 0 {
                    guard job?.hasLastChunk ?? true, chunk.block == (job?.sequence ?? -1) + 1 else {
                        failure = failure ?? JACError(.bug, "raw block \(chunk.block) out of order")
                        break
                    }
                    while inFlight >= maxInFlight && failure == nil && !inputDone { lock.wait() }
                    if failure != nil || inputDone { break }
                    job = Job(sequence: chunk.block)
                    inFlight += 1
                } else {
                    guard let job, !job.hasLastChunk, chunk.block == job.sequence, chunk.index == job.chunks.count else {
                        failure = failure ?? JACError(.bug, "chunk \(chunk.index) of raw block \(chunk.block) out of order")
                        break
                    }
                }
                // Over budget, the chunk waits for earlier blocks to go out; the block alone in
                // flight always takes it, so a block larger than the budget still finishes.
                let cost = Squeezer.cost(of: chunk)
                while inFlightBytes + cost > maxInFlightBytes && inFlightBytes > costs[chunk.block, default: 0]
                        && failure == nil && !inputDone { lock.wait() }
                if failure != nil || inputDone { break }
                costs[chunk.block, default: 0] += cost
                inFlightBytes += cost
                job!.chunks.append(chunk)
                job!.columns.append(nil)
                job!.chunksToEncode += 1
                job!.hasLastChunk = chunk.isLast
                encodeQueue.append((job!, chunk.index))
            }
            lock.broadcast()
        }
    }

    private func workLoop() {
        let encoder = BlockEncoder(options: options.encoding)
        let compressor = SegmentCompressor()
        lock.lock()
        defer {
            workersRunning -= 1
            lock.broadcast()
            lock.unlock()
        }
        while failure == nil {
            let result: Result<Void, JACError>
            if fieldHead < fieldQueue.count {
                let (job, block, field) = fieldQueue[fieldHead]
                fieldHead += 1
                trimQueues()
                result = finish(field: field, block: block, of: job, compressor: compressor)
            } else if encodeHead < encodeQueue.count {
                let (job, chunk) = encodeQueue[encodeHead]
                encodeHead += 1
                trimQueues()
                encode(chunk: chunk, of: job, encoder: encoder)
                continue
            } else if inputDone && inFlight == 0 {
                return
            } else {
                lock.wait()
                continue
            }
            if case .failure(let error) = result {
                failure = failure ?? error
                lock.broadcast()
            }
        }
    }

    /// Encodes one chunk; the last one of its block to finish settles the block (called with
    /// the lock held, works without it).
    private func encode(chunk c: Int, of job: Job, encoder: BlockEncoder) {
        let chunk = job.chunks[c]
        lock.unlock()
        let result: Result<ColumnSet, JACError>
        do throws(JACError) {
            result = .success(try encoder.encodeChunk(chunk))
        } catch {
            result = .failure(error)
        }
        lock.lock()
        switch result {
        case .success(let columns): job.columns[c] = columns
        case .failure(let error):
            if job.chunkError.map({ c < $0.chunk }) ?? true { job.chunkError = (c, error) }
        }
        job.chunksToEncode -= 1
        guard job.chunksToEncode == 0 && job.hasLastChunk else { return }
        if let error = job.chunkError?.error ?? job.readError {
            settle(job, with: error)
            return
        }
        let (chunks, all) = (job.chunks, job.columns.map { $0! })
        job.chunks = []
        job.columns = []
        lock.unlock()
        let merged: Result<[PendingBlock], JACError>
        do throws(JACError) {
            merged = .success(try encoder.merge(all, of: chunks))
        } catch {
            merged = .failure(error)
        }
        lock.lock()
        switch merged {
        case .success(let blocks): schedule(job, blocks: blocks)
        case .failure(let error): settle(job, with: error)
        }
    }

    /// A block whose input failed: its error waits for the block's turn in the output (called
    /// with the lock held).
    private func settle(_ job: Job, with error: JACError) {
        job.chunks = []
        job.columns = []
        results[job.sequence] = .failure(error)
        lock.broadcast()
    }

    /// Lays out and compresses field `f` of the job's pending block `b` (called with the lock
    /// held, works without it).
    private func finish(field f: Int, block b: Int, of job: Job,
                        compressor: SegmentCompressor) -> Result<Void, JACError> {
        let block = job.blocks[b]
        lock.unlock()
        let payload = block.takePayload(field: f)
        let segment: FieldSegment
        do throws(JACError) {
            let compressed = try compressor.compress(payload.bytes, codec: options.codec)
            segment = FieldSegment(payload: payload, compressed: compressed, codec: options.codec)
        } catch {
            lock.lock()
            return .failure(error)
        }
        lock.lock()
        job.segments[b][f] = segment
        job.fieldsToFinish -= 1
        if job.fieldsToFinish == 0 { complete(job) }
        return .success(())
    }

    /// Queues the fields of a joined raw block, largest first (called with the lock held).
    private func schedule(_ job: Job, blocks: [PendingBlock]) {
        job.blocks = blocks
        job.segments = blocks.map { Array(repeating: nil, count: $0.fieldCount) }
        var tasks: [(size: Int, block: Int, field: Int)] = []
        for (b, block) in blocks.enumerated() {
            for f in 0 ..< block.fieldCount { tasks.append((block.sizeHint(field: f), b, f)) }
        }
        job.fieldsToFinish = tasks.count
        if tasks.isEmpty {
            complete(job)
            return
        }
        tasks.sort { $0.size != $1.size ? $0.size > $1.size : ($0.block, $0.field) < ($1.block, $1.field) }
        for t in tasks { fieldQueue.append((job, t.block, t.field)) }
        lock.broadcast()
    }

    /// Lays out a job's blocks once all their fields are compressed (called with the lock held;
    /// the CRC pass is short next to compression).
    private func complete(_ job: Job) {
        var blocks: [EncodedBlock] = []
        for (b, block) in job.blocks.enumerated() {
            blocks.append(EncodedBlock(recordCount: block.recordCount, fields: job.segments[b].map { $0! }))
        }
        job.blocks = []
        job.segments = []
        results[job.sequence] = .success(blocks)
        lock.broadcast()
    }

    private func trimQueues() {
        if fieldHead > 1024 && fieldHead * 2 > fieldQueue.count {
            fieldQueue.removeFirst(fieldHead)
            fieldHead = 0
        }
        if encodeHead > 256 && encodeHead * 2 > encodeQueue.count {
            encodeQueue.removeFirst(encodeHead)
            encodeHead = 0
        }
    }
}
