import JACCodec
import JACCompression
import JACWire

/// A finished block: header, directory, compressed segments and CRC, ready to be written.
public struct EncodedBlock: Sendable, Equatable {
    public var bytes: [UInt8]
    public var recordCount: Int

    public init(bytes: [UInt8], recordCount: Int) {
        self.bytes = bytes
        self.recordCount = recordCount
    }

    /// Lays out a block from its payloads and their compressed segments (same order).
    public init(payloads: BlockPayloads, segments: [[UInt8]], codec: Codec) {
        var offset = 0
        var entries: [FieldDirectoryEntry] = []
        entries.reserveCapacity(payloads.fields.count)
        for (field, segment) in zip(payloads.fields, segments) {
            entries.append(FieldDirectoryEntry(
                name: field.name, compressor: codec.id.rawValue, level: codec.levelByte,
                presenceBytes: field.presenceBytes, tagBytes: field.tagBytes,
                valueCountPresent: field.valueCountPresent, encodingFlags: field.encodingFlags,
                dictEntryCount: field.dictEntryCount, uncompressedLength: field.bytes.count,
                compressedLength: segment.count, segmentOffset: offset))
            offset += segment.count
        }
        var out = BlockHeader(recordCount: payloads.recordCount, fields: entries).encoded()
        out.reserveCapacity(out.count + offset + 4)
        for segment in segments { out.append(contentsOf: segment) }
        out.appendUInt32LE(CRC32C.checksum(out))
        self.init(bytes: out, recordCount: payloads.recordCount)
    }

    /// Compresses every segment on this thread and lays out the block.
    public init(payloads: BlockPayloads, codec: Codec, compressor: SegmentCompressor) throws(JACError) {
        var segments: [[UInt8]] = []
        segments.reserveCapacity(payloads.fields.count)
        for field in payloads.fields {
            segments.append(try compressor.compress(field.bytes, codec: codec))
        }
        self.init(payloads: payloads, segments: segments, codec: codec)
    }
}
