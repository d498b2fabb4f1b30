import Foundation
import JACArchive
import JACCodec
import JACCompression
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
/// records into columns; the last chunk to finish joins them) and "compress segment f of block
/// k". Compress tasks go first, so blocks finish in order, and a single large block still keeps
/// every thread busy in both phases. At most `maxInFlight` raw blocks are held
/// at once (the reader waits), which bounds memory by block size x threads.
/// Each block's bytes depend only on its records and the options, never on the thread that
/// made them or on timing.
public final class Squeezer: @unchecked Sendable {
    public let options: SqueezeOptions
    public let threads: Int
    public let maxInFlight: Int

    private let lock = NSCondition()
    private var encodeQueue: [(job: Job, chunk: Int)] = []
    private var encodeHead = 0
    private var compressQueue: [(job: Job, block: Int, field: Int)] = []
    private var compressHead = 0
    private var results: [Int: [EncodedBlock]] = [:]
    private var inFlight = 0
    private var inputDone = false
    private var failure: JACError?
    private var workersRunning = 0

    /// One raw block on its way through: its chunks' columns, then its payloads and the
    /// segments compressed so far.
    private final class Job {
        let sequence: Int
        var raw: RawBlock
        let chunks: [Range<Int>]
        var columns: [ColumnSet?]
        var chunksLeft: Int
        var payloads: [BlockPayloads] = []
        var segments: [[[UInt8]]] = []
        var remaining = 0

        init(raw: RawBlock) {
            sequence = raw.sequence
            self.raw = raw
            chunks = BlockEncoder.chunks(of: raw)
            columns = Array(repeating: nil, count: chunks.count)
            chunksLeft = chunks.count
        }
    }

    public init(options: SqueezeOptions, threads: Int, maxInFlight: Int? = nil) {
        self.options = options
        self.threads = max(1, threads)
        self.maxInFlight = maxInFlight ?? self.threads + 1
    }

    /// Pulls raw blocks from `input` (on a reader thread) until it returns nil, and calls
    /// `output` on this thread with each raw block's encoded blocks, in sequence order.
    /// Raw blocks must be numbered 0, 1, 2, ... Stops at the first error and throws it.
    public func run(input: @escaping @Sendable () throws(JACError) -> RawBlock?,
                    output: (_ sequence: Int, _ blocks: [EncodedBlock]) throws(JACError) -> Void) throws(JACError) {
        let reader = Thread { [self] in readLoop(input) }
        reader.stackSize = 8 << 20
        reader.start()
        lock.lock()
        workersRunning = threads
        lock.unlock()
        for _ in 0 ..< threads {
            let worker = Thread { [self] in workLoop() }
            worker.stackSize = 8 << 20
            worker.start()
        }
        var next = 0
        var outputError: JACError?
        lock.lock()
        while true {
            if failure != nil { break }
            if let blocks = results.removeValue(forKey: next) {
                inFlight -= 1
                lock.broadcast()
                lock.unlock()
                do throws(JACError) {
                    try output(next, blocks)
                } catch {
                    outputError = error
                }
                lock.lock()
                if let outputError {
                    failure = failure ?? outputError
                    lock.broadcast()
                    break
                }
                next += 1
                continue
            }
            if inputDone && inFlight == 0 { break }
            lock.wait()
        }
        // Let the threads see the end (or the failure) and stop before returning.
        inputDone = true
        if failure != nil { encodeHead = encodeQueue.count; compressHead = compressQueue.count }
        lock.broadcast()
        while workersRunning > 0 || !readerStopped { lock.wait() }
        let error = failure
        lock.unlock()
        if let error { throw error }
    }

    private var readerStopped = false

    private func readLoop(_ input: () throws(JACError) -> RawBlock?) {
        defer {
            lock.lock()
            readerStopped = true
            lock.broadcast()
            lock.unlock()
        }
        while true {
            lock.lock()
            while inFlight >= maxInFlight && failure == nil && !inputDone { lock.wait() }
            let stop = failure != nil || inputDone
            lock.unlock()
            if stop { return }
            let raw: RawBlock?
            do throws(JACError) {
                raw = try input()
            } catch {
                fail(error)
                return
            }
            lock.lock()
            if let raw {
                let job = Job(raw: raw)
                for c in job.chunks.indices { encodeQueue.append((job, c)) }
                inFlight += 1
                if job.chunks.isEmpty { complete(job) }
            } else {
                inputDone = true
            }
            lock.broadcast()
            lock.unlock()
            if raw == nil { return }
        }
    }

    private func fail(_ error: JACError) {
        lock.lock()
        if failure == nil { failure = error }
        lock.broadcast()
        lock.unlock()
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
            if compressHead < compressQueue.count {
                let (job, block, field) = compressQueue[compressHead]
                compressHead += 1
                trimQueues()
                lock.unlock()
                let result: Result<[UInt8], JACError>
                do throws(JACError) {
                    result = .success(try compressor.compress(job.payloads[block].fields[field].bytes, codec: options.codec))
                } catch {
                    result = .failure(error)
                }
                lock.lock()
                switch result {
                case .success(let segment):
                    job.segments[block][field] = segment
                    job.remaining -= 1
                    if job.remaining == 0 { complete(job) }
                case .failure(let error):
                    failure = failure ?? error
                    lock.broadcast()
                }
            } else if encodeHead < encodeQueue.count {
                let (job, chunk) = encodeQueue[encodeHead]
                encodeHead += 1
                trimQueues()
                lock.unlock()
                var result: Result<Void, JACError> = .success(())
                do throws(JACError) {
                    let columns = try encoder.encodeChunk(job.raw, records: job.chunks[chunk])
                    lock.lock()
                    job.columns[chunk] = columns
                    job.chunksLeft -= 1
                    let last = job.chunksLeft == 0
                    lock.unlock()
                    if last {
                        let payloads = try encoder.merge(job.columns.map { $0! }, of: job.raw)
                        job.columns = []
                        job.raw = RawBlock(sequence: job.sequence)
                        lock.lock()
                        schedule(job, payloads: payloads)
                        lock.unlock()
                    }
                } catch {
                    result = .failure(error)
                }
                lock.lock()
                if case .failure(let error) = result {
                    failure = failure ?? error
                    lock.broadcast()
                }
            } else if inputDone && inFlight == 0 {
                return
            } else {
                lock.wait()
            }
        }
    }

    /// Queues the compression of every segment of a merged job (called with the lock held).
    private func schedule(_ job: Job, payloads: [BlockPayloads]) {
        job.payloads = payloads
        job.segments = payloads.map { Array(repeating: [], count: $0.fields.count) }
        job.remaining = payloads.reduce(0) { $0 + $1.fields.count }
        if job.remaining == 0 {
            complete(job)
            return
        }
        for (b, p) in payloads.enumerated() {
            for f in p.fields.indices { compressQueue.append((job, b, f)) }
        }
        lock.broadcast()
    }

    /// Lays out a job's blocks once all its segments are compressed (called with the lock held;
    /// the CRC pass is short next to compression).
    private func complete(_ job: Job) {
        var blocks: [EncodedBlock] = []
        for (b, payloads) in job.payloads.enumerated() {
            blocks.append(EncodedBlock(payloads: payloads, segments: job.segments[b], codec: options.codec))
        }
        job.payloads = []
        job.segments = []
        results[job.sequence] = blocks
        lock.broadcast()
    }

    private func trimQueues() {
        if compressHead > 1024 && compressHead * 2 > compressQueue.count {
            compressQueue.removeFirst(compressHead)
            compressHead = 0
        }
        if encodeHead > 256 && encodeHead * 2 > encodeQueue.count {
            encodeQueue.removeFirst(encodeHead)
            encodeHead = 0
        }
    }
}
