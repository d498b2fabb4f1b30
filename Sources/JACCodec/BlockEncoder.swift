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
        var parser = takeParser()
        defer { self.parser = parser }
        var blocks: [BlockPayloads] = []
        var set = ColumnSet()
        var first = RecordIndex(chunk: 0, record: 0)
        for (c, chunk) in chunks.enumerated() {
            for r in 0 ..< chunk.recordCount {
                var place = try parse(chunk, record: r, &parser)
                try set.route(parser, options: options, at: place)
                if try !set.fits(parser, options: options, at: place) {
                    if try finish(set, chunks, first: first, into: &blocks, &parser) {
                        place = try parse(chunk, record: r, &parser)
                    }
                    set = ColumnSet()
                    first = RecordIndex(chunk: c, record: r)
                    try set.route(parser, options: options, at: place)
                    guard try set.fits(parser, options: options, at: place) else {
                        throw JACError(.bug, "record does not fit an empty block")
                    }
                }
                set.add(parser, options: options)
            }
        }
        if set.recordCount > 0 { try finish(set, chunks, first: first, into: &blocks, &parser) }
        return blocks
    }

    /// A record by its chunk and its place there.
    private struct RecordIndex {
        var chunk: Int
        var record: Int
    }

    /// Lays out the block `set` holds (its records start at `first`) and appends it to `blocks`
    /// when it keeps every limit readers check. The cutting rule's projection (doc/format.md §6.8)
    /// is not an upper bound of what is laid out (a dictionary index can be longer than a short
    /// string, a delta than an integer; presence bits of absent keys and the header's names are
    /// not counted), so a block over a limit is cut in two halves, each laid out and checked in
    /// turn: the same cuts for the same records. A single record over a limit is an error naming
    /// its line. Returns true when records were parsed again (the parser was reused).
    @discardableResult
    private func finish(_ set: ColumnSet, _ chunks: [RawChunk], first: RecordIndex,
                        into blocks: inout [BlockPayloads], _ parser: inout RecordParser) throws(JACError) -> Bool {
        let block = set.payloads(options: options)
        guard let problem = block.limitProblem(segmentLimit: options.segmentMaxBytes) else {
            blocks.append(block)
            return false
        }
        var records: [RecordIndex] = []
        var at = first
        while records.count < set.recordCount {
            if at.record == chunks[at.chunk].recordCount {
                at = RecordIndex(chunk: at.chunk + 1, record: 0)
                continue
            }
            records.append(at)
            at.record += 1
        }
        guard records.count > 1 else {
            throw try parse(chunks[first.chunk], record: first.record, &parser).error(.limitExceeded, problem)
        }
        for half in [records[..<(records.count / 2)], records[(records.count / 2)...]] {
            var part = ColumnSet()
            for r in half {
                let place = try parse(chunks[r.chunk], record: r.record, &parser)
                try part.route(parser, options: options, at: place)
                part.add(parser, options: options)
            }
            try finish(part, chunks, first: half[half.startIndex], into: &blocks, &parser)
        }
        return true
    }

    /// The columns of one chunk's records, without cutting.
    public func encodeChunk(_ chunk: RawChunk) throws(JACError) -> ColumnSet {
        var parser = takeParser()
        defer { self.parser = parser }
        var set = ColumnSet()
        for r in 0 ..< chunk.recordCount {
            let place = try parse(chunk, record: r, &parser)
            try set.route(parser, options: options, at: place)
            set.add(parser, options: options)
        }
        return set
    }

    /// The blocks of a raw block from its chunks' columns (`columns[i]` from `chunks[i]`). When
    /// the whole block would need cutting, encodes it again record by record, which decides the
    /// cuts, from the chunks' text or, where it was taken (`canTakeText`), from their records
    /// written again from the columns.
    public func merge(_ columns: [ColumnSet], of chunks: [RawChunk]) throws(JACError) -> [PendingBlock] {
        guard columns.count == chunks.count, zip(columns, chunks).allSatisfy({ $0.recordCount == $1.recordCount }) else {
            throw JACError(.bug, "chunks do not cover the block")
        }
        if let block = PendingBlock(joining: columns, options: options) {
            return block.recordCount > 0 ? [block] : []
        }
        var whole = chunks
        for c in whole.indices where whole[c].textTaken {
            whole[c] = try rewrite(whole[c], from: columns[c])
        }
        return try encode(whole).map(PendingBlock.init)
    }

    /// Whether the text of a chunk whose records are in `columns` may be let go
    /// (`RawChunk.takeText`): `merge` can write the records back (their keys came in field
    /// order), and the chunk alone keeps every block limit, so its block is not sure to be cut
    /// (a chunk too wide or too large for one block keeps its text for the cut).
    public func canTakeText(of columns: ColumnSet) -> Bool {
        columns.keysInFieldOrder && PendingBlock(joining: [columns], options: options) != nil
    }

    /// The records of `chunk` written again from its columns, at their places in the input. They
    /// hold the same values (a number printed and parsed again gives the same sign, digits and
    /// exponent, doc/format.md §6.4; strings and nested text are stored as our writer prints
    /// them), and their keys come in field order, as they came (`ColumnSet.keysInFieldOrder`):
    /// encoding them gives the blocks, cuts and errors of the text they came from.
    private func rewrite(_ chunk: RawChunk, from set: ColumnSet) throws(JACError) -> RawChunk {
        guard set.keysInFieldOrder else {
            throw JACError(.bug, "the text of chunk \(chunk.index) of raw block \(chunk.block) was taken, but its keys are out of field order")
        }
        var firstSeen = options
        firstSeen.canonicalizeKeys = false
        let block = set.payloads(options: firstSeen)
        var writer = RecordWriter(columns: try block.storedColumns())
        var text: [UInt8] = []
        var first = true
        _ = writer.write(upTo: block.recordCount, layout: .ndjson, first: &first, to: &text)
        var rewritten = RawChunk(block: chunk.block, index: chunk.index, isLast: chunk.isLast)
        rewritten.reserveCapacity(bytes: text.count, records: chunk.recordCount)
        // One record per line: the writer escapes every line break inside a value.
        var start = 0
        for r in 0 ..< chunk.recordCount {
            guard let end = text[start...].firstIndex(of: UInt8(ascii: "\n")) else {
                throw JACError(.bug, "chunk \(chunk.index) of raw block \(chunk.block) rewrites to fewer records")
            }
            text.withUnsafeBytes { rewritten.append(UnsafeRawBufferPointer(rebasing: $0[start ..< end]), line: chunk.lines[r], column: chunk.columns[r]) }
            start = end + 1
        }
        guard start == text.count else {
            throw JACError(.bug, "chunk \(chunk.index) of raw block \(chunk.block) rewrites to more records")
        }
        return rewritten
    }

    /// The parser, kept between calls for its buffers, as a local: passed from a local, it is
    /// not copied (retaining each of its buffers) for every call that reads a parsed record.
    private func takeParser() -> RecordParser {
        var parser = RecordParser()
        swap(&parser, &self.parser)
        return parser
    }

    private func parse(_ chunk: RawChunk, record r: Int, _ parser: inout RecordParser) throws(JACError) -> RecordPlace {
        try chunk.text.withBytes { (text) throws(JACError) in
            try parser.parse(UnsafeRawBufferPointer(rebasing: text[chunk.range(of: r)]),
                             line: chunk.lines[r], column: chunk.columns[r])
        }
        return RecordPlace(line: chunk.lines[r], column: chunk.columns[r])
    }
}
