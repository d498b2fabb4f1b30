import JACCompression
import JACWire
import Testing

/// Frame parameters (doc/format.md §6.10) and the refusals of the decompressor (§9.3).
struct SegmentCompressorTests {
    /// A payload that compresses well, for the round trips.
    static let repetitive = (0 ..< 50_000).map { UInt8(truncatingIfNeeded: ($0 % 97) &* 7) }
    /// Bytes that do not compress, generated deterministically (xorshift).
    static let noise: [UInt8] = {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0 ..< 20_000).map { _ in
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return UInt8(truncatingIfNeeded: x)
        }
    }()

    /// No content size, no checksum (descriptor `00`), window `58` at level 6, `60` at 15,
    /// `68` at 19.
    @Test(arguments: [(6, UInt8(0x58)), (15, 0x60), (19, 0x68)])
    func frameHeader(level: Int, window: UInt8) throws {
        let out = try SegmentCompressor().compress(Array("a small payload".utf8), codec: Codec(id: .zstd, level: level))
        #expect(Array(out.prefix(6)) == [0x28, 0xB5, 0x2F, 0xFD, 0x00, window])
    }

    /// Too small to compress: magic, `00 58`, a 3-byte raw last-block header, the payload.
    @Test func smallPayloadIsARawBlock() throws {
        let payload: [UInt8] = [0x07, 0x24, 0x01, 0x04, 0x49, 0x4E, 0x46, 0x4F, 0x04, 0x57, 0x41, 0x52, 0x4E, 0x00, 0x00, 0x01]
        let out = try SegmentCompressor().compress(payload, codec: .zstdDefault)
        let blockHeader = UInt32(payload.count) << 3 | 1
        #expect(out == [0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58, UInt8(blockHeader & 0xFF), UInt8(blockHeader >> 8 & 0xFF),
                        UInt8(blockHeader >> 16)] + payload)
    }

    /// The same payload and level give the same bytes, with one context reused or a fresh one.
    @Test func outputDependsOnlyOnPayloadAndLevel() throws {
        let c = SegmentCompressor()
        let first = try c.compress(Self.repetitive, codec: .zstdDefault)
        _ = try c.compress(Self.noise, codec: Codec(id: .zstd, level: 19))
        #expect(try c.compress(Self.repetitive, codec: .zstdDefault) == first)
        #expect(try SegmentCompressor().compress(Self.repetitive, codec: .zstdDefault) == first)
    }

    @Test(arguments: [Codec.zstdDefault, Codec(id: .zstd, level: 19), Codec(id: .lz4, level: 0),
                      Codec(id: .lz4, level: 9), Codec(id: .none, level: 0)])
    func roundTrips(codec: Codec) throws {
        let c = SegmentCompressor()
        let d = SegmentDecompressor()
        for payload in [Self.repetitive, Self.noise, [], [42]] {
            let packed = try c.compress(payload, codec: codec)
            if codec.id != .none, payload == Self.repetitive { #expect(packed.count < payload.count / 4) }
            let back = try packed.withBytes { (p) throws(JACError) in
                try d.decompress(p, compressor: codec.id.rawValue, expectedLength: payload.count)
            }
            #expect(back == payload, "\(codec), \(payload.count) bytes")
        }
    }

    func kind(_ data: [UInt8], compressor: UInt8, expected: Int) -> JACError.Kind? {
        do throws(JACError) {
            _ = try data.withBytes { (p) throws(JACError) in
                try SegmentDecompressor().decompress(p, compressor: compressor, expectedLength: expected)
            }
            return nil
        } catch {
            return error.kind
        }
    }

    /// Output must be exactly the declared length, for every codec.
    @Test(arguments: [CompressorID.zstd, .lz4, .none])
    func refusesWrongLengths(id: CompressorID) throws {
        let packed = try SegmentCompressor().compress(Self.repetitive, codec: Codec(id: id, level: id == .lz4 ? 0 : 6))
        #expect(kind(packed, compressor: id.rawValue, expected: Self.repetitive.count) == nil)
        #expect(kind(packed, compressor: id.rawValue, expected: Self.repetitive.count - 1) != nil)
        #expect(kind(packed, compressor: id.rawValue, expected: Self.repetitive.count + 1) != nil)
    }

    @Test func zstdLengthErrorsAreCorruptBlock() throws {
        let packed = try SegmentCompressor().compress(Self.repetitive, codec: .zstdDefault)
        #expect(kind(packed, compressor: 1, expected: 100) == .corruptBlock)
        #expect(kind(packed, compressor: 1, expected: Self.repetitive.count + 1) == .corruptBlock)
        #expect(kind(Array(packed.dropLast(3)), compressor: 1, expected: Self.repetitive.count) == .decompressError)
        #expect(kind([1, 2, 3, 4, 5], compressor: 1, expected: 5) == .decompressError)
    }

    /// Ids 2 and 3 (brotli, deflate) and unknown ids fail only when the field is decoded.
    @Test(arguments: [UInt8(2), 3, 4, 0x41, 0xFF])
    func unknownCompressorIds(id: UInt8) {
        #expect(kind([0], compressor: id, expected: 1) == .unsupportedCompression)
    }

    @Test func codecLevelsAreValidated() {
        #expect(throws: JACError.self) { try Codec(id: .zstd, level: 23).validated() }
        #expect(throws: JACError.self) { try Codec(id: .zstd, level: 0).validated() }
        #expect(throws: JACError.self) { try Codec(id: .lz4, level: 13).validated() }
        #expect(Codec(id: .none, level: 9).levelByte == 0)
    }
}
