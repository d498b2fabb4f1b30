import JACWire
import Testing

struct BlockHeaderTests {
    static func entry(_ name: String, offset: Int, length: Int) -> FieldDirectoryEntry {
        FieldDirectoryEntry(name: Array(name.utf8), compressor: 1, level: 6, presenceBytes: 1, tagBytes: 2,
                            valueCountPresent: 3, encodingFlags: 3, dictEntryCount: 2,
                            uncompressedLength: 300, compressedLength: length, segmentOffset: offset)
    }

    static let header = BlockHeader(recordCount: 4, fields: [
        entry("level", offset: 0, length: 25), entry("", offset: 25, length: 200), entry("é", offset: 225, length: 1),
    ])

    @Test func roundTrips() throws {
        let bytes = Self.header.encoded()
        #expect(Array(bytes.prefix(4)) == hex("42 4c 4b 31"))
        let (decoded, areaStart) = try (bytes + [9, 9]).withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
        #expect(decoded == Self.header)
        #expect(areaStart == bytes.count)
        try decoded.checkTiling(segmentAreaLength: 226)
    }

    /// header_len (doc/format.md §4.1) counts the body only: here it is the second byte.
    @Test func headerLengthCountsTheBodyOnly() {
        let bytes = BlockHeader(recordCount: 1, fields: []).encoded()
        #expect(bytes == hex("42 4c 4b 31 02 01 00"))
    }

    /// The directory must end exactly at header_len: no forward skipping (doc/format.md §11.4).
    @Test func rejectsExtraHeaderBytes() {
        var bytes = Self.header.encoded()
        bytes[4] += 1
        bytes.append(0)
        #expect(errorKind(bytes) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock)
    }

    @Test func rejectsDamage() {
        let good = Self.header.encoded()
        var magic = good
        magic[0] = 0x43
        #expect(errorKind(magic) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock)
        #expect(errorKind(Array(good.dropLast())) { (p) throws(JACError) in try BlockHeader.decode(p) } == .unexpectedEOF)
        #expect(errorKind(Array(good.prefix(3))) { (p) throws(JACError) in try BlockHeader.decode(p) } == .unexpectedEOF)
        var present = Self.header
        present.fields[0].valueCountPresent = 5
        #expect(errorKind(present.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock)
        var utf8 = Self.header
        utf8.fields[1].name = [0xC3]
        #expect(errorKind(utf8.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock)
    }

    /// doc/format.md §4.5 limits on the counts a header claims.
    @Test func enforcesLimits() {
        let tooManyRecords = BlockHeader(recordCount: 100_001, fields: []).encoded()
        #expect(errorKind(tooManyRecords) { (p) throws(JACError) in try BlockHeader.decode(p) } == .limitExceeded)
        let fields = (0 ... 4096).map { Self.entry("f\($0)", offset: $0, length: 1) }
        let tooManyFields = BlockHeader(recordCount: 4, fields: fields).encoded()
        #expect(errorKind(tooManyFields) { (p) throws(JACError) in try BlockHeader.decode(p) } == .limitExceeded)
        var dict = Self.header
        dict.fields[0].dictEntryCount = 4097
        #expect(errorKind(dict.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .limitExceeded)
        var segment = Self.header
        segment.fields[0].uncompressedLength = 1001
        #expect(errorKind(segment.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p, segmentLimit: 1000) } == .limitExceeded)
    }

    /// Segments must tile the area exactly; directory order need not be offset order.
    @Test func checksTiling() throws {
        func tiling(_ h: BlockHeader, _ area: Int) -> JACError.Kind? {
            do throws(JACError) {
                try h.checkTiling(segmentAreaLength: area)
                return nil
            } catch {
                return error.kind
            }
        }
        #expect(tiling(Self.header, 226) == nil)
        #expect(tiling(Self.header, 227) == .corruptBlock)
        #expect(tiling(Self.header, 225) == .corruptBlock)
        var gap = Self.header
        gap.fields[1].segmentOffset = 26
        #expect(tiling(gap, 227) == .corruptBlock)
        var overlap = Self.header
        overlap.fields[1].segmentOffset = 24
        #expect(tiling(overlap, 225) == .corruptBlock)
        var notFromZero = Self.header
        notFromZero.fields[0].segmentOffset = 1
        #expect(tiling(notFromZero, 227) == .corruptBlock)
        let shuffled = BlockHeader(recordCount: 4, fields: Self.header.fields.reversed())
        #expect(tiling(shuffled, 226) == nil)
        var huge = Self.header
        for i in huge.fields.indices { huge.fields[i].uncompressedLength = 100 << 20 }
        #expect(tiling(huge, 226) == .limitExceeded)
    }

    /// One entry per field: a second entry with the same name is refused, wherever it is, while
    /// names that differ only in a byte are two fields.
    @Test func rejectsTwoEntriesWithOneName() throws {
        for (first, second) in [(0, 1), (0, 2), (1, 2)] {
            var twice = Self.header
            twice.fields[second].name = twice.fields[first].name
            var message = ""
            do throws(JACError) {
                _ = try twice.encoded().withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
            } catch {
                #expect(error.kind == .corruptBlock)
                message = error.message
            }
            #expect(message == "directory entries \(first) and \(second) both name field \"\(twice.fields[first].nameString)\"")
        }
        var similar = Self.header
        similar.fields[1].name = Array("levek".utf8)
        _ = try similar.encoded().withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
    }

    /// A field name at the limit is read; one byte more is refused before it is read.
    @Test func fieldNameLimit() throws {
        var long = Self.header
        long.fields[0].name = Array(repeating: UInt8(ascii: "k"), count: Limits.maxFieldNameBytes)
        let (decoded, _) = try long.encoded().withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
        #expect(decoded.fields[0].name.count == Limits.maxFieldNameBytes)
        long.fields[0].name.append(UInt8(ascii: "k"))
        #expect(errorKind(long.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .limitExceeded)
    }

    /// presence_bytes and tag_bytes must be those of the record and value counts (doc/format.md
    /// §9.3 step 3), checked with the header, so a damaged record count is seen there.
    @Test func rejectsCountsThatDisagree() {
        for recordCount in [9, 17, 100] {
            let wrong = BlockHeader(recordCount: recordCount, fields: Self.header.fields)
            #expect(errorKind(wrong.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock, "\(recordCount)")
        }
        #expect(errorKind(BlockHeader(recordCount: 5, fields: Self.header.fields).encoded()) { (p) throws(JACError) in
            try BlockHeader.decode(p)
        } == nil)
        var tags = Self.header
        tags.fields[2].tagBytes = 3
        #expect(errorKind(tags.encoded()) { (p) throws(JACError) in try BlockHeader.decode(p) } == .corruptBlock)
    }
}
