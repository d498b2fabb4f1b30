/// The kind of a JSON value, numbered like the format's type tags (FORMAT.md §5.1) so a kind
/// converts to its tag without a table.
public enum JSONKind: UInt8, Sendable {
    case null = 0
    case bool = 1
    case int = 2
    case decimal = 3
    case string = 4
    case object = 5
    case array = 6
}
