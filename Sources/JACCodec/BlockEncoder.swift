import JACJSON
import JACWire

/// Turns the records of a raw block into field payloads: parses each record, routes its values
/// to columns, and cuts the block further when a format limit would be exceeded (so one raw
/// block may give several blocks, always the same ones for the same records and options).
/// Reuses its buffers from block to block: keep one per thread.
public final class BlockEncoder {
    public let options: EncodingOptions
    private var parser = RecordParser()
    private var names = ByteStringTable(capacity: 64)
    private var columns: [ColumnBuilder] = []
    private var recordCount = 0
    private var blockBytes = 0
    /// Per field name index: 1 + the block record that last had the key, and at which position.
    private var seenInRecord: [Int] = []
    private var seenAt: [Int] = []
    /// Per parsed field of the current record: its field index, or -1 when a later
    /// duplicate replaces it.
    private var route: [Int] = []

    public init(options: EncodingOptions) {
        self.options = options
    }

    /// The blocks the records of `raw` make, in order.
    public func encode(_ raw: RawBlock) throws(JACError) -> [BlockPayloads] {
        var blocks: [BlockPayloads] = []
        reset()
        for r in 0 ..< raw.recordCount {
            try parse(raw, record: r)
            if try !fits(raw, record: r) {
                blocks.append(finish())
                reset()
                guard try fits(raw, record: r) else {
                    throw JACError(.bug, "record does not fit an empty block")
                }
            }
            add()
        }
        if recordCount > 0 { blocks.append(finish()) }
        reset()
        return blocks
    }

    private func reset() {
        names.removeAll()
        columns.removeAll(keepingCapacity: true)
        recordCount = 0
        blockBytes = 0
        seenInRecord.removeAll(keepingCapacity: true)
        seenAt.removeAll(keepingCapacity: true)
    }

    private func parse(_ raw: RawBlock, record r: Int) throws(JACError) {
        try raw.text.withBytes { (text) throws(JACError) in
            try parser.parse(UnsafeRawBufferPointer(rebasing: text[raw.range(of: r)]),
                             line: raw.lines[r], column: raw.columns[r])
        }
    }

    /// Routes the parsed record to field indices and checks it can join the current block.
    /// Returns false when the block must be cut first; throws when the record can never fit.
    private func fits(_ raw: RawBlock, record r: Int) throws(JACError) -> Bool {
        let fields = parser.fields
        route.removeAll(keepingCapacity: true)
        let stamp = recordCount + 1
        var recordBytes = 0
        let fail = { (message: String) -> JACError in
            JACError(.limitExceeded, "line \(raw.lines[r]), column \(raw.columns[r]): \(message)")
        }
        try parser.scratch.withBytes { (scratch) throws(JACError) in
            for (i, field) in fields.enumerated() {
                let key = UnsafeRawBufferPointer(rebasing: scratch[field.key])
                let index = names.intern(key).index
                if index == seenInRecord.count {
                    seenInRecord.append(0)
                    seenAt.append(0)
                }
                if seenInRecord[index] == stamp {
                    guard options.duplicateKeys == .last else {
                        throw JACError(.json, "line \(raw.lines[r]), column \(raw.columns[r]): duplicate key \"\(String(decoding: key, as: UTF8.self))\" in a record (use --duplicate-keys last to keep the last value)")
                    }
                    route[seenAt[index]] = -1
                }
                seenInRecord[index] = stamp
                seenAt[index] = i
                route.append(index)
                if field.payload.count > Limits.maxStringBytes, field.kind != .decimal {
                    throw fail("a value of \(field.payload.count) bytes is over the 16 MiB limit")
                }
                if field.kind == .decimal, field.payload.count > Limits.maxDecimalDigits {
                    throw fail("a number with \(field.payload.count) digits is over the 65536-digit limit")
                }
            }
        }
        if names.count > Limits.maxFieldsPerBlock {
            if recordCount == 0 { throw fail("a record with more than \(Limits.maxFieldsPerBlock) distinct keys cannot be stored") }
            return false
        }
        if recordCount >= options.maxRecordsPerBlock { return false }
        for (i, index) in route.enumerated() where index >= 0 {
            let valueSize = ColumnBuilder.valueSize(fields[i])
            recordBytes += valueSize + 1
            let current = index < columns.count ? columns[index].projectedSize(records: recordCount + 1)
                : BitPacking.byteCount(bits: recordCount + 1)
            if current + valueSize + 2 > options.segmentMaxBytes {
                if recordCount == 0 { throw fail("a value too large for one segment (\(options.segmentMaxBytes) bytes)") }
                return false
            }
        }
        if blockBytes + recordBytes > Limits.maxBlockUncompressedBytes {
            if recordCount == 0 { throw fail("a record too large for one block") }
            return false
        }
        blockBytes += recordBytes
        return true
    }

    private func add() {
        let fields = parser.fields
        parser.scratch.withUnsafeBytes { scratch in
            for (i, index) in route.enumerated() where index >= 0 {
                while columns.count <= index {
                    columns.append(ColumnBuilder(name: Array(names.entry(columns.count)),
                                                 maxDictEntries: options.maxDictEntries))
                }
                columns[index].append(fields[i], record: recordCount, scratch: scratch)
            }
        }
        recordCount += 1
    }

    private func finish() -> BlockPayloads {
        var order = Array(columns.indices)
        if options.canonicalizeKeys {
            order.sort { columns[$0].name.lexicographicallyPrecedes(columns[$1].name) }
        }
        return BlockPayloads(recordCount: recordCount,
                             fields: order.map { columns[$0].payload(records: recordCount) })
    }
}
