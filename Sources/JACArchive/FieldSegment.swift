import JACCodec
import JACCompression
import JACWire

/// One field of a block once compressed: its directory entry (all but the segment's offset,
/// which the block's layout decides) and the compressed bytes. The payload it was made from is
/// no longer needed, so a block's fields can be finished one by one without holding them all.
public struct FieldSegment: Sendable {
    public var entry: FieldDirectoryEntry
    public var bytes: [UInt8]

    public init(payload: FieldPayload, compressed: [UInt8], codec: Codec) {
        entry = FieldDirectoryEntry(
            name: payload.name, compressor: codec.id.rawValue, level: codec.levelByte,
            presenceBytes: payload.presenceBytes, tagBytes: payload.tagBytes,
            valueCountPresent: payload.valueCountPresent, encodingFlags: payload.encodingFlags,
            dictEntryCount: payload.dictEntryCount, uncompressedLength: payload.bytes.count,
            compressedLength: compressed.count, segmentOffset: 0)
        bytes = compressed
    }
}
