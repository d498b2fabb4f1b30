import JACJSON
import JACWire
import Testing

@Suite struct JSONWriterTests {
    func string(_ s: String) -> String {
        var out: [UInt8] = []
        Array(s.utf8).withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func stringEscapes() {
        #expect(string("") == "\"\"")
        #expect(string("plain ascii text longer than a word") == "\"plain ascii text longer than a word\"")
        #expect(string("q\"b\\s/") == "\"q\\\"b\\\\s/\"")
        #expect(string("\u{8}\u{9}\u{A}\u{C}\u{D}") == "\"\\b\\t\\n\\f\\r\"")
        #expect(string("\u{0}\u{1}\u{B}\u{1F}") == "\"\\u0000\\u0001\\u000b\\u001f\"")
        #expect(string("\u{7F}é€😀") == "\"\u{7F}é€😀\"")
        #expect(string("0123456789abcdef\"0123456789abcdef\n") == "\"0123456789abcdef\\\"0123456789abcdef\\n\"")
    }

    /// Every string the writer produces parses back to the original bytes.
    @Test func stringRoundTrip() throws {
        var rng = SplitMix(state: 7)
        let alphabet: [String] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "€", "😀", "xxxxxxxxxxxx"]
        for _ in 0 ..< 300 {
            var s = ""
            for _ in 0 ..< rng.below(20) { s += alphabet[rng.below(alphabet.count)] }
            var record = Array("{\"k\":".utf8)
            Array(s.utf8).withUnsafeBytes { JSONWriter.appendString($0, to: &record) }
            record.append(UInt8(ascii: "}"))
            var parser = RecordParser()
            try parse(&parser, record)
            #expect(Array(parser.scratch[parser.fields[0].payload]) == Array(s.utf8))
        }
    }

    /// Appending many large strings (or long decimals) grows the buffer geometrically: an
    /// exact-size reserve before each append copied the whole buffer every time (quadratic).
    @Test func bufferGrowsGeometrically() {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 64 << 10)
        let digits = [UInt8](repeating: UInt8(ascii: "7"), count: 4096)
        var out: [UInt8] = []
        var growths = 0
        for i in 0 ..< 1000 {
            let capacity = out.capacity
            if i % 2 == 0 {
                big.withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
            } else {
                digits.withUnsafeBytes { JSONWriter.appendDecimal(negative: false, digits: $0, exponent: -3, to: &out) }
            }
            if out.capacity != capacity { growths += 1 }
        }
        #expect(out.count == 500 * (big.count + 2) + 500 * (digits.count + 1))
        #expect(growths < 40, "\(growths) reallocations for 1000 appends")
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1_000_000, -10, -9, -1, 0, 1, 9, 10, 99, 100, 1_234_567_890, Int64.max])
    func ints(_ v: Int64) {
        var out: [UInt8] = []
        JSONWriter.appendInt(v, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == String(v))
    }

    func decimal(_ negative: Bool, _ digits: String, _ exponent: Int32) -> String {
        var out: [UInt8] = []
        Array(digits.utf8).withUnsafeBytes {
            JSONWriter.appendDecimal(negative: negative, digits: $0, exponent: exponent, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func decimalText() {
        #expect(decimal(false, "250", -2) == "2.50")
        #expect(decimal(false, "10", -1) == "1.0")
        #expect(decimal(false, "1", -3) == "0.001")
        #expect(decimal(false, "0", -1) == "0.0")
        #expect(decimal(false, "1", -6) == "0.000001")
        #expect(decimal(false, "1", -7) == "1e-7")
        #expect(decimal(false, "15", -8) == "1.5e-7")
        #expect(decimal(false, "1", 5) == "1e5")
        #expect(decimal(false, "15", 1) == "15e1")
        #expect(decimal(true, "0", 0) == "-0")
        #expect(decimal(false, "9223372036854775808", 0) == "9223372036854775808")
        #expect(decimal(true, "325", -12) == "-3.25e-10")
        #expect(decimal(false, "1", 400) == "1e400")
        #expect(decimal(false, "1", Int32.min) == "1e-2147483648")
    }

    /// Leading zeros, which an archive may hold though our encoder never stores them, are
    /// dropped: JSON allows none (the archive fuzz target caught `jac unpack` printing `02e5`).
    @Test func decimalLeadingZeros() {
        #expect(decimal(false, "02", 5) == "2e5")
        #expect(decimal(false, "0012", 0) == "12")
        #expect(decimal(false, "000", 0) == "0")
        #expect(decimal(true, "00", -1) == "-0.0")
        #expect(decimal(false, "005", -1) == "0.5")
        #expect(decimal(false, "0015", -1) == "1.5")
        #expect(decimal(false, "0001", -9) == "1e-9")
    }

    /// Rendering then parsing gives back the same sign, digits and exponent (as a decimal, or as
    /// an int only for exponent 0 with a value that fits Int64).
    @Test func decimalRoundTrip() throws {
        var rng = SplitMix(state: 42)
        let exponents: [Int32] = [0, 1, -1, 5, -5, -6, -7, -19, -20, -21, -40, 400, -400, .max, .min, .min + 1]
        var parser = RecordParser()
        for _ in 0 ..< 3000 {
            let length = rng.below(4) == 0 ? 1 + rng.below(45) : 1 + rng.below(6)
            var digits = [UInt8]()
            for k in 0 ..< length {
                digits.append(UInt8(ascii: "0") + UInt8(k == 0 && length > 1 ? 1 + rng.below(9) : rng.below(10)))
            }
            let exponent = rng.below(3) == 0 ? exponents[rng.below(exponents.count)]
                : Int32(rng.below(61)) - 40
            let negative = rng.below(2) == 0
            var record = Array("{\"d\":".utf8)
            digits.withUnsafeBytes {
                JSONWriter.appendDecimal(negative: negative, digits: $0, exponent: exponent, to: &record)
            }
            record.append(UInt8(ascii: "}"))
            try parse(&parser, record)
            let f = parser.fields[0]
            if f.kind == .int {
                #expect(exponent == 0)
                #expect(!(negative && digits == [UInt8(ascii: "0")]))
                var text: [UInt8] = negative ? [UInt8(ascii: "-")] : []
                text += digits
                var rendered: [UInt8] = []
                JSONWriter.appendInt(f.int, to: &rendered)
                #expect(rendered == text)
            } else {
                #expect(f.kind == .decimal)
                #expect(f.negative == negative)
                #expect(Array(parser.scratch[f.payload]) == digits)
                #expect(f.exponent == exponent)
            }
        }
    }

    @Test func utf8Validation() {
        func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { UTF8Validator.isValidUTF8($0) } }
        #expect(valid([]))
        #expect(valid(Array("plain ascii, long enough to use the word path; é € 😀 𝄞".utf8)))
        #expect(valid([0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF]))
        #expect(!valid([0x61, 0x80]))
        #expect(!valid(Array("0123456789".utf8) + [0xC0, 0xAF]))
        #expect(!valid([0xED, 0xA0, 0x80]))
        #expect(!valid([0xF4, 0x90, 0x80, 0x80]))
        #expect(!valid([0xE2, 0x82]))
        #expect(!valid(Array("abcdefgh".utf8) + [0xF8]))
    }

    /// The escapes byte by byte, the plain way, to check the word-at-a-time writer against.
    static func plainEscape(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x22]
        for b in bytes {
            switch b {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x08: out += Array("\\b".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0A: out += Array("\\n".utf8)
            case 0x0C: out += Array("\\f".utf8)
            case 0x0D: out += Array("\\r".utf8)
            case 0 ..< 0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        return out + [0x22]
    }

    /// `appendString` and `writeString` against `plainEscape`.
    func expectEscapes(_ bytes: [UInt8], _ comment: @autoclosure () -> String) {
        let expected = JSONWriterTests.plainEscape(bytes)
        var appended: [UInt8] = [0x7B]
        bytes.withUnsafeBytes { JSONWriter.appendString($0, to: &appended) }
        #expect(appended == [0x7B] + expected, "appendString, \(comment())")
        var written = [UInt8](repeating: 0xEE, count: JSONWriter.stringBound(bytes.count) + 1)
        let n = bytes.withUnsafeBytes { b in written.withUnsafeMutableBufferPointer { JSONWriter.writeString(b, at: $0.baseAddress!) } }
        #expect(Array(written[..<n]) == expected, "writeString, \(comment())")
        #expect(written[JSONWriter.stringBound(bytes.count)] == 0xEE, "writeString wrote past its bound")
    }

    /// Every byte value, alone and at every place of strings of every length 0-64 (so before,
    /// inside and after each eight-byte word), in plain text and after another escape.
    @Test func escapesEveryByteEverywhere() {
        for b in 0 ... 255 {
            expectEscapes([UInt8(b)], "byte \(b)")
        }
        for length in 0 ... 64 {
            expectEscapes([UInt8](repeating: UInt8(ascii: "a"), count: length), "plain length \(length)")
            for place in 0 ..< length {
                for b: UInt8 in [0x00, 0x08, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0xFF] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[place] = b
                    expectEscapes(bytes, "byte \(b) at \(place) of \(length)")
                    bytes[length - 1 - place] = 0x0A
                    expectEscapes(bytes, "byte \(b) at \(place) and a newline at \(length - 1 - place) of \(length)")
                }
            }
        }
    }

    /// Random bytes, dense and sparse in characters that need escapes, and long enough to go
    /// through `appendString` in several pieces.
    @Test func escapesRandomBytes() {
        var rng = SplitMix(state: 99)
        for round in 0 ..< 400 {
            let length = round % 50 == 0 ? 4090 + rng.below(20000) : rng.below(200)
            let density = 1 + rng.below(64)
            let bytes = (0 ..< length).map { _ in
                rng.below(density) == 0 ? UInt8(rng.below(256)) : UInt8(0x20 + rng.below(0x5F))
            }
            expectEscapes(bytes, "round \(round)")
        }
    }

    /// `writeInt` writes exactly the digits, nothing past them.
    @Test func writeIntLength() {
        for v: Int64 in [0, 7, -7, 10, 99, 100, -100, 999_999, Int64.max, Int64.min] {
            var buf = [UInt8](repeating: 0xEE, count: 21)
            let n = buf.withUnsafeMutableBufferPointer { JSONWriter.writeInt(v, at: $0.baseAddress!) }
            #expect(Array(buf[..<n]) == Array(String(v).utf8))
            #expect(buf[n...].allSatisfy { $0 == 0xEE })
        }
    }
}
