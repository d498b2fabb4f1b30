/// The 3-bit type tag stored per present value (doc/format.md §5.1). Tag 7 is reserved.
public enum TypeTag: UInt8, Sendable, CaseIterable {
    case null = 0
    case bool = 1
    case int = 2
    case decimal = 3
    case string = 4
    case object = 5
    case array = 6

    /// The name of each 3-bit tag value, as `jac ls` prints it; 7 is "reserved".
    public static let names = ["null", "bool", "int", "decimal", "string", "object", "array", "reserved"]
}

/// Compressor ids of a directory entry (doc/format.md §4.3). `lz4` is our extension: other JAC v1
/// readers answer it with "unsupported compression".
public enum CompressorID: UInt8, Sendable {
    case none = 0
    case zstd = 1
    case lz4 = 0x40
}
