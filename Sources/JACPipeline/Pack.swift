import JACArchive
import JACCodec
import JACCompression
import JACJSON
import JACWire

/// Options of a whole `jac pack` run: the three stages' options in one place.
public struct PackOptions: Equatable, Sendable {
    public var split = SplitOptions()
    public var squeeze = SqueezeOptions()
    public var writeIndex = true

    public init() {}

    /// The file header these options give for input of the detected kind.
    public func fileHeader(mode: InputMode) -> FileHeader {
        var h = FileHeader()
        h.canonicalizeKeys = squeeze.encoding.canonicalizeKeys
        h.containerHint = mode == .jsonArray ? .jsonArray : .ndjson
        h.defaultCompressor = squeeze.codec.id
        h.defaultLevel = squeeze.codec.levelByte
        h.blockSizeHintRecords = split.blockRecords
        if squeeze.encoding.segmentMaxBytes != Limits.defaultSegmentMaxBytes {
            h.userMetadata = Array("{\"segment_max_bytes\":\(squeeze.encoding.segmentMaxBytes)}".utf8)
        }
        return h
    }
}

/// What a pack run did, for `-v` summaries.
public struct PackSummary: Sendable {
    public var records = 0
    public var blocks = 0
    public var bytesIn = 0
    public var bytesOut = 0
}

/// `jac pack`: split, squeeze and assemble in one process, calling the same stage code as the
/// pipeline, so the archive is the same for any thread count.
public enum Pack {
    public static func run(source: ByteSource, sink: ByteSink, options: PackOptions,
                           threads: Int) throws(JACError) -> PackSummary {
        let splitter = Splitter(source: source, options: options.split)
        let mode = try splitter.detectMode()
        let writer = try ArchiveWriter(header: options.fileHeader(mode: mode), writeIndex: options.writeIndex, sink: sink)
        let squeezer = Squeezer(options: options.squeeze, threads: threads)
        try squeezer.run(input: { () throws(JACError) in try splitter.next() }) { (_, blocks) throws(JACError) in
            for block in blocks { try writer.append(block) }
        }
        try writer.finish()
        return PackSummary(records: writer.recordCount, blocks: writer.blockCount,
                           bytesIn: splitter.bytesRead, bytesOut: writer.bytesWritten)
    }
}
