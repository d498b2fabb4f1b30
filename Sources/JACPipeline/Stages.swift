import JACArchive
import JACCodec
import JACSystem
import JACWire

/// Counts a stage reports when it is done.
public struct StageSummary: Sendable {
    public var records = 0
    public var rawBlocks = 0
    public var blocks = 0
    public var bytesIn = 0
    public var bytesOut = 0
}

/// `jac-split`: JSON text in, a frame stream of raw blocks out.
public enum SplitStage {
    /// `progress` hears the records cut and the input bytes read after each raw block.
    public static func run(source: ByteSource, sink: ByteSink, options: SplitOptions,
                           progress: ((_ records: Int, _ bytesIn: Int) -> Void)? = nil) throws(JACError) -> StageSummary {
        do throws(JACError) {
            return try split(source: source, sink: sink, options: options, progress: progress)
        } catch {
            throw error.naming(input: source.name)
        }
    }

    private static func split(source: ByteSource, sink: ByteSink, options: SplitOptions,
                              progress: ((Int, Int) -> Void)?) throws(JACError) -> StageSummary {
        let splitter = Splitter(source: source, options: options)
        let mode = try splitter.detectMode()
        let writer = try FrameWriter(sink: sink)
        try writer.writeHeader(stage: .raw, header: options.fileHeader(mode: mode))
        var summary = StageSummary()
        while let chunk = try splitter.next() {
            try writer.write(chunk)
            if chunk.isLast {
                summary.rawBlocks += 1
                progress?(splitter.recordCount, splitter.bytesRead)
            }
            splitter.recycle(chunk)
        }
        try writer.writeEnd(rawBlocks: summary.rawBlocks, records: splitter.recordCount)
        summary.records = splitter.recordCount
        summary.bytesIn = splitter.bytesRead
        summary.bytesOut = sink.bytesWritten
        return summary
    }
}

/// `jac-squeeze`: raw block frames in, compressed block frames out, in order, on `threads`
/// threads. The raw stream must be whole: numbered from 0 without gaps and closed by an end
/// frame whose counts match.
public enum SqueezeStage {
    public static func run(frames: FrameReader, sink: ByteSink, options: SqueezeOptions,
                           threads: Int) throws(JACError) -> StageSummary {
        var header = try frames.readHeader(expecting: .raw)
        options.apply(to: &header)
        let writer = try FrameWriter(sink: sink)
        try writer.writeHeader(stage: .compressed, header: header)
        // Chunks come back from the squeezer once their block is joined, for the next frames;
        // the squeezer sets how many bytes of them are kept.
        let spares = FreeList<RawChunk>(maxBytes: 0)
        let input = RawFrameInput(frames: frames, spares: spares)
        var summary = StageSummary()
        do throws(JACError) {
            try Squeezer(options: options, threads: threads).run(input: { () throws(JACError) in try input.next() }, spares: spares) {
                (sequence, blocks) throws(JACError) in
                try writer.write(sequence: sequence, blocks: blocks)
                summary.blocks += blocks.count
            }
        } catch {
            // A record's line and column are those of jac-split's input, which this stage cannot name.
            throw error.message.hasPrefix("line ") ? error.at("\(frames.source.name): jac-split's input") : error
        }
        try writer.writeEnd(rawBlocks: input.blocks, records: input.records)
        summary.rawBlocks = input.blocks
        summary.records = input.records
        summary.bytesIn = frames.source.offset
        summary.bytesOut = sink.bytesWritten
        return summary
    }
}

/// Raw chunks from a frame stream, checked for order and against the end frame's counts.
private final class RawFrameInput: @unchecked Sendable {
    let frames: FrameReader
    let spares: FreeList<RawChunk>
    /// Raw blocks whose last chunk has arrived.
    var blocks = 0
    var records = 0
    private var nextChunk = 0
    /// Text of the current raw block's chunks so far.
    private var blockText = 0

    init(frames: FrameReader, spares: FreeList<RawChunk>) {
        self.frames = frames
        self.spares = spares
    }

    func next() throws(JACError) -> RawChunk? {
        let name = frames.source.name
        // A raw chunk is decoded where the reader holds it; other frames are taken whole.
        let read = try frames.next { (kind, sequence, payload) throws(JACError) -> Read in
            guard kind == .rawChunk else { return .frame(FrameRecord(kind: kind, sequence: sequence, payload: Array(payload))) }
            var chunk = spares.take() ?? RawChunk(block: sequence)
            try FrameRecord.rawChunk(payload: payload, sequence: sequence, source: name, into: &chunk)
            return .chunk(chunk)
        }
        let frame: FrameRecord
        switch read {
        case nil: throw JACError(.frame, "\(name): stream ends without its end frame")
        case .chunk(let chunk): return try accept(chunk)
        case .frame(let record): frame = record
        }
        switch frame.kind {
        case .end:
            let expected = try frame.endRecords()
            guard nextChunk == 0 else {
                throw JACError(.frame, "\(name): stream ends inside raw block \(blocks) (after chunk \(nextChunk - 1))")
            }
            guard frame.sequence == blocks, expected == records else {
                throw JACError(.frame, "\(name): end frame counts \(frame.sequence) blocks and \(expected) records, the stream had \(blocks) and \(records)")
            }
            _ = try frames.next()  // only checks that nothing follows the end frame
            return nil
        case .header, .block, .rawChunk:
            throw JACError(.frame, "\(name): unexpected \(frame.kind) frame in a raw block stream")
        }
    }

    private enum Read {
        case chunk(RawChunk)
        case frame(FrameRecord)
    }

    /// A raw chunk, if it comes in its turn and keeps its block within the limit.
    private func accept(_ chunk: RawChunk) throws(JACError) -> RawChunk {
        let name = frames.source.name
        guard chunk.block == blocks, chunk.index == nextChunk else {
            throw JACError(.frame, "\(name): chunk \(chunk.index) of raw block \(chunk.block) arrived where chunk \(nextChunk) of block \(blocks) was expected")
        }
        blockText += chunk.text.count
        guard blockText <= SplitOptions.maxBlockBytes else {
            throw JACError(.frame, "\(name): raw block \(blocks) holds more than \(SplitOptions.maxBlockBytes) bytes of text (at chunk \(chunk.index)), over the limit of a raw block")
        }
        if chunk.isLast {
            blocks += 1
            nextChunk = 0
            blockText = 0
        } else {
            nextChunk += 1
        }
        records += chunk.recordCount
        return chunk
    }
}

/// `jac-assemble`: compressed block frames (or whole archives, to merge) in, one archive out.
/// Blocks of a frame stream are put back in order with a reorder buffer bounded in bytes;
/// inputs are joined in the order given, their blocks copied byte for byte under a new index
/// (an archive's without decompressing: `checkStructure`).
public enum AssembleStage {
    /// Bytes of blocks that may wait for an earlier one before the stream is called broken:
    /// room for the largest block. A block that comes in its turn is written at once, part by
    /// part, so an ordered stream (what jac-squeeze writes) never waits.
    public static let maxPendingBytes = Limits.maxBlockUncompressedBytes

    /// - Parameter threads: the threads that check the fields of a block from a frame.
    public static func run(inputs: [ByteSource], sink: ByteSink, index: ArchiveWriter.Index,
                           threads: Int = 1) throws(JACError) -> StageSummary {
        var writer: ArchiveWriter?
        var summary = StageSummary()
        for source in inputs {
            guard try source.fill(4) else {
                throw JACError(.frame, "\(source.name): empty or cut input: neither a frame stream nor an archive (did an earlier stage fail?)")
            }
            let isFrames = try source.withBuffered { (p) throws(JACError) in Array(p.prefix(4)) == Frame.magic }
            let open = { (header: FileHeader) throws(JACError) -> ArchiveWriter in
                if let writer { return writer }
                let w = try ArchiveWriter(header: header, index: index, sink: sink)
                writer = w
                return w
            }
            // Named: of several inputs, which one is damaged or not an archive.
            do throws(JACError) {
                if isFrames {
                    try appendFrames(FrameReader(source: source), open: open, threads: threads, summary: &summary)
                } else {
                    try appendArchive(try ArchiveReader(source: source), open: open, summary: &summary)
                }
            } catch {
                throw error.naming(file: source.name)
            }
            summary.bytesIn += source.offset
        }
        guard let writer else { throw JACError(.usage, "no input") }
        try writer.finish()
        summary.records = writer.recordCount
        summary.blocks = writer.blockCount
        summary.bytesOut = writer.bytesWritten
        return summary
    }

    private static func appendFrames(_ frames: FrameReader, open: (FileHeader) throws(JACError) -> ArchiveWriter,
                                     threads: Int, summary: inout StageSummary) throws(JACError) {
        let name = frames.source.name
        let writer = try open(try frames.readHeader(expecting: .compressed))
        let checker = try BlockChecker(threads: threads, segmentLimit: segmentLimit(of: writer))
        defer { checker.stop() }
        // Per raw block: its part count and the parts received and not yet written (held by
        // what arrived, never by what a frame claims). Parts `..< nextPart` of `next` are out.
        var pending: [Int: (parts: Int, received: [Int: EncodedBlock])] = [:]
        var held = (blocks: 0, bytes: 0)
        var next = 0
        var nextPart = 0
        var records = 0
        while var frame = try frames.next() {
            switch frame.kind {
            case .block:
                let (part, parts, block) = try frame.takeBlock()
                guard frame.sequence > next || (frame.sequence == next && part >= nextPart) else {
                    throw JACError(.frame, "\(name): block \(frame.sequence) arrived twice")
                }
                var entry = pending[frame.sequence] ?? (parts, [:])
                guard entry.parts == parts, entry.received[part] == nil else {
                    throw JACError(.frame, "\(name): block \(frame.sequence) part \(part) of \(parts) conflicts with an earlier frame")
                }
                entry.received[part] = block
                pending[frame.sequence] = entry
                held = (held.blocks + 1, held.bytes + block.bytes.count)
                while var ready = pending[next], let block = ready.received.removeValue(forKey: nextPart) {
                    try JACError.locating("\(name): block \(next) part \(nextPart)") { () throws(JACError) in
                        try claim(block.recordCount, of: try checker.check(block.bytes))
                    }
                    try writer.append(block)
                    records += block.recordCount
                    held = (held.blocks - 1, held.bytes - block.bytes.count)
                    nextPart += 1
                    if nextPart == ready.parts {
                        pending[next] = nil
                        next += 1
                        nextPart = 0
                    } else {
                        pending[next] = ready
                    }
                }
                guard held.bytes <= maxPendingBytes else {
                    throw JACError(.frame, "\(name): block \(next) is missing while \(held.blocks) later blocks of \(held.bytes) bytes wait, over the \(maxPendingBytes >> 20) MiB a reordering may hold (frames out of order)")
                }
            case .end:
                let expected = try frame.endRecords()
                guard pending.isEmpty, frame.sequence == next, expected == records else {
                    throw JACError(.frame, "\(name): end frame counts \(frame.sequence) blocks and \(expected) records, the stream had \(next) complete blocks and \(records) records")
                }
            case .header, .rawChunk:
                throw JACError(.frame, "\(name): unexpected \(frame.kind) frame in a compressed block stream (run jac-squeeze first)")
            }
        }
        summary.rawBlocks += next
    }

    private static func appendArchive(_ reader: ArchiveReader, open: (FileHeader) throws(JACError) -> ArchiveWriter,
                                      summary: inout StageSummary) throws(JACError) {
        let writer = try open(reader.header)
        // The blocks must read back under the header written, which may be another input's.
        let decoder = BlockDecoder(segmentLimit: segmentLimit(of: writer))
        while let block = try reader.next() {
            let records = try JACError.locating("\(reader.source.name): block \(block.number)") { () throws(JACError) in
                try checkStructure(block, decoder: decoder)
            }
            try writer.append(blockBytes: block.bytes, recordCount: records)
        }
        if let problem = reader.indexProblem, problem != "no index footer" {
            throw JACError(.corruptIndex, "\(reader.source.name): \(problem)")
        }
    }

    /// A block of an archive being merged is copied at disk speed, checked as far as it can be
    /// without decompressing: header and its limits under the output's header, tiling, block CRC,
    /// codecs readers know. What only decoding finds is left to `jac-verify` of the part: a part
    /// is as valid as the `jac pack` that wrote it, and a CRC-valid block that is malformed inside
    /// came from a broken writer, not from the disk or the network. Returns the record count.
    private static func checkStructure(_ block: ArchiveBlock, decoder: BlockDecoder) throws(JACError) -> Int {
        let (header, _) = try decoder.open(block)
        for entry in header.fields where CompressorID(rawValue: entry.compressor) == nil {
            throw JACError(.unsupportedCompression, "field \"\(entry.nameString)\": unsupported compressor id \(entry.compressor)")
        }
        return header.recordCount
    }

    /// A frame's record count must be its block's.
    private static func claim(_ records: Int, of header: BlockHeader) throws(JACError) {
        if records != header.recordCount {
            throw JACError(.frame, "frame says \(records) records, block holds \(header.recordCount)")
        }
    }

    /// The segment limit readers of the output apply (doc/format.md §3).
    private static func segmentLimit(of writer: ArchiveWriter) -> Int {
        writer.header.segmentMaxBytes ?? Limits.defaultSegmentMaxBytes
    }
}
