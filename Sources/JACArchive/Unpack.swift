import JACCodec
import JACWire

/// `jac unpack`: every record of an archive, in order, as JSON text.
public enum Unpack {
    public struct Summary: Sendable {
        public var records = 0
        public var blocks = 0
    }

    /// Streams the blocks of `reader` to `sink`. `warn` hears about a damaged or missing index,
    /// which costs nothing here since every block is read in order.
    public static func run(reader: ArchiveReader, sink: ByteSink, layout: RecordLayout,
                           warn: (String) -> Void) throws(JACError) -> Summary {
        let decoder = BlockDecoder(segmentLimit: reader.segmentLimit)
        var summary = Summary()
        var out: [UInt8] = []
        var first = true
        if layout == .jsonArray { out.append(UInt8(ascii: "[")) }
        while let block = try reader.next() {
            let (header, columns) = try decoder.decode(block)
            var writer = RecordWriter(columns: columns)
            writer.write(recordCount: header.recordCount, layout: layout, first: &first, to: &out)
            try sink.write(out)
            out.removeAll(keepingCapacity: true)
            summary.records += header.recordCount
            summary.blocks += 1
        }
        if layout == .jsonArray { out.append(contentsOf: "]\n".utf8) }
        try sink.write(out)
        try sink.flush()
        if let problem = reader.indexProblem, problem != "no index footer" {
            warn("\(reader.source.name): \(problem); all \(summary.blocks) blocks were read in order")
        }
        return summary
    }
}
