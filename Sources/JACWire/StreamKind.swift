/// What a stream given to the wrong tool is, from its first bytes, so that the error can say
/// what to run before it (a pipeline stage fed NDJSON, `jac unpack` fed a frame stream).
public enum StreamKind: Sendable, Equatable {
    case ndjson, jsonArray, frameStream, archive, unknown

    /// A jac frame stream's magic (jac-frames(5)); it begins with `FileHeader.magic`.
    public static let frameStreamMagic: [UInt8] = [0x4a, 0x41, 0x43, 0x46]

    public init(head: UnsafeRawBufferPointer) {
        if head.starts(with: StreamKind.frameStreamMagic) {
            self = .frameStream
        } else if head.starts(with: FileHeader.magic) {
            self = .archive
        } else {
            // JSON text, after any whitespace: an object (NDJSON) or an array.
            switch head.first(where: { $0 != 0x20 && $0 != 0x0a && $0 != 0x0d && $0 != 0x09 }) {
            case UInt8(ascii: "{"): self = .ndjson
            case UInt8(ascii: "["): self = .jsonArray
            default: self = .unknown
            }
        }
    }

    /// Why an archive reader refuses the stream, when it is one jac makes from or for an archive.
    public var notAnArchive: String? {
        switch self {
        case .ndjson, .jsonArray: "input is JSON text, not a JAC archive: pack it with jac pack"
        case .frameStream: "input is a jac frame stream, not a JAC archive: jac-assemble makes it one (after jac-squeeze, for jac-split's)"
        case .archive, .unknown: nil
        }
    }
}
