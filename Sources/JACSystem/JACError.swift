/// Every failure in jac is a `JACError`: a category (as in doc/format.md §9.7, so messages can be
/// compared with the reference implementation's) and a one-line message naming where.
public struct JACError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: String, Sendable {
        case invalidMagic = "invalid magic"
        case unsupportedVersion = "unsupported version"
        case corruptHeader = "corrupt header"
        case corruptBlock = "corrupt block"
        case corruptIndex = "corrupt index"
        case checksumMismatch = "checksum mismatch"
        case unexpectedEOF = "unexpected end of data"
        case decompressError = "decompression failed"
        case limitExceeded = "limit exceeded"
        case typeMismatch = "type mismatch"
        case dictionaryError = "dictionary error"
        case unsupportedFeature = "unsupported feature"
        case unsupportedCompression = "unsupported compression"
        case io = "I/O error"
        case json = "invalid JSON"
        case frame = "bad frame stream"
        case usage = "usage"
        case mismatch = "records differ"
        case bug = "internal error"
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The same error with a location ("block 3", "field \"ts\"") put in front of its message.
    public func at(_ location: String) -> JACError {
        JACError(kind, "\(location): \(message)")
    }

    /// An error about a record ("line 3, column 1: ...") with the input's name in front, so a
    /// stage reading a file says which (errors about anything else already name what they are about).
    public func naming(input name: String) -> JACError {
        message.hasPrefix("line ") ? at(name) : self
    }

    /// The error with `name`, the input it is about, in front (see `ByteSource.displayName(of:)`):
    /// every message about bad data names its file. Messages that start with the name already,
    /// and I/O and usage errors (about a file or an option they name), are left as they are.
    public func naming(file name: String) -> JACError {
        kind == .io || kind == .usage || message.hasPrefix(name + ": ") ? self : at(name)
    }

    public var description: String { "\(message) (\(kind.rawValue))" }
}

extension JACError {
    /// Runs `body`, prefixing the location to any `JACError` it throws.
    @inlinable
    public static func locating<T>(_ location: @autoclosure () -> String,
                                   _ body: () throws(JACError) -> T) throws(JACError) -> T {
        do {
            return try body()
        } catch {
            throw error.at(location())
        }
    }
}
