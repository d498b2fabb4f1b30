import JACWire

/// The kind of a parsed JSON value. It is the format's type tag itself (doc/format.md §5.1), so a
/// parsed value's kind is stored as is.
public typealias JSONKind = TypeTag
