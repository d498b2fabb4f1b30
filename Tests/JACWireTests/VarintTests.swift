import JACWire
import Testing

struct VarintTests {
    /// doc/format.md §2.1's published encodings.
    @Test(arguments: [
        (UInt64(0), "00"), (4, "04"), (127, "7f"), (128, "80 01"), (100_000, "a0 8d 06"),
        (3_246_000_000, "80 8f e8 8b 0c"), (UInt64.max, "ff ff ff ff ff ff ff ff ff 01"),
    ])
    func encodesMinimalForm(value: UInt64, bytes: String) throws {
        var out: [UInt8] = []
        Varint.append(value, to: &out)
        #expect(out == hex(bytes))
        #expect(Varint.length(value) == out.count)
        let decoded = try out.withBytes { (p) throws(JACError) in
            var r = ByteReader(p)
            let v = try r.readVarint()
            #expect(r.isAtEnd)
            return v
        }
        #expect(decoded == value)
        // The pointer writer the column buffers use, after a byte already there.
        var room = [UInt8](repeating: 0xAA, count: 1 + Limits.maxVarintBytes + 1)
        let end = room.withUnsafeMutableBufferPointer { Varint.write(value, to: $0.baseAddress!, at: 1) }
        #expect(end == 1 + out.count)
        #expect(Array(room[1 ..< end]) == out)
        #expect(room[0] == 0xAA && room[end...].allSatisfy { $0 == 0xAA })
    }

    @Test func acceptsNonMinimalEncodings() throws {
        let v = try hex("81 00").withBytes { (p) throws(JACError) in
            var r = ByteReader(p)
            return try r.readVarint()
        }
        #expect(v == 1)
    }

    /// Ten bytes are allowed (bits past 63 dropped); an eleventh is a limit error, running out
    /// of input is EOF.
    @Test func enforcesTheTenByteLimit() throws {
        let ten = hex("80 80 80 80 80 80 80 80 80 7f")
        let v = try ten.withBytes { (p) throws(JACError) in
            var r = ByteReader(p)
            return try r.readVarint()
        }
        #expect(v == 1 << 63)
        let eleven = hex("80 80 80 80 80 80 80 80 80 80 00")
        #expect(errorKind(eleven) { (p) throws(JACError) in var r = ByteReader(p); return try r.readVarint() } == .limitExceeded)
        #expect(errorKind(hex("80 80")) { (p) throws(JACError) in var r = ByteReader(p); return try r.readVarint() } == .unexpectedEOF)
        #expect(errorKind([]) { (p) throws(JACError) in var r = ByteReader(p); return try r.readVarint() } == .unexpectedEOF)
    }

    @Test func readLengthRefusesValuesOverTheLimit() {
        #expect(errorKind(hex("81 01")) { (p) throws(JACError) in var r = ByteReader(p); return try r.readLength(limit: 128, "n") } == .limitExceeded)
        #expect(errorKind(hex("80 01")) { (p) throws(JACError) in var r = ByteReader(p); return try r.readLength(limit: 128, "n") } == nil)
    }

    /// doc/format.md §2.2.
    @Test(arguments: [(Int64(0), UInt64(0)), (-1, 1), (1, 2), (-2, 3), (2, 4), (Int64.max, UInt64.max - 1),
                      (Int64.min, UInt64.max)])
    func zigzag(value: Int64, mapped: UInt64) {
        #expect(Varint.zigzag(value) == mapped)
        #expect(Varint.unzigzag(mapped) == value)
    }
}
