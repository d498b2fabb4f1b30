import JACWire

/// Everything besides the records that decides a block's bytes. Two encoders given the same
/// records and options write the same bytes (DESIGN.md invariant 1).
public struct EncodingOptions: Equatable, Sendable {
    /// What to do when a record repeats a key.
    public enum DuplicateKeys: String, Sendable, CaseIterable {
        /// Refuse the input, naming the key: a record cannot hold both values.
        case error
        /// Keep the last value, as the reference implementation does.
        case last
    }

    public var maxDictEntries = Limits.maxDictionaryEntries
    public var canonicalizeKeys = false
    public var duplicateKeys = DuplicateKeys.error
    /// Cut a block before any field's payload would exceed this (doc/format.md §6.8).
    public var segmentMaxBytes = Limits.defaultSegmentMaxBytes
    /// Cut a block before it would hold more records than this.
    public var maxRecordsPerBlock = Limits.maxRecordsPerBlock

    public init() {}

    /// The options as the encoder applies them: never past what readers accept (Limits.swift).
    var blockRecordLimit: Int { min(maxRecordsPerBlock, Limits.maxRecordsPerBlock) }
    var dictionaryEntryLimit: Int { min(maxDictEntries, Limits.maxDictionaryEntries) }
}
