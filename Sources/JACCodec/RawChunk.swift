/// Records as they were cut from the input, not yet parsed: the unit that `jac-split` frames
/// and `jac-squeeze` encodes. A raw block (the records that become one or more JAC blocks) comes
/// as one or more chunks of about a megabyte, so encoding starts before the block is whole.
/// Each record keeps where it started in the input, so an error found while encoding it names
/// the input line and column.
public struct RawChunk: Sendable, Equatable {
    /// The raw block this chunk belongs to, numbered in input order from 0.
    public var block: Int
    /// The chunk's place in its block, from 0.
    public var index: Int
    /// Whether the block ends with this chunk.
    public var isLast: Bool
    /// The records' text, back to back.
    public var text: [UInt8] = []
    /// End offset of each record within `text`.
    public var recordEnds: [Int] = []
    /// 1-based line and column of each record's first byte in the input.
    public var lines: [Int] = []
    public var columns: [Int] = []
    /// Whether `takeText` moved the text out: the records' places and count stay.
    public private(set) var textTaken = false

    public init(block: Int, index: Int = 0, isLast: Bool = true) {
        self.block = block
        self.index = index
        self.isLast = isLast
    }

    public var recordCount: Int { recordEnds.count }

    /// The memory it holds, used or not: what keeping it for reuse costs.
    public var heldBytes: Int {
        text.capacity + 8 * (recordEnds.capacity + lines.capacity + columns.capacity)
    }

    public func range(of record: Int) -> Range<Int> {
        (record == 0 ? 0 : recordEnds[record - 1]) ..< recordEnds[record]
    }

    /// Empties the chunk for reuse as chunk `index` of raw block `block`, keeping its memory.
    public mutating func reuse(block: Int, index: Int) {
        self.block = block
        self.index = index
        isLast = false
        textTaken = false
        text.removeAll(keepingCapacity: true)
        recordEnds.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
    }

    /// Moves the text out, as a chunk of its own to be filled again while warm, keeping the
    /// records' places and count: once a chunk's records are in columns, only a block that
    /// must be cut reads them again, and `BlockEncoder.merge` writes those from the columns. So
    /// a large block holds the text of the chunks being encoded, not all of its text.
    public mutating func takeText() -> RawChunk {
        var spare = RawChunk(block: block, index: index, isLast: isLast)
        swap(&spare.text, &text)
        textTaken = true
        return spare
    }

    public mutating func reserveCapacity(bytes: Int, records: Int) {
        text.reserveCapacity(bytes)
        recordEnds.reserveCapacity(records)
        lines.reserveCapacity(records)
        columns.reserveCapacity(records)
    }

    public mutating func append(_ record: UnsafeRawBufferPointer, line: Int, column: Int) {
        text.append(contentsOf: record)
        recordEnds.append(text.count)
        lines.append(line)
        columns.append(column)
    }
}
