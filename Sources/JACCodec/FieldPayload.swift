import JACWire

/// One field's uncompressed segment payload (FORMAT.md §5) with the directory values that
/// describe it; compression turns it into a directory entry and segment bytes.
public struct FieldPayload: Sendable {
    public var name: [UInt8]
    public var valueCountPresent: Int
    public var encodingFlags: UInt64
    public var dictEntryCount: Int
    public var presenceBytes: Int
    public var tagBytes: Int
    public var bytes: [UInt8]

    public init(name: [UInt8], valueCountPresent: Int, encodingFlags: UInt64, dictEntryCount: Int,
                presenceBytes: Int, tagBytes: Int, bytes: [UInt8]) {
        self.name = name
        self.valueCountPresent = valueCountPresent
        self.encodingFlags = encodingFlags
        self.dictEntryCount = dictEntryCount
        self.presenceBytes = presenceBytes
        self.tagBytes = tagBytes
        self.bytes = bytes
    }
}

/// The fields of one block, in directory order, before compression.
public struct BlockPayloads: Sendable {
    public var recordCount: Int
    public var fields: [FieldPayload]

    public init(recordCount: Int, fields: [FieldPayload]) {
        self.recordCount = recordCount
        self.fields = fields
    }
}
