import JACJSON
import JACWire

/// How decoded records are laid out as text.
public enum RecordLayout: Sendable {
    /// One minified object per line.
    case ndjson
    /// One JSON array of objects; the caller writes the brackets.
    case jsonArray
}

/// Rebuilds records from decoded columns (FORMAT.md §9.3 step 8) as JSON text. Keys come in
/// directory order, which is first-seen input order unless keys were canonicalized.
public struct RecordWriter {
    private var columns: [FieldColumn]
    private var keys: [[UInt8]]
    private var cursors: [Cursor]

    private struct Cursor {
        var tag = 0, bool = 0, int = 0, decimal = 0, string = 0, object = 0, array = 0
    }

    public init(columns: [FieldColumn]) {
        self.columns = columns
        keys = columns.map { column in
            var key: [UInt8] = []
            column.entry.name.withUnsafeBytes { JSONWriter.appendString($0, to: &key) }
            key.append(UInt8(ascii: ":"))
            return key
        }
        cursors = Array(repeating: Cursor(), count: columns.count)
    }

    /// Appends records `0 ..< recordCount` (all columns must come from one block). `first`
    /// says whether a record was already written before, for array commas.
    public mutating func write(recordCount: Int, layout: RecordLayout, first: inout Bool, to out: inout [UInt8]) {
        for r in 0 ..< recordCount {
            if layout == .jsonArray && !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "{"))
            var empty = true
            for c in columns.indices {
                columns[c].payload.withUnsafeBytes { p in
                    guard BitPacking.bit(p, r) else { return }
                    if !empty { out.append(UInt8(ascii: ",")) }
                    empty = false
                    out.append(contentsOf: keys[c])
                    appendValue(column: c, payload: p, to: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
            if layout == .ndjson { out.append(0x0A) }
        }
    }

    private mutating func appendValue(column c: Int, payload p: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let column = columns[c]
        let tags = UnsafeRawBufferPointer(rebasing: p[column.tagStart...])
        let tag = BitPacking.tag(tags, cursors[c].tag)
        cursors[c].tag += 1
        switch TypeTag(rawValue: tag)! {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool:
            let value = BitPacking.bit(UnsafeRawBufferPointer(rebasing: p[column.boolStart...]), cursors[c].bool)
            cursors[c].bool += 1
            out.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .int:
            JSONWriter.appendInt(column.ints[cursors[c].int], to: &out)
            cursors[c].int += 1
        case .decimal:
            let d = column.decimals[cursors[c].decimal]
            cursors[c].decimal += 1
            JSONWriter.appendDecimal(negative: d.negative, digits: UnsafeRawBufferPointer(rebasing: p[d.digits]),
                                     exponent: d.exponent, to: &out)
        case .string:
            JSONWriter.appendString(UnsafeRawBufferPointer(rebasing: p[column.strings[cursors[c].string]]), to: &out)
            cursors[c].string += 1
        case .object:
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[column.objects[cursors[c].object]]))
            cursors[c].object += 1
        case .array:
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[column.arrays[cursors[c].array]]))
            cursors[c].array += 1
        }
    }
}
