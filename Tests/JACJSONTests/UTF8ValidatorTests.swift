import JACJSON
import Testing

/// `UTF8Validator.checkString` finds what the standard library finds, and whether a byte needs an
/// escape as a byte-at-a-time look does, on strings of every length about the word size; its
/// vector path (SSE2, sixteen bytes a step) answers as `checkStringPortable` does on every input.
@Suite struct UTF8ValidatorTests {
    /// What `checkString` must answer: the standard library's validity, and whether a byte
    /// needs an escape (false for invalid text).
    static func expected(_ bytes: [UInt8]) -> (valid: Bool, plain: Bool) {
        guard String(validating: bytes, as: UTF8.self) != nil else { return (false, false) }
        return (true, !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C })
    }

    static func check(_ bytes: [UInt8]) {
        let want = expected(bytes)
        let vector = bytes.withUnsafeBytes { UTF8Validator.checkString($0) }
        let portable = bytes.withUnsafeBytes { UTF8Validator.checkStringPortable($0) }
        #expect(vector == want, "\(bytes)")
        #expect(portable == want, "\(bytes)")
    }

    /// Plain ASCII of every length to 80 with each kind of interesting byte, and each valid,
    /// cut-off or invalid multi-byte sequence, at every place: so each straddles every 8- and
    /// 16-byte edge, and falls in the last block the vector path reads overlapping.
    @Test func everyInterestingPieceAtEveryPlace() {
        let pieces: [[UInt8]] = [[0x00], [0x1F], [0x22], [0x5C], [0x7F], [0x80], [0xBF], [0xC0], [0xC1], [0xF5], [0xFF],
                                 [0xC3, 0xA9], [0xC3], [0xE2, 0x82, 0xAC], [0xE2, 0x82], [0xE0, 0x9F, 0x80], [0xED, 0xA0, 0x80],
                                 [0xEF, 0xBF, 0xBF], [0xF0, 0x9D, 0x84, 0x9E], [0xF0, 0x9D, 0x84], [0xF0, 0x8F, 0xBF, 0xBF],
                                 [0xF4, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xC3, 0xA9, 0x22], [0xC3, 0x22]]
        for n in 1 ... 80 {
            let plain = (0 ..< n).map { k -> UInt8 in
                let b = UInt8(0x20 + (k * 11) % 0x5F)
                return b == 0x22 || b == 0x5C ? 0x41 : b
            }
            Self.check(plain)
            for at in 0 ..< n {
                for piece in pieces {
                    var bytes = plain
                    bytes.replaceSubrange(at ..< min(n, at + piece.count), with: piece)
                    Self.check(bytes)
                    // The same piece twice, one run and then another further on.
                    if at + piece.count + 17 <= bytes.count {
                        bytes.replaceSubrange(at + 17 ..< at + 17 + piece.count, with: piece)
                        Self.check(bytes)
                    }
                }
            }
        }
    }

    /// Thousands of generated strings: plain runs of random length between random pieces.
    @Test func generatedStringsAgree() {
        var rng = SplitMix(state: 61)
        let pieces: [[UInt8]] = [[0x22], [0x5C], [0x0A], [0x7F], [0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xF0, 0x9F, 0x98, 0x80],
                                 [0xC3], [0xE6, 0x97], [0x80], [0xFF], [0xED, 0xB0, 0x80]]
        var seen = (valid: 0, plain: 0)
        for _ in 0 ..< 20_000 {
            var bytes: [UInt8] = []
            for _ in 0 ..< rng.below(6) {
                for _ in 0 ..< rng.below(rng.below(3) == 0 ? 60 : 12) { bytes.append(UInt8(0x23 + rng.below(0x38))) }
                // Mostly valid pieces, so that valid strings are common.
                bytes += pieces[rng.below(rng.below(4) == 0 ? pieces.count : 7)]
            }
            Self.check(bytes)
            let want = Self.expected(bytes)
            if want.valid { seen.valid += 1 }
            if want.plain { seen.plain += 1 }
        }
        #expect(seen.valid > 5000 && seen.plain > 1000 && seen.plain < seen.valid)
    }

    @Test func checkStringAgreesWithTheByteLoop() {
        var rng = SplitMix(state: 29)
        let pieces: [[UInt8]] = [[0x61], [0x61], [0x61], [0x20], [0x22], [0x5C], [0x1F], [0x7F], [0xC3, 0xA9],
                                 [0xF0, 0x9D, 0x84, 0x9E], [0xE2, 0x82], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF]]
        var seen = (valid: 0, plain: 0)
        for _ in 0 ..< 20_000 {
            var bytes: [UInt8] = []
            let length = rng.below(24)
            while bytes.count < length {
                // Mostly plain ASCII, so that valid and plain strings are common.
                bytes += pieces[rng.below(4) == 0 ? rng.below(pieces.count) : rng.below(3)]
            }
            let (valid, plain) = bytes.withUnsafeBytes { UTF8Validator.checkString($0) }
            let expectedValid = bytes.withUnsafeBytes { UTF8Validator.isValidUTF8($0) }
            #expect(valid == expectedValid, "\(bytes)")
            #expect(bytes.withUnsafeBytes { UTF8Validator.checkStringPortable($0) } == (valid, plain), "\(bytes)")
            #expect(valid == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
            if valid {
                let expectedPlain = !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
                #expect(plain == expectedPlain, "\(bytes)")
                seen.valid += 1
                if plain { seen.plain += 1 }
            }
        }
        #expect(seen.valid > 5000 && seen.plain > 2000 && seen.plain < seen.valid)
    }
}
