import JACJSON
import JACWire

/// The quantities of a column that the §6.8 size projection counts. They add up across chunks,
/// so a block encoded in chunks can be checked against the limits before it is joined.
struct ColumnSize {
    var values = 0
    var bools = 0
    /// Integers' varints, decimals, strings, objects and arrays.
    var bytes = 0

    func projected(records: Int) -> Int {
        BitPacking.byteCount(bits: records) + BitPacking.byteCount(bits: 3 * values)
            + BitPacking.byteCount(bits: bools) + bytes
    }

    static func += (a: inout ColumnSize, b: ColumnSize) {
        a.values += b.values
        a.bools += b.bools
        a.bytes += b.bytes
    }
}

/// Collects one field's values for one block and lays them out as a segment payload
/// (FORMAT.md §5), choosing dictionary and delta encoding as the reference does (§6.6, §6.7).
struct ColumnBuilder {
    let name: [UInt8]
    private var presence = BitmapBuilder()
    private var tags: [UInt8] = []
    private var bools = BitmapBuilder()
    private var ints: [Int64] = []
    private var intBytes = 0
    private var decimals: [UInt8] = []
    private var rawStrings: [UInt8] = []
    private var stringCount = 0
    private var dictionary = ByteStringTable()
    private var dictIndices: [Int32] = []
    private var dictionaryViable: Bool
    private let maxDictEntries: Int
    private var objects: [UInt8] = []
    private var arrays: [UInt8] = []

    init(name: [UInt8], maxDictEntries: Int) {
        self.name = name
        self.maxDictEntries = maxDictEntries
        dictionaryViable = maxDictEntries > 0
    }

    var valueCount: Int { tags.count }

    /// What the §6.8 projection counts of this column.
    var size: ColumnSize {
        ColumnSize(values: tags.count, bools: bools.count,
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
    mutating func append(_ field: JSONField, record: Int, scratch: UnsafeRawBufferPointer) {
        presence.appendZeros(record - presence.count)
        presence.append(true)
        tags.append(field.kind.rawValue)
        let payload = UnsafeRawBufferPointer(rebasing: scratch[field.payload])
        switch field.kind {
        case .null: break
        case .bool: bools.append(field.bool)
        case .int:
            ints.append(field.int)
            intBytes += Varint.length(Varint.zigzag(field.int))
        case .decimal:
            decimals.append(field.negative ? 1 : 0)
            Varint.append(payload.count, to: &decimals)
            decimals.append(contentsOf: payload)
            Varint.append(Varint.zigzag(Int64(field.exponent)), to: &decimals)
        case .string:
            stringCount += 1
            Varint.append(payload.count, to: &rawStrings)
            rawStrings.append(contentsOf: payload)
            if dictionaryViable {
                let (index, _) = dictionary.intern(payload)
                if dictionary.count > maxDictEntries {
                    dropDictionary()
                } else {
                    dictIndices.append(Int32(index))
                }
            }
        case .object:
            Varint.append(payload.count, to: &objects)
            objects.append(contentsOf: payload)
        case .array:
            Varint.append(payload.count, to: &arrays)
            arrays.append(contentsOf: payload)
        }
    }

    /// Appends the values of `other`, a column of the same field from a later chunk of the block
    /// whose first record is record `recordOffset` here.
    mutating func append(_ other: ColumnBuilder, recordOffset: Int) {
        presence.appendZeros(recordOffset - presence.count)
        presence.append(contentsOf: other.presence)
        tags.append(contentsOf: other.tags)
        bools.append(contentsOf: other.bools)
        ints.append(contentsOf: other.ints)
        intBytes += other.intBytes
        decimals.append(contentsOf: other.decimals)
        rawStrings.append(contentsOf: other.rawStrings)
        stringCount += other.stringCount
        objects.append(contentsOf: other.objects)
        arrays.append(contentsOf: other.arrays)
        guard dictionaryViable else { return }
        guard other.dictionaryViable else {
            dropDictionary()
            return
        }
        var map: [Int32] = []
        map.reserveCapacity(other.dictionary.count)
        for i in 0 ..< other.dictionary.count {
            map.append(Int32(other.dictionary.withEntry(i) { dictionary.intern($0).index }))
        }
        if dictionary.count > maxDictEntries {
            dropDictionary()
            return
        }
        for i in other.dictIndices { dictIndices.append(map[Int(i)]) }
    }

    private mutating func dropDictionary() {
        dictionaryViable = false
        dictionary = ByteStringTable()
        dictIndices = []
    }

    /// The finished payload of a block of `records` records.
    func payload(records: Int) -> FieldPayload {
        let useDictionary = dictionaryViable && stringCount > 0
            && dictionary.count <= min(maxDictEntries, max(2, stringCount / 8))
        let useDelta = ColumnBuilder.deltaPays(ints)
        var out: [UInt8] = []
        out.reserveCapacity(projectedSize(records: records) + 16)
        let presenceBytes = BitPacking.byteCount(bits: records)
        out.append(contentsOf: presence.bytes)
        out.append(contentsOf: repeatElement(0, count: presenceBytes - presence.bytes.count))
        let tagStart = out.count
        BitPacking.appendTags(tags, to: &out)
        let tagBytes = out.count - tagStart
        if useDictionary {
            for i in 0 ..< dictionary.count {
                let entry = dictionary.entry(i)
                Varint.append(entry.count, to: &out)
                out.append(contentsOf: entry)
            }
        }
        out.append(contentsOf: bools.bytes)
        if useDelta {
            var previous: Int64 = 0
            for (i, v) in ints.enumerated() {
                Varint.append(Varint.zigzag(i == 0 ? v : v &- previous), to: &out)
                previous = v
            }
        } else {
            for v in ints { Varint.append(Varint.zigzag(v), to: &out) }
        }
        out.append(contentsOf: decimals)
        if useDictionary {
            for i in dictIndices { Varint.append(Int(i), to: &out) }
        } else {
            out.append(contentsOf: rawStrings)
        }
        out.append(contentsOf: objects)
        out.append(contentsOf: arrays)
        var flags: UInt64 = 0
        if useDictionary { flags |= FieldDirectoryEntry.dictionaryFlag }
        if useDelta { flags |= FieldDirectoryEntry.deltaFlag }
        return FieldPayload(name: name, valueCountPresent: tags.count, encodingFlags: flags,
                            dictEntryCount: useDictionary ? dictionary.count : 0,
                            presenceBytes: presenceBytes, tagBytes: tagBytes, bytes: out)
    }

    /// FORMAT.md §6.7: at least two integers, strictly increasing, and a delta spread under half
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
