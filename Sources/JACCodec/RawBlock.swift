/// Records as they were cut from the input, not yet parsed: the unit that `jac-split` frames
/// and `jac-squeeze` encodes. Each record keeps where it started in the input, so an error found
/// while encoding it names the input line and column.
public struct RawBlock: Sendable, Equatable {
    /// Block number in input order, from 0.
    public var sequence: Int
    /// The records' text, back to back.
    public var text: [UInt8] = []
    /// End offset of each record within `text`.
    public var recordEnds: [Int] = []
    /// 1-based line and column of each record's first byte in the input.
    public var lines: [Int] = []
    public var columns: [Int] = []

    public init(sequence: Int) {
        self.sequence = sequence
    }

    public var recordCount: Int { recordEnds.count }

    public func range(of record: Int) -> Range<Int> {
        (record == 0 ? 0 : recordEnds[record - 1]) ..< recordEnds[record]
    }

    public mutating func append(_ record: UnsafeRawBufferPointer, line: Int, column: Int) {
        text.append(contentsOf: record)
        recordEnds.append(text.count)
        lines.append(line)
        columns.append(column)
    }
}
