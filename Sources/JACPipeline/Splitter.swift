import JACArchive
import JACCodec
import JACJSON
import JACWire

/// How input is cut into raw blocks. The cut depends only on the input and these options,
/// never on buffer sizes or timing, so every way of running the pipeline sees the same blocks.
public struct SplitOptions: Equatable, Sendable {
    public var mode = InputMode.auto
    /// Records per block (FORMAT.md's `--block-records`, at most 100,000).
    public var blockRecords = 100_000
    /// A block is cut before its records' text would exceed this many bytes.
    public var blockBytes = 64 << 20
    /// A single record longer than this is refused (memory stays bounded).
    public var maxRecordBytes = 256 << 20

    public init() {}
}

/// The `jac-split` stage: reads JSON text and returns raw blocks of whole records, one at a
/// time, in order. It only finds record boundaries (`RecordScanner`); parsing happens in the
/// encoder. Memory is one block plus the read buffer. Used by one thread at a time.
public final class Splitter: @unchecked Sendable {
    public let options: SplitOptions
    private let source: ByteSource
    private var scanner: RecordScanner
    private var current: RawBlock
    private var ready: [RawBlock] = []
    private var nextSequence = 1
    private var done = false
    public private(set) var recordCount = 0
    public private(set) var bytesRead = 0

    public init(source: ByteSource, options: SplitOptions) {
        self.source = source
        self.options = options
        scanner = RecordScanner(mode: options.mode)
        current = RawBlock(sequence: 0)
    }

    /// `.ndjson` or `.jsonArray`; `.auto` until the first record was seen.
    public var detectedMode: InputMode { scanner.detectedMode ?? options.mode }

    /// Reads until the container kind is known (or the input ends), for the file header.
    public func detectMode() throws(JACError) -> InputMode {
        while scanner.detectedMode == nil && !done { try advance() }
        return scanner.detectedMode ?? .ndjson
    }

    /// The next block, or nil at the end of the input.
    public func next() throws(JACError) -> RawBlock? {
        while ready.isEmpty && !done { try advance() }
        return ready.isEmpty ? nil : ready.removeFirst()
    }

    private func advance() throws(JACError) {
        // Whatever one read brings: a pipe that delivers slowly is still cut as it arrives.
        let isFinal = try !source.fill(source.available + 1)
        let consumed = try source.withBuffered { (buffer) throws(JACError) -> Int in
            try scanner.scan(buffer, isFinal: isFinal) { (start, end, line, column) throws(JACError) in
                try add(UnsafeRawBufferPointer(rebasing: buffer[start ..< end]), line: line, column: column)
            }
        }
        source.consume(consumed)
        bytesRead += consumed
        if isFinal {
            if current.recordCount > 0 { ready.append(current) }
            done = true
        } else if source.available > options.maxRecordBytes {
            throw JACError(.limitExceeded, "\(source.name): a record longer than \(options.maxRecordBytes) bytes (at input offset \(source.offset))")
        }
    }

    private func add(_ record: UnsafeRawBufferPointer, line: Int, column: Int) throws(JACError) {
        if current.recordCount > 0 && (current.recordCount >= options.blockRecords
            || current.text.count + record.count > options.blockBytes) {
            ready.append(current)
            current = RawBlock(sequence: nextSequence)
            nextSequence += 1
        }
        current.append(record, line: line, column: column)
        recordCount += 1
    }
}
