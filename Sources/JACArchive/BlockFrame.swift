import JACWire

/// Where a block's bytes end, from its header alone (doc/format.md §4.4). Shared by the streaming
/// reader, the file scanner and salvage, so a block is delimited by one rule.
public enum BlockFrame {
    /// Bytes to read at a block's start to know its header length: magic plus the longest
    /// header-length varint we accept.
    public static let prefixLength = 14

    /// The length of magic + header-length varint + header body, from the first bytes of a block
    /// (at least `prefixLength`, or all that remain).
    public static func headerExtent(_ prefix: UnsafeRawBufferPointer) throws(JACError) -> Int {
        guard prefix.count >= 4 else { throw JACError(.unexpectedEOF, "data ends inside a block magic") }
        guard prefix.prefix(4).elementsEqual(BlockHeader.magic) else { throw JACError(.corruptBlock, "bad block magic") }
        var r = ByteReader(prefix, position: 4)
        let headerLen = try r.readLength(limit: Limits.maxBlockHeaderBytes, "block header length")
        return r.position + headerLen
    }

    /// Parses the header (all `headerExtent` bytes) and returns it, the segment area's offset and
    /// the whole block's length. A compressed length far beyond its uncompressed length is
    /// refused before anything is allocated for it.
    public static func parse(_ headerBytes: UnsafeRawBufferPointer,
                             segmentLimit: Int) throws(JACError) -> (header: BlockHeader, areaStart: Int, length: Int) {
        let (header, areaStart) = try BlockHeader.decode(headerBytes, segmentLimit: segmentLimit)
        var area = 0
        for f in header.fields {
            guard f.compressedLength <= f.uncompressedLength + f.uncompressedLength / 64 + (1 << 16) else {
                throw JACError(.limitExceeded, "field \"\(f.nameString)\" claims \(f.compressedLength) compressed bytes for \(f.uncompressedLength)")
            }
            area += f.compressedLength
        }
        return (header, areaStart, areaStart + area + 4)
    }
}
