import JACCodec
import JACJSON
import JACSystem
import JACWire

/// What to render from each block: whole records or a projection, as objects or rows.
public struct RenderSpec: Sendable {
    public enum Style: Sendable {
        case records(RecordLayout)
        case rows(RowFormat)
    }

    public var style: Style
    /// Keys to output, in this order (a projection); nil means every field of each block, in
    /// directory order (a full decode).
    public var keys: [[UInt8]]? {
        didSet { paths = keys?.map(JSONPath.init) ?? [] }
    }
    /// Per key, its path (`a.b`, `a[0]`), used in a block that has no field of the key's whole
    /// name but one of the path's head.
    public private(set) var paths: [JSONPath?] = []

    public init(style: Style, keys: [[UInt8]]? = nil) {
        self.style = style
        self.keys = keys
        paths = keys?.map(JSONPath.init) ?? []
    }

    /// The fields a block may need: the keys, and the heads of their paths.
    public var fields: Set<[UInt8]>? {
        keys.map { Set($0 + paths.compactMap { $0?.head }) }
    }
}

/// One block to decode: either its whole bytes (frame and CRC checked by the decoder), or its
/// header with the compressed segments of some fields already read (projection by index).
public struct DecodeInput: @unchecked Sendable {
    public var number: Int
    public var offset: Int
    public var block: ArchiveBlock?
    public var header: BlockHeader?
    public var entries: [FieldDirectoryEntry] = []
    public var segments: [[UInt8]] = []
    /// The records of the block to render; nil for all.
    public var records: Range<Int>?

    public init(block: ArchiveBlock, records: Range<Int>? = nil) {
        number = block.number
        offset = block.offset
        self.block = block
        self.records = records
    }

    /// The compressed bytes it brings.
    var byteCount: Int {
        block?.bytes.count ?? segments.reduce(0) { $0 + $1.count }
    }

    public init(number: Int, offset: Int, header: BlockHeader, entries: [FieldDirectoryEntry],
                segments: [[UInt8]], records: Range<Int>? = nil) {
        self.number = number
        self.offset = offset
        self.header = header
        self.entries = entries
        self.segments = segments
        self.records = records
    }
}

/// Decodes blocks on a `WorkPool` and hands out their text strictly in input order,
/// so the output never depends on the thread count. Work is split like pigz's: "open block"
/// (frame, CRC), "decode field f" (decompress, check), and "render records a..<b", so even a
/// single large block keeps every thread busy. Text goes out in pieces that end once they pass
/// `pieceBytes` (by at most one key and value, see `RecordWriter`), never a whole block or
/// chunk: dictionary references can make a block's text thousands of times its size.
///
/// Memory: at most `maxBlocks` blocks are held at once (the caller's `next` is not called while
/// that many are in flight; by default `ByteBudget`'s model, one per thread and one read, and
/// one with one thread, which reads only between blocks), each its bytes (at most 256 MiB
/// uncompressed) and decoded fields; rendered text not yet written stays under `outputBytes`
/// (by default two pieces per thread) plus one piece per thread. With one thread a block is one
/// chunk (no positions to find), rendered by one worker while the calling thread writes the
/// piece before, as `zstd -d` writes beside its decoder: writing to a file is a copy the kernel
/// makes, a sixth of `jac unpack -j1`'s time when one thread did both. Only a process that may
/// start no thread (`ulimit -u`) runs the jobs inline, on the calling thread.
public final class ParallelDecoder: @unchecked Sendable {
    public let threads: Int
    public let spec: RenderSpec
    public let segmentLimit: Int
    /// The most records of a chunk rendered on its own (fewer when they make more than about
    /// three quarters of a piece).
    public let chunkRecords: Int
    public let maxBlocks: Int
    public let pieceBytes: Int
    public let outputBytes: Int

    /// The default size of a piece of output: also the output buffer's flush size, so a full
    /// piece is written straight through.
    public static let defaultPieceBytes = 1 << 20
    /// The fewest records of a chunk cut to the text's size (where a chunk's positions cost
    /// more than rendering it would save).
    static let minChunkRecords = 64

    /// How the pool starts its threads (tests make it fail).
    private let start: WorkPool.ThreadStarter

    public init(threads: Int, spec: RenderSpec, segmentLimit: Int = Limits.defaultSegmentMaxBytes,
                chunkRecords: Int = 4096, maxBlocks: Int? = nil, pieceBytes: Int = defaultPieceBytes,
                outputBytes: Int? = nil, start: @escaping WorkPool.ThreadStarter = startThread) {
        self.start = start
        self.threads = max(1, threads)
        self.spec = spec
        self.segmentLimit = segmentLimit
        self.chunkRecords = max(1, chunkRecords)
        self.maxBlocks = maxBlocks ?? (self.threads == 1 ? 1 : self.threads + ByteBudget.itemsBeyondThreads)
        self.pieceBytes = max(1, pieceBytes)
        self.outputBytes = outputBytes ?? 2 * self.threads * self.pieceBytes
    }

    /// Pulls blocks from `next` (on this thread) until it returns nil and calls `write` (on this
    /// thread) with their text in order, with the number of records each piece finishes. The
    /// first error, in input order, is thrown after everything before it was written.
    public func run(next: () throws(JACError) -> DecodeInput?,
                    write: (_ text: [UInt8], _ records: Int) throws(JACError) -> Void) throws(JACError) {
        let pool: WorkPool
        if let threaded = try? WorkPool(threads: threads, lanes: 3, inline: false, start: start) {
            pool = threaded
        } else {
            pool = try WorkPool(threads: 1, lanes: 3)
        }
        let crew = Crew(pool: pool, decoders: (0 ..< pool.workers).map { _ in BlockDecoder(segmentLimit: segmentLimit) },
                        chunkRecords: pool.workers == 1 ? nil : chunkRecords)
        TaskTrace.current?.settings = [("threads", pool.workers), ("blocks", maxBlocks), ("output", outputBytes)]
        try run(crew, next: next, write: write)
    }

    // MARK: - The steps

    // MARK: - The steps, shared by both ways of running

    /// One block on its way through; guarded by the decoder's lock while the pool runs.
    final class Job: @unchecked Sendable {
        let sequence: Int
        var input: DecodeInput
        var recordCount = 0
        var records: Range<Int> = 0 ..< 0
        /// Entries to decode, the bytes holding each one's segment and where.
        var entries: [FieldDirectoryEntry] = []
        var sources: [[UInt8]] = []
        var ranges: [Range<Int>] = []
        var columns: [FieldColumn?] = []
        /// Output key i is rendered from `columns[plan[i]]` (nil: the block lacks it), through
        /// `paths[i]` when the block has only the head of the key's path.
        var keys: [[UInt8]] = []
        var plan: [Int?] = []
        var paths: [JSONPath?]?
        var chunkStarts: [Int] = []
        var positions: [[RecordWriter.Position]] = []
        var errors: [JACError?] = []
        var failure: JACError?
        var pending = 0
        var settled = false
        var chunks: [Chunk] = []
        var nextChunk = 0

        init(sequence: Int, input: DecodeInput) {
            self.sequence = sequence
            self.input = input
        }
    }

    /// One chunk's rendering: its writer where the last piece stopped, and the pieces rendered
    /// but not yet written. Rendered by one thread at a time.
    final class Chunk {
        var writer: RecordWriter?
        /// Whether no record of the chunk was rendered yet (array commas).
        var first = true
        /// Each with the trace's id of the job that rendered it (0 without a trace).
        var pieces: [(text: [UInt8], records: Int, renderer: Int)] = []
        var finished = false
        /// Whether a piece of it was written (the first gets the comma between chunks).
        var opened = false
    }

    /// Opens the block (or takes the header given) and plans which segments to decode.
    func prepare(_ job: Job, decoder: BlockDecoder, chunkRecords: Int?) throws(JACError) {
        let header: BlockHeader
        if let block = job.input.block {
            let (h, areaStart) = try JACError.locating("block \(block.number) at offset \(block.offset)") {
                () throws(JACError) in try decoder.open(block)
            }
            header = h
            let wanted = spec.fields
            for e in h.fields where wanted?.contains(e.name) ?? true {
                job.entries.append(e)
                job.sources.append(block.bytes)
                let start = areaStart + e.segmentOffset
                job.ranges.append(start ..< start + e.compressedLength)
            }
            job.input.block = nil
        } else {
            header = job.input.header!
            job.entries = job.input.entries
            job.sources = job.input.segments
            job.ranges = job.input.segments.map { 0 ..< $0.count }
            job.input.segments = []
        }
        job.recordCount = header.recordCount
        let r = job.input.records ?? 0 ..< header.recordCount
        job.records = r.clamped(to: 0 ..< header.recordCount)
        if let keys = spec.keys {
            job.keys = keys
            job.plan = keys.map { k in job.entries.firstIndex { $0.name == k } }
            if spec.paths.contains(where: { $0 != nil }) {
                var paths: [JSONPath?] = Array(repeating: nil, count: keys.count)
                for (i, path) in spec.paths.enumerated() where job.plan[i] == nil {
                    guard let path, let head = job.entries.firstIndex(where: { $0.name == path.head }) else { continue }
                    job.plan[i] = head
                    paths[i] = path
                }
                job.paths = paths
            }
        } else {
            job.keys = job.entries.map(\.name)
            job.plan = job.entries.indices.map { $0 }
        }
        job.columns = Array(repeating: nil, count: job.entries.count)
        job.errors = Array(repeating: nil, count: job.entries.count)
        // One chunk per block when one thread renders it all in order (no positions to find);
        // on a pool, chunks of about three quarters of a piece of text, so that a chunk is one
        // piece: a chunk's pieces render one after another, and a pool whose output budget
        // holds pieces of later chunks would wait for the one to be written next.
        let text = job.entries.reduce(0) { $0 + $1.uncompressedLength + $1.valueCountPresent * ($1.name.count + 4) }
        let step = chunkRecords.map { min($0, max(ParallelDecoder.minChunkRecords, job.recordCount * (pieceBytes / 4 * 3) / max(1, text))) }
            ?? max(1, job.records.count)
        job.chunkStarts = Array(stride(from: job.records.lowerBound, to: job.records.upperBound, by: step))
        job.positions = Array(repeating: [], count: job.entries.count)
        job.chunks = job.chunkStarts.map { _ in Chunk() }
    }

    /// Decompresses and checks field `i` (its nested values only located when
    /// `checkingNested` is false).
    func decodeField(_ job: Job, _ i: Int, decoder: BlockDecoder, checkingNested: Bool = true) throws(JACError) -> FieldColumn {
        try locating(job) { () throws(JACError) in
            try job.sources[i].withBytes { (p) throws(JACError) in
                try decoder.column(job.entries[i], segment: UnsafeRawBufferPointer(rebasing: p[job.ranges[i]]),
                                   recordCount: job.recordCount, checkingNested: checkingNested)
            }
        }
    }

    /// Where each chunk starts in a decoded column (none when the block is one chunk).
    func positions(_ job: Job, _ column: FieldColumn) -> [RecordWriter.Position] {
        job.chunkStarts.count > 1 ? RecordWriter.positions(of: column, at: job.chunkStarts) : []
    }

    private func locating<T>(_ job: Job, _ body: () throws(JACError) -> T) throws(JACError) -> T {
        try JACError.locating("block \(job.input.number) at offset \(job.input.offset)", body)
    }

    /// Renders the next piece of chunk `c` of a decoded job into `out` (emptied first); returns
    /// the records it finished and whether the chunk is done.
    func renderPiece(_ job: Job, chunk c: Int, into out: inout [UInt8]) -> (records: Int, finished: Bool) {
        let chunk = job.chunks[c]
        let end = c + 1 < job.chunkStarts.count ? job.chunkStarts[c + 1] : job.records.upperBound
        if chunk.writer == nil {
            var writer = makeWriter(job)
            if job.chunkStarts.count > 1 {
                writer.seek(to: job.chunkStarts[c], positions: job.plan.map { i in
                    i.flatMap { job.positions[$0].isEmpty ? nil : job.positions[$0][c] }
                })
            } else {
                writer.seek(to: job.chunkStarts[c])
            }
            chunk.writer = writer
        }
        out.removeAll(keepingCapacity: true)
        let records = render(upTo: end, writer: &chunk.writer!, first: &chunk.first, to: &out)
        let finished = chunk.writer!.record == end
        if finished { chunk.writer = nil }
        return (records, finished)
    }

    private func makeWriter(_ job: Job) -> RecordWriter {
        RecordWriter(keys: job.keys, columns: job.plan.map { $0.flatMap { job.columns[$0] } }, paths: job.paths)
    }

    /// Appends one piece of records, up to `end`, to `out`; the writer goes on where it stopped.
    private func render(upTo end: Int, writer: inout RecordWriter, first: inout Bool, to out: inout [UInt8]) -> Int {
        switch spec.style {
        case .records(let layout):
            writer.write(upTo: end, layout: layout, first: &first, budget: pieceBytes, to: &out)
        case .rows(let format):
            writer.writeRows(upTo: end, format: format, budget: pieceBytes, to: &out)
        }
    }

    /// Hands one piece to `write`, after the comma that separates a chunk (or block) from the
    /// previous one in a JSON array: each starts bare, commas inside are the writer's.
    private func emit(_ text: [UInt8], records: Int, opensChunk: Bool, wroteAny: inout Bool,
                      write: ([UInt8], Int) throws(JACError) -> Void) throws(JACError) {
        guard !text.isEmpty else { return }
        if case .records(.jsonArray) = spec.style, wroteAny, opensChunk { try write([UInt8(ascii: ",")], 0) }
        wroteAny = true
        try write(text, records)
    }

    private func release(_ job: Job) {
        job.sources = []
        job.columns = []
        job.positions = []
    }

    // MARK: - A pool of threads

    /// The pool's lanes: a free thread renders before it decodes, and decodes before it opens
    /// a block, so blocks finish in order.
    private enum Lane {
        static let render = 0, decode = 1, open = 2
    }

    private let lock = Monitor()
    /// Chunks waiting to render a piece, earliest first (a chunk that stopped goes back in its
    /// place); `postRenders` hands them to the pool.
    private var renderQueue: [(job: Job, chunk: Int)] = []
    /// Bytes of pieces rendered and not yet written, and pieces being rendered: a render starts
    /// only while their sum, counting each of the latter as `pieceBytes`, is under
    /// `outputBytes`, except for the chunk to be written next when it has no piece ready.
    private var readyBytes = 0
    private var rendering = 0
    /// The job being written, whose `nextChunk` is the one the writer waits for.
    private var headJob: Job?
    /// Piece buffers already written out, for the next pieces to render into: their pages are
    /// touched once, not for every piece.
    private var spareBuffers: [[UInt8]] = []
    private var stopping = false

    /// Reads blocks, posts them and writes their pieces in order; the pool is only ever given
    /// jobs outside `lock` (an inline pool runs them in `add`).
    private func run(_ crew: Crew, next: () throws(JACError) -> DecodeInput?,
                     write: ([UInt8], Int) throws(JACError) -> Void) throws(JACError) {
        let pool = crew.pool
        let trace = TaskTrace.current
        var jobs: [Job] = []
        var sequence = 0
        var inputDone = false
        var readError: JACError?
        var wroteAny = false
        var failure: JACError?
        lock.lock()
        stopping = false
        outer: while true {
            while !inputDone && jobs.count < maxBlocks {
                lock.unlock()
                var input: DecodeInput?
                let start = trace == nil ? 0 : TaskTrace.now()
                do throws(JACError) { input = try next() } catch { readError = error }
                trace?.record(.read, thread: TaskTrace.reader, bytes: input?.byteCount ?? 0, group: sequence, since: start)
                if let input {
                    let job = Job(sequence: sequence, input: input)
                    lock.lock()
                    sequence += 1
                    jobs.append(job)
                    lock.unlock()
                    pool.add(lane: Lane.open, kind: .open, bytes: input.byteCount, group: job.sequence) { [self] worker in
                        open(job, worker: worker, crew)
                    }
                    lock.lock()
                } else {
                    lock.lock()
                    // A read error is reported when every block before it has been written.
                    inputDone = true
                }
            }
            guard let job = jobs.first else {
                failure = readError
                break
            }
            if headJob !== job {
                headJob = job
                postRenders(crew)
                continue
            }
            if job.settled {
                if let error = job.failure {
                    failure = error
                    break outer
                }
                if job.nextChunk == job.chunks.count {
                    release(job)
                    jobs.removeFirst()
                    continue
                }
                let chunk = job.chunks[job.nextChunk]
                if !chunk.pieces.isEmpty {
                    let (text, records, renderer) = chunk.pieces.removeFirst()
                    let opens = !chunk.opened
                    chunk.opened = true
                    if chunk.finished && chunk.pieces.isEmpty { job.nextChunk += 1 }
                    lock.unlock()
                    var writeError: JACError?
                    let start = trace == nil ? 0 : TaskTrace.now()
                    do throws(JACError) {
                        try emit(text, records: records, opensChunk: opens, wroteAny: &wroteAny, write: write)
                    } catch { writeError = error }
                    trace?.record(.write, thread: TaskTrace.writer, bytes: text.count, group: job.sequence, since: start,
                                  after: renderer)
                    lock.lock()
                    readyBytes -= text.count
                    // Room for another piece, or the next chunk is now the one waited for.
                    postRenders(crew)
                    if let writeError {
                        failure = writeError
                        break outer
                    }
                    if spareBuffers.count < 2 * threads && text.capacity <= 2 * pieceBytes { spareBuffers.append(text) }
                    continue
                }
            }
            lock.wait()
        }
        stopping = true
        headJob = nil
        spareBuffers = []
        renderQueue = []
        readyBytes = 0
        lock.unlock()
        pool.stop()
        if let failure { throw failure }
    }

    /// Hands the pool every chunk of the render queue that may render a piece now (called and
    /// returning with the lock held, which it lets go while it adds: an inline pool renders in
    /// `add`).
    private func postRenders(_ crew: Crew) {
        var renders: [(job: Job, chunk: Int)] = []
        while !stopping, let k = runnableRender() {
            renders.append(renderQueue.remove(at: k))
            rendering += 1
        }
        guard !renders.isEmpty else { return }
        lock.unlock()
        for (job, c) in renders {
            crew.pool.add(lane: Lane.render, kind: .render, bytes: pieceBytes, group: job.sequence) { [self] _ in
                render(job, chunk: c, crew)
            }
        }
        lock.lock()
    }

    /// The first chunk in the render queue that may render a piece now (lock held).
    private func runnableRender() -> Int? {
        guard !renderQueue.isEmpty else { return nil }
        if readyBytes + rendering * pieceBytes < outputBytes { return 0 }
        guard let job = headJob else { return nil }
        return renderQueue.firstIndex { $0.job === job && $0.chunk == job.nextChunk && job.chunks[$0.chunk].pieces.isEmpty }
    }

    /// Puts a chunk back in the render queue in input order (lock held).
    private func queueRender(_ job: Job, _ c: Int) {
        let k = renderQueue.firstIndex { $0.job.sequence > job.sequence || ($0.job === job && $0.chunk > c) }
        renderQueue.insert((job, c), at: k ?? renderQueue.count)
    }

    /// The pool, one block decoder per worker, and the records of a chunk (nil: a block is
    /// one chunk).
    private struct Crew: @unchecked Sendable {
        let pool: WorkPool
        let decoders: [BlockDecoder]
        let chunkRecords: Int?
    }

    /// Opens a block and queues the decoding of its fields.
    private func open(_ job: Job, worker: Int, _ crew: Crew) {
        var openError: JACError?
        do throws(JACError) {
            try prepare(job, decoder: crew.decoders[worker], chunkRecords: crew.chunkRecords)
        } catch { openError = error }
        lock.lock()
        defer { lock.unlock() }
        if let openError {
            job.failure = openError
            job.settled = true
            lock.broadcast()
        } else if job.entries.isEmpty {
            decoded(job, crew)
        } else {
            job.pending = job.entries.count
            // Largest payload first, as pack compresses: rendering waits for the last field,
            // and a big one started last would leave the other threads idle behind it.
            let order = job.entries.indices.sorted { a, b in
                (job.entries[a].uncompressedLength, b) > (job.entries[b].uncompressedLength, a)
            }
            for i in order {
                crew.pool.add(lane: Lane.decode, kind: .decode, bytes: job.ranges[i].count, group: job.sequence) { [self] worker in
                    decode(job, field: i, worker: worker, crew)
                }
            }
        }
    }

    /// Decodes one field, or locates a large one's nested values and queues their checks in
    /// parts (`NestedCheckParts`).
    private func decode(_ job: Job, field i: Int, worker: Int, _ crew: Crew) {
        let split = NestedCheckParts.splits(job.entries[i], on: crew.pool)
        let column: FieldColumn
        do throws(JACError) {
            column = try decodeField(job, i, decoder: crew.decoders[worker], checkingNested: !split)
        } catch {
            return finished(job, field: i, .failure(error), crew)
        }
        guard split else { return finished(job, field: i, .success(column), crew) }
        NestedCheckParts(column, entry: job.entries[i], workers: crew.pool.workers)
            .run(on: crew.pool, lane: Lane.decode, kind: .decode, group: job.sequence) { [self] result in
                finished(job, field: i, located(job, result), crew)
            }
    }

    /// `result` with its error, if any, naming the block.
    private func located(_ job: Job, _ result: Result<FieldColumn, JACError>) -> Result<FieldColumn, JACError> {
        Result { () throws(JACError) in try locating(job) { () throws(JACError) in try result.get() } }
    }

    /// Field `i` is decoded (or failed): finds where its chunks start, and the last field of
    /// its block to finish settles the block.
    private func finished(_ job: Job, field i: Int, _ result: Result<FieldColumn, JACError>, _ crew: Crew) {
        let found = (try? result.get()).map { positions(job, $0) } ?? []
        lock.lock()
        defer { lock.unlock() }
        switch result {
        case .success(let column):
            job.columns[i] = column
            job.positions[i] = found
        case .failure(let error):
            job.errors[i] = error
        }
        job.pending -= 1
        guard job.pending == 0 else { return }
        if let error = job.errors.lazy.compactMap({ $0 }).first {
            // The first failing field in directory order, as a sequential decode says.
            job.failure = error
            job.settled = true
            release(job)
            lock.broadcast()
        } else {
            decoded(job, crew)
        }
    }

    /// Renders the next piece of chunk `c` and queues the chunk again unless it is done. The
    /// piece goes into a written-out buffer taken as the job starts, not when it was queued:
    /// by then the writer has given more back (fresh buffers cost page faults). A fresh one has
    /// room for a piece and half again, so it neither grows (copying) nor, most often, gets
    /// too large to keep.
    private func render(_ job: Job, chunk c: Int, _ crew: Crew) {
        lock.lock()
        var text = spareBuffers.popLast() ?? []
        lock.unlock()
        if text.capacity == 0 { text.reserveCapacity(pieceBytes + pieceBytes / 2) }
        let (records, finished) = renderPiece(job, chunk: c, into: &text)
        lock.lock()
        defer { lock.unlock() }
        rendering -= 1
        if !stopping {
            readyBytes += text.count
            job.chunks[c].pieces.append((text, records, TaskTrace.current?.runningID ?? 0))
        }
        if finished {
            job.chunks[c].finished = true
            job.pending -= 1
            if job.pending == 0 { release(job) }
        } else if !stopping {
            queueRender(job, c)
        }
        postRenders(crew)
        lock.broadcast()
    }

    /// All fields of `job` are decoded: queue its chunks (lock held).
    private func decoded(_ job: Job, _ crew: Crew) {
        job.settled = true
        job.pending = job.chunks.count
        for c in job.chunks.indices { queueRender(job, c) }
        postRenders(crew)
        lock.broadcast()
    }
}
