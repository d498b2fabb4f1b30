/// The file header (doc/format.md §3): magic, version, flags, default codec, block size hint and
/// optional user metadata.
public struct FileHeader: Equatable, Sendable {
    public static let magic: [UInt8] = [0x4a, 0x41, 0x43]
    public static let version: UInt8 = 1

    /// Flags bits 3-4: how the records were contained in the input.
    public enum ContainerHint: UInt32, Sendable {
        case unknown = 0
        case ndjson = 1
        case jsonArray = 2
    }

    public var canonicalizeKeys = false
    public var canonicalizeNumbers = false
    public var containerHint = ContainerHint.ndjson
    /// Flags bit 5, a jac convention other JAC v1 readers ignore: an index footer follows the
    /// blocks, so a file that ends without one was cut short (after a block, or right after this
    /// header) instead of written with no index.
    public var indexFollows = false
    public var defaultCompressor = CompressorID.zstd
    public var defaultLevel: UInt8 = 6
    public var blockSizeHintRecords = 100_000
    public var userMetadata: [UInt8] = []

    public static let indexFollowsFlag: UInt32 = 0x20

    public init() {}

    public var flags: UInt32 {
        (canonicalizeKeys ? 1 : 0) | (canonicalizeNumbers ? 2 : 0) | 4 | containerHint.rawValue << 3
            | (indexFollows ? FileHeader.indexFollowsFlag : 0)
    }

    public func encoded() -> [UInt8] {
        var out = FileHeader.magic
        out.append(FileHeader.version)
        out.appendUInt32LE(flags)
        out.append(defaultCompressor.rawValue)
        out.append(defaultLevel)
        Varint.append(blockSizeHintRecords, to: &out)
        Varint.append(userMetadata.count, to: &out)
        out.append(contentsOf: userMetadata)
        return out
    }

    /// Parses a header from the start of `bytes`; returns it and its encoded length.
    /// `defaultCompressor` is read but may hold ids we do not know; it is informational only.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(JACError) -> (FileHeader, Int) {
        if let wrong = StreamKind(head: bytes).notAnArchive { throw JACError(.invalidMagic, wrong) }
        guard bytes.count >= 10 else {
            if bytes.count >= 3, !bytes.prefix(3).elementsEqual(magic) {
                throw JACError(.invalidMagic, "not a JAC archive (bad magic)")
            }
            throw JACError(.unexpectedEOF, "file is shorter than a JAC file header (\(bytes.count) bytes)")
        }
        guard bytes.prefix(3).elementsEqual(magic) else {
            throw JACError(.invalidMagic, "not a JAC archive (bad magic)")
        }
        guard bytes[3] == version else {
            throw JACError(.unsupportedVersion, "unsupported JAC version \(bytes[3])")
        }
        var r = ByteReader(bytes, position: 4)
        let flags = try r.readUInt32LE()
        var h = FileHeader()
        h.canonicalizeKeys = flags & 1 != 0
        h.canonicalizeNumbers = flags & 2 != 0
        guard let hint = ContainerHint(rawValue: (flags >> 3) & 3) else {
            throw JACError(.unsupportedFeature, "reserved container hint 3 in the file header")
        }
        h.containerHint = hint
        h.indexFollows = flags & indexFollowsFlag != 0
        h.defaultCompressor = CompressorID(rawValue: try r.readByte()) ?? .zstd
        h.defaultLevel = try r.readByte()
        h.blockSizeHintRecords = Int(clamping: try r.readVarint())
        let metaLen = try r.readLength(limit: Limits.maxMetadataBytes, "user metadata length")
        let meta = try r.readBytes(metaLen)
        if !meta.isEmpty, meta.allSatisfy({ $0 == 0 }) {
            throw JACError(.corruptHeader, "user metadata is all zero bytes")
        }
        h.userMetadata = Array(meta)
        return (h, r.position)
    }

    /// `segment_max_bytes` from the user metadata, when present (doc/format.md §3).
    public var segmentMaxBytes: Int? {
        let prefix = Array("{\"segment_max_bytes\":".utf8)
        guard userMetadata.count > prefix.count + 1, userMetadata.starts(with: prefix),
              userMetadata.last == UInt8(ascii: "}") else { return nil }
        var v = 0
        for b in userMetadata[prefix.count ..< userMetadata.count - 1] {
            guard b >= 0x30, b <= 0x39, v < Int.max / 10 - 9 else { return nil }
            v = v * 10 + Int(b - 0x30)
        }
        return v
    }
}
