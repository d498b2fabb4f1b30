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
///
/// Objects cost what their values cost, not fields x records: the presence bitmaps of a window
/// of records are turned, a word at a time, into each record's list of present columns, so a
/// record of a block with many fields visits only the fields it has. Text is written through a
/// pointer into a `TextSpool`, keys pre-rendered once per writer.
public struct RecordWriter {
    /// Kept so the views' memory stays alive (the arrays are never mutated).
    private let columns: [FieldColumn?]
    /// The raw key bytes (for CSV headers).
    public let keyNames: [[UInt8]]
    /// Views, cursors, keys and the window behind plain pointers: the hot loops then touch no
    /// reference counts or array checks, which matters when several threads render parts of
    /// the same block. Copied when a copy of the writer changes.
    private var state: WriterState
    /// The record the cursors stand at.
    private var nextRecord = 0
    /// Where rendering stopped inside record `nextRecord` when a piece's budget ran out: the
    /// next column and whether the record shows a value yet; nil between records.
    private var openRecord: (column: Int, empty: Bool)?
    /// Per key, the path into its column's objects or arrays (`jac cat -F a.b`), when it has one;
    /// `hasPaths` chooses the loops that look at them.
    private let paths: [JSONPath?]
    private let hasPaths: Bool
    /// A path key's whole value, before the part the path selects is taken from it.
    private var whole: [UInt8] = []

    /// Where a column's values for some record start: lets several writers render parts of one
    /// block in parallel without each counting the values before its part.
    public struct Position: Sendable {
        fileprivate var cursor = ColumnCursor()
    }

    /// The positions of `column` at each of `records` (ascending), found in one pass: presence
    /// bits are counted a byte at a time, and tags read only when the values' kinds differ.
    public static func positions(of column: FieldColumn, at records: [Int]) -> [Position] {
        var out: [Position] = []
        out.reserveCapacity(records.count)
        var cursor = ColumnCursor()
        var r = 0
        column.payload.withUnsafeBytes { p in column.dictionary.withUnsafeBufferPointer { d in
            let tags = UnsafeRawBufferPointer(rebasing: p[column.tagStart...])
            let dictionary = column.entry.usesDictionary ? d : nil
            // A string cursor is the byte offset of the next string's varint: strings are walked.
            func skip(_ n: Int, of tag: UInt8) {
                guard tag == TypeTag.string.rawValue else { return cursor.count(n, of: tag) }
                for _ in 0 ..< n {
                    cursor.string = FieldColumn.string(at: column.stringStart + cursor.string, p, dictionary: dictionary).next
                        - column.stringStart
                }
            }
            for target in records {
                let n = presentCount(p, from: r, to: target)
                if let sole = column.soleTag {
                    skip(n, of: sole)
                } else {
                    for k in cursor.tag ..< cursor.tag + n { skip(1, of: BitPacking.tag(tags, k)) }
                }
                cursor.tag += n
                r = max(r, target)
                out.append(Position(cursor: cursor))
            }
        } }
        return out
    }

    /// The set bits of `bits` in `from ..< to`.
    private static func presentCount(_ bits: UnsafeRawBufferPointer, from: Int, to: Int) -> Int {
        guard from < to else { return 0 }
        let first = from >> 3, last = (to - 1) >> 3
        let head = UInt8(truncatingIfNeeded: 0xff << (from & 7)), tail = UInt8(truncatingIfNeeded: 0xff >> (7 - (to - 1) & 7))
        if first == last { return (bits[first] & head & tail).nonzeroBitCount }
        var n = (bits[first] & head).nonzeroBitCount + (bits[last] & tail).nonzeroBitCount
        for i in first + 1 ..< last { n += bits[i].nonzeroBitCount }
        return n
    }

    /// Places every column at `record`, given each column's position there (from
    /// `positions(of:at:)`; nil entries for missing columns).
    public mutating func seek(to record: Int, positions: [Position?]) {
        precondition(positions.count == columns.count)
        makeUnique()
        for c in columns.indices {
            if let p = positions[c] { state.cursors[c] = p.cursor }
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
        keyNames = keys
        var text: [UInt8] = []
        var starts = [0]
        for name in keys {
            text.append(UInt8(ascii: ","))
            name.withUnsafeBytes { JSONWriter.appendString($0, to: &text) }
            text.append(UInt8(ascii: ":"))
            starts.append(text.count)
        }
        state = WriterState(views: columns.map { $0.map(ColumnView.init) ?? ColumnView() }, keyText: text, keyStarts: starts)
    }

    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&state) { state = state.copy() }
    }

    /// Appends records from where the writer stands up to record `end` as objects, stopping
    /// once `out` holds `budget` bytes or more: see `renderObjects`. `first` says whether a
    /// record was already written before, for array commas. Returns how many records it finished.
    public mutating func write(upTo end: Int, layout: RecordLayout, first: inout Bool, budget: Int = .max,
                               to out: inout [UInt8]) -> Int {
        spooling(to: &out) { w, spool, out in
            w.hasPaths
                ? w.renderObjectsWithPaths(upTo: end, layout: layout, first: &first, budget: budget, spool: &spool, to: &out)
                : w.renderObjects(upTo: end, layout: layout, first: &first, budget: budget, spool: &spool, to: &out)
        }
    }

    /// Appends one line per record up to record `end`: CSV cells or tab-separated JSON values,
    /// in key order, stopping like `write(upTo:)`.
    public mutating func writeRows(upTo end: Int, format: RowFormat, budget: Int = .max, to out: inout [UInt8]) -> Int {
        spooling(to: &out) { w, spool, out in w.renderRows(upTo: end, format: format, budget: budget, spool: &spool, to: &out) }
    }

    /// Runs a render with a spool of its own, on state no copy of the writer shares, and moves
    /// the spool's text to the end of `out`; returns the records it finished.
    private mutating func spooling(to out: inout [UInt8],
                                   _ render: (inout RecordWriter, inout TextSpool, inout [UInt8]) -> Int) -> Int {
        makeUnique()
        var spool = TextSpool()
        defer { spool.deallocate() }
        let finished = render(&self, &spool, &out)
        spool.flush(to: &out)
        return finished
    }

    /// Appends the next value of the record the writer stands in as a one-field object
    /// (`{"key":value}`), or, once that record has no more values, appends nothing, moves to the
    /// next record and returns false: a caller can go through a record holding one value's
    /// text at a time.
    public mutating func writeNextField(to out: inout [UInt8]) -> Bool {
        makeUnique()
        let s = state
        var c = openRecord?.column ?? 0
        let r = nextRecord
        while c < s.views.count {
            let column = c
            c += 1
            guard s.isPresent(column, r) else { continue }
            var spool = TextSpool()
            defer { spool.deallocate() }
            spool.put(UInt8(ascii: "{"), &out)
            spool.put(s.key(column, comma: false), &out)
            s.appendValue(column: column, raw: false, &spool, &out)
            spool.put(UInt8(ascii: "}"), &out)
            spool.flush(to: &out)
            openRecord = (c, false)
            return true
        }
        openRecord = nil
        nextRecord += 1
        return false
    }

    /// Renders records as objects up to `end`, going on inside the record where the last call
    /// stopped. It stops once `out` and the spool hold `budget` bytes or more, checked after
    /// each value, so the text passes the budget by at most one key and value: a key or string
    /// is at most 16 MiB, 6 x 16 MiB + 2 as JSON text if all control characters, nested text at
    /// most 16 MiB, a decimal 65,536 digits. Output therefore goes out in pieces bounded in
    /// bytes however large a record is (dictionary references can make one far larger than its
    /// block).
    private mutating func renderObjects(upTo end: Int, layout: RecordLayout, first: inout Bool, budget: Int,
                                        spool: inout TextSpool, to out: inout [UInt8]) -> Int {
        let s = state
        var finished = 0
        var resume = openRecord
        openRecord = nil
        while nextRecord < end {
            let r = nextRecord
            if r < s.windowStart || r >= s.windowEnd { s.fillWindow(at: r, end: end) }
            let w = r - s.windowStart
            var i = s.uniformCount == nil ? Int(s.starts[w]) : 0
            let last = s.uniformCount ?? Int(s.starts[w + 1])
            var empty = true
            if let resume {
                empty = resume.empty
                while i < last && Int(s.present[i]) < resume.column { i += 1 }
            } else {
                let p = spool.room(2, &out)
                let comma = layout == .jsonArray && !first
                p[0] = UInt8(ascii: ",")
                p[comma ? 1 : 0] = UInt8(ascii: "{")
                spool.count += comma ? 2 : 1
                first = false
            }
            resume = nil
            if i < last {
                let stop = s.appendMembers(from: i, to: last, comma: !empty, budget: budget, &spool, &out)
                if stop < last {
                    openRecord = (Int(s.present[stop - 1]) + 1, false)
                    return finished
                }
            }
            let p = spool.room(2, &out)
            p[0] = UInt8(ascii: "}")
            p[1] = 0x0A
            spool.count += layout == .ndjson ? 2 : 1
            nextRecord += 1
            finished += 1
            if out.count + spool.count >= budget { break }
        }
        return finished
    }

    /// Renders rows up to `end` like `renderObjects`: every key gets a cell, present or not.
    private mutating func renderRows(upTo end: Int, format: RowFormat, budget: Int, spool: inout TextSpool,
                                     to out: inout [UInt8]) -> Int {
        let s = state
        var finished = 0
        var cell: [UInt8] = []
        var cellSpool = TextSpool()
        defer { cellSpool.deallocate() }
        var resume = openRecord
        openRecord = nil
        let count = s.views.count
        while nextRecord < end {
            let r = nextRecord
            var c = resume?.column ?? 0
            resume = nil
            while c < count {
                let column = c
                c += 1
                if column > 0 { spool.put(format == .csv ? UInt8(ascii: ",") : 0x09, &out) }
                guard s.isPresent(column, r) else { continue }
                if hasPaths, let path = paths[column] {
                    if let part = selectPart(column, path, &cellSpool) {
                        spool.flush(to: &out)
                        appendPart(part, format, to: &out, cell: &cell)
                    }
                } else if format == .values {
                    s.appendJSON(column: column, &spool, &out)
                } else if format == .rawValues {
                    // Raw strings, but null stays "null", apart from an absent key.
                    if s.nextTag(column) == TypeTag.null.rawValue { spool.put(.null, &out) }
                    s.appendValue(column: column, raw: true, &spool, &out)
                } else {
                    // A cell is quoted only when it needs it, which is known once it is rendered.
                    cell.removeAll(keepingCapacity: true)
                    s.appendValue(column: column, raw: true, &cellSpool, &cell)
                    cellSpool.flush(to: &cell)
                    spool.flush(to: &out)
                    RecordWriter.appendCSVCell(cell, to: &out)
                }
                if out.count + spool.count >= budget && c < count {
                    openRecord = (c, false)
                    return finished
                }
            }
            spool.put(0x0A, &out)
            nextRecord += 1
            finished += 1
            if out.count + spool.count >= budget { break }
        }
        return finished
    }

    /// `renderObjects` for a projection with paths (`jac cat -F a.b`): each record looks at
    /// every column, since whether a path's part exists is known only once its value is rendered.
    private mutating func renderObjectsWithPaths(upTo end: Int, layout: RecordLayout, first: inout Bool, budget: Int,
                                                 spool: inout TextSpool, to out: inout [UInt8]) -> Int {
        let s = state
        var finished = 0
        var scratch = TextSpool()
        defer { scratch.deallocate() }
        var resume = openRecord
        openRecord = nil
        let count = s.views.count
        while nextRecord < end {
            let r = nextRecord
            var c = resume?.column ?? 0
            var empty = resume?.empty ?? true
            if resume == nil {
                if layout == .jsonArray && !first { spool.put(UInt8(ascii: ","), &out) }
                spool.put(UInt8(ascii: "{"), &out)
                first = false
            }
            resume = nil
            while c < count {
                let column = c
                c += 1
                guard s.isPresent(column, r) else { continue }
                if let path = paths[column] {
                    guard let part = selectPart(column, path, &scratch) else { continue }
                    spool.put(s.key(column, comma: !empty), &out)
                    whole.withUnsafeBytes { spool.put(UnsafeRawBufferPointer(rebasing: $0[part]), &out) }
                } else {
                    spool.put(s.key(column, comma: !empty), &out)
                    s.appendValue(column: column, raw: false, &spool, &out)
                }
                empty = false
                if out.count + spool.count >= budget && c < count {
                    openRecord = (c, empty)
                    return finished
                }
            }
            spool.put(UInt8(ascii: "}"), &out)
            if layout == .ndjson { spool.put(0x0A, &out) }
            nextRecord += 1
            finished += 1
            if out.count + spool.count >= budget { break }
        }
        return finished
    }

    /// Renders column `c`'s next value (present) into `whole` through `scratch` and returns the
    /// range of the part `path` selects; nil when there is none (the key is then absent, as for
    /// a record without it).
    private mutating func selectPart(_ c: Int, _ path: JSONPath, _ scratch: inout TextSpool) -> Range<Int>? {
        whole.removeAll(keepingCapacity: true)
        state.appendValue(column: c, raw: false, &scratch, &whole)
        scratch.flush(to: &whole)
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
        makeUnique()
        openRecord = nil
        for c in columns.indices {
            guard let column = columns[c] else { continue }
            state.cursors[c] = RecordWriter.positions(of: column, at: [record])[0].cursor
        }
        nextRecord = record
    }
}

/// A column's values as plain pointers into its `FieldColumn`.
struct ColumnView {
    /// False for a key the block lacks (a projection's missing column).
    var exists = false
    var recordCount = 0
    /// How many records have a value (the directory's count, at most `recordCount`).
    var presentCount = 0
    /// The tag of every value when they all have the same, which then need not be read.
    var soleTag: UInt8?
    /// No string needs an escape (`FieldColumn.plainStrings`).
    var plainStrings = true
    var payload = UnsafeRawBufferPointer(start: nil, count: 0)
    var tags = UnsafeRawBufferPointer(start: nil, count: 0)
    var bools = UnsafeRawBufferPointer(start: nil, count: 0)
    var ints = UnsafeBufferPointer<Int64>(start: nil, count: 0)
    var decimals = UnsafeBufferPointer<(negative: Bool, digits: Range<Int>, exponent: Int32)>(start: nil, count: 0)
    var stringStart = 0
    /// The dictionary's entries, nil when the column has none.
    var dictionary: UnsafeBufferPointer<Range<Int>>?
    var objects = UnsafeBufferPointer<Range<Int>>(start: nil, count: 0)
    var arrays = UnsafeBufferPointer<Range<Int>>(start: nil, count: 0)

    init() {}

    init(_ c: FieldColumn) {
        // The column's arrays are immutable and owned by the writer's `columns` for its life.
        exists = true
        recordCount = c.recordCount
        presentCount = min(c.entry.valueCountPresent, c.recordCount)
        soleTag = c.soleTag
        plainStrings = c.plainStrings
        payload = c.payload.withUnsafeBytes { $0 }
        tags = UnsafeRawBufferPointer(rebasing: payload[c.tagStart...])
        bools = UnsafeRawBufferPointer(rebasing: payload[c.boolStart...])
        ints = c.ints.withUnsafeBufferPointer { $0 }
        decimals = c.decimals.withUnsafeBufferPointer { $0 }
        stringStart = c.stringStart
        dictionary = c.entry.usesDictionary ? c.dictionary.withUnsafeBufferPointer { $0 } : nil
        objects = c.objects.withUnsafeBufferPointer { $0 }
        arrays = c.arrays.withUnsafeBufferPointer { $0 }
    }
}

/// How far a writer has gone in each of a column's value streams.
struct ColumnCursor {
    /// Values counted, but `string` is bytes past the column's `stringStart`.
    var tag = 0, bool = 0, int = 0, decimal = 0, string = 0, object = 0, array = 0

    /// Moves past `n` values of type tag `tag` (checked when the column was decoded), strings
    /// excepted: their cursor is a byte offset, which only reading their lengths moves.
    mutating func count(_ n: Int, of tag: UInt8) {
        switch TypeTag(rawValue: tag)! {
        case .null: break
        case .bool: bool += n
        case .int: int += n
        case .decimal: decimal += n
        case .string: preconditionFailure("strings are walked, not counted")
        case .object: object += n
        case .array: array += n
        }
    }
}

/// A writer's per-column state in memory of its own: views, cursors, pre-rendered keys and the
/// present columns of the current window of records.
final class WriterState {
    let views: UnsafeMutableBufferPointer<ColumnView>
    let cursors: UnsafeMutableBufferPointer<ColumnCursor>
    /// Key `c` as `,"key":` is `keyText[keyStarts[c] ..< keyStarts[c + 1]]`.
    let keyText: [UInt8]
    let keyStarts: [Int]
    /// The same, 8 bytes of padding after the last key (see `TextSpool.put(padded:)`).
    private let keyBase: UnsafeMutablePointer<UInt8>
    private let keyOffsets: UnsafeMutablePointer<Int>
    /// How many records a window covers: a multiple of 64 (a bitmap word), from 64 to 4,096,
    /// such that a window of records with the block's mean number of values lists about 2^18
    /// columns (512 KiB). Sparse blocks of many fields so get long windows, and each column's
    /// bitmap is read many words at a time. A window that would list more than `maxListed`
    /// ends sooner (`fillWindow`).
    let windowRecords: Int
    static let maxListed = 1 << 18
    private(set) var windowStart = 0
    private(set) var windowEnd = 0
    /// Record `windowStart + w` has the columns `present[starts[w] ..< starts[w + 1]]`, ascending,
    /// or, when `uniformCount` is set, every record the columns `present[0 ..< uniformCount]`.
    private(set) var uniformCount: Int?
    let starts: UnsafeMutablePointer<Int32>
    private(set) var present: UnsafeMutablePointer<UInt16>
    /// Whether column `c` has a value in every record of the window.
    private let full: UnsafeMutablePointer<Bool>
    /// Per column, how `appendJSON` writes its values: `WriterState.soleInt`, `solePlainString`,
    /// `soleBool`, or 0 for `appendValue` (which reads each value's tag).
    private let route: UnsafeMutablePointer<UInt8>
    static let soleInt: UInt8 = 1
    static let solePlainString: UInt8 = 2
    static let soleBool: UInt8 = 3
    private var presentCapacity = 0

    init(views: [ColumnView], keyText: [UInt8], keyStarts: [Int]) {
        precondition(views.count <= Int(UInt16.max) + 1)
        self.views = .allocate(capacity: views.count)
        _ = self.views.initialize(from: views)
        cursors = .allocate(capacity: views.count)
        cursors.initialize(repeating: ColumnCursor())
        self.keyText = keyText
        self.keyStarts = keyStarts
        keyBase = .allocate(capacity: keyText.count + 8)
        keyBase.initialize(from: keyText, count: keyText.count)
        (keyBase + keyText.count).initialize(repeating: 0, count: 8)
        keyOffsets = .allocate(capacity: keyStarts.count)
        keyOffsets.initialize(from: keyStarts, count: keyStarts.count)
        let records = views.reduce(1) { max($0, $1.recordCount) }
        let perRecord = (views.reduce(0) { $0 + $1.presentCount } + records - 1) / records
        windowRecords = max(64, min(4096, WriterState.maxListed / max(1, perRecord)) & ~63)
        starts = .allocate(capacity: windowRecords + 1)
        present = .allocate(capacity: 0)
        full = .allocate(capacity: max(1, views.count))
        full.initialize(repeating: false, count: max(1, views.count))
        route = .allocate(capacity: max(1, views.count))
        for (c, v) in views.enumerated() {
            route[c] = !v.exists ? 0
                : v.soleTag == TypeTag.int.rawValue ? WriterState.soleInt
                : v.soleTag == TypeTag.string.rawValue && v.plainStrings ? WriterState.solePlainString
                : v.soleTag == TypeTag.bool.rawValue ? WriterState.soleBool : 0
        }
    }

    deinit {
        views.deallocate()
        cursors.deallocate()
        keyBase.deallocate()
        keyOffsets.deallocate()
        starts.deallocate()
        present.deallocate()
        full.deallocate()
        route.deallocate()
    }

    /// A copy with the same cursors; its window is filled again when used.
    func copy() -> WriterState {
        let s = WriterState(views: Array(views), keyText: keyText, keyStarts: keyStarts)
        _ = s.cursors.update(fromContentsOf: cursors)
        return s
    }

    /// Key `c` as JSON text and a colon, after a comma when `comma`.
    @inline(__always)
    func key(_ c: Int, comma: Bool) -> UnsafeRawBufferPointer {
        let start = keyOffsets[c] + (comma ? 0 : 1)
        return UnsafeRawBufferPointer(start: keyBase + start, count: keyOffsets[c + 1] - start)
    }

    @inline(__always)
    func isPresent(_ c: Int, _ r: Int) -> Bool {
        views[c].exists && BitPacking.bit(views[c].payload, r)
    }

    /// Lists the present columns of records `r ..< min(r + windowRecords, end)`. When every
    /// column is present in every record of the window (homogeneous data), one list serves all
    /// of them; otherwise the lists are counted, then placed, column by column, so each comes
    /// out ascending. The bitmaps are read 64 records at a time and only set bits visited.
    func fillWindow(at r: Int, end: Int) {
        var stop = min(r + windowRecords, end)
        var n = stop - r
        windowStart = r
        windowEnd = stop
        var columns = 0
        var fullColumns = 0
        for c in 0 ..< views.count where views[c].exists {
            columns += 1
            full[c] = stop <= views[c].recordCount && WriterState.allSet(views[c], from: r, to: stop)
            if full[c] { fullColumns += 1 }
        }
        if fullColumns == columns {
            reservePresent(columns)
            var k = 0
            for c in 0 ..< views.count where views[c].exists {
                present[k] = UInt16(truncatingIfNeeded: c)
                k += 1
            }
            uniformCount = columns
            return
        }
        uniformCount = nil
        // A column present in every record of the window is counted and placed without
        // looking at its bits.
        starts[0] = 0
        (starts + 1).initialize(repeating: Int32(fullColumns), count: n)
        for c in 0 ..< views.count where views[c].exists && !full[c] {
            WriterState.forEachSetBit(views[c], from: r, to: min(stop, views[c].recordCount)) { k in
                starts[k - r + 1] += 1
            }
        }
        for w in 0 ..< n { starts[w + 1] += starts[w] }
        // Values bunched in some records: the window ends before the record that would list more
        // than `maxListed` (a record alone lists at most a block's fields).
        if Int(starts[n]) > WriterState.maxListed {
            n = 1
            while Int(starts[n + 1]) <= WriterState.maxListed { n += 1 }
            stop = r + n
            windowEnd = stop
        }
        reservePresent(Int(starts[n]))
        // Each record's start serves as its next free place; once every column is placed it is
        // the record's end, the next record's start, so shifting by one restores the starts.
        for c in 0 ..< views.count where views[c].exists {
            let column = UInt16(truncatingIfNeeded: c)
            if full[c] {
                for w in 0 ..< n {
                    present[Int(starts[w])] = column
                    starts[w] += 1
                }
            } else {
                WriterState.forEachSetBit(views[c], from: r, to: min(stop, views[c].recordCount)) { k in
                    let w = k - r
                    present[Int(starts[w])] = column
                    starts[w] += 1
                }
            }
        }
        var previous: Int32 = 0
        for w in 0 ..< n {
            swap(&previous, &starts[w])
        }
    }

    /// Appends `"key":value` for the columns `present[i ..< last]` of a record, each after a
    /// comma but the first unless `comma`, stopping after the value that brings the text to
    /// `budget` bytes; returns where it stopped (`last` when it wrote them all). A function of
    /// its own, small enough that the compiler inlines `appendJSON` into its loop.
    @inline(never)
    func appendMembers(from i: Int, to last: Int, comma: Bool, budget: Int, _ spool: inout TextSpool,
                       _ out: inout [UInt8]) -> Int {
        var i = i
        var comma = comma
        while i < last {
            let c = Int(present[i])
            i &+= 1
            let key = key(c, comma: comma)
            spool.put(padded: key.baseAddress!, count: key.count, &out)
            comma = true
            appendJSON(column: c, &spool, &out)
            if out.count &+ spool.count >= budget && i < last { return i }
        }
        return i
    }

    /// Makes `present` hold at least `count` entries (at most `windowRecords` x columns).
    private func reservePresent(_ count: Int) {
        guard count > presentCapacity else { return }
        present.deallocate()
        presentCapacity = max(count, 2 * presentCapacity)
        present = .allocate(capacity: presentCapacity)
    }

    /// Up to 64 presence bits from record `r` on (bit 0 for `r`), and how many of them are
    /// records before `to`; the bits past those are zero.
    @inline(__always)
    private static func bits(_ v: ColumnView, at r: Int, to: Int) -> (word: UInt64, span: Int) {
        let p = v.payload
        let byte = r >> 3
        var word: UInt64
        if byte + 8 <= p.count {
            word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
        } else {
            word = 0
            for k in 0 ..< p.count - byte { word |= UInt64(p[byte + k]) << (8 * k) }
        }
        word >>= UInt64(r & 7)
        let span = min(64 - (r & 7), to - r)
        if span < 64 { word &= (1 << UInt64(span)) &- 1 }
        return (word, span)
    }

    /// Whether every record in `from ..< to` has a value.
    private static func allSet(_ v: ColumnView, from: Int, to: Int) -> Bool {
        var r = from
        while r < to {
            let (word, span) = bits(v, at: r, to: to)
            if word != (span < 64 ? (1 << UInt64(span)) &- 1 : ~0) { return false }
            r += span
        }
        return true
    }

    /// Calls `body` with each record in `from ..< to` whose presence bit is set, in order.
    @inline(__always)
    private static func forEachSetBit(_ v: ColumnView, from: Int, to: Int, _ body: (Int) -> Void) {
        var r = from
        while r < to {
            var (word, span) = bits(v, at: r, to: to)
            while word != 0 {
                body(r + word.trailingZeroBitCount)
                word &= word &- 1
            }
            r += span
        }
    }

    /// The type tag of column `c`'s next value.
    @inline(__always)
    func nextTag(_ c: Int) -> UInt8 {
        views[c].soleTag ?? BitPacking.tag(views[c].tags, cursors[c].tag)
    }

    /// Appends the next value of column `c` as JSON text, as `appendValue` does, without reading
    /// its tag or leaving the caller's loop for the columns whose values are all integers, all
    /// strings needing no escape or all booleans (most columns); the others cost a call.
    @inline(__always)
    func appendJSON(column c: Int, _ spool: inout TextSpool, _ out: inout [UInt8]) {
        let v = views.baseAddress! + c
        let cursor = cursors.baseAddress! + c
        switch route[c] {
        case WriterState.soleInt:
            cursor.pointee.tag &+= 1
            appendInt(v, cursor, &spool, &out)
        case WriterState.solePlainString:
            cursor.pointee.tag &+= 1
            appendPlainString(v, cursor, &spool, &out)
        case WriterState.soleBool:
            cursor.pointee.tag &+= 1
            appendBool(v, cursor, &spool, &out)
        default:
            appendMixed(column: c, &spool, &out)
        }
    }

    /// `appendValue` for `appendJSON`, kept out of the render loop.
    @inline(never)
    private func appendMixed(column c: Int, _ spool: inout TextSpool, _ out: inout [UInt8]) {
        appendValue(column: c, raw: false, &spool, &out)
    }

    /// The next integer of a column (its tag already counted).
    @inline(__always)
    private func appendInt(_ v: UnsafeMutablePointer<ColumnView>, _ cursor: UnsafeMutablePointer<ColumnCursor>,
                           _ spool: inout TextSpool, _ out: inout [UInt8]) {
        let p = spool.room(20, &out)
        spool.count &+= JSONWriter.writeInt(v.pointee.ints[cursor.pointee.int], at: p)
        cursor.pointee.int &+= 1
    }

    /// The next boolean of a column (its tag already counted).
    @inline(__always)
    private func appendBool(_ v: UnsafeMutablePointer<ColumnView>, _ cursor: UnsafeMutablePointer<ColumnCursor>,
                            _ spool: inout TextSpool, _ out: inout [UInt8]) {
        let value = BitPacking.bit(v.pointee.bools, cursor.pointee.bool)
        cursor.pointee.bool &+= 1
        spool.put(value ? .true : .false, &out)
    }

    /// Where the next string of a column is in its payload; moves the cursor past it.
    @inline(__always)
    private func nextString(_ v: UnsafeMutablePointer<ColumnView>, _ cursor: UnsafeMutablePointer<ColumnCursor>) -> Range<Int> {
        let start = v.pointee.stringStart
        let (range, next) = FieldColumn.string(at: start + cursor.pointee.string, v.pointee.payload, dictionary: v.pointee.dictionary)
        cursor.pointee.string = next - start
        return range
    }

    /// The next string of a column whose strings need no escape (its tag already counted).
    @inline(__always)
    private func appendPlainString(_ v: UnsafeMutablePointer<ColumnView>, _ cursor: UnsafeMutablePointer<ColumnCursor>,
                                   _ spool: inout TextSpool, _ out: inout [UInt8]) {
        spool.putPlainString(v.pointee.payload, nextString(v, cursor), &out)
    }

    /// Appends the next value of column `c` as JSON text, or with `raw`, strings as their bytes
    /// and null as nothing (CSV cells).
    @inline(__always)
    func appendValue(column c: Int, raw: Bool, _ spool: inout TextSpool, _ out: inout [UInt8]) {
        let v = views.baseAddress! + c
        let cursor = cursors.baseAddress! + c
        let tag = nextTag(c)
        cursor.pointee.tag += 1
        switch TypeTag(rawValue: tag)! {
        case .null:
            if !raw { spool.put(.null, &out) }
        case .bool:
            appendBool(v, cursor, &spool, &out)
        case .int:
            appendInt(v, cursor, &spool, &out)
        case .decimal:
            let d = v.pointee.decimals[cursor.pointee.decimal]
            cursor.pointee.decimal += 1
            spool.putDecimal(negative: d.negative, digits: UnsafeRawBufferPointer(rebasing: v.pointee.payload[d.digits]),
                             exponent: d.exponent, &out)
        case .string:
            if !raw && v.pointee.plainStrings {
                appendPlainString(v, cursor, &spool, &out)
            } else {
                let bytes = UnsafeRawBufferPointer(rebasing: v.pointee.payload[nextString(v, cursor)])
                if raw { spool.put(bytes, &out) } else { spool.putString(bytes, &out) }
            }
        case .object:
            spool.put(UnsafeRawBufferPointer(rebasing: v.pointee.payload[v.pointee.objects[cursor.pointee.object]]), &out)
            cursor.pointee.object += 1
        case .array:
            spool.put(UnsafeRawBufferPointer(rebasing: v.pointee.payload[v.pointee.arrays[cursor.pointee.array]]), &out)
            cursor.pointee.array += 1
        }
    }
}
