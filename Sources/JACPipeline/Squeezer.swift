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

    /// One raw block on its way through: its chunks and their columns, then its blocks, a
    /// group at a time, and their fields finished so far. Guarded by its flow's lock.
    private final class Job: @unchecked Sendable {
        let sequence: Int
        var chunks: [RawChunk] = []
        /// Per chunk: its columns once encoded (nil until then, and for a chunk with more fields
        /// than a block may hold, `BlockEncoder.encodeChunk`).
        var columns: [ColumnSet?] = []
        var hasLastChunk = false
        var chunksToEncode = 0
        /// The earliest error in the block's input: a chunk that failed to encode (by chunk
        /// index), else the input failing after the chunks read.
        var chunkError: (chunk: Int, error: JACError)?
        var readError: JACError?
        /// What its chunks cost (written by the reader only).
        var cost = 0
        /// A raw block that must be cut: the text its blocks are encoded from, record by
        /// record, and where the next group of blocks starts (nil once all are cut).
        var text: [RawChunk] = []
        var next: BlockEncoder.RecordIndex?
        /// A group waits to be cut until one in flight is done (`maxGroupsInFlight`).
        var cutWaits = false
        var groups: [Group] = []
        var groupsInFlight = 0
        /// Whether its result went to the window (a failure may come while groups are in flight).
        var settled = false

        init(sequence: Int) { self.sequence = sequence }
    }

    /// Blocks of a raw block laid out together, and their fields' segments once compressed.
    private final class Group {
        var blocks: [PendingBlock]
        var segments: [[FieldSegment?]]
        var fieldsToFinish: Int
        var encoded: [EncodedBlock] = []

        init(_ blocks: [PendingBlock]) {
            self.blocks = blocks
            segments = blocks.map { Array(repeating: nil, count: $0.fieldCount) }
            fieldsToFinish = blocks.reduce(0) { $0 + $1.fieldCount }
        }
    }

    /// A raw block cut into many blocks is laid out in groups of about this many bytes
    /// (`BlockPayloads.heldBytes`), at most this many at once: one being compressed while the
    /// next is cut, so its memory is a few groups', however many blocks it makes.
    public static func groupBytes(workers: Int) -> Int { textLimit(workers: workers) }
    static let maxGroupsInFlight = 2

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
                if settled { settle(job, .failure(first)) }
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
            var columns = job.columns
            job.chunks = []
            job.columns = []
            lock.unlock()
            if let error {
                settle(job, .failure(error))
                return
            }
            do throws(JACError) {
                let merged = try encoders[worker].merge(columns, of: &chunks)
                columns = []
                switch merged {
                case .whole(let block):
                    giveBack(&chunks)
                    start(Group(block.map { [$0] } ?? []), of: job, next: nil)
                case .cut:
                    lock.lock()
                    swap(&job.text, &chunks)
                    lock.unlock()
                    cut(job, from: BlockEncoder.RecordIndex(), worker: worker)
                }
            } catch {
                settle(job, .failure(error))
            }
        }

        /// The columns of chunk `c`, whose text no one else holds once this returns.
        private func encodeChunk(_ c: Int, of job: Job, worker: Int) -> Result<ColumnSet?, JACError> {
            lock.lock()
            let chunk = job.chunks[c]
            lock.unlock()
            do throws(JACError) {
                return .success(try encoders[worker].encodeChunk(chunk))
            } catch {
                return .failure(error)
            }
        }

        /// Hands a raw block's result to the window, once: its error waits for the block's turn
        /// in the output, like its blocks.
        private func settle(_ job: Job, _ result: Result<Finished, JACError>) {
            lock.lock()
            let first = !job.settled
            job.settled = true
            lock.unlock()
            if first { window.put(job.sequence, result) }
        }

        /// Hands the text still in `chunks` (`BlockEncoder.canTakeText` said no, or a cut is
        /// done) to `spares`, moved out one by one so that the list holds the only reference to
        /// each.
        private func giveBack(_ chunks: inout [RawChunk]) {
            while let spares, let chunk = chunks.popLast() {
                if !chunk.textTaken { spares.put(chunk, bytes: chunk.heldBytes) }
            }
        }

        /// Encodes the next group of a cut raw block's blocks, from `first`, and starts it.
        /// The job holds the text between cuts (one runs at a time); after the last, the text
        /// goes back to `spares`.
        private func cut(_ job: Job, from first: BlockEncoder.RecordIndex, worker: Int) {
            lock.lock()
            var text: [RawChunk] = []
            swap(&text, &job.text)
            let settled = job.settled
            lock.unlock()
            guard !settled else { return }
            do throws(JACError) {
                let (blocks, next) = try encoders[worker].encode(text, from: first, groupBytes: Squeezer.groupBytes(workers: pool.workers))
                if next != nil {
                    lock.lock()
                    job.text = text
                    lock.unlock()
                } else {
                    giveBack(&text)
                }
                start(Group(blocks.map(PendingBlock.init)), of: job, next: next)
            } catch {
                settle(job, .failure(error))
            }
        }

        /// Queues a group's fields, largest first, and the cutting of the next group (if any)
        /// ahead of them, unless `maxGroupsInFlight` are in flight.
        private func start(_ group: Group, of job: Job, next: BlockEncoder.RecordIndex?) {
            lock.lock()
            let g = job.groups.count
            job.groups.append(group)
            job.groupsInFlight += 1
            job.next = next
            let cutsNow = next != nil && job.groupsInFlight < Squeezer.maxGroupsInFlight
            job.cutWaits = next != nil && !cutsNow
            lock.unlock()
            if let next, cutsNow { addCut(job, from: next) }
            var tasks: [(size: Int, block: Int, field: Int)] = []
            for (b, block) in group.blocks.enumerated() {
                for f in 0 ..< block.fieldCount { tasks.append((block.sizeHint(field: f), b, f)) }
            }
            if tasks.isEmpty {
                finish(group: g, of: job)
                return
            }
            tasks.sort { $0.size != $1.size ? $0.size > $1.size : ($0.block, $0.field) < ($1.block, $1.field) }
            for t in tasks {
                pool.add(lane: 0, kind: .compress, bytes: t.size, group: job.sequence) { [self] worker in
                    finish(field: t.field, block: t.block, group: g, of: job, worker: worker)
                }
            }
        }

        private func addCut(_ job: Job, from first: BlockEncoder.RecordIndex) {
            pool.add(lane: 0, kind: .encode, group: job.sequence) { [self] worker in
                cut(job, from: first, worker: worker)
            }
        }

        /// Lays out and compresses field `f` of block `b` of group `g`; the last field of the
        /// group to finish lays out its blocks.
        private func finish(field f: Int, block b: Int, group g: Int, of job: Job, worker: Int) {
            lock.lock()
            let group = job.groups[g]
            let block = group.blocks[b]
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
            if case .success(let segment) = result { group.segments[b][f] = segment }
            group.fieldsToFinish -= 1
            let done = group.fieldsToFinish == 0
            lock.unlock()
            if case .failure(let error) = result {
                settle(job, .failure(error))
            } else if done {
                finish(group: g, of: job)
            }
        }

        /// Lays out a group's blocks once all their fields are compressed (the CRC pass is
        /// short next to compression), lets the next group be cut, and hands the raw block's
        /// blocks to the window after its last group. A raw block that failed stops here.
        private func finish(group g: Int, of job: Job) {
            lock.lock()
            let group = job.groups[g]
            let (pending, segments, settled) = (group.blocks, group.segments, job.settled)
            group.blocks = []
            group.segments = []
            lock.unlock()
            guard !settled else { return }
            let encoded = pending.indices.map { b in
                EncodedBlock(recordCount: pending[b].recordCount, fields: segments[b].map { $0! })
            }
            lock.lock()
            group.encoded = encoded
            job.groupsInFlight -= 1
            let next = job.cutWaits ? job.next : nil
            if next != nil { job.cutWaits = false }
            let done = job.groupsInFlight == 0 && job.next == nil
            let (groups, cost) = done ? (job.groups, job.cost) : ([], 0)
            if done { job.groups = [] }
            lock.unlock()
            if let next { addCut(job, from: next) }
            if done { settle(job, .success(Finished(blocks: groups.flatMap(\.encoded), cost: cost))) }
        }
    }
}
