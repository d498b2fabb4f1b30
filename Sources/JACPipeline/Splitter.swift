import JACArchive
import JACCodec
import JACJSON
import JACSystem
import JACWire

/// How input is cut into raw blocks. The cut depends only on the input and these options,
/// never on buffer sizes or timing, so every way of running the pipeline sees the same blocks.
public struct SplitOptions: Equatable, Sendable {
    public var mode = InputMode.auto
    /// Records per block (doc/format.md §6.8's `--block-records`, at most 100,000).
    public var blockRecords = 100_000
    /// A block is cut before its records' text would exceed this many bytes (at most
    /// `maxBlockBytes`).
    public var blockBytes = 64 << 20
    /// A single record longer than this is refused (memory stays bounded; at most
    /// `maxBlockBytes`).
    public var maxRecordBytes = SplitOptions.maxBlockBytes
    /// The most text a raw block may hold, on the wire too: the format's largest block
    /// (`Limits.maxBlockUncompressedBytes`, by the size estimate, which is at most the values'
    /// text). A larger raw block would be cut into several blocks anyway for most input, at a
    /// cost of four times its size in memory per thread.
    public static let maxBlockBytes = Limits.maxBlockUncompressedBytes
    /// A raw block goes out in chunks of about this many bytes of text, so that encoding starts
    /// before the block is whole (the stream's first chunks are smaller, from 64 KiB, so that
    /// the first one leaves at once). Chunks never change the archive's bytes.
    public var chunkBytes = 1 << 20

    public init() {}
}

/// The `jac-split` stage: reads JSON text and returns the chunks of raw blocks of whole
/// records, one at a time, in order. It only finds record boundaries (`RecordScanner`); parsing
/// happens in the encoder. Memory is about one chunk plus the read buffer. Used by one thread
/// at a time.
public final class Splitter: @unchecked Sendable {
    public let options: SplitOptions
    private let source: ByteSource
    private var scanner: RecordScanner
    private var current: RawChunk
    /// The current chunk is full at this many bytes: 64 KiB at first, doubling to `chunkBytes`.
    private var chunkLimit: Int
    /// Chunks handed back (`recycle`, or by whoever shares the list), whose memory the next
    /// chunks reuse.
    private let spares: FreeList<RawChunk>
    /// Chunks completed and not yet taken: `ready[readyHead...]`.
    private var ready: [RawChunk] = []
    private var readyHead = 0
    /// Leading bytes of the source's buffer the scanner has seen (an unfinished record).
    private var scannedAhead = 0
    private var sourceEnded = false
    /// Whether `TextInput.refuseBinary` looked at the input's first bytes.
    private var checkedText = false
    /// Records and bytes of text in the current block so far.
    private var blockRecords = 0
    private var blockBytes = 0
    private var done = false
    private var failure: JACError?
    public private(set) var recordCount = 0
    public private(set) var bytesRead = 0
    /// The options' sizes, held to `SplitOptions.maxBlockBytes`.
    private let maxBlockBytes: Int
    private let maxRecordBytes: Int
    /// Told the input offset of each block's first record but the first block's, as the block
    /// starts (a shard plan cuts there).
    private let onCut: ((Int) -> Void)?

    /// - Parameter spares: where chunks done with come back for reuse; by default room for two
    ///   (one read can complete two chunks).
    public init(source: ByteSource, options: SplitOptions, spares: FreeList<RawChunk>? = nil, onCut: ((Int) -> Void)? = nil) {
        self.source = source
        self.spares = spares ?? FreeList(maxBytes: 2 * Splitter.chunkBytesBound(options))
        self.options = options
        self.onCut = onCut
        maxBlockBytes = min(options.blockBytes, SplitOptions.maxBlockBytes)
        maxRecordBytes = min(options.maxRecordBytes, SplitOptions.maxBlockBytes)
        scanner = RecordScanner(mode: options.mode)
        chunkLimit = min(options.chunkBytes, 64 << 10)
        current = RawChunk(block: 0, isLast: false)
        current.reserveCapacity(bytes: chunkLimit + Splitter.chunkSlack, records: 0)
    }

    /// `.ndjson` or `.jsonArray`; `.auto` until the first record was seen.
    public var detectedMode: InputMode { scanner.detectedMode ?? options.mode }

    /// Reads until the container kind is known (or the input ends), for the file header.
    public func detectMode() throws(JACError) -> InputMode {
        while scanner.detectedMode == nil && !done && failure == nil { advanceUntilFailure() }
        if let mode = scanner.detectedMode { return mode }
        if let failure { throw failure }
        return .ndjson
    }

    /// The next chunk, or nil at the end of the input. Bad input is thrown only after the
    /// records before it went out (in a chunk not marked last), so that an earlier record's
    /// error, found by the encoder, can still be the one reported.
    public func next() throws(JACError) -> RawChunk? {
        while readyHead == ready.count && !done && failure == nil { advanceUntilFailure() }
        if readyHead < ready.count { return takeReady() }
        if let failure { throw failure }
        return nil
    }

    /// Moves the oldest ready chunk out (the queue keeps no reference to its memory, which the
    /// caller may recycle).
    private func takeReady() -> RawChunk {
        var chunk = RawChunk(block: 0)
        swap(&chunk, &ready[readyHead])
        readyHead += 1
        if readyHead == ready.count {
            ready.removeAll(keepingCapacity: true)
            readyHead = 0
        }
        return chunk
    }

    /// Takes back a chunk the caller is done with (jac-split writes each chunk and drops it),
    /// so that the next chunk reuses its memory instead of faulting in fresh pages.
    public func recycle(_ chunk: consuming RawChunk) {
        let bytes = chunk.heldBytes
        spares.put(chunk, bytes: bytes)
    }

    /// What a chunk of `options`' usual size holds at most (`RawChunk.heldBytes`): its text limit
    /// and the slack, and the places of as many records as fit, two bytes each, or a block's.
    /// A chunk that grew past it (a longer record) is not kept for reuse.
    public static func chunkBytesBound(_ options: SplitOptions) -> Int {
        let text = chunkTextBound(options)
        return text + 24 * min(options.blockRecords, text / 2)
    }

    /// The text of a chunk of `options`' usual size, at most: its limit and the slack.
    public static func chunkTextBound(_ options: SplitOptions) -> Int {
        options.chunkBytes + chunkSlack
    }

    private func advanceUntilFailure() {
        do throws(JACError) {
            try advance()
        } catch {
            failure = error
            if current.recordCount > 0 { ready.append(current) }
        }
    }

    /// Input scanned per step. The chunks that one step completes wait in `ready`, so this
    /// bounds them in bytes: tiny records cut one per block make a chunk each, about a hundred
    /// bytes of bookkeeping per record.
    static let scanStep = 64 << 10

    private func advance() throws(JACError) {
        if !checkedText {
            checkedText = true
            try TextInput.refuseBinary(source)
        }
        if scannedAhead >= source.available && !sourceEnded {
            // Whatever one read brings: a pipe that delivers slowly is still cut as it arrives.
            sourceEnded = try !source.fill(source.available + 1)
        }
        let window = min(source.available, scannedAhead + Splitter.scanStep)
        let isFinal = sourceEnded && window == source.available
        let consumed = try source.withBuffered { (buffer) throws(JACError) -> Int in
            let part = UnsafeRawBufferPointer(rebasing: buffer[..<window])
            return try scanner.scan(part, isFinal: isFinal) { (start, end, line, column) throws(JACError) in
                try add(UnsafeRawBufferPointer(rebasing: part[start ..< end]), at: bytesRead + start, line: line, column: column)
            }
        }
        source.consume(consumed)
        scannedAhead = window - consumed
        bytesRead += consumed
        if isFinal {
            if current.recordCount > 0 {
                current.isLast = true
                ready.append(current)
            }
            done = true
        } else if scannedAhead > maxRecordBytes {
            throw JACError(.limitExceeded, "\(source.name): a record longer than \(maxRecordBytes) bytes (at input offset \(source.offset))")
        }
    }

    /// Adds the record that starts at input offset `offset` (of the bytes read, after any
    /// decompression).
    private func add(_ record: UnsafeRawBufferPointer, at offset: Int, line: Int, column: Int) throws(JACError) {
        // A full chunk waits for the next record, which tells whether it ends its block.
        if blockRecords > 0 && (blockRecords >= options.blockRecords || blockBytes + record.count > maxBlockBytes) {
            onCut?(offset)
            current.isLast = true
            ready.append(current)
            startChunk(block: current.block + 1, index: 0)
            blockRecords = 0
            blockBytes = 0
        } else if current.text.count >= chunkLimit {
            ready.append(current)
            startChunk(block: current.block, index: current.index + 1)
        }
        current.append(record, line: line, column: column)
        blockRecords += 1
        blockBytes += record.count
        recordCount += 1
    }

    /// Room past the chunk limit for the record that crosses it, at most.
    private static let chunkSlack = 64 << 10

    /// Starts a chunk with room for what the one before it held (twice that while the limit
    /// still doubles), so that its text does not grow (copy, and fault in fresh pages) record
    /// by record. The room is in proportion to the chunk before: blocks of a few bytes each
    /// reserve a few bytes each.
    private func startChunk(block: Int, index: Int) {
        let previous = current
        let growth = chunkLimit < options.chunkBytes ? 2 : 1
        chunkLimit = min(growth * chunkLimit, options.chunkBytes)
        if var reused = spares.take() {
            reused.reuse(block: block, index: index)
            current = reused
        } else {
            current = RawChunk(block: block, index: index, isLast: false)
        }
        current.reserveCapacity(bytes: min(growth * previous.text.count, chunkLimit) + min(previous.text.count, Splitter.chunkSlack),
                                records: growth * previous.recordCount + previous.recordCount / 8)
    }
}
