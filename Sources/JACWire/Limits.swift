/// The limits the reference reader enforces (doc/format.md §8), and the few of our own. One table
/// for both sides: our readers check them before allocating anything a length field asks for,
/// and our writer checks the same values before it writes (a writer enforces every limit its
/// readers enforce).
public enum Limits {
    public static let maxRecordsPerBlock = 100_000
    public static let maxFieldsPerBlock = 4_096
    public static let defaultSegmentMaxBytes = 64 << 20
    public static let maxBlockUncompressedBytes = 256 << 20
    public static let maxDictionaryEntries = 4_096
    public static let maxFieldNameBytes = 16 << 20
    public static let maxStringBytes = 16 << 20
    public static let maxDecimalDigits = 65_536
    public static let maxPresenceOrTagBytes = 32 << 20
    public static let maxMetadataBytes = 16 << 20
    /// Ours: a block header (its body, doc/format.md §4.1) longer than this is refused before it is read.
    public static let maxBlockHeaderBytes = 1 << 30
    /// Ours: the index footer with its pointer; a stream reader holds it whole.
    public static let maxIndexFooterBytes = 64 << 20
    public static let maxVarintBytes = 10
}
