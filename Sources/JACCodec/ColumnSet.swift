import JACJSON
import JACWire

/// The columns of records encoded so far: field names in first-seen order, one builder per
/// field, and what the block-cutting rule needs to know. A whole block is one column set; so is
/// a chunk of a block encoded on its own thread (`PendingBlock` joins chunks exactly as if their
/// records had been added one by one).
public struct ColumnSet {
    private(set) var names = ByteStringTable(capacity: 64)
    private(set) var columns: [FieldColumnBuilder] = []
    public private(set) var recordCount = 0
    /// Σ over added values of (projected value size + 1): the block estimate of doc/format.md §6.8.
    private(set) var estimate = 0
    /// Per field index: 1 + the last record routed by name that had the key, and at which
    /// position (what finds a duplicate key within a record).
    private var seenInRecord: [Int] = []
    private var seenAt: [Int] = []
    /// Per parsed field of the pending record: its field index, or -1 when a later duplicate
    /// replaces it. Until a record overwrites it, entry `i` is the previous record's: records
    /// mostly repeat their keys in order, so that field's name is compared before the key is
    /// hashed.
    private var route: [Int] = []
    /// The parser's `keySequence` for the record `route` was made for, when it routed every key
    /// (no duplicates), else 0: a record with the same keys is routed without looking at them.
    private var routedSequence = 0
    private var pendingEstimate = 0
    /// Whether `route` maps the record's keys, each once, to fields in increasing order.
    private var routeInOrder = true
    /// Whether every record added came with its keys in field order, each once: the records can
    /// then be written back from the columns with their keys as they came (`BlockEncoder.merge`).
    public private(set) var keysInFieldOrder = true
    /// Whether the record last routed has more distinct keys than a block may hold: routing
    /// stopped there, so that such a record costs no more than a block's worth of names.
    private var routedTooManyKeys = false

    public init() {}

    public var fieldCount: Int { names.count }

    /// Maps the parsed record's keys to fields, checking duplicate keys and per-value limits.
    /// Must precede `fits` and `add` for each record.
    mutating func route(_ parser: RecordParser, options: EncodingOptions, at place: RecordPlace) throws(JACError) {
        let fields = parser.fields
        pendingEstimate = 0
        routedTooManyKeys = false
        let sequence = parser.keySequence
        if sequence != 0 && sequence == routedSequence && fields.count == route.count {
            try parser.scratch.withBytes { (scratch) throws(JACError) in
                for field in fields {
                    try check(field, scratch, at: place)
                    pendingEstimate += FieldColumnBuilder.valueSize(field) + 1
                }
            }
            return
        }
        routedSequence = 0
        let fewer = fields.count <= route.count
        if route.count > fields.count { route.removeLast(route.count - fields.count) }
        try parser.scratch.withBytes { (scratch) throws(JACError) in
            let same = names.withEntries { entries in
                fields.withUnsafeBufferPointer { fields in
                    route.withUnsafeMutableBufferPointer { route in
                        var all = true
                        for i in 0 ..< route.count {
                            if route[i] < 0 || !entries.equals(route[i], UnsafeRawBufferPointer(rebasing: scratch[fields[i].key])) {
                                route[i] = -1
                                all = false
                            }
                        }
                        return all
                    }
                }
            }
            // The keys of the record before, or the first of them, at the same places: known
            // names, no duplicates (that record's surviving keys were distinct), so every field
            // is routed.
            if fewer && same {
                for field in fields {
                    try check(field, scratch, at: place)
                    pendingEstimate += FieldColumnBuilder.valueSize(field) + 1
                }
            } else {
                try routeByName(fields, scratch, options: options, at: place)
                if routedTooManyKeys { return }
                for (i, index) in route.enumerated() where index >= 0 {
                    pendingEstimate += FieldColumnBuilder.valueSize(fields[i]) + 1
                }
            }
        }
        if routedTooManyKeys {
            routedSequence = 0
            return
        }
        routeInOrder = route.first.map { $0 >= 0 } ?? true
        for i in route.indices.dropFirst() where route[i] <= route[i - 1] { routeInOrder = false }
        routedSequence = route.contains(-1) ? 0 : sequence
    }

    /// `route` for keys that are not all where the record before had them.
    private mutating func routeByName(_ fields: ArraySlice<JSONField>, _ scratch: UnsafeRawBufferPointer,
                                      options: EncodingOptions, at place: RecordPlace) throws(JACError) {
        let stamp = recordCount + 1
        var distinct = 0
        for (i, field) in fields.enumerated() {
            let key = UnsafeRawBufferPointer(rebasing: scratch[field.key])
            let guess = i < route.count ? route[i] : -1
            let index = guess >= 0 ? guess : names.intern(key).index
            if index == seenInRecord.count {
                guard key.count <= Limits.maxFieldNameBytes else {
                    throw place.error(.limitExceeded, "field name of \(key.count) bytes exceeds the limit \(Limits.maxFieldNameBytes)")
                }
                seenInRecord.append(0)
                seenAt.append(0)
            }
            if seenInRecord[index] == stamp {
                guard options.duplicateKeys == .last else {
                    throw place.error(.json, "duplicate key \"\(String(decoding: key, as: UTF8.self))\" in a record (use --duplicate-keys last to keep the last value)")
                }
                route[seenAt[index]] = -1
            } else {
                distinct += 1
                if distinct > Limits.maxFieldsPerBlock {
                    // The record cannot be stored (`checkKeyCount`); its other keys need no names.
                    route.removeAll()
                    routedTooManyKeys = true
                    return
                }
            }
            seenInRecord[index] = stamp
            seenAt[index] = i
            if i < route.count { route[i] = index } else { route.append(index) }
            try check(field, scratch, at: place)
        }
    }

    /// The per-value limits of doc/format.md §8.
    @inline(__always)
    private func check(_ field: JSONField, _ scratch: UnsafeRawBufferPointer, at place: RecordPlace) throws(JACError) {
        if field.kind == .decimal {
            if field.payload.count > Limits.maxDecimalDigits {
                throw place.error(.limitExceeded, "field \"\(String(decoding: scratch[field.key], as: UTF8.self))\": a number of \(field.payload.count) digits exceeds the limit \(Limits.maxDecimalDigits)")
            }
        } else if field.payload.count > Limits.maxStringBytes {
            throw place.error(.limitExceeded, "field \"\(String(decoding: scratch[field.key], as: UTF8.self))\": \(field.kind == .string ? "a string" : "nested JSON text") of \(field.payload.count) bytes exceeds the limit \(Limits.maxStringBytes)")
        }
    }

    /// Whether the routed record can join these columns without breaking a limit of
    /// doc/format.md §8 (the block-cutting rule). Throws when it could not even start a block.
    func fits(_ parser: RecordParser, options: EncodingOptions, at place: RecordPlace) throws(JACError) -> Bool {
        let empty = recordCount == 0
        if names.count > Limits.maxFieldsPerBlock {
            if empty { try checkKeyCount(at: place) }
            return false
        }
        if recordCount >= options.blockRecordLimit { return false }
        for (i, index) in route.enumerated() where index >= 0 {
            let valueSize = FieldColumnBuilder.valueSize(parser.fields[i])
            let current = index < columns.count ? columns[index].projectedSize(records: recordCount + 1)
                : BitPacking.byteCount(bits: recordCount + 1)
            if current + valueSize + 2 > options.segmentMaxBytes {
                if empty { throw place.error(.limitExceeded, "a value too large for one segment (\(options.segmentMaxBytes) bytes)") }
                return false
            }
        }
        if estimate + pendingEstimate > Limits.maxBlockUncompressedBytes {
            if empty { throw place.error(.limitExceeded, "a record too large for one block") }
            return false
        }
        return true
    }

    /// Throws when the routed record alone has more distinct keys than a block may hold.
    func checkKeyCount(at place: RecordPlace) throws(JACError) {
        if routedTooManyKeys || (recordCount == 0 && names.count > Limits.maxFieldsPerBlock) {
            throw place.error(.limitExceeded, "a record with more than \(Limits.maxFieldsPerBlock) distinct keys cannot be stored")
        }
    }

    /// Adds the routed record. Every routed index names a field, so the columns are made first
    /// and then written through one buffer pointer: no uniqueness check per value.
    mutating func add(_ parser: RecordParser, options: EncodingOptions) {
        while columns.count < names.count { appendColumn(options: options) }
        let record = recordCount
        parser.fields.withUnsafeBufferPointer { fields in
            parser.scratch.withUnsafeBytes { scratch in
                route.withUnsafeBufferPointer { route in
                    columns.withUnsafeMutableBufferPointer { columns in
                        for i in 0 ..< route.count where route[i] >= 0 {
                            columns[route[i]].append(fields[i], record: record, scratch: scratch)
                        }
                    }
                }
            }
        }
        estimate += pendingEstimate
        keysInFieldOrder = keysInFieldOrder && routeInOrder
        recordCount += 1
    }

    private mutating func appendColumn(options: EncodingOptions) {
        columns.append(FieldColumnBuilder(name: Array(names.entry(columns.count)), maxDictEntries: options.dictionaryEntryLimit))
    }

    /// The payloads of the block these columns make.
    func payloads(options: EncodingOptions) -> BlockPayloads {
        var order = Array(columns.indices)
        if options.canonicalizeKeys {
            order.sort { columns[$0].name.lexicographicallyPrecedes(columns[$1].name) }
        }
        return BlockPayloads(recordCount: recordCount, fields: order.map { columns[$0].payload(records: recordCount) })
    }
}

/// Where a record came from, for error messages.
struct RecordPlace {
    var line: Int
    var column: Int

    func error(_ kind: JACError.Kind, _ message: String) -> JACError {
        JACError(kind, "line \(line), column \(column): \(message)")
    }
}
