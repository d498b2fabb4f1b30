import JACJSON
import Testing

/// `UTF8Validator.checkString` finds what the standard library finds, and whether a byte needs an
/// escape as a byte-at-a-time look does, on strings of every length about the word size.
@Suite struct UTF8ValidatorTests {
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
