import JACArchive
import JACCodec
import JACCompression
import JACJSON
import JACPipeline
import JACSystem
import JACWire

import Synchronization

/// Options of a whole `jac pack` run: the three stages' options in one place.
public struct PackOptions: Equatable, Sendable {
    public var split = SplitOptions()
    public var squeeze = SqueezeOptions()
    public var index = ArchiveWriter.Index.announced

    public init() {}

    /// The file header these options give for input of the detected kind: the split stage's
    /// part, then the squeeze stage's, exactly as the pipeline builds it.
    public func fileHeader(mode: InputMode) -> FileHeader {
        var h = split.fileHeader(mode: mode)
        squeeze.apply(to: &h)
        return h
    }
}

/// What a pack run did, for `-v` summaries.
public struct PackSummary: Sendable {
    public var records = 0
    public var blocks = 0
    public var bytesIn = 0
    public var bytesOut = 0
    /// Per field: its largest compressed segment and all its compressed bytes.
    public var fields: [String: (largest: Int, total: Int)] = [:]

    /// Adds the segments of a finished block to `fields`, from its header (read again only
    /// for `-v`: a block holds no directory besides its bytes, for memory's sake).
    mutating func count(_ block: EncodedBlock) throws(JACError) {
        let header = try block.bytes.withBytes { (bytes) throws(JACError) in try BlockHeader.decode(bytes).0 }
        for f in header.fields {
            let old = fields[f.nameString] ?? (0, 0)
            fields[f.nameString] = (max(old.largest, f.compressedLength), old.total + f.compressedLength)
        }
    }
}

/// `jac pack`: split, squeeze and assemble in one process, calling the same stage code as the
/// pipeline, so the archive is the same for any thread count.
public enum Pack {
    /// `progress` hears, after each block is written, the records written so far and the
    /// input bytes read (the reader runs ahead by the blocks in flight). With `fieldTotals`,
    /// the summary has each field's compressed bytes.
    public static func run(source: ByteSource, sink: ByteSink, options: PackOptions, threads: Int, fieldTotals: Bool = false,
                           progress: ((_ records: Int, _ bytesIn: Int) -> Void)? = nil) throws(JACError) -> PackSummary {
        do throws(JACError) {
            return try pack(source: source, sink: sink, options: options, threads: threads, fieldTotals: fieldTotals, progress: progress)
        } catch {
            throw error.naming(input: source.name)
        }
    }

    private static func pack(source: ByteSource, sink: ByteSink, options: PackOptions, threads: Int, fieldTotals: Bool,
                             progress: ((Int, Int) -> Void)?) throws(JACError) -> PackSummary {
        // Chunks come back from the squeezer once their block is joined, for the splitter to
        // fill again; the squeezer sets how many bytes of them are kept.
        let spares = FreeList<RawChunk>(maxBytes: 0)
        let splitter = Splitter(source: source, options: options.split, spares: spares)
        let mode = try splitter.detectMode()
        let writer = try ArchiveWriter(header: options.fileHeader(mode: mode), index: options.index, sink: sink)
        let squeezer = Squeezer(options: options.squeeze, threads: threads,
                                maxInFlightBytes: Squeezer.inFlightBytes(threads: threads, blockBytes: options.split.blockBytes))
        var summary = PackSummary()
        // The splitter runs on the squeezer's reader thread; what it has read reaches the
        // progress callback, on this thread, through an atomic.
        let bytesRead = ByteCounter()
        try squeezer.run(input: { () throws(JACError) in
            let chunk = try splitter.next()
            bytesRead.value.store(splitter.bytesRead, ordering: .relaxed)
            return chunk
        }, spares: spares) { (_, blocks) throws(JACError) in
            for block in blocks {
                try writer.append(block)
                if fieldTotals { try summary.count(block) }
            }
            progress?(writer.recordCount, bytesRead.value.load(ordering: .relaxed))
        }
        try writer.finish()
        summary.records = writer.recordCount
        summary.blocks = writer.blockCount
        summary.bytesIn = splitter.bytesRead
        summary.bytesOut = writer.bytesWritten
        return summary
    }
}

/// A byte count one thread writes and another reads.
private final class ByteCounter: Sendable {
    let value = Atomic<Int>(0)
}
