import JACCodec
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
    public var keys: [[UInt8]]?

    public init(style: Style, keys: [[UInt8]]? = nil) {
        self.style = style
        self.keys = keys
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

/// Decodes blocks on a fixed pool of threads and hands out their text strictly in input order,
/// so the output never depends on the thread count. Work is split like pigz's: "open block"
/// (frame, CRC), "decode field f" (decompress, check), and "render records a..<b", so even a
/// single large block keeps every thread busy. At most `maxBlocks` blocks are held at once
/// (the caller's `next` is not called while that many are in flight): memory is bounded by
/// threads x block size. With one thread everything runs on the calling thread.
public final class ParallelDecoder: @unchecked Sendable {
    public let threads: Int
    public let spec: RenderSpec
    public let segmentLimit: Int
    public let chunkRecords: Int
    public let maxBlocks: Int

    public init(threads: Int, spec: RenderSpec, segmentLimit: Int = Limits.defaultSegmentMaxBytes,
                chunkRecords: Int = 4096, maxBlocks: Int? = nil) {
        self.threads = max(1, threads)
        self.spec = spec
        self.segmentLimit = segmentLimit
        self.chunkRecords = max(1, chunkRecords)
        self.maxBlocks = maxBlocks ?? self.threads + 1
    }

    /// Pulls blocks from `next` (on this thread) until it returns nil and calls `write` (on this
    /// thread) with their text in order, with the number of records each piece holds. The first
    /// error, in input order, is thrown after everything before it was written.
    public func run(next: () throws(JACError) -> DecodeInput?,
                    write: (_ text: [UInt8], _ records: Int) throws(JACError) -> Void) throws(JACError) {
        if threads == 1 {
            try runInline(next: next, write: write)
        } else {
            try runPooled(next: next, write: write)
        }
    }

    // MARK: - The steps, shared by both ways of running

    final class Job {
        let sequence: Int
        var input: DecodeInput
        var recordCount = 0
        var records: Range<Int> = 0 ..< 0
        /// Entries to decode, the bytes holding each one's segment and where.
        var entries: [FieldDirectoryEntry] = []
        var sources: [[UInt8]] = []
        var ranges: [Range<Int>] = []
        var columns: [FieldColumn?] = []
        /// Output key i is rendered from `columns[plan[i]]` (nil: the block lacks it).
        var keys: [[UInt8]] = []
        var plan: [Int?] = []
        var chunkStarts: [Int] = []
        var positions: [[RecordWriter.Position]] = []
        var errors: [JACError?] = []
        var failure: JACError?
        var pending = 0
        var settled = false
        var chunks: [[UInt8]?] = []
        var nextChunk = 0

        init(sequence: Int, input: DecodeInput) {
            self.sequence = sequence
            self.input = input
        }
    }

    /// Opens the block (or takes the header given) and plans which segments to decode.
    func prepare(_ job: Job, decoder: BlockDecoder) throws(JACError) {
        let header: BlockHeader
        if let block = job.input.block {
            let (h, areaStart) = try JACError.locating("block \(block.number) at offset \(block.offset)") {
                () throws(JACError) in try decoder.open(block)
            }
            header = h
            let wanted = spec.keys.map { Set($0) }
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
        } else {
            job.keys = job.entries.map(\.name)
            job.plan = job.entries.indices.map { $0 }
        }
        job.columns = Array(repeating: nil, count: job.entries.count)
        job.errors = Array(repeating: nil, count: job.entries.count)
        job.chunkStarts = Array(stride(from: job.records.lowerBound, to: job.records.upperBound, by: chunkRecords))
        job.positions = Array(repeating: [], count: job.entries.count)
        job.chunks = Array(repeating: nil, count: job.chunkStarts.count)
    }

    /// Decompresses and checks field `i`, and finds where each chunk starts in it.
    func decodeField(_ job: Job, _ i: Int, decoder: BlockDecoder) throws(JACError) -> (FieldColumn, [RecordWriter.Position]) {
        let column = try JACError.locating("block \(job.input.number) at offset \(job.input.offset)") { () throws(JACError) in
            try job.sources[i].withBytes { (p) throws(JACError) in
                try decoder.column(job.entries[i], segment: UnsafeRawBufferPointer(rebasing: p[job.ranges[i]]),
                                   recordCount: job.recordCount)
            }
        }
        let positions = job.chunkStarts.count > 1 ? RecordWriter.positions(of: column, at: job.chunkStarts) : []
        return (column, positions)
    }

    /// Renders chunk `c` of a decoded job into `out` (emptied first).
    func render(_ job: Job, chunk c: Int, into out: inout [UInt8]) {
        let start = job.chunkStarts[c]
        let end = c + 1 < job.chunkStarts.count ? job.chunkStarts[c + 1] : job.records.upperBound
        var writer = makeWriter(job)
        if job.chunkStarts.count > 1 {
            writer.seek(to: start, positions: job.plan.map { i in i.flatMap { job.positions[$0].isEmpty ? nil : job.positions[$0][c] } })
        }
        out.removeAll(keepingCapacity: true)
        render(start ..< end, writer: &writer, to: &out)
    }

    private func makeWriter(_ job: Job) -> RecordWriter {
        RecordWriter(keys: job.keys, columns: job.plan.map { $0.flatMap { job.columns[$0] } })
    }

    /// Appends records `range` to `out`; a writer given consecutive ranges goes on where it
    /// stopped.
    private func render(_ range: Range<Int>, writer: inout RecordWriter, to out: inout [UInt8]) {
        switch spec.style {
        case .records(let layout):
            // Commas between chunks are the writer's (see `emit`): each chunk starts bare.
            var first = true
            writer.write(records: range, layout: layout, first: &first, to: &out)
        case .rows(let format):
            writer.writeRows(records: range, format: format, to: &out)
        }
    }

    /// Hands one chunk to `write`, with the comma that separates it from the previous one in a
    /// JSON array.
    private func emit(_ text: [UInt8], records: Int, wroteAny: inout Bool,
                      write: ([UInt8], Int) throws(JACError) -> Void) throws(JACError) {
        guard !text.isEmpty else { return }
        if case .records(.jsonArray) = spec.style, wroteAny { try write([UInt8(ascii: ",")], 0) }
        wroteAny = true
        try write(text, records)
    }

    private func chunkRecordCount(_ job: Job, _ c: Int) -> Int {
        (c + 1 < job.chunkStarts.count ? job.chunkStarts[c + 1] : job.records.upperBound) - job.chunkStarts[c]
    }

    private func release(_ job: Job) {
        job.sources = []
        job.columns = []
        job.positions = []
    }

    // MARK: - One thread

    private func runInline(next: () throws(JACError) -> DecodeInput?,
                           write: ([UInt8], Int) throws(JACError) -> Void) throws(JACError) {
        let decoder = BlockDecoder(segmentLimit: segmentLimit)
        var sequence = 0
        var wroteAny = false
        // One buffer for every chunk's text: the block's text is never whole in memory, and the
        // buffer's pages are touched once, not for every block.
        var text: [UInt8] = []
        while let input = try next() {
            let job = Job(sequence: sequence, input: input)
            sequence += 1
            try prepare(job, decoder: decoder)
            // One writer goes through the records in order: no chunk positions are needed.
            job.chunkStarts = []
            for i in job.entries.indices {
                job.columns[i] = try decodeField(job, i, decoder: decoder).0
            }
            var writer = makeWriter(job)
            for start in stride(from: job.records.lowerBound, to: job.records.upperBound, by: chunkRecords) {
                let range = start ..< min(start + chunkRecords, job.records.upperBound)
                text.removeAll(keepingCapacity: true)
                render(range, writer: &writer, to: &text)
                try emit(text, records: range.count, wroteAny: &wroteAny, write: write)
            }
            release(job)
        }
    }

    // MARK: - A pool of threads

    private enum Task {
        case open(Job)
        case decode(Job, Int)
        case render(Job, Int)
    }

    private let lock = Monitor()
    private var renderQueue: [Task] = []
    private var decodeQueue: [Task] = []
    private var openQueue: [Task] = []
    /// Chunk buffers already written out, for the next chunks to render into: their pages are
    /// touched once, not for every chunk.
    private var spareBuffers: [[UInt8]] = []
    private var stopping = false
    private var workersRunning = 0

    private func runPooled(next: () throws(JACError) -> DecodeInput?,
                           write: ([UInt8], Int) throws(JACError) -> Void) throws(JACError) {
        lock.lock()
        stopping = false
        for _ in 0 ..< threads {
            do throws(JACError) {
                try startThread { [self] in workLoop() }
            } catch {
                if workersRunning == 0 {
                    lock.unlock()
                    throw error
                }
                break
            }
            workersRunning += 1
        }
        lock.unlock()
        var jobs: [Job] = []
        var head = 0
        var sequence = 0
        var inputDone = false
        var wroteAny = false
        var failure: JACError?
        lock.lock()
        outer: while true {
            while !inputDone && jobs.count - head < maxBlocks {
                lock.unlock()
                var input: DecodeInput?
                var readError: JACError?
                do throws(JACError) { input = try next() } catch { readError = error }
                lock.lock()
                if let readError {
                    // Reported when every block before it has been written.
                    let job = Job(sequence: sequence, input: DecodeInput(number: -1, offset: -1, header: BlockHeader(recordCount: 0, fields: []), entries: [], segments: []))
                    job.failure = readError
                    job.settled = true
                    jobs.append(job)
                    inputDone = true
                } else if let input {
                    let job = Job(sequence: sequence, input: input)
                    sequence += 1
                    jobs.append(job)
                    openQueue.append(.open(job))
                    lock.signal()
                } else {
                    inputDone = true
                }
            }
            guard head < jobs.count else { break }
            let job = jobs[head]
            if job.settled {
                if let error = job.failure {
                    failure = error
                    break outer
                }
                if job.nextChunk == job.chunks.count {
                    release(job)
                    jobs[head] = Job(sequence: -1, input: job.input)
                    head += 1
                    if head > 64 {
                        jobs.removeFirst(head)
                        head = 0
                    }
                    continue
                }
                if let text = job.chunks[job.nextChunk] {
                    job.chunks[job.nextChunk] = nil
                    let c = job.nextChunk
                    job.nextChunk += 1
                    lock.unlock()
                    var writeError: JACError?
                    do throws(JACError) {
                        try emit(text, records: chunkRecordCount(job, c), wroteAny: &wroteAny, write: write)
                    } catch { writeError = error }
                    lock.lock()
                    if let writeError {
                        failure = writeError
                        break outer
                    }
                    if spareBuffers.count < 2 * threads { spareBuffers.append(text) }
                    continue
                }
            }
            lock.wait()
        }
        stopping = true
        spareBuffers = []
        renderQueue = []
        decodeQueue = []
        openQueue = []
        lock.broadcast()
        while workersRunning > 0 { lock.wait() }
        lock.unlock()
        if let failure { throw failure }
    }

    private func workLoop() {
        let decoder = BlockDecoder(segmentLimit: segmentLimit)
        lock.lock()
        defer {
            workersRunning -= 1
            lock.broadcast()
            lock.unlock()
        }
        while !stopping {
            let task: Task
            // A render task gets a written-out buffer to render into, taken under this lock.
            var spare: [UInt8] = []
            if !renderQueue.isEmpty {
                task = renderQueue.removeFirst()
                spare = spareBuffers.popLast() ?? []
            } else if !decodeQueue.isEmpty {
                task = decodeQueue.removeFirst()
            } else if !openQueue.isEmpty {
                task = openQueue.removeFirst()
            } else {
                lock.wait()
                continue
            }
            lock.unlock()
            switch task {
            case .open(let job):
                var openError: JACError?
                do throws(JACError) { try prepare(job, decoder: decoder) } catch { openError = error }
                lock.lock()
                if let openError {
                    job.failure = openError
                    job.settled = true
                    lock.broadcast()
                } else if job.entries.isEmpty {
                    decoded(job)
                } else {
                    job.pending = job.entries.count
                    for i in job.entries.indices { decodeQueue.append(.decode(job, i)) }
                    lock.broadcast()
                }
            case .decode(let job, let i):
                let result: Result<(FieldColumn, [RecordWriter.Position]), JACError>
                do throws(JACError) { result = .success(try decodeField(job, i, decoder: decoder)) } catch { result = .failure(error) }
                lock.lock()
                switch result {
                case .success(let (column, positions)):
                    job.columns[i] = column
                    job.positions[i] = positions
                case .failure(let error):
                    job.errors[i] = error
                }
                job.pending -= 1
                if job.pending == 0 {
                    if let error = job.errors.lazy.compactMap({ $0 }).first {
                        // The first failing field in directory order, as a sequential decode says.
                        job.failure = error
                        job.settled = true
                        release(job)
                        lock.broadcast()
                    } else {
                        decoded(job)
                    }
                }
            case .render(let job, let c):
                render(job, chunk: c, into: &spare)
                lock.lock()
                job.chunks[c] = spare
                job.pending -= 1
                if job.pending == 0 { release(job) }
                lock.broadcast()
            }
        }
    }

    /// All fields of `job` are decoded: queue its chunks (lock held).
    private func decoded(_ job: Job) {
        job.settled = true
        job.pending = job.chunks.count
        for c in job.chunks.indices { renderQueue.append(.render(job, c)) }
        lock.broadcast()
    }
}
