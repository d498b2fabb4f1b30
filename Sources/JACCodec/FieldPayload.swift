import JACWire

/// One field's uncompressed segment payload (doc/format.md §5) with the directory values that
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

    /// The directory entry of this payload stored as it is (compressor 0).
    fileprivate var storedEntry: FieldDirectoryEntry {
        FieldDirectoryEntry(name: name, compressor: 0, level: 0, presenceBytes: presenceBytes, tagBytes: tagBytes,
                            valueCountPresent: valueCountPresent, encodingFlags: encodingFlags,
                            dictEntryCount: dictEntryCount, uncompressedLength: bytes.count,
                            compressedLength: bytes.count, segmentOffset: 0)
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

    /// About what the block holds in memory: its payloads and names, and for each field what
    /// its payload's own arrays cost besides.
    public var heldBytes: Int {
        fields.reduce(0) { $0 + $1.bytes.count + $1.name.count + 128 }
    }

    /// The fields read back as a reader decodes them, without compressing them: what
    /// `BlockEncoder` writes a chunk's records again from.
    public func storedColumns() throws(JACError) -> [FieldColumn] {
        try fields.map { (f) throws(JACError) in
            try FieldColumn(entry: f.storedEntry, recordCount: recordCount, payload: f.bytes)
        }
    }

    /// Why a reader would refuse this block (doc/format.md §4.5, §8; Limits.swift), or nil: the
    /// encoder's check of what it actually laid out, against the limits the readers check, with
    /// `segmentLimit` the one the file header gives them.
    public func limitProblem(segmentLimit: Int) -> String? {
        guard recordCount <= Limits.maxRecordsPerBlock, fields.count <= Limits.maxFieldsPerBlock else {
            return "a block of \(recordCount) records and \(fields.count) fields exceeds the limits \(Limits.maxRecordsPerBlock) and \(Limits.maxFieldsPerBlock)"
        }
        var total = 0
        var nameBytes = 0
        for f in fields {
            let what = { "field \"\(String(decoding: f.name, as: UTF8.self))\"" }
            guard f.bytes.count <= segmentLimit else {
                return "\(what()): a payload of \(f.bytes.count) bytes exceeds the segment limit \(segmentLimit)"
            }
            guard f.dictEntryCount <= Limits.maxDictionaryEntries, f.name.count <= Limits.maxFieldNameBytes,
                  max(f.presenceBytes, f.tagBytes) <= Limits.maxPresenceOrTagBytes else {
                return "\(what()): its dictionary, name, presence or tag bytes exceed their limits"
            }
            total += f.bytes.count
            nameBytes += f.name.count
        }
        guard total <= Limits.maxBlockUncompressedBytes else {
            return "a block of \(total) payload bytes exceeds the limit \(Limits.maxBlockUncompressedBytes)"
        }
        let header = BlockHeader.bodyLengthBound(fields: fields.count, nameBytes: nameBytes)
        guard header <= Limits.maxBlockHeaderBytes else {
            return "a block header of up to \(header) bytes exceeds the limit \(Limits.maxBlockHeaderBytes)"
        }
        return nil
    }
}
