import JACJSON
import JACWire

/// The quantities of a column that the §6.8 size projection counts. They add up across chunks,
/// so a block encoded in chunks can be checked against the limits before it is joined.
struct ColumnSize {
    var values = 0
    var bools = 0
    var strings = 0
    var ints = 0
    /// Integers' varints, decimals, strings, objects and arrays.
    var bytes = 0

    func projected(records: Int) -> Int {
        BitPacking.byteCount(bits: records) + BitPacking.byteCount(bits: 3 * values)
            + BitPacking.byteCount(bits: bools) + bytes
    }

    /// At least the laid-out payload's length: the projection counts raw strings and plain
    /// integers, while a dictionary adds up to 2 bytes of index per string (its entries are
    /// some of the strings) and delta coding up to 9 bytes per integer (10-byte varints).
    func bound(records: Int) -> Int {
        projected(records: records) + 2 * strings + (Limits.maxVarintBytes - 1) * ints
    }

    static func += (a: inout ColumnSize, b: ColumnSize) {
        a.values += b.values
        a.bools += b.bools
        a.strings += b.strings
        a.ints += b.ints
        a.bytes += b.bytes
    }
}

/// One chunk's column of a field, and where the chunk starts in its block.
struct ColumnPart {
    var column: FieldColumnBuilder
    var firstRecord: Int
}

/// Collects one field's values for one block and lays them out as a segment payload (doc/format.md
/// §5), choosing dictionary and delta encoding as the reference does (§6.6, §6.7): the write
/// side of `FieldColumn`. Values go straight into `ColumnBuffer`s, already in their stored form
/// (length-prefixed bytes, booleans as bits).
struct FieldColumnBuilder {
    let name: [UInt8]
    /// Which records have the field, kept only once one lacks it: until then every record from
    /// the first has it (`dense`, the common case), and `presenceBits` makes the all-ones bitmap.
    private var presence = BitmapBuilder()
    private var dense = true
    private let tags = ColumnBuffer<UInt8>()
    /// The booleans' bits, LSB first, `boolCount` of them.
    private let bools = ColumnBuffer<UInt8>()
    private var boolCount = 0
    private let ints = ColumnBuffer<Int64>()
    private var intBytes = 0
    private let decimals = ColumnBuffer<UInt8>()
    private let rawStrings = ColumnBuffer<UInt8>()
    private var stringCount = 0
    private let maxDictEntries: Int
    private let objects = ColumnBuffer<UInt8>()
    private let arrays = ColumnBuffer<UInt8>()

    init(name: [UInt8], maxDictEntries: Int) {
        self.name = name
        self.maxDictEntries = maxDictEntries
    }

    var valueCount: Int { tags.count }

    /// What the §6.8 projection counts of this column.
    var size: ColumnSize {
        ColumnSize(values: tags.count, bools: boolCount, strings: stringCount, ints: ints.count,
                   bytes: intBytes + decimals.count + rawStrings.count + objects.count + arrays.count)
    }

    /// Payload size if the block ended with `records` records (the §6.8 projection: raw strings,
    /// plain integers).
    func projectedSize(records: Int) -> Int { size.projected(records: records) }

    /// Bytes `field` adds to the projection, besides presence, tag and boolean bits.
    static func valueSize(_ field: JSONField) -> Int {
        switch field.kind {
        case .null, .bool: 0
        case .int: Varint.length(Varint.zigzag(field.int))
        case .decimal:
            1 + Varint.length(UInt64(field.payload.count)) + field.payload.count
                + Varint.length(Varint.zigzag(Int64(field.exponent)))
        case .string, .object, .array: Varint.length(UInt64(field.payload.count)) + field.payload.count
        }
    }

    /// Adds the value of `field` for record `record`; `scratch` holds the field's bytes.
    @inline(__always)
    mutating func append(_ field: JSONField, record: Int, scratch: UnsafeRawBufferPointer) {
        if !dense || record != tags.count {
            if dense {
                presence = presenceBits
                dense = false
            }
            presence.appendZeros(record - presence.count)
            presence.append(true)
        }
        tags.append(field.kind.rawValue)
        let payload = UnsafeRawBufferPointer(rebasing: scratch[field.payload])
        switch field.kind {
        case .null: break
        case .bool:
            let bit = boolCount & 7
            if bit == 0 { bools.append(0) }
            if field.bool { bools.base[bools.count - 1] |= 1 << UInt8(bit) }
            boolCount += 1
        case .int:
            ints.append(field.int)
            intBytes += Varint.length(Varint.zigzag(field.int))
        case .decimal:
            decimals.append(field.negative ? 1 : 0)
            decimals.append(counted: payload)
            decimals.append(zigzag: Int64(field.exponent))
        case .string:
            stringCount += 1
            rawStrings.append(counted: payload)
        case .object:
            objects.append(counted: payload)
        case .array:
            arrays.append(counted: payload)
        }
    }

    /// The presence bits of the records up to the last that has the field.
    private var presenceBits: BitmapBuilder {
        guard dense else { return presence }
        var bits = BitmapBuilder()
        bits.bytes = [UInt8](repeating: 0xFF, count: tags.count / 8)
        if tags.count % 8 != 0 { bits.bytes.append(UInt8(1 << (tags.count % 8) - 1)) }
        bits.count = tags.count
        return bits
    }

    /// The booleans as a bitmap.
    private var boolBits: BitmapBuilder {
        var bits = BitmapBuilder()
        bits.bytes = Array(bools.elements)
        bits.count = boolCount
        return bits
    }

    /// The finished payload of a block of `records` records.
    func payload(records: Int) -> FieldPayload {
        FieldColumnBuilder.payload(joining: [ColumnPart(column: self, firstRecord: 0)], records: records)
    }

    /// The payload of a block of `records` records whose values are those of `parts` in order:
    /// the columns of one field from consecutive chunks of the block. Exactly the bytes one
    /// column given every record would lay out, written straight from the parts.
    static func payload(joining parts: [ColumnPart], records: Int) -> FieldPayload {
        var presence = BitmapBuilder()
        var bools = BitmapBuilder()
        var tags: [UInt8] = []
        var ints: [Int64] = []
        var size = ColumnSize()
        var stringCount = 0
        for part in parts {
            presence.appendZeros(part.firstRecord - presence.count)
            presence.append(contentsOf: part.column.presenceBits)
            bools.append(contentsOf: part.column.boolBits)
            tags.append(contentsOf: part.column.tags.elements)
            ints.append(contentsOf: part.column.ints.elements)
            size += part.column.size
            stringCount += part.column.stringCount
        }
        let first = parts[0].column
        let dictionary = stringCount > 0
            ? self.dictionary(of: parts, maxEntries: min(first.maxDictEntries, max(2, stringCount / 8)), strings: stringCount)
            : nil
        let useDelta = deltaPays(ints)

        var out: [UInt8] = []
        out.reserveCapacity(size.projected(records: records) + 16)
        let presenceBytes = BitPacking.byteCount(bits: records)
        out.append(contentsOf: presence.bytes)
        out.append(contentsOf: repeatElement(0, count: presenceBytes - presence.bytes.count))
        let tagStart = out.count
        BitPacking.appendTags(tags, to: &out)
        let tagBytes = out.count - tagStart
        if let (entries, _) = dictionary {
            for i in 0 ..< entries.count {
                let entry = entries.entry(i)
                Varint.append(entry.count, to: &out)
                out.append(contentsOf: entry)
            }
        }
        out.append(contentsOf: bools.bytes)
        if useDelta {
            appendVarints(count: ints.count, to: &out) { i in Varint.zigzag(i == 0 ? ints[0] : ints[i] &- ints[i - 1]) }
        } else {
            appendVarints(count: ints.count, to: &out) { i in Varint.zigzag(ints[i]) }
        }
        for part in parts { out.append(contentsOf: part.column.decimals.elements) }
        if let (_, indices) = dictionary {
            appendVarints(count: indices.count, to: &out) { i in UInt64(indices[i]) }
        } else {
            for part in parts { out.append(contentsOf: part.column.rawStrings.elements) }
        }
        for part in parts { out.append(contentsOf: part.column.objects.elements) }
        for part in parts { out.append(contentsOf: part.column.arrays.elements) }
        var flags: UInt64 = 0
        if dictionary != nil { flags |= FieldDirectoryEntry.dictionaryFlag }
        if useDelta { flags |= FieldDirectoryEntry.deltaFlag }
        return FieldPayload(name: first.name, valueCountPresent: tags.count, encodingFlags: flags,
                            dictEntryCount: dictionary?.entries.count ?? 0,
                            presenceBytes: presenceBytes, tagBytes: tagBytes, bytes: out)
    }

    /// Appends the varints of `value(0) ..< value(count)`: their lengths summed first, then
    /// written through a pointer (no uniqueness and capacity check per byte, as appending has).
    @inline(__always)
    private static func appendVarints(count: Int, to out: inout [UInt8], _ value: (Int) -> UInt64) {
        guard count > 0 else { return }
        let start = out.count
        var length = 0
        for i in 0 ..< count { length += Varint.length(value(i)) }
        out.append(contentsOf: repeatElement(0, count: length))
        out.withUnsafeMutableBufferPointer { buffer in
            var o = start
            for i in 0 ..< count { o = Varint.write(value(i), to: buffer.baseAddress!, at: o) }
        }
    }

    /// The dictionary of the parts' strings (entries in first-seen order, doc/format.md §6.6) and
    /// each string's entry, or nil when it would have more than `maxEntries` entries: then
    /// the strings are stored raw. Built here, once per field and block, rather than as values
    /// arrive: a field with many distinct strings stops after `maxEntries + 1` of them.
    private static func dictionary(of parts: [ColumnPart], maxEntries: Int,
                                   strings: Int) -> (entries: ByteStringTable, indices: [Int32])? {
        var entries = ByteStringTable()
        var complete = true
        let indices = [Int32](unsafeUninitializedCapacity: strings) { buffer, filled in
            for part in parts {
                let raw = part.column.rawStrings.bytes
                var r = ByteReader(raw)
                // Strings often repeat the one before: it is compared before hashing.
                var previous = UnsafeRawBufferPointer(start: nil, count: 0)
                var index = -1
                do throws(JACError) {
                    while !r.isAtEnd {
                        let string = UnsafeRawBufferPointer(rebasing: raw[try r.readLengthPrefixed(limit: raw.count, "string length")])
                        if index < 0 || !ByteEquality.same(previous, string) {
                            index = entries.intern(string).index
                            if entries.count > maxEntries {
                                complete = false
                                return
                            }
                            previous = string
                        }
                        buffer[filled] = Int32(index)
                        filled += 1
                    }
                } catch {
                    preconditionFailure("a column's strings are length-prefixed by its own append: \(error.message)")
                }
            }
        }
        guard complete else { return nil }
        return (entries, indices)
    }

    /// doc/format.md §6.7: at least two integers, strictly increasing, and a delta spread under half
    /// the range. Any overflowing difference means plain.
    static func deltaPays(_ v: [Int64]) -> Bool {
        guard v.count >= 2 else { return false }
        var minDelta = Int64.max
        var maxDelta = Int64.min
        for i in 1 ..< v.count {
            let (d, overflow) = v[i].subtractingReportingOverflow(v[i - 1])
            guard !overflow, d > 0 else { return false }
            minDelta = min(minDelta, d)
            maxDelta = max(maxDelta, d)
        }
        let (range, overflow) = v[v.count - 1].subtractingReportingOverflow(v[0])
        guard !overflow else { return false }
        return Double(maxDelta - minDelta) / Double(range) < 0.5
    }
}
