import JACArchive
import JACCodec
import JACSystem
import JACWire

/// The frame stream spoken over pipes between `jac-split`, `jac-squeeze` and `jac-assemble`
/// (documented in jac-frames(5)). A stream is the magic `JACF`, a version byte, then frames:
///
///     type u8 | sequence varint | length varint | payload (length bytes) | CRC-32C u32 LE
///
/// The CRC covers type through payload. Every stream starts with a header frame and ends with
/// an end frame carrying counts, so a stage can tell a whole stream from a cut one.
public enum Frame {
    public static let magic = StreamKind.frameStreamMagic
    public static let version: UInt8 = 2
    /// Largest payload a reader accepts before allocating (a raw block of 1 GiB).
    public static let maxPayload = 1 << 30
    /// Largest raw chunk payload: a raw block's most text, and three varints per record.
    public static let maxRawChunkPayload = SplitOptions.maxBlockBytes + 30 * Limits.maxRecordsPerBlock + 32

    public enum Kind: UInt8, Sendable {
        /// Stream header: stage byte, then the archive's file header as it will be written.
        case header = 0x48
        /// A chunk of an uncompressed block of records: chunk index, last-chunk flag, record
        /// count, then per record its line, column and length, then the records' text back to
        /// back. The sequence is the block's.
        case rawChunk = 0x52
        /// A compressed block: part index, part count, record count, then the block's bytes.
        case block = 0x42
        /// End of stream: raw block count as the sequence; record count as the payload.
        case end = 0x45
    }

    /// What a stream carries, declared in its header frame.
    public enum Stage: UInt8, Sendable {
        case raw = 1
        case compressed = 2
    }
}

/// One frame as read.
public struct FrameRecord: Sendable {
    public var kind: Frame.Kind
    public var sequence: Int
    public var payload: [UInt8]
}

/// Writes a frame stream.
public final class FrameWriter {
    private let sink: ByteSink
    private var scratch: [UInt8] = []

    public init(sink: ByteSink) throws(JACError) {
        self.sink = sink
        try sink.write(Frame.magic + [Frame.version])
    }

    public func write(_ kind: Frame.Kind, sequence: Int, payload: [UInt8]) throws(JACError) {
        try write(kind, sequence: sequence, parts: [payload])
    }

    /// Writes one frame whose payload is `parts` back to back (no copy into one buffer).
    public func write(_ kind: Frame.Kind, sequence: Int, parts: [[UInt8]]) throws(JACError) {
        let length = parts.reduce(0) { $0 + $1.count }
        guard length <= Frame.maxPayload else {
            throw JACError(.limitExceeded, "raw block \(sequence): a frame of \(length) bytes exceeds the limit \(Frame.maxPayload) that readers accept")
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(kind.rawValue)
        Varint.append(sequence, to: &scratch)
        Varint.append(length, to: &scratch)
        var crc = CRC32C()
        crc.update(scratch)
        try sink.write(scratch)
        for part in parts {
            crc.update(part)
            try sink.write(part)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.appendUInt32LE(crc.value)
        try sink.write(scratch)
        // Each frame goes down the pipe at once, so the next stage starts on it.
        try sink.flush()
    }

    public func writeHeader(stage: Frame.Stage, header: FileHeader) throws(JACError) {
        try write(.header, sequence: 0, payload: [stage.rawValue] + header.encoded())
    }

    public func write(_ chunk: RawChunk) throws(JACError) {
        var meta: [UInt8] = []
        meta.reserveCapacity(8 * chunk.recordCount + 16)
        Varint.append(chunk.index, to: &meta)
        meta.append(chunk.isLast ? 1 : 0)
        Varint.append(chunk.recordCount, to: &meta)
        for r in 0 ..< chunk.recordCount {
            Varint.append(chunk.lines[r], to: &meta)
            Varint.append(chunk.columns[r], to: &meta)
            Varint.append(chunk.range(of: r).count, to: &meta)
        }
        try write(.rawChunk, sequence: chunk.block, parts: [meta, chunk.text])
    }

    /// The blocks one raw block became, as parts `0 ..< blocks.count` of its sequence number.
    public func write(sequence: Int, blocks: [EncodedBlock]) throws(JACError) {
        for (part, block) in blocks.enumerated() {
            var payload: [UInt8] = []
            Varint.append(part, to: &payload)
            Varint.append(blocks.count, to: &payload)
            Varint.append(block.recordCount, to: &payload)
            payload.append(contentsOf: block.bytes)
            try write(.block, sequence: sequence, payload: payload)
        }
    }

    public func writeEnd(rawBlocks: Int, records: Int) throws(JACError) {
        var payload: [UInt8] = []
        Varint.append(records, to: &payload)
        try write(.end, sequence: rawBlocks, payload: payload)
    }
}

/// Reads and checks a frame stream: magic, version, every CRC, lengths before allocation, and
/// the end frame. Errors name the stream and the frame's offset.
public final class FrameReader {
    public let source: ByteSource
    private var sawEnd = false

    public init(source: ByteSource) throws(JACError) {
        self.source = source
        guard try source.fill(5) else {
            throw JACError(.frame, "\(source.name): not a jac frame stream (too short; did an earlier stage fail?)")
        }
        let head = try source.take(5, "the stream magic")
        guard Array(head.prefix(4)) == Frame.magic else {
            let wrong = try head.withBytes { (p) throws(JACError) -> String? in
                switch StreamKind(head: p) {
                case .ndjson: "input is NDJSON, not a frame stream: pipe it through jac-split first"
                case .jsonArray: "input is a JSON array, not a frame stream: pipe it through jac-split first"
                case .archive: "input is a JAC archive, not a frame stream: jac-squeeze reads what jac-split writes (jac unpack reads archives)"
                default: nil
                }
            }
            throw JACError(.frame, "\(source.name): \(wrong ?? "not a jac frame stream (bad magic)")")
        }
        guard head[4] == Frame.version else {
            throw JACError(.frame, "\(source.name): frame stream version \(head[4]) is not supported")
        }
    }

    /// The next frame; nil only after a valid end frame (anything after it is an error).
    public func next() throws(JACError) -> FrameRecord? {
        try next { (kind, sequence, payload) in FrameRecord(kind: kind, sequence: sequence, payload: Array(payload)) }
    }

    /// The next frame as `next()` reads it, its payload handed to `body` where it lies in the
    /// input's buffer: jac-squeeze decodes raw chunks from there, copying their text once.
    public func next<R>(_ body: (Frame.Kind, _ sequence: Int, _ payload: UnsafeRawBufferPointer) throws(JACError) -> R) throws(JACError) -> R? {
        if sawEnd {
            guard try source.atEnd() else {
                throw JACError(.frame, "\(source.name): data after the end frame at offset \(source.offset)")
            }
            return nil
        }
        let offset = source.offset
        let fail = { (what: String) in JACError(.frame, "\(self.source.name): frame at offset \(offset): \(what)") }
        guard try source.fill(1) else {
            throw JACError(.frame, "\(source.name): stream ends without its end frame at offset \(offset) (an earlier stage failed or was killed)")
        }
        try source.fill(1 + 10 + 10)
        let parsed: (Frame.Kind?, Int, Int, Int)? = try source.withBuffered { (p) throws(JACError) in
            var r = ByteReader(p)
            do throws(JACError) {
                let type = try r.readByte()
                let sequence = try r.readLength(limit: Int(Int64.max / 2), "sequence")
                let length = try r.readLength(limit: Frame.maxPayload, "payload length")
                return (Frame.Kind(rawValue: type), sequence, length, r.position)
            } catch {
                if error.kind == .limitExceeded { throw fail(error.message) }
                return nil
            }
        }
        guard let (kindOrNil, sequence, length, headerLength) = parsed else {
            throw fail("stream is cut inside a frame header")
        }
        guard let kind = kindOrNil else { throw fail("unknown frame type") }
        if kind == .rawChunk && length > Frame.maxRawChunkPayload {
            throw fail("a raw chunk of \(length) bytes, over the \(Frame.maxRawChunkPayload)-byte limit (a raw block holds at most \(SplitOptions.maxBlockBytes) bytes of text)")
        }
        guard try source.fill(headerLength + length + 4) else {
            throw fail("stream is cut inside a frame (truncated)")
        }
        let result = try source.withBuffered { (p) throws(JACError) -> R in
            let end = headerLength + length
            guard CRC32C.isStored(in: p, at: end) else {
                throw fail("checksum mismatch (damaged stream)")
            }
            return try body(kind, sequence, UnsafeRawBufferPointer(rebasing: p[headerLength ..< end]))
        }
        source.consume(headerLength + length + 4)
        if kind == .end { sawEnd = true }
        return result
    }

    /// Reads the header frame, which must come first and declare `stage`.
    public func readHeader(expecting stage: Frame.Stage) throws(JACError) -> FileHeader {
        guard let frame = try next(), frame.kind == .header, !frame.payload.isEmpty else {
            throw JACError(.frame, "\(source.name): stream does not start with a header frame")
        }
        guard frame.payload[0] == stage.rawValue else {
            let what = stage == .raw ? "raw blocks (from jac-split), got stage \(frame.payload[0]): it was squeezed already, jac-assemble reads it"
                : "compressed blocks (from jac-squeeze), got stage \(frame.payload[0]): run jac-squeeze first"
            throw JACError(.frame, "\(source.name): expected a stream of \(what)")
        }
        return try frame.payload.withBytes { (p) throws(JACError) in
            try FileHeader.decode(UnsafeRawBufferPointer(rebasing: p[1...])).0
        }
    }
}

extension FrameRecord {
    /// Decodes a raw chunk frame.
    public func rawChunk(source: String) throws(JACError) -> RawChunk {
        try payload.withBytes { (p) throws(JACError) in try Self.rawChunk(payload: p, sequence: sequence, source: source) }
    }

    /// Decodes the payload of raw chunk frame `sequence`; the chunk's text is a copy of its own.
    public static func rawChunk(payload p: UnsafeRawBufferPointer, sequence: Int, source: String) throws(JACError) -> RawChunk {
        var chunk = RawChunk(block: sequence)
        try rawChunk(payload: p, sequence: sequence, source: source, into: &chunk)
        return chunk
    }

    /// The same, into `chunk`, whose memory it reuses (a chunk done with, from a `FreeList`).
    public static func rawChunk(payload p: UnsafeRawBufferPointer, sequence: Int, source: String,
                                into chunk: inout RawChunk) throws(JACError) {
        var r = ByteReader(p)
        let index = try r.readLength(limit: Frame.maxPayload, "chunk index")
        let last = try r.readByte()
        guard last <= 1 else { throw JACError(.frame, "\(source): raw block \(sequence): bad last-chunk flag \(last)") }
        chunk.reuse(block: sequence, index: index)
        chunk.isLast = last == 1
        let count = try r.readLength(limit: Limits.maxRecordsPerBlock, "record count")
        guard count > 0 else { throw JACError(.frame, "\(source): raw block \(sequence): chunk \(index) holds no records") }
        // Each record takes three varints at least: the count is checked before reserving.
        guard 3 * count <= r.remaining else {
            throw JACError(.frame, "\(source): raw block \(sequence): chunk \(index) claims \(count) records in \(r.remaining) bytes")
        }
        chunk.recordEnds.reserveCapacity(count)
        chunk.lines.reserveCapacity(count)
        chunk.columns.reserveCapacity(count)
        var end = 0
        for _ in 0 ..< count {
            chunk.lines.append(try r.readLength(limit: Int(Int64.max / 2), "line"))
            chunk.columns.append(try r.readLength(limit: Int(Int64.max / 2), "column"))
            end += try r.readLength(limit: p.count, "record length")
            chunk.recordEnds.append(end)
        }
        guard end == r.remaining else {
            throw JACError(.frame, "\(source): raw block \(sequence): records cover \(end) bytes, the frame holds \(r.remaining)")
        }
        chunk.text.append(contentsOf: p[r.position...])
    }

    /// Decodes a compressed block frame: (part, parts, block). The payload becomes the block's
    /// bytes, its few leading bytes moved out in place rather than the block copied.
    public mutating func takeBlock() throws(JACError) -> (part: Int, parts: Int, block: EncodedBlock) {
        let (part, parts, records, prefix) = try payload.withBytes { (p) throws(JACError) in
            var r = ByteReader(p)
            let part = try r.readLength(limit: 1 << 20, "block part")
            let parts = try r.readLength(limit: 1 << 20, "block parts")
            let records = try r.readLength(limit: Limits.maxRecordsPerBlock, "record count")
            guard part < parts else { throw JACError(.frame, "block part \(part) of \(parts)") }
            return (part, parts, records, r.position)
        }
        var bytes: [UInt8] = []
        swap(&bytes, &payload)
        bytes.removeFirst(prefix)
        return (part, parts, EncodedBlock(bytes: bytes, recordCount: records))
    }

    /// The record count of an end frame.
    public func endRecords() throws(JACError) -> Int {
        try payload.withBytes { (p) throws(JACError) in
            var r = ByteReader(p)
            let n = try r.readLength(limit: Int(Int64.max / 2), "record count")
            guard r.isAtEnd else { throw JACError(.frame, "end frame has stray bytes") }
            return n
        }
    }
}
