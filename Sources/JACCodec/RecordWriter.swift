import JACJSON
import JACWire

/// How decoded records are laid out as text.
public enum RecordLayout: Sendable {
    /// One minified object per line.
    case ndjson
    /// One JSON array of objects; the caller writes the brackets.
    case jsonArray
}

/// How `RecordWriter.writeRows` lays out one record's values (used by projection).
public enum RowFormat: Sendable {
    /// RFC 4180 CSV: one column per key; strings unquoted unless needed, other values as JSON
    /// text; null and absent are both empty (use an object layout to tell them apart).
    case csv
    /// The JSON values separated by tabs; an absent key gives an empty field.
    case values
}

/// Rebuilds records from decoded columns (FORMAT.md §9.3 step 8) as JSON text. Keys come in
/// directory order, which is first-seen input order unless keys were canonicalized; a projection
/// writer (`init(keys:columns:)`) uses the caller's key order and treats a missing column as a
/// key no record of the block has.
public struct RecordWriter {
    /// Kept so the views' memory stays alive (the arrays are never mutated).
    private let columns: [FieldColumn?]
    /// Plain pointers into each column: the hot loops then touch no reference counts, which
    /// matters when several threads render parts of the same block.
    private var views: [View?]
    /// Each key as JSON text followed by `:`.
    private var keys: [[UInt8]]
    /// The raw key bytes (for CSV headers).
    public let keyNames: [[UInt8]]
    private var cursors: [Cursor]
    /// The record the cursors stand at.
    private var nextRecord = 0

    private struct View {
        var payload: UnsafeRawBufferPointer
        var tags: UnsafeRawBufferPointer
        var bools: UnsafeRawBufferPointer
        var ints: UnsafeBufferPointer<Int64>
        var decimals: UnsafeBufferPointer<(negative: Bool, digits: Range<Int>, exponent: Int32)>
        var strings: UnsafeBufferPointer<Range<Int>>
        var objects: UnsafeBufferPointer<Range<Int>>
        var arrays: UnsafeBufferPointer<Range<Int>>

        init(_ c: FieldColumn) {
            // The column's arrays are immutable and owned by `columns` for the writer's life.
            payload = c.payload.withUnsafeBytes { $0 }
            tags = UnsafeRawBufferPointer(rebasing: payload[c.tagStart...])
            bools = UnsafeRawBufferPointer(rebasing: payload[c.boolStart...])
            ints = c.ints.withUnsafeBufferPointer { $0 }
            decimals = c.decimals.withUnsafeBufferPointer { $0 }
            strings = c.strings.withUnsafeBufferPointer { $0 }
            objects = c.objects.withUnsafeBufferPointer { $0 }
            arrays = c.arrays.withUnsafeBufferPointer { $0 }
        }
    }

    fileprivate struct Cursor {
        var tag = 0, bool = 0, int = 0, decimal = 0, string = 0, object = 0, array = 0
    }

    /// Where a column's values for some record start: lets several writers render parts of one
    /// block in parallel without each counting the values before its part.
    public struct Position: Sendable {
        fileprivate var cursor = Cursor()
    }

    /// The positions of `column` at each of `records` (ascending), found in one pass.
    public static func positions(of column: FieldColumn, at records: [Int]) -> [Position] {
        var out: [Position] = []
        out.reserveCapacity(records.count)
        var cursor = Cursor()
        var r = 0
        column.payload.withUnsafeBytes { p in
            let tags = UnsafeRawBufferPointer(rebasing: p[column.tagStart...])
            for target in records {
                while r < target {
                    if BitPacking.bit(p, r) {
                        switch TypeTag(rawValue: BitPacking.tag(tags, cursor.tag))! {
                        case .null: break
                        case .bool: cursor.bool += 1
                        case .int: cursor.int += 1
                        case .decimal: cursor.decimal += 1
                        case .string: cursor.string += 1
                        case .object: cursor.object += 1
                        case .array: cursor.array += 1
                        }
                        cursor.tag += 1
                    }
                    r += 1
                }
                out.append(Position(cursor: cursor))
            }
        }
        return out
    }

    /// Places every column at `record`, given each column's position there (from
    /// `positions(of:at:)`; nil entries for missing columns).
    public mutating func seek(to record: Int, positions: [Position?]) {
        precondition(positions.count == columns.count)
        for c in columns.indices {
            if let p = positions[c] { cursors[c] = p.cursor }
        }
        nextRecord = record
    }

    /// All columns of a block, keys in directory order.
    public init(columns: [FieldColumn]) {
        self.init(keys: columns.map(\.entry.name), columns: columns)
    }

    /// A projection: `keys[i]` is rendered from `columns[i]`, nil when the block lacks that key.
    public init(keys: [[UInt8]], columns: [FieldColumn?]) {
        precondition(keys.count == columns.count)
        self.columns = columns
        views = columns.map { $0.map(View.init) }
        keyNames = keys
        self.keys = keys.map { name in
            var key: [UInt8] = []
            name.withUnsafeBytes { JSONWriter.appendString($0, to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
        cursors = Array(repeating: Cursor(), count: columns.count)
    }

    /// Appends records `0 ..< recordCount` (all columns must come from one block). `first`
    /// says whether a record was already written before, for array commas.
    public mutating func write(recordCount: Int, layout: RecordLayout, first: inout Bool, to out: inout [UInt8]) {
        write(records: 0 ..< recordCount, layout: layout, first: &first, to: &out)
    }

    /// Appends the given records of the block as objects. Writing consecutive ranges costs the
    /// same as one range; starting elsewhere first counts the values before it.
    public mutating func write(records: Range<Int>, layout: RecordLayout, first: inout Bool, to out: inout [UInt8]) {
        seek(to: records.lowerBound)
        for r in records {
            if layout == .jsonArray && !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "{"))
            var empty = true
            for c in views.indices {
                guard let view = views[c], BitPacking.bit(view.payload, r) else { continue }
                if !empty { out.append(UInt8(ascii: ",")) }
                empty = false
                out.append(contentsOf: keys[c])
                appendValue(column: c, view, raw: false, to: &out)
            }
            out.append(UInt8(ascii: "}"))
            if layout == .ndjson { out.append(0x0A) }
        }
        nextRecord = records.upperBound
    }

    /// Appends one line per record: CSV cells or tab-separated JSON values, in key order.
    public mutating func writeRows(records: Range<Int>, format: RowFormat, to out: inout [UInt8]) {
        seek(to: records.lowerBound)
        var cell: [UInt8] = []
        for r in records {
            for c in views.indices {
                if c > 0 { out.append(format == .csv ? UInt8(ascii: ",") : 0x09) }
                guard let view = views[c], BitPacking.bit(view.payload, r) else { continue }
                if format == .values {
                    appendValue(column: c, view, raw: false, to: &out)
                    continue
                }
                cell.removeAll(keepingCapacity: true)
                appendValue(column: c, view, raw: true, to: &cell)
                RecordWriter.appendCSVCell(cell, to: &out)
            }
            out.append(0x0A)
        }
        nextRecord = records.upperBound
    }

    /// The CSV header line for `keys`.
    public static func csvHeader(_ keys: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (i, k) in keys.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendCSVCell(k, to: &out)
        }
        out.append(0x0A)
        return out
    }

    static func appendCSVCell(_ cell: [UInt8], to out: inout [UInt8]) {
        let quote = cell.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard quote else {
            out.append(contentsOf: cell)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in cell {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Moves every cursor to the first value of record `record` (only when not already there).
    private mutating func seek(to record: Int) {
        guard record != nextRecord else { return }
        for c in columns.indices {
            guard let column = columns[c] else { continue }
            cursors[c] = RecordWriter.positions(of: column, at: [record])[0].cursor
        }
        nextRecord = record
    }

    /// Appends the next value of column `c` as JSON text, or with `raw`, strings as their bytes
    /// and null as nothing (CSV cells).
    private mutating func appendValue(column c: Int, _ v: View, raw: Bool, to out: inout [UInt8]) {
        let tag = BitPacking.tag(v.tags, cursors[c].tag)
        cursors[c].tag += 1
        switch TypeTag(rawValue: tag)! {
        case .null:
            if !raw { out.append(contentsOf: "null".utf8) }
        case .bool:
            let value = BitPacking.bit(v.bools, cursors[c].bool)
            cursors[c].bool += 1
            out.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .int:
            JSONWriter.appendInt(v.ints[cursors[c].int], to: &out)
            cursors[c].int += 1
        case .decimal:
            let d = v.decimals[cursors[c].decimal]
            cursors[c].decimal += 1
            JSONWriter.appendDecimal(negative: d.negative, digits: UnsafeRawBufferPointer(rebasing: v.payload[d.digits]),
                                     exponent: d.exponent, to: &out)
        case .string:
            let bytes = UnsafeRawBufferPointer(rebasing: v.payload[v.strings[cursors[c].string]])
            if raw { out.append(contentsOf: bytes) } else { JSONWriter.appendString(bytes, to: &out) }
            cursors[c].string += 1
        case .object:
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: v.payload[v.objects[cursors[c].object]]))
            cursors[c].object += 1
        case .array:
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: v.payload[v.arrays[cursors[c].array]]))
            cursors[c].array += 1
        }
    }
}
