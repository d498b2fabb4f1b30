import JACJSON
import JACWire

/// Turns the records of a raw block into field payloads: parses each record, routes its values
/// to columns, and cuts the block further when a format limit would be exceeded (so one raw
/// block may give several blocks, always the same ones for the same records and options).
///
/// A large block can be encoded in chunks on several threads (`encodeChunk`, then `merge`):
/// the result is the same as `encode`'s, byte for byte, whatever the chunks.
/// Keeps a parser to reuse: use one encoder per thread.
public final class BlockEncoder {
    public let options: EncodingOptions
    private var parser = RecordParser()

    public init(options: EncodingOptions) {
        self.options = options
    }

    /// The blocks the records of `raw` make, in order.
    public func encode(_ raw: RawBlock) throws(JACError) -> [BlockPayloads] {
        var blocks: [BlockPayloads] = []
        var set = ColumnSet()
        for r in 0 ..< raw.recordCount {
            let place = try parse(raw, record: r)
            try set.route(parser, options: options, at: place)
            if try !set.fits(parser, options: options, at: place) {
                blocks.append(set.payloads(options: options))
                set = ColumnSet()
                try set.route(parser, options: options, at: place)
                guard try set.fits(parser, options: options, at: place) else {
                    throw JACError(.bug, "record does not fit an empty block")
                }
            }
            set.add(parser, options: options)
        }
        if set.recordCount > 0 { blocks.append(set.payloads(options: options)) }
        return blocks
    }

    /// The columns of records `range` of `raw`, without cutting.
    public func encodeChunk(_ raw: RawBlock, records range: Range<Int>) throws(JACError) -> ColumnSet {
        var set = ColumnSet()
        for r in range {
            let place = try parse(raw, record: r)
            try set.route(parser, options: options, at: place)
            set.add(parser, options: options)
        }
        return set
    }

    /// Joins the chunks of `raw` (in order, covering all its records). When the whole block
    /// would need cutting, encodes it again one record at a time, which decides the cuts.
    public func merge(_ chunks: [ColumnSet], of raw: RawBlock) throws(JACError) -> [BlockPayloads] {
        var set = chunks.first ?? ColumnSet()
        for chunk in chunks.dropFirst() { set.append(chunk, options: options) }
        guard set.recordCount == raw.recordCount else { throw JACError(.bug, "chunks do not cover the block") }
        guard set.withinLimits(options: options) else { return try encode(raw) }
        return set.recordCount > 0 ? [set.payloads(options: options)] : []
    }

    /// Chunks worth encoding apart: about `targetBytes` of text each, at record boundaries.
    public static func chunks(of raw: RawBlock, targetBytes: Int = 1 << 20) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var startByte = 0
        for r in 0 ..< raw.recordCount where raw.recordEnds[r] - startByte >= targetBytes {
            out.append(start ..< r + 1)
            start = r + 1
            startByte = raw.recordEnds[r]
        }
        if start < raw.recordCount { out.append(start ..< raw.recordCount) }
        return out
    }

    private func parse(_ raw: RawBlock, record r: Int) throws(JACError) -> RecordPlace {
        try raw.text.withBytes { (text) throws(JACError) in
            try parser.parse(UnsafeRawBufferPointer(rebasing: text[raw.range(of: r)]),
                             line: raw.lines[r], column: raw.columns[r])
        }
        return RecordPlace(line: raw.lines[r], column: raw.columns[r])
    }
}
