import JACWire
import Testing

struct FileHeaderTests {
    /// doc/format.md §3: `jac pack` defaults with NDJSON input.
    static let defaultBytes = hex("4a 41 43 01 0c 00 00 00 01 06 a0 8d 06 00")

    @Test func encodesTheDefaultHeader() {
        #expect(FileHeader().encoded() == Self.defaultBytes)
    }

    @Test func flagsFollowTheOptions() {
        var h = FileHeader()
        h.containerHint = .jsonArray
        #expect(h.flags == 0x14)
        h.canonicalizeKeys = true
        h.canonicalizeNumbers = true
        #expect(h.flags == 0x17)
        h.indexFollows = true
        #expect(h.flags == 0x37)
    }

    /// Bit 5, our "an index footer follows", reads back; the reference leaves it clear.
    @Test func readsTheIndexFollowsBit() throws {
        var bytes = Self.defaultBytes
        #expect(try bytes.withBytes { (p) throws(JACError) in try FileHeader.decode(p) }.0.indexFollows == false)
        bytes[4] |= 0x20
        let (h, _) = try bytes.withBytes { (p) throws(JACError) in try FileHeader.decode(p) }
        #expect(h.indexFollows)
        #expect(h.encoded() == bytes)
    }

    @Test func roundTripsWithMetadata() throws {
        var h = FileHeader()
        h.containerHint = .jsonArray
        h.defaultCompressor = .none
        h.defaultLevel = 0
        h.blockSizeHintRecords = 1000
        h.userMetadata = Array("{\"segment_max_bytes\":134217728}".utf8)
        let bytes = h.encoded() + [0x42]
        let (decoded, length) = try bytes.withBytes { (p) throws(JACError) in try FileHeader.decode(p) }
        #expect(decoded == h)
        #expect(length == bytes.count - 1)
        #expect(decoded.segmentMaxBytes == 134_217_728)
    }

    @Test(arguments: [
        ("bad magic", "4a 41 44 01 0c 00 00 00 01 06 a0 8d 06 00", JACError.Kind.invalidMagic),
        ("version 2", "4a 41 43 02 0c 00 00 00 01 06 a0 8d 06 00", .unsupportedVersion),
        ("container hint 3", "4a 41 43 01 1c 00 00 00 01 06 a0 8d 06 00", .unsupportedFeature),
        ("9 bytes", "4a 41 43 01 0c 00 00 00 01", .unexpectedEOF),
        ("empty", "", .unexpectedEOF),
        ("all-zero metadata", "4a 41 43 01 0c 00 00 00 01 06 a0 8d 06 02 00 00", .corruptHeader),
        ("metadata cut short", "4a 41 43 01 0c 00 00 00 01 06 a0 8d 06 05 7b", .unexpectedEOF),
    ])
    func rejectsDamage(what: String, bytes: String, kind: JACError.Kind) {
        let data = bytes.isEmpty ? [] : hex(bytes)
        #expect(errorKind(data) { (p) throws(JACError) in try FileHeader.decode(p) } == kind, "\(what)")
    }

    /// Unknown flag bits 6-31 are ignored (doc/format.md §3 leaves 5-31 unused).
    @Test func ignoresUnknownFlagBits() {
        var bytes = Self.defaultBytes
        bytes[7] = 0x80
        #expect(errorKind(bytes) { (p) throws(JACError) in try FileHeader.decode(p) } == nil)
    }
}
