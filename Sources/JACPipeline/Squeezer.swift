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

/// The `jac-squeeze` stage: encodes and compresses raw blocks on a `WorkPool` and hands the
/// finished blocks out in input order.
///
/// Work is two kinds of job, as in pigz: "encode chunk c of raw block k" (parse about 1 MiB of
/// records into columns, as soon as the chunk is read; the job that encodes a block's last
/// chunk joins the chunks), and "finish field f of block k" (lay out its payload from the
/// chunks' columns and compress it). Field jobs are the pool's first lane, queued largest
/// first, so blocks finish in order and one large block keeps every thread busy in both
/// phases. A reader thread pulls the chunks; what they cost is acquired from a `ByteBudget` of
/// `maxInFlightBytes` before they go to the pool and released once their block is handed out,
/// which bounds memory in bytes whatever the blocks' size; only a block that comes alone may
/// exceed it, up to `SplitOptions.maxBlockBytes`. Once a block was read whole, the budget is
/// the same model for blocks the size of the largest so far (at least a chunk's), so reading
/// runs ahead by the blocks the threads can use, not by `maxInFlightBytes` of small blocks;
/// a chunk's text goes to `spares` as soon as its records are in columns (`RawChunk.takeText`),
/// to be filled again while still warm, and the text read and not yet encoded is held to a
/// chunk per thread and one more (`textLimit`), so a large block holds a few chunks' text, not
/// all of it. `spares` may keep that much, or what the budget no longer uses of
/// `maxInFlightBytes` (up to two of the largest blocks), so chunks in flight and kept stay within
/// `maxInFlightBytes`, and nothing once the reader is done.
/// At most `maxInFlight` blocks are held, which lets tiny blocks flow in batches. With one
/// thread the reader runs the jobs itself (an inline `WorkPool`), while this thread writes.
/// Each block's bytes depend only on its records and the options, never on the thread that
/// made them or on timing; so does the error reported for bad input: the one earliest in the
/// input (a failed block waits for its turn in the `ReorderWindow`, like results).
public final class Squeezer: @unchecked Sendable {
    public let options: SqueezeOptions
    public let threads: Int
    public let maxInFlight: Int
    public let maxInFlightBytes: Int

    /// - Parameter maxInFlightBytes: default `inFlightBytes(threads:blockBytes:)` for blocks of
    ///   `SplitOptions`' default size.
    public init(options: SqueezeOptions, threads: Int, maxInFlightBytes: Int? = nil, maxInFlight: Int = 64) {
        self.options = options
        self.threads = max(1, threads)
        self.maxInFlightBytes = maxInFlightBytes ?? Squeezer.inFlightBytes(threads: threads, blockBytes: SplitOptions().blockBytes)
        self.maxInFlight = max(1, maxInFlight)
    }

    /// The raw bytes a pool may hold for blocks of `blockBytes` (`ByteBudget`'s model: one per
    /// thread and one being read).
    public static func inFlightBytes(threads: Int, blockBytes: Int) -> Int {
        ByteBudget.inFlightBytes(threads: threads, itemBytes: min(max(1, blockBytes), SplitOptions.maxBlockBytes))
    }

    /// A block being encoded holds about this many times its raw bytes at its peak (text,
    /// columns, payloads, segments).
    public static let peakBytesPerRawByte = 4

    /// What a chunk costs while its block is in flight: its text, the per-record offsets and
    /// places, and its share of the block's bookkeeping.
    static func cost(of chunk: RawChunk) -> Int {
        chunk.text.count + 32 * chunk.recordCount + 512
    }

    /// The least a block counts for in the budget once blocks were seen (`SplitOptions`' chunk
    /// size): tiny blocks still go to the pool many at a time.
    static let minBlockBytes = SplitOptions().chunkBytes

    /// The text a pool of `workers` threads may hold read and not yet encoded: a chunk of
    /// `SplitOptions`' usual size per thread and one more (a longer chunk goes alone).
    static func textLimit(workers: Int) -> Int {
        ByteBudget.inFlightBytes(threads: workers, itemBytes: Splitter.chunkTextBound(SplitOptions()))
    }

    /// Pulls raw chunks from `input` (on a reader thread) until it returns nil, and calls
    /// `output` on this thread with each raw block's encoded blocks, in sequence order.
    /// Chunks must come in order: blocks numbered 0, 1, 2, ..., each block's chunks numbered
    /// from 0 up to one marked last. Stops at the first error and throws it. A chunk's text
    /// goes to `spares` once it is encoded (as far as its bound lets), for `input` to fill again.
    public func run(input: @escaping @Sendable () throws(JACError) -> RawChunk?, spares: FreeList<RawChunk>? = nil,
                    output: (_ sequence: Int, _ blocks: [EncodedBlock]) throws(JACError) -> Void) throws(JACError) {
        // Never inline: the reader thread splits the input while the worker encodes.
        let pool = try WorkPool(threads: threads, lanes: 2, inline: false)
        let trace = TaskTrace.current
        trace?.settings = [("threads", pool.workers), ("budget", maxInFlightBytes), ("window", maxInFlight)]
        let flow = Flow(options: options, pool: pool, budget: ByteBudget(limit: maxInFlightBytes),
                        window: ReorderWindow(capacity: maxInFlight), spares: spares)
        do throws(JACError) {
            try startThread { flow.read(input) }
        } catch {
            pool.stop()
            throw error
        }
        var failure: JACError?
        while failure == nil, let (sequence, result) = flow.window.take() {
            switch result {
            case .success(let finished):
                let start = trace == nil ? 0 : TaskTrace.now()
                do throws(JACError) {
                    try output(sequence, finished.blocks)
                } catch {
                    failure = error
                }
                trace?.record(.write, thread: TaskTrace.writer, bytes: finished.blocks.reduce(0) { $0 + $1.bytes.count },
                              group: sequence, since: start)
                flow.budget.release(finished.cost)
            case .failure(let error):
                failure = error
            }
        }
        // Let the reader and the pool see the end (or the failure) and stop before returning.
        flow.window.close()
        flow.budget.close()
        flow.unencoded.close()
        pool.stop()
        flow.waitForReader()
        if let failure { throw failure }
    }

    /// A raw block's encoded blocks, and what its chunks cost while it was in flight.
    private struct Finished {
        var blocks: [EncodedBlock]
        var cost: Int
    }

    /// One raw block on its way through: its chunks and their columns, then its pending blocks
    /// and the fields finished so far. Guarded by its flow's lock.
    private final class Job: @unchecked Sendable {
        let sequence: Int
        var chunks: [RawChunk] = []
        var columns: [ColumnSet?] = []
        var hasLastChunk = false
        var chunksToEncode = 0
        /// The earliest error in the block's input: a chunk that failed to encode (by chunk
        /// index), else the input failing after the chunks read.
        var chunkError: (chunk: Int, error: JACError)?
        var readError: JACError?
        /// What its chunks cost (written by the reader only).
        var cost = 0
        var blocks: [PendingBlock] = []
        var segments: [[FieldSegment?]] = []
        var fieldsToFinish = 0
        var fieldError: JACError?

        init(sequence: Int) { self.sequence = sequence }
    }

    /// One run: the reader, the jobs it posts to the pool, and the per-worker codecs.
    private final class Flow: @unchecked Sendable {
        let options: SqueezeOptions
        let pool: WorkPool
        let budget: ByteBudget
        /// Bytes of chunk text read and not yet encoded.
        let unencoded: ByteBudget
        let window: ReorderWindow<Finished>
        let encoders: [BlockEncoder]
        let compressors: [SegmentCompressor]
        let spares: FreeList<RawChunk>?
        let lock = Monitor()
        var readerStopped = false
        let trace = TaskTrace.current

        init(options: SqueezeOptions, pool: WorkPool, budget: ByteBudget, window: ReorderWindow<Finished>,
             spares: FreeList<RawChunk>?) {
            self.options = options
            self.spares = spares
            self.pool = pool
            self.budget = budget
            unencoded = ByteBudget(limit: Squeezer.textLimit(workers: pool.workers))
            spares?.setMaxBytes(min(unencoded.maxLimit, budget.maxLimit))
            self.window = window
            encoders = (0 ..< pool.workers).map { _ in BlockEncoder(options: options.encoding) }
            compressors = (0 ..< pool.workers).map { _ in SegmentCompressor() }
        }

        func waitForReader() {
            lock.lock()
            while !readerStopped { lock.wait() }
            lock.unlock()
        }

        /// Reads chunks until the input ends or fails, or the run stops: each waits for its
        /// block's place in the window and for its bytes in the budget, then goes to the pool.
        func read(_ input: () throws(JACError) -> RawChunk?) {
            defer {
                // Nothing more is read: chunks coming back would only hold memory.
                spares?.setMaxBytes(0)
                lock.lock()
                readerStopped = true
                lock.broadcast()
                lock.unlock()
            }
            var job: Job?
            var chunksRead = 0
            var blocksRead = 0
            var largestBlock = 0
            while true {
                let chunk: RawChunk
                do throws(JACError) {
                    let start = trace == nil ? 0 : TaskTrace.now()
                    let next = try input()
                    trace?.record(.read, thread: TaskTrace.reader, bytes: next?.text.count ?? 0, group: next?.block ?? -1, since: start)
                    guard let next else {
                        if let job, !job.hasLastChunk {
                            end(job, blocksRead, with: JACError(.bug, "input ends inside a block"))
                        } else {
                            window.finish(count: blocksRead)
                        }
                        return
                    }
                    chunk = next
                } catch {
                    end(job, blocksRead, with: error)
                    return
                }
                if chunk.index == 0 {
                    guard job?.hasLastChunk ?? true, chunk.block == blocksRead else {
                        end(job, blocksRead, with: JACError(.bug, "raw block \(chunk.block) out of order"))
                        return
                    }
                    guard window.admit(blocksRead) else { return }
                    job = Job(sequence: blocksRead)
                    blocksRead += 1
                    chunksRead = 0
                } else {
                    guard let job, !job.hasLastChunk, chunk.block == job.sequence, chunk.index == chunksRead else {
                        end(job, blocksRead, with: JACError(.bug, "chunk \(chunk.index) of raw block \(chunk.block) out of order"))
                        return
                    }
                }
                // Over budget, the chunk waits for earlier blocks to go out; the block alone in
                // flight always takes it, so a block larger than the budget still finishes.
                let job = job!
                let cost = Squeezer.cost(of: chunk)
                guard budget.acquire(cost, holding: job.cost), unencoded.acquire(chunk.text.count) else { return }
                lock.lock()
                job.cost += cost
                job.chunks.append(chunk)
                job.columns.append(nil)
                job.chunksToEncode += 1
                job.hasLastChunk = chunk.isLast
                lock.unlock()
                if chunk.isLast && job.cost > largestBlock {
                    largestBlock = job.cost
                    let limit = min(budget.maxLimit, ByteBudget.inFlightBytes(threads: pool.workers, itemBytes: max(largestBlock, Squeezer.minBlockBytes)))
                    budget.setLimit(limit)
                    spares?.setMaxBytes(min(max(2 * largestBlock, unencoded.maxLimit), budget.maxLimit - limit))
                }
                let c = chunksRead
                chunksRead += 1
                pool.add(lane: 1, kind: .encode, bytes: chunk.text.count, group: job.sequence) { [self] worker in
                    encode(chunk: c, of: job, worker: worker, cost: chunk.text.count)
                }
            }
        }

        /// The input failed after the chunks read so far: the block it cut short fails with
        /// it, else it takes the next place in the window.
        private func end(_ job: Job?, _ blocksRead: Int, with error: JACError) {
            if let job, !job.hasLastChunk {
                lock.lock()
                job.readError = error
                job.hasLastChunk = true
                let settled = job.chunksToEncode == 0
                let first = job.chunkError?.error ?? error
                lock.unlock()
                if settled { fail(job, with: first) }
                window.finish(count: job.sequence + 1)
            } else {
                window.put(blocksRead, .failure(error))
                window.finish(count: blocksRead + 1)
            }
        }

        /// Encodes one chunk and hands its text back (`cost` of it read and not yet encoded); the
        /// last one of its block to finish joins the block's chunks.
        private func encode(chunk c: Int, of job: Job, worker: Int, cost: Int) {
            let result = encodeChunk(c, of: job, worker: worker)
            let takesText = (try? result.get()).map { encoders[worker].canTakeText(of: $0) } ?? false
            lock.lock()
            var spare: RawChunk?
            switch result {
            case .success(let columns):
                job.columns[c] = columns
                if takesText { spare = job.chunks[c].takeText() }
            case .failure(let error):
                if job.chunkError.map({ c < $0.chunk }) ?? true { job.chunkError = (c, error) }
            }
            job.chunksToEncode -= 1
            let joins = job.chunksToEncode == 0 && job.hasLastChunk
            lock.unlock()
            unencoded.release(cost)
            if let spare { spares?.put(spare, bytes: spare.heldBytes) }
            guard joins else { return }
            lock.lock()
            let error = job.chunkError?.error ?? job.readError
            var chunks = job.chunks
            let all = error == nil ? job.columns.map { $0! } : []
            job.chunks = []
            job.columns = []
            lock.unlock()
            if let error {
                fail(job, with: error)
                return
            }
            do throws(JACError) {
                let blocks = try encoders[worker].merge(all, of: chunks)
                // Text kept (`BlockEncoder.canTakeText` said no) goes back now, moved out one
                // by one so that the list holds the only reference to each.
                while let spares, let chunk = chunks.popLast() {
                    if !chunk.textTaken { spares.put(chunk, bytes: chunk.heldBytes) }
                }
                schedule(job, blocks: blocks)
            } catch {
                fail(job, with: error)
            }
        }

        /// The columns of chunk `c`, whose text no one else holds once this returns.
        private func encodeChunk(_ c: Int, of job: Job, worker: Int) -> Result<ColumnSet, JACError> {
            lock.lock()
            let chunk = job.chunks[c]
            lock.unlock()
            do throws(JACError) {
                return .success(try encoders[worker].encodeChunk(chunk))
            } catch {
                return .failure(error)
            }
        }

        /// A block whose input failed: its error waits for the block's turn in the output.
        private func fail(_ job: Job, with error: JACError) {
            window.put(job.sequence, .failure(error))
        }

        /// Queues the fields of a joined raw block, largest first.
        private func schedule(_ job: Job, blocks: [PendingBlock]) {
            var tasks: [(size: Int, block: Int, field: Int)] = []
            for (b, block) in blocks.enumerated() {
                for f in 0 ..< block.fieldCount { tasks.append((block.sizeHint(field: f), b, f)) }
            }
            lock.lock()
            job.blocks = blocks
            job.segments = blocks.map { Array(repeating: nil, count: $0.fieldCount) }
            job.fieldsToFinish = tasks.count
            lock.unlock()
            if tasks.isEmpty {
                complete(job)
                return
            }
            tasks.sort { $0.size != $1.size ? $0.size > $1.size : ($0.block, $0.field) < ($1.block, $1.field) }
            for t in tasks {
                pool.add(lane: 0, kind: .compress, bytes: t.size, group: job.sequence) { [self] worker in
                    finish(field: t.field, block: t.block, of: job, worker: worker)
                }
            }
        }

        /// Lays out and compresses field `f` of the job's pending block `b`; the last field
        /// of the job to finish completes it.
        private func finish(field f: Int, block b: Int, of job: Job, worker: Int) {
            lock.lock()
            let block = job.blocks[b]
            lock.unlock()
            let payload = block.takePayload(field: f)
            let result: Result<FieldSegment, JACError>
            do throws(JACError) {
                let compressed = try compressors[worker].compress(payload.bytes, codec: options.codec)
                result = .success(FieldSegment(payload: payload, compressed: compressed, codec: options.codec))
            } catch {
                result = .failure(error)
            }
            lock.lock()
            switch result {
            case .success(let segment): job.segments[b][f] = segment
            case .failure(let error): job.fieldError = job.fieldError ?? error
            }
            job.fieldsToFinish -= 1
            let done = job.fieldsToFinish == 0
            lock.unlock()
            if done { complete(job) }
        }

        /// Lays out a job's blocks once all their fields are compressed, and hands them to the
        /// window (the CRC pass is short next to compression).
        private func complete(_ job: Job) {
            lock.lock()
            let (pending, segments, cost, error) = (job.blocks, job.segments, job.cost, job.fieldError)
            job.blocks = []
            job.segments = []
            lock.unlock()
            window.put(job.sequence, error.map { .failure($0) } ?? .success(Finished(blocks: pending.indices.map { b in
                EncodedBlock(recordCount: pending[b].recordCount, fields: segments[b].map { $0! })
            }, cost: cost)))
        }
    }
}
