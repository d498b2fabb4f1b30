import JACJSON
import JACWire

/// Turns the records of a raw block into field payloads: parses each record, routes its values
/// to columns, and cuts the block further when a format limit would be exceeded (so one raw
/// block may give several blocks, always the same ones for the same records and options).
///
/// A large block is encoded chunk by chunk on several threads (`encodeChunk`, then `merge`):
/// the result is the same as `encode`'s, byte for byte, whatever the chunks.
/// Keeps a parser to reuse: use one encoder per thread.
public final class BlockEncoder {
    public let options: EncodingOptions
    private var parser = RecordParser()

    public init(options: EncodingOptions) {
        self.options = options
    }

    /// The blocks the records of a raw block's chunks make, in order, record by record.
    public func encode(_ chunks: [RawChunk]) throws(JACError) -> [BlockPayloads] {
        var blocks: [BlockPayloads] = []
        var set = ColumnSet()
        for chunk in chunks {
            for r in 0 ..< chunk.recordCount {
                let place = try parse(chunk, record: r)
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
        }
        if set.recordCount > 0 { blocks.append(set.payloads(options: options)) }
        return blocks
    }

    /// The columns of one chunk's records, without cutting.
    public func encodeChunk(_ chunk: RawChunk) throws(JACError) -> ColumnSet {
        var set = ColumnSet()
        for r in 0 ..< chunk.recordCount {
            let place = try parse(chunk, record: r)
            try set.route(parser, options: options, at: place)
            set.add(parser, options: options)
        }
        return set
    }

    /// The blocks of a raw block from its chunks' columns (`columns[i]` from `chunks[i]`). When
    /// the whole block would need cutting, encodes it again record by record, which decides the
    /// cuts.
    public func merge(_ columns: [ColumnSet], of chunks: [RawChunk]) throws(JACError) -> [PendingBlock] {
        guard columns.reduce(0, { $0 + $1.recordCount }) == chunks.reduce(0, { $0 + $1.recordCount }) else {
            throw JACError(.bug, "chunks do not cover the block")
        }
        if let block = PendingBlock(joining: columns, options: options) {
            return block.recordCount > 0 ? [block] : []
        }
        return try encode(chunks).map(PendingBlock.init)
    }

    private func parse(_ chunk: RawChunk, record r: Int) throws(JACError) -> RecordPlace {
        try chunk.text.withBytes { (text) throws(JACError) in
            try parser.parse(UnsafeRawBufferPointer(rebasing: text[chunk.range(of: r)]),
                             line: chunk.lines[r], column: chunk.columns[r])
        }
        return RecordPlace(line: chunk.lines[r], column: chunk.columns[r])
    }
}
