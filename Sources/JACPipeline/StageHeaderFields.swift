import JACCompression
import JACJSON
import JACWire

// The file header fields each stage decides, so that `jac-split | jac-squeeze | jac-assemble` and
// `jac pack` build the same header from the same options.

extension SplitOptions {
    /// The header fields the split stage knows: container kind and block size hint.
    public func fileHeader(mode: InputMode) -> FileHeader {
        var h = FileHeader()
        h.containerHint = mode == .jsonArray ? .jsonArray : .ndjson
        h.blockSizeHintRecords = blockRecords
        return h
    }
}

extension SqueezeOptions {
    /// Sets the header fields the squeeze stage decides: key order flag, codec, segment limit.
    public func apply(to h: inout FileHeader) {
        h.canonicalizeKeys = encoding.canonicalizeKeys
        h.defaultCompressor = codec.id
        h.defaultLevel = codec.levelByte
        h.userMetadata = encoding.segmentMaxBytes == Limits.defaultSegmentMaxBytes ? []
            : Array("{\"segment_max_bytes\":\(encoding.segmentMaxBytes)}".utf8)
    }
}
