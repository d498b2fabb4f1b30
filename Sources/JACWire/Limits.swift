/// The limits the reference reader enforces (FORMAT.md §8). Our writer stays inside them by
/// default, and our readers check them before allocating anything a length field asks for.
public enum Limits {
    public static let maxRecordsPerBlock = 100_000
    public static let maxFieldsPerBlock = 4_096
    public static let defaultSegmentMaxBytes = 64 << 20
    public static let maxBlockUncompressedBytes = 256 << 20
    public static let maxDictionaryEntries = 4_096
    public static let maxStringBytes = 16 << 20
    public static let maxDecimalDigits = 65_536
    public static let maxPresenceOrTagBytes = 32 << 20
    public static let maxVarintBytes = 10
}
