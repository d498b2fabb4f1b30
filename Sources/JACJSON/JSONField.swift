/// One top-level member of a parsed record. Byte contents live in the parser's `scratch`
/// buffer (`key`, `payload` are ranges into it), so parsing a record allocates nothing per field.
public struct JSONField: Sendable, Equatable {
    /// The key, unescaped UTF-8.
    public var key: Range<Int>
    public var kind: JSONKind
    /// The value of a `.bool`.
    public var bool: Bool
    /// The value of an `.int`.
    public var int: Int64
    /// `.string`: the unescaped UTF-8. `.object`/`.array`: canonical minified JSON text.
    /// `.decimal`: ASCII digits without leading zeros (a single `0` for zero). Empty otherwise.
    public var payload: Range<Int>
    /// `.decimal` only: the number was written with a leading `-`.
    public var negative: Bool
    /// `.decimal` only: value = (−1)^negative × digits × 10^exponent.
    public var exponent: Int32

    public init(key: Range<Int>, kind: JSONKind, bool: Bool = false, int: Int64 = 0,
                payload: Range<Int>, negative: Bool = false, exponent: Int32 = 0) {
        self.key = key
        self.kind = kind
        self.bool = bool
        self.int = int
        self.payload = payload
        self.negative = negative
        self.exponent = exponent
    }
}
