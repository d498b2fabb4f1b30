import JACCodec
import JACWire
import Testing

/// Damaged payloads fail with the category doc/format.md §9.3 gives, never a crash.
struct FieldColumnTests {
    /// A one-field column of `payload` with directory values that may disagree with it.
    func kind(_ payload: String, records: Int, present: Int, flags: UInt64 = 0, dict: Int = 0) -> JACError.Kind? {
        let bytes = hex(payload)
        let entry = FieldDirectoryEntry(
            name: Array("f".utf8), compressor: 0, level: 0, presenceBytes: (records + 7) / 8,
            tagBytes: (3 * present + 7) / 8, valueCountPresent: present, encodingFlags: flags,
            dictEntryCount: dict, uncompressedLength: bytes.count, compressedLength: bytes.count, segmentOffset: 0)
        return errorKind { _ = try FieldColumn(entry: entry, recordCount: records, payload: bytes) }
    }

    @Test func acceptsAWellFormedPayload() {
        #expect(kind("03 12 06 04", records: 2, present: 2, flags: 2) == nil)
    }

    @Test(arguments: [
        ("tag 7", "01 07", 1, 1, UInt64(0), 0, JACError.Kind.unsupportedFeature),
        ("presence count", "03 12 06", 2, 1, 0, 0, .corruptBlock),
        ("dictionary index", "01 04 01 61 01", 1, 1, 1, 1, .dictionaryError),
        ("dictionary flag without entries", "01 04 01 61", 1, 1, 1, 0, .corruptBlock),
        ("leftover bytes", "01 02 04 00", 1, 1, 0, 0, .corruptBlock),
        ("truncated string", "01 04 05 61", 1, 1, 0, 0, .unexpectedEOF),
        ("decimal sign", "01 03 02 01 31 00", 1, 1, 0, 0, .corruptBlock),
        ("decimal digit", "01 03 00 01 41 00", 1, 1, 0, 0, .corruptBlock),
        ("delta overflow", "03 12 fe ff ff ff ff ff ff ff ff 01 02", 2, 2, 2, 0, .corruptBlock),
        ("invalid nested JSON", "01 05 03 7b 31 7d", 1, 1, 0, 0, .corruptBlock),
        ("array stored as object", "01 05 02 5b 5d", 1, 1, 0, 0, .corruptBlock),
        ("invalid UTF-8", "01 04 01 ff", 1, 1, 0, 0, .corruptBlock),
    ])
    func rejects(what: String, payload: String, records: Int, present: Int, flags: UInt64, dict: Int,
                 expected: JACError.Kind) {
        #expect(kind(payload, records: records, present: present, flags: flags, dict: dict) == expected, "\(what)")
    }

    /// Nested text stored with whitespace (by another writer) comes back in canonical form; a
    /// long value before a short one checks that the buffer reused between values is cut to
    /// each value's own length.
    @Test func nestedTextComesBackCanonical() throws {
        let long = Array(#"{ "a" : [1, 2] , "b":{ } }"#.utf8)
        let short = Array(#"{"c":3}"#.utf8)
        let payload: [UInt8] = [0x03, 0x2d, UInt8(long.count)] + long + [UInt8(short.count)] + short
        let entry = FieldDirectoryEntry(
            name: Array("f".utf8), compressor: 0, level: 0, presenceBytes: 1, tagBytes: 1, valueCountPresent: 2,
            encodingFlags: 0, dictEntryCount: 0, uncompressedLength: payload.count, compressedLength: payload.count,
            segmentOffset: 0)
        var writer = RecordWriter(columns: [try FieldColumn(entry: entry, recordCount: 2, payload: payload)])
        var out: [UInt8] = []
        var first = true
        #expect(writer.write(upTo: 2, layout: .ndjson, first: &first, to: &out) == 2)
        #expect(String(decoding: out, as: UTF8.self) == #"{"f":{"a":[1,2],"b":{}}}"# + "\n" + #"{"f":{"c":3}}"# + "\n")
    }

    /// Unknown encoding flags and padding bits are ignored (doc/format.md §9.3, §2.3).
    @Test func ignoresUnknownFlagsAndPadding() {
        #expect(kind("f3 12 06 04", records: 2, present: 2, flags: 2 | 4 | 8 | 1 << 40) == nil)
    }
}
