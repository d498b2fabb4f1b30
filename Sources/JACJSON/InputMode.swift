/// How the input text holds its records.
public enum InputMode: Sendable, Equatable {
    /// Decide from the first non-whitespace byte: `[` means `jsonArray`, anything else `ndjson`.
    case auto
    /// A whitespace-separated sequence of objects: NDJSON, pretty-printed or concatenated.
    case ndjson
    /// One JSON array whose elements are the records.
    case jsonArray
}
