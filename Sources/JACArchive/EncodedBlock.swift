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

    /// Lays out a block from its fields' segments, in directory order.
    public init(recordCount: Int, fields: [FieldSegment]) {
        var offset = 0
        var entries: [FieldDirectoryEntry] = []
        entries.reserveCapacity(fields.count)
        for field in fields {
            var entry = field.entry
            entry.segmentOffset = offset
            entries.append(entry)
            offset += field.bytes.count
        }
        var out = BlockHeader(recordCount: recordCount, fields: entries).encoded()
        out.reserveCapacity(out.count + offset + 4)
        for field in fields { out.append(contentsOf: field.bytes) }
        out.appendUInt32LE(CRC32C.checksum(out))
        self.init(bytes: out, recordCount: recordCount)
    }

    /// Lays out a block from its payloads and their compressed segments (same order).
    public init(payloads: BlockPayloads, segments: [[UInt8]], codec: Codec) {
        self.init(recordCount: payloads.recordCount, fields: zip(payloads.fields, segments).map {
            FieldSegment(payload: $0, compressed: $1, codec: codec)
        })
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
