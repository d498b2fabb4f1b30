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
    /// As `values`, but strings as their bytes, without quotes or escapes (`jq -r`): a string
    /// holding a tab or a line break is printed as it is.
    case rawValues
}

/// Rebuilds records from decoded columns (doc/format.md §9.3 step 8) as JSON text. Keys come in
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
    /// Where rendering stopped inside record `nextRecord` when a piece's budget ran out: the
    /// next column and whether the record shows a value yet; nil between records.
    private var openRecord: (column: Int, empty: Bool)?
    /// Per key, the path into its column's objects or arrays (`jac cat -F a.b`), when it has one.
    /// Such a key's view is in `pathViews`, its `views` entry nil: the loops then look at paths
    /// only where a value is absent, and only when `hasPaths`.
    private let paths: [JSONPath?]
    private var pathViews: [View?]
    private let hasPaths: Bool
    /// A path key's whole value, before the part the path selects is taken from it.
    private var whole: [UInt8] = []

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
        openRecord = nil
    }

    /// The record the writer stands at (inside it, when a piece stopped there).
    public var record: Int { nextRecord }

    /// All columns of a block, keys in directory order.
    public init(columns: [FieldColumn]) {
        self.init(keys: columns.map(\.entry.name), columns: columns)
    }

    /// A projection: `keys[i]` is rendered from `columns[i]`, nil when the block lacks that key,
    /// or, with `paths[i]`, the part of each of its values the path selects.
    public init(keys: [[UInt8]], columns: [FieldColumn?], paths: [JSONPath?]? = nil) {
        precondition(keys.count == columns.count)
        self.paths = paths ?? Array(repeating: nil, count: keys.count)
        hasPaths = self.paths.contains { $0 != nil }
        self.columns = columns
        views = columns.map { $0.map(View.init) }
        pathViews = Array(repeating: nil, count: columns.count)
        for i in self.paths.indices where self.paths[i] != nil { (pathViews[i], views[i]) = (views[i], nil) }
        keyNames = keys
        self.keys = keys.map { name in
            var key: [UInt8] = []
            name.withUnsafeBytes { JSONWriter.appendString($0, to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
        cursors = Array(repeating: Cursor(), count: columns.count)
    }

    /// Appends records from where the writer stands up to record `end` as objects, stopping
    /// once `out` holds `budget` bytes or more: see `render`. `first` says whether a record was
    /// already written before, for array commas. Returns how many records it finished.
    public mutating func write(upTo end: Int, layout: RecordLayout, first: inout Bool, budget: Int = .max,
                               to out: inout [UInt8]) -> Int {
        hasPaths ? render(upTo: end, .object(layout), paths: true, first: &first, budget: budget, to: &out)
            : render(upTo: end, .object(layout), paths: false, first: &first, budget: budget, to: &out)
    }

    /// Appends one line per record up to record `end`: CSV cells or tab-separated JSON values,
    /// in key order, stopping like `write(upTo:)`.
    public mutating func writeRows(upTo end: Int, format: RowFormat, budget: Int = .max, to out: inout [UInt8]) -> Int {
        var first = true
        return hasPaths ? render(upTo: end, .row(format), paths: true, first: &first, budget: budget, to: &out)
            : render(upTo: end, .row(format), paths: false, first: &first, budget: budget, to: &out)
    }

    /// Appends the next value of the record the writer stands in as a one-field object
    /// (`{"key":value}`), or, once that record has no more values, appends nothing, moves to the
    /// next record and returns false: a caller can go through a record holding one value's
    /// text at a time.
    public mutating func writeNextField(to out: inout [UInt8]) -> Bool {
        var c = openRecord?.column ?? 0
        let r = nextRecord
        while c < views.count {
            let column = c
            c += 1
            guard let view = views[column], BitPacking.bit(view.payload, r) else { continue }
            out.append(UInt8(ascii: "{"))
            out.append(contentsOf: keys[column])
            appendValue(column: column, view, raw: false, to: &out)
            out.append(UInt8(ascii: "}"))
            openRecord = (c, false)
            return true
        }
        openRecord = nil
        nextRecord += 1
        return false
    }

    private enum Shape {
        case object(RecordLayout)
        case row(RowFormat)
    }

    /// Renders records up to `end`, going on inside the record where the last call stopped.
    /// It stops once `out` holds `budget` bytes or more, checked after each value, so `out`
    /// passes the budget by at most one key and value: a key or string is at most 16 MiB,
    /// 6 x 16 MiB + 2 as JSON text if all control characters, nested text at most 16 MiB, a
    /// decimal 65,536 digits. Output therefore goes out in pieces bounded in bytes however
    /// large a record is (dictionary references can make one far larger than its block).
    /// Inlined into each caller, so the per-value switch on the shape folds away, and so does
    /// the look at `paths` (`withPaths`) for writers without any.
    @inline(__always)
    private mutating func render(upTo end: Int, _ shape: Shape, paths withPaths: Bool, first: inout Bool, budget: Int,
                                 to out: inout [UInt8]) -> Int {
        var finished = 0
        var cell: [UInt8] = []
        var resume = openRecord
        openRecord = nil
        while nextRecord < end {
            let r = nextRecord
            var c = 0
            var empty = true
            if let resume {
                (c, empty) = resume
            } else if case .object(let layout) = shape {
                if layout == .jsonArray && !first { out.append(UInt8(ascii: ",")) }
                first = false
                out.append(UInt8(ascii: "{"))
            }
            resume = nil
            while c < views.count {
                let column = c
                c += 1
                switch shape {
                case .object:
                    guard let view = views[column], BitPacking.bit(view.payload, r) else {
                        guard withPaths, let part = selectPart(column: column, record: r) else { continue }
                        if !empty { out.append(UInt8(ascii: ",")) }
                        empty = false
                        out.append(contentsOf: keys[column])
                        out.append(contentsOf: whole[part])
                        if out.count >= budget && c < views.count {
                            openRecord = (c, empty)
                            return finished
                        }
                        continue
                    }
                    if !empty { out.append(UInt8(ascii: ",")) }
                    empty = false
                    out.append(contentsOf: keys[column])
                    appendValue(column: column, view, raw: false, to: &out)
                case .row(let format):
                    if column > 0 { out.append(format == .csv ? UInt8(ascii: ",") : 0x09) }
                    guard let view = views[column], BitPacking.bit(view.payload, r) else {
                        guard withPaths, let part = selectPart(column: column, record: r) else { continue }
                        appendPart(part, format, to: &out, cell: &cell)
                        if out.count >= budget && c < views.count {
                            openRecord = (c, empty)
                            return finished
                        }
                        continue
                    }
                    if format == .values {
                        appendValue(column: column, view, raw: false, to: &out)
                    } else if format == .rawValues {
                        // Raw strings, but null stays "null", apart from an absent key.
                        if BitPacking.tag(view.tags, cursors[column].tag) == TypeTag.null.rawValue { out.append(contentsOf: "null".utf8) }
                        appendValue(column: column, view, raw: true, to: &out)
                    } else {
                        cell.removeAll(keepingCapacity: true)
                        appendValue(column: column, view, raw: true, to: &cell)
                        RecordWriter.appendCSVCell(cell, to: &out)
                    }
                }
                if out.count >= budget && c < views.count {
                    openRecord = (c, empty)
                    return finished
                }
            }
            switch shape {
            case .object(let layout):
                out.append(UInt8(ascii: "}"))
                if layout == .ndjson { out.append(0x0A) }
            case .row:
                out.append(0x0A)
            }
            nextRecord += 1
            finished += 1
            if out.count >= budget { break }
        }
        return finished
    }

    /// For a path key whose column has a value in record `r`: takes that value into `whole` and
    /// returns the range of the part its path selects, nil when there is none (the key is then
    /// absent, as it is for a key without a path).
    private mutating func selectPart(column: Int, record r: Int) -> Range<Int>? {
        guard let path = paths[column], let view = pathViews[column], BitPacking.bit(view.payload, r) else { return nil }
        var text = whole
        whole = []
        text.removeAll(keepingCapacity: true)
        appendValue(column: column, view, raw: false, to: &text)
        whole = text
        return whole.withUnsafeBytes { path.find(in: $0) }
    }

    /// A selected part as a row's cell: JSON text, or for raw values and CSV a string's bytes
    /// (and for CSV null as nothing), as `appendValue` writes whole values.
    private func appendPart(_ part: Range<Int>, _ format: RowFormat, to out: inout [UInt8], cell: inout [UInt8]) {
        let text = whole[part]
        let isString = text.first == UInt8(ascii: "\"")
        switch format {
        case .values:
            out.append(contentsOf: text)
        case .rawValues:
            if isString { whole.withUnsafeBytes { JSONPath.appendUnescaped(UnsafeRawBufferPointer(rebasing: $0[part]), to: &out) } } else { out.append(contentsOf: text) }
        case .csv:
            cell.removeAll(keepingCapacity: true)
            if isString {
                whole.withUnsafeBytes { JSONPath.appendUnescaped(UnsafeRawBufferPointer(rebasing: $0[part]), to: &cell) }
            } else if !text.elementsEqual("null".utf8) {
                cell.append(contentsOf: text)
            }
            RecordWriter.appendCSVCell(cell, to: &out)
        }
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

    /// Moves every cursor to the first value of record `record` by counting the values before
    /// it (only when not already there).
    public mutating func seek(to record: Int) {
        guard record != nextRecord || openRecord != nil else { return }
        openRecord = nil
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
