import JACCodec
import JACCompression
import JACWire

/// One block as read from an archive, checked for length but not yet for content.
public struct ArchiveBlock: Sendable {
    /// Block number in file order, from 0.
    public var number: Int
    /// File offset of the block magic.
    public var offset: Int
    public var bytes: [UInt8]

    public init(number: Int, offset: Int, bytes: [UInt8]) {
        self.number = number
        self.offset = offset
        self.bytes = bytes
    }

    /// The header's record count, read without parsing the directory (0 when unreadable; a
    /// full decode checks the header properly).
    public var recordCount: Int {
        bytes.withUnsafeBytes { BlockHeader.recordCount(peeking: $0) ?? 0 }
    }
}

/// Checks and decodes blocks: CRC, directory limits, tiling, then the segments asked for.
/// Holds a decompression context: keep one per thread.
public final class BlockDecoder {
    private let decompressor = SegmentDecompressor()
    public var segmentLimit: Int

    public init(segmentLimit: Int = Limits.defaultSegmentMaxBytes) {
        self.segmentLimit = segmentLimit
    }

    /// Parses and checks the block's frame (doc/format.md §9.2 steps 1-3). Returns the header and the
    /// offset of the segment area.
    public func open(_ block: ArchiveBlock) throws(JACError) -> (BlockHeader, Int) {
        try block.bytes.withBytes { (p) throws(JACError) in
            let (header, areaStart) = try BlockHeader.decode(p, segmentLimit: segmentLimit)
            guard p.count >= areaStart + 4 else { throw JACError(.unexpectedEOF, "block is truncated") }
            guard CRC32C.isStored(in: p, at: p.count - 4) else {
                throw JACError(.checksumMismatch, "block CRC does not match its contents")
            }
            try header.checkTiling(segmentAreaLength: p.count - 4 - areaStart)
            return (header, areaStart)
        }
    }

    /// Decodes the named fields (all when `fields` is nil), in directory order. Errors name the
    /// block and field.
    public func decode(_ block: ArchiveBlock, fields wanted: Set<[UInt8]>? = nil) throws(JACError) -> (BlockHeader, [FieldColumn]) {
        try JACError.locating("block \(block.number) at offset \(block.offset)") { () throws(JACError) in
            let (header, areaStart) = try open(block)
            var columns: [FieldColumn] = []
            for entry in header.fields where wanted?.contains(entry.name) ?? true {
                let start = areaStart + entry.segmentOffset
                columns.append(try block.bytes.withBytes { (p) throws(JACError) in
                    try column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                               recordCount: header.recordCount)
                })
            }
            return (header, columns)
        }
    }

    /// Checks the whole block as a full decode does (frame, then every segment decompressed and
    /// decoded, one at a time) without keeping the columns; returns its header.
    public func check(_ block: ArchiveBlock) throws(JACError) -> BlockHeader {
        let (header, areaStart) = try open(block)
        try block.bytes.withBytes { (p) throws(JACError) in
            for entry in header.fields {
                let start = areaStart + entry.segmentOffset
                _ = try column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                               recordCount: header.recordCount)
            }
        }
        return header
    }

    /// Decompresses and checks one field's segment (doc/format.md §9.3); errors name the field.
    /// Used for whole blocks and for segments read on their own (projection by index).
    /// `deferringNested`: as `FieldColumn`'s, for a checker that splits the rest.
    public func column(_ entry: FieldDirectoryEntry, segment: UnsafeRawBufferPointer,
                       recordCount: Int, deferringNested: Bool = false) throws(JACError) -> FieldColumn {
        try JACError.locating("field \"\(entry.nameString)\"") { () throws(JACError) in
            guard entry.uncompressedLength <= segmentLimit else {
                throw JACError(.limitExceeded, "segment of \(entry.uncompressedLength) bytes is over the limit of \(segmentLimit)")
            }
            let payload = try decompressor.decompress(segment, compressor: entry.compressor,
                                                      expectedLength: entry.uncompressedLength)
            return try FieldColumn(entry: entry, recordCount: recordCount, payload: payload, deferringNested: deferringNested)
        }
    }
}
