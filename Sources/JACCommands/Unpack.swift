import JACArchive
import JACCodec
import JACSystem
import JACWire

/// `jac unpack`: every record of an archive, in order, as JSON text.
public enum Unpack {
    public struct Summary: Sendable {
        public var records = 0
        public var blocks = 0
        /// Archive bytes read so far.
        public var bytesIn = 0
        /// JSON bytes written so far.
        public var bytesOut = 0

        public init() {}
    }

    /// Streams the blocks of `reader` to `sink`, decoding on `threads` threads (the output is
    /// the same for any number). `warn` hears about a damaged index, which costs nothing here
    /// since every block is read in order. `progress`, when given, is called on this thread
    /// after each piece of output.
    public static func run(reader: ArchiveReader, sink: ByteSink, layout: RecordLayout, threads: Int = 1,
                           warn: (String) -> Void, progress: ((Summary) -> Void)? = nil) throws(JACError) -> Summary {
        var summary = Summary()
        // A stream cut short is only found at its end: its whole blocks go out, then the error.
        reader.requireAnnouncedIndex = false
        if layout == .jsonArray { try sink.write([UInt8(ascii: "[")]) }
        let decoder = ParallelDecoder(threads: threads, spec: RenderSpec(style: .records(layout)),
                                      segmentLimit: reader.segmentLimit)
        try decoder.run(next: { () throws(JACError) -> DecodeInput? in
            guard let block = try reader.next() else { return nil }
            summary.blocks += 1
            return DecodeInput(block: block)
        }, write: { (text, records) throws(JACError) in
            try sink.write(text)
            summary.records += records
            summary.bytesOut += text.count
            summary.bytesIn = reader.source.offset
            progress?(summary)
        })
        if layout == .jsonArray { try sink.write(Array("]\n".utf8)) }
        try sink.flush()
        try reader.checkAnnouncedIndex()
        summary.bytesIn = reader.source.offset
        if let problem = reader.indexProblem, summary.blocks > 0 {
            // A header that does not announce an index (--no-index, the reference's header)
            // leaves a cut exactly between two blocks undetectable, so say so rather than stay
            // silent. (One that announces it made the reader fail already.)
            warn(problem == "no index footer"
                ? "\(reader.source.name): no index footer: written with --no-index or --reference-header, or cut short after block \(summary.blocks - 1)"
                : "\(reader.source.name): \(problem); all \(summary.blocks) blocks were read in order")
        }
        return summary
    }
}
