import JACWire

/// A block whose field payloads are still to be laid out, one field at a time, so that the
/// fields of one large block are finished (and then compressed) on several threads.
///
/// A block encoded in chunks keeps its chunks' columns: a field's payload is laid out from that
/// field's columns in every chunk, in order, which gives exactly the bytes of adding the records
/// one by one. A block encoded record by record already has its payloads.
public final class PendingBlock: @unchecked Sendable {
    public let recordCount: Int
    private let source: Source

    private enum Source {
        case payloads([FieldPayload])
        case chunks([JoinedField])
    }

    /// One field's columns in the chunks that have it, until its payload is taken. A class: the
    /// fields of one block are taken on several threads at once, each its own.
    private final class JoinedField {
        let name: [UInt8]
        var parts: [ColumnPart]
        var size = ColumnSize()

        init(_ first: ColumnPart) {
            name = first.column.name
            parts = [first]
        }
    }

    public init(_ payloads: BlockPayloads) {
        recordCount = payloads.recordCount
        source = .payloads(payloads.fields)
    }

    /// Joins the chunks of one block (in record order), or returns nil when the joined block
    /// would break a limit of doc/format.md §8 or might lay out past one (`ColumnSize.bound`): the
    /// block is then encoded record by record, which cuts it and checks what it lays out. The
    /// quantities only grow, so checking the totals is enough.
    init?(joining chunks: [ColumnSet], options: EncodingOptions) {
        var names = ByteStringTable(capacity: 64)
        var fields: [JoinedField] = []
        var records = 0
        var estimate = 0
        for chunk in chunks {
            for (i, column) in chunk.columns.enumerated() {
                let index = chunk.names.withEntry(i) { names.intern($0).index }
                let part = ColumnPart(column: column, firstRecord: records)
                if index == fields.count {
                    fields.append(JoinedField(part))
                } else {
                    fields[index].parts.append(part)
                }
                fields[index].size += column.size
            }
            records += chunk.recordCount
            estimate += chunk.estimate
        }
        var bound = 0
        var nameBytes = 0
        for field in fields {
            let b = field.size.bound(records: records)
            guard b + 2 <= options.segmentMaxBytes else { return nil }
            bound += b
            nameBytes += field.name.count
        }
        guard fields.count <= Limits.maxFieldsPerBlock, records <= options.blockRecordLimit,
              estimate <= Limits.maxBlockUncompressedBytes, bound <= Limits.maxBlockUncompressedBytes,
              BlockHeader.bodyLengthBound(fields: fields.count, nameBytes: nameBytes) <= Limits.maxBlockHeaderBytes
        else { return nil }
        if options.canonicalizeKeys {
            fields.sort { $0.name.lexicographicallyPrecedes($1.name) }
        }
        recordCount = records
        source = .chunks(fields)
    }

    public var fieldCount: Int {
        switch source {
        case .payloads(let payloads): payloads.count
        case .chunks(let fields): fields.count
        }
    }

    /// About how many bytes field `f`'s payload has: the longest fields are started first.
    public func sizeHint(field f: Int) -> Int {
        switch source {
        case .payloads(let payloads): payloads[f].bytes.count
        case .chunks(let fields): fields[f].size.projected(records: recordCount)
        }
    }

    /// The payload of field `f` (in directory order), once per field: the field's columns are
    /// let go, so that a block's memory shrinks as its fields are finished. Fields may be taken
    /// on several threads at once.
    public func takePayload(field f: Int) -> FieldPayload {
        switch source {
        case .payloads(let payloads):
            return payloads[f]
        case .chunks(let fields):
            let parts = fields[f].parts
            fields[f].parts = []
            return FieldColumnBuilder.payload(joining: parts, records: recordCount)
        }
    }
}
