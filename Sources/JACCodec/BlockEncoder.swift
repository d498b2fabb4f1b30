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

    /// The blocks the records of a raw block's chunks make, in order, record by record, from
    /// `start` (the first record of a block), until the blocks closed hold `groupBytes`
    /// (`BlockPayloads.heldBytes`) or the records end; `next` is where the next block starts
    /// (nil at the end). Called again from `next`, it goes on with the same blocks, so a raw
    /// block cut into many blocks is held a group at a time.
    public func encode(_ chunks: [RawChunk], from start: RecordIndex = RecordIndex(),
                       groupBytes: Int = .max) throws(JACError) -> (blocks: [BlockPayloads], next: RecordIndex?) {
        var parser = takeParser()
        defer { self.parser = parser }
        var blocks: [BlockPayloads] = []
        var held = 0
        var set = ColumnSet()
        var first = start
        for c in start.chunk ..< chunks.count {
            let chunk = chunks[c]
            for r in (c == start.chunk ? start.record : 0) ..< chunk.recordCount {
                var place = try parse(chunk, record: r, &parser)
                try set.route(parser, options: options, at: place)
                if try !set.fits(parser, options: options, at: place) {
                    let count = blocks.count
                    if try finish(set, chunks, first: first, into: &blocks, &parser) {
                        place = try parse(chunk, record: r, &parser)
                    }
                    held += blocks[count...].reduce(0) { $0 + $1.heldBytes }
                    if held >= groupBytes { return (blocks, RecordIndex(chunk: c, record: r)) }
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
        return (blocks, nil)
    }

    /// A record by its chunk and its place there.
    public struct RecordIndex: Sendable {
        var chunk = 0
        var record = 0

        /// The first record of the chunks.
        public init() {}

        init(chunk: Int, record: Int) {
            self.chunk = chunk
            self.record = record
        }
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

    /// The columns of one chunk's records, without cutting; nil once they have more fields than
    /// a block may hold, so that the chunk's block must be cut (`merge` encodes it again from the
    /// text): a chunk of many distinct keys then costs a block's worth of columns, not a field's
    /// fixed cost for each of its keys.
    public func encodeChunk(_ chunk: RawChunk) throws(JACError) -> ColumnSet? {
        var parser = takeParser()
        defer { self.parser = parser }
        var set = ColumnSet()
        for r in 0 ..< chunk.recordCount {
            let place = try parse(chunk, record: r, &parser)
            try set.route(parser, options: options, at: place)
            if set.fieldCount > Limits.maxFieldsPerBlock {
                try set.checkKeyCount(at: place)
                return nil
            }
            set.add(parser, options: options)
        }
        return set
    }

    /// What a raw block's chunks make: one block, when their columns join without breaking a
    /// limit (nil when there are no records), or else blocks to cut from the chunks' text, for
    /// `encode` to encode record by record, which decides the cuts.
    public enum Merged {
        case whole(PendingBlock?)
        case cut
    }

    /// Joins a raw block's chunks from their columns (`columns[i]` from `chunks[i]`, nil where
    /// `encodeChunk` found too many fields); when they must be cut, gives each chunk whose text
    /// was taken (`canTakeText`) its records written again from the columns.
    public func merge(_ columns: [ColumnSet?], of chunks: inout [RawChunk]) throws(JACError) -> Merged {
        guard columns.count == chunks.count,
              zip(columns, chunks).allSatisfy({ set, chunk in set.map { $0.recordCount == chunk.recordCount } ?? !chunk.textTaken }) else {
            throw JACError(.bug, "chunks do not cover the block")
        }
        let all = columns.compactMap { $0 }
        if all.count == columns.count, let block = PendingBlock(joining: all, options: options) {
            return .whole(block.recordCount > 0 ? block : nil)
        }
        for c in chunks.indices where chunks[c].textTaken {
            chunks[c] = try rewrite(chunks[c], from: columns[c]!)
        }
        return .cut
    }

    /// Whether the text of a chunk whose records are in `columns` may be let go
    /// (`RawChunk.takeText`): `merge` can write the records back (their keys came in field
    /// order), and the chunk alone keeps every block limit, so its block is not sure to be cut
    /// (a chunk too wide or too large for one block keeps its text for the cut).
    public func canTakeText(of columns: ColumnSet?) -> Bool {
        guard let columns else { return false }
        return columns.keysInFieldOrder && PendingBlock(joining: [columns], options: options) != nil
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

    /// With duplicate keys refused, a record of more members than a block may have fields cannot
    /// be stored whatever its keys (a duplicate or too many distinct keys): the parser stops
    /// there. Keeping the last of duplicate keys, a record may have more, up to its length.
    private var memberLimit: Int {
        options.duplicateKeys == .error ? Limits.maxFieldsPerBlock : .max
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
                             line: chunk.lines[r], column: chunk.columns[r], memberLimit: memberLimit)
        }
        return RecordPlace(line: chunk.lines[r], column: chunk.columns[r])
    }
}
