import JACJSON
import JACWire
import Testing

@Suite struct RecordParserTests {
    /// A number written as the value of "n", and what it must parse to.
    struct NumberCase: CustomStringConvertible {
        var text: String
        var expected: ParsedField
        var description: String { text }
    }

    static func int(_ text: String, _ v: Int64) -> NumberCase {
        NumberCase(text: text, expected: ParsedField(key: "n", kind: .int, int: v))
    }

    static func decimal(_ text: String, _ negative: Bool, _ digits: String, _ exponent: Int32) -> NumberCase {
        NumberCase(text: text, expected: ParsedField(key: "n", kind: .decimal, text: digits,
                                                     negative: negative, exponent: exponent))
    }

    static let numbers: [NumberCase] = [
        int("0", 0),
        int("7", 7),
        int("-12", -12),
        int("9223372036854775807", .max),
        int("-9223372036854775808", .min),
        decimal("9223372036854775808", false, "9223372036854775808", 0),
        decimal("-9223372036854775809", true, "9223372036854775809", 0),
        decimal("18446744073709551616", false, "18446744073709551616", 0),
        decimal("-0", true, "0", 0),
        decimal("-0.0", true, "0", -1),
        decimal("1.0", false, "10", -1),
        decimal("2.50", false, "250", -2),
        decimal("1e5", false, "1", 5),
        decimal("1E+5", false, "1", 5),
        decimal("1.5e2", false, "15", 1),
        decimal("1E-7", false, "1", -7),
        decimal("0.0", false, "0", -1),
        decimal("0.001", false, "1", -3),
        decimal("0e10", false, "0", 10),
        decimal("100e0", false, "100", 0),
        decimal("-3.25e-10", true, "325", -12),
        decimal("1e400", false, "1", 400),
        decimal("1e-00000000000000000000000400", false, "1", -400),
        decimal("1234567890123456789012345678901234567890", false, "1234567890123456789012345678901234567890", 0),
        decimal("0.1234567890123456789012345678901234567890", false, "1234567890123456789012345678901234567890", -40),
        decimal("-98765432109876543210.98765432109876543210", true,
                "9876543210987654321098765432109876543210", -20),
        decimal("1e2147483647", false, "1", 2_147_483_647),
        decimal("1.5e-2147483647", false, "15", -2_147_483_648),
    ]

    @Test(arguments: numbers)
    func number(_ c: NumberCase) throws {
        #expect(try parseRecord("{\"n\":\(c.text)}") == [c.expected])
        #expect(try parseRecord("{ \"n\" : \(c.text) }") == [c.expected])
    }

    /// Integers of every length up to 20 digits, either sign, then the bytes that end a number
    /// or continue it: the one-pass read of short integers agrees with the general rules.
    @Test func integersOfEveryLength() throws {
        for n in 1 ... 20 {
            for digits in [String(repeating: "9", count: n), "1" + String(repeating: "0", count: n - 1)] {
                for sign in ["", "-"] {
                    let text = sign + digits
                    let expected = Int64(text).map { ParsedField(key: "n", kind: .int, int: $0) }
                        ?? ParsedField(key: "n", kind: .decimal, text: digits, negative: sign == "-")
                    #expect(try parseRecord("{\"n\":\(text)}") == [expected], "\(text)")
                    #expect(try parseRecord("{\"n\":\(text) ,\"m\":1}").first == expected, "\(text)")
                    #expect(try parseRecord("{\"n\":\(text).5}").first?.kind == .decimal, "\(text).5")
                    #expect(try parseRecord("{\"n\":\(text)E1}").first?.kind == .decimal, "\(text)E1")
                    #expect(parseError("{\"n\":\(text)x}")
                        == "line 1, column \(6 + text.count): expected ',' or '}' after a value, found 'x'")
                }
            }
        }
    }

    /// Plain fractions with integer and fraction parts of every length to 20 digits (zero and
    /// non-zero, with leading zeros in the fraction), either sign: the one-pass read of short
    /// fractions agrees with the general rules, and one with an exponent still takes it.
    @Test func fractionsOfEveryLength() throws {
        for n in 1 ... 20 {
            for whole in ["0", String(repeating: "9", count: n)] {
                for fraction in [String(repeating: "0", count: n), String(repeating: "0", count: n - 1) + "7", "5" + String(repeating: "0", count: n - 1)] {
                    for sign in ["", "-"] {
                        let text = sign + whole + "." + fraction
                        var digits = whole == "0" ? String(fraction.drop { $0 == "0" }) : whole + fraction
                        if digits.isEmpty { digits = "0" }
                        let expected = ParsedField(key: "n", kind: .decimal, text: digits, negative: sign == "-",
                                                   exponent: Int32(-fraction.count))
                        #expect(try parseRecord("{\"n\":\(text)}") == [expected], "\(text)")
                        #expect(try parseRecord("{\"n\":\(text) ,\"m\":1}").first == expected, "\(text)")
                        var scaled = expected
                        scaled.exponent += 2
                        #expect(try parseRecord("{\"n\":\(text)e2}") == [scaled], "\(text)e2")
                        #expect(parseError("{\"n\":\(text).1}")
                            == "line 1, column \(6 + text.count): expected ',' or '}' after a value, found '.'")
                    }
                }
            }
        }
    }

    @Test(arguments: ["01", "-01", "+1", "1.", ".5", "1.e5", "1e", "1e+", "-", "--1", "NaN", "Infinity",
                      "-Infinity", "0x10", "1.5.2", "1ee5"])
    func badNumbers(_ text: String) {
        #expect(parseError("{\"n\":\(text)}") != nil)
        #expect(throws: JACError.self) { try minified("[\(text)]") }
    }

    @Test func numberErrorsNamePositions() {
        #expect(parseError("{\"n\":01}") == "line 1, column 6: invalid number: leading zeros are not allowed")
        #expect(parseError("{\"n\":1.}") == "line 1, column 8: invalid number: expected a digit after '.', found '}'")
        #expect(parseError("{\"n\":+1}") == "line 1, column 6: expected a value, found '+'")
        #expect(parseError("{\"n\":1e}") == "line 1, column 8: invalid number: expected a digit in the exponent, found '}'")
        #expect(parseError("{\"n\":1e2147483648}")
            == "line 1, column 6: number exponent out of range (beyond 32 bits)")
        #expect(parseError("{\"n\":1.5e-2147483648}")
            == "line 1, column 6: number exponent out of range (beyond 32 bits)")
        #expect(parseError("{\"n\":1e99999999999999999999999999}")
            == "line 1, column 6: number exponent out of range (beyond 32 bits)")
    }

    @Test func literalsStringsAndOrder() throws {
        let fields = try parseRecord(#"{"z":true,"a":false,"m":null,"s":"","e":{},"l":[],"":"empty key","z":1}"#)
        #expect(fields == [
            ParsedField(key: "z", kind: .bool, bool: true),
            ParsedField(key: "a", kind: .bool, bool: false),
            ParsedField(key: "m", kind: .null),
            ParsedField(key: "s", kind: .string, text: ""),
            ParsedField(key: "e", kind: .object, text: "{}"),
            ParsedField(key: "l", kind: .array, text: "[]"),
            ParsedField(key: "", kind: .string, text: "empty key"),
            ParsedField(key: "z", kind: .int, int: 1),
        ])
    }

    @Test func escapesAreDecoded() throws {
        let fields = try parseRecord(#"{"k\u0041\n":"\"\\\/\b\f\n\r\t\u0000\u001f\u00e9\u20AC\ud83d\ude00 end"}"#)
        #expect(fields == [ParsedField(
            key: "kA\n", kind: .string,
            text: "\"\\/\u{8}\u{C}\n\r\t\u{0}\u{1F}é€😀 end")])
    }

    @Test func rawUTF8IsKept() throws {
        let text = "héllo wörld € 😀 𝄞 \u{7F} ascii run that is longer than eight bytes"
        let fields = try parseRecord("{\"ü\":\"\(text)\"}")
        #expect(fields == [ParsedField(key: "ü", kind: .string, text: text)])
    }

    @Test func nestedValuesAreCanonical() throws {
        let fields = try parseRecord(
            "{ \"b\" : 2, \"o\" : { \"y\" : [ 1 , 2.50, \"x\\/\\u00e9\" ] , \"x\" : { } , \"y\":null },\n \"a\":[[[]],{\"\":\"\\u0001\\n\"}] }")
        #expect(fields == [
            ParsedField(key: "b", kind: .int, int: 2),
            ParsedField(key: "o", kind: .object, text: #"{"y":[1,2.50,"x/é"],"x":{},"y":null}"#),
            ParsedField(key: "a", kind: .array, text: #"[[[]],{"":"\u0001\n"}]"#),
        ])
    }

    @Test func bomWhitespaceAndPrettyPrinting() throws {
        let pretty = "\u{FEFF}\n  {\r\n\t\"a\": 1,\n\t\"b\": [\n\t\t1,\n\t\t2\n\t]\n}\n\n"
        #expect(try parseRecord(pretty) == [
            ParsedField(key: "a", kind: .int, int: 1),
            ParsedField(key: "b", kind: .array, text: "[1,2]"),
        ])
    }

    @Test func emptyAndWideRecords() throws {
        #expect(try parseRecord("{}").isEmpty)
        #expect(try parseRecord(" { } ").isEmpty)
        var json = "{"
        for i in 0 ..< 2000 {
            if i > 0 { json += "," }
            json += "\"field\(i)\":\(i % 3 == 0 ? "\"v\(i)\"" : String(i))"
        }
        json += "}"
        let fields = try parseRecord(json)
        #expect(fields.count == 2000)
        #expect(fields[1999] == ParsedField(key: "field1999", kind: .int, int: 1999))
        #expect(fields[999] == ParsedField(key: "field999", kind: .string, text: "v999"))
    }

    @Test func deepNestingWithinTheLimit() throws {
        // The record is level 1, so its value may open 9,999 more levels.
        let depth = RecordParser.maxDepth - 1
        let json = "{\"d\":" + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let fields = try parseRecord(json)
        #expect(fields.count == 1)
        #expect(fields[0].text.utf8.count == 2 * depth)
    }

    @Test func hostileNestingIsRejected() {
        let json = "{\"d\":" + String(repeating: "[", count: RecordParser.maxDepth) + "]}"
        #expect(parseError(json) == "line 1, column \(5 + RecordParser.maxDepth): nesting deeper than 10000")
        let million = "{\"d\":" + String(repeating: "[{\"a\":", count: 200_000)
        #expect(parseError(million)?.hasSuffix("nesting deeper than 10000") == true)
    }

    @Test func reuseKeepsNoStaleData() throws {
        var parser = RecordParser()
        try parse(&parser, Array(#"{"a":"long string value","b":[1,2,3]}"#.utf8))
        try parse(&parser, Array(#"{"c":1.5}"#.utf8))
        #expect(parser.fields.count == 1)
        #expect(Array(parser.scratch[..<parser.scratchCount]) == Array("c15".utf8))
        #expect(parser.fields[0].payload == 1 ..< 3)
    }

    @Test func structuralErrorsNamePositions() {
        #expect(parseError("") == "line 1, column 1: expected '{' (a record must be a JSON object)")
        #expect(parseError("[1]") == "line 1, column 1: expected '{' (a record must be a JSON object)")
        #expect(parseError("  5") == "line 1, column 3: expected '{' (a record must be a JSON object)")
        #expect(parseError("{\"a\":1", line: 3, column: 7) == "line 3, column 13: input ends inside a record")
        #expect(parseError("{\"a\":1}x") == "line 1, column 8: unexpected text after the record's closing '}'")
        #expect(parseError("{\"a\":1} {}") == "line 1, column 9: unexpected text after the record's closing '}'")
        #expect(parseError("{\"a\" 1}") == "line 1, column 6: expected ':' after a key, found '1'")
        #expect(parseError("{a:1}") == "line 1, column 2: expected a key string, found 'a'")
        #expect(parseError("{\"a\":1,}") == "line 1, column 8: expected a key string, found '}'")
        #expect(parseError("{\"a\":1 \"b\":2}") == "line 1, column 8: expected ',' or '}' after a value, found '\"'")
        #expect(parseError("{\"a\":tru}") == "line 1, column 6: expected a value, found 't'")
        #expect(parseError("{\"a\":[1,]}") == "line 1, column 9: expected a value, found ']'")
        #expect(parseError("{\"a\":[1}") == "line 1, column 8: expected ',' or ']' after a value, found '}'")
        #expect(parseError("{\"a\":{\"b\"}}") == "line 1, column 10: expected ':' after a key, found '}'")
        #expect(parseError("{\"a\":\"abc") == "line 1, column 10: input ends inside a record")
        // Positions after newlines are absolute: line from the record's line, column from 1.
        #expect(parseError("{\n  \"a\": 1,\n  \"b\": x\n}", line: 10, column: 5)
            == "line 12, column 8: expected a value, found 'x'")
        #expect(parseError("{\"a\": x}", line: 10, column: 5) == "line 10, column 11: expected a value, found 'x'")
    }

    /// Strings are copied sixteen, then eight bytes at a time: an escape, a UTF-8 sequence, a
    /// quote, DEL (plain) or a control byte at every offset of strings around both block sizes
    /// must still come out exact (in the key too, and minified), or be refused at its column.
    @Test func stringsAroundWordBoundaries() throws {
        // As written, as parsed, as minified.
        let specials: [(String, String, String)] = [
            (#"\n"#, "\n", #"\n"#), (#"\u00e9"#, "é", "é"), ("é", "é", "é"), ("😀", "😀", "😀"),
            (#"\""#, "\"", #"\""#), (#"\\"#, "\\", #"\\"#), ("\u{7F}", "\u{7F}", "\u{7F}"),
        ]
        for length in 0 ... 40 {
            for at in 0 ... length {
                let head = String(repeating: "a", count: at)
                let tail = String(repeating: "b", count: length - at)
                for (written, value, canonical) in specials {
                    let record = "{\"k\(head)\(written)\(tail)\":\"\(head)\(written)\(tail)\"}"
                    let text = head + value + tail
                    #expect(try parseRecord(record) == [ParsedField(key: "k" + text, kind: .string, text: text)], "\(record)")
                    #expect(try minified("[\"\(head)\(written)\(tail)\"]") == "[\"\(head)\(canonical)\(tail)\"]")
                }
                #expect(parseError("{\"a\":\"\(head)\u{1}\(tail)\"}")
                    == "line 1, column \(7 + at): control character U+0001 must be escaped in a string")
                #expect(parseError(Array("{\"a\":\"\(head)".utf8) + [0xFF] + Array("\(tail)\"}".utf8))
                    == "line 1, column \(7 + at): invalid UTF-8 in a string")
                #expect(parseError("{\"a\":\"\(head)") == "line 1, column \(7 + at): input ends inside a record")
            }
        }
    }

    /// Every BMP scalar as a `\u` escape, in runs and in both cases of hex digits, reads back as
    /// the scalar's UTF-8 (minified too, from U+0080); a byte just outside each range of hex
    /// digits, at each of the four places, is an error at the escape.
    @Test func unicodeEscapesDecodeEveryScalar() throws {
        var text = ""
        var expected = ""
        for v in 0 ..< 0x10000 where v & 0xF800 != 0xD800 {
            let hex = String(v, radix: 16)
            let digits = String(repeating: "0", count: 4 - hex.count) + (v & 1 == 0 ? hex : hex.uppercased())
            text += "\\u" + digits
            expected.unicodeScalars.append(Unicode.Scalar(UInt32(v))!)
            if v % 64 == 63 {
                #expect(try parseRecord("{\"a\":\"\(text)\"}") == [ParsedField(key: "a", kind: .string, text: expected)])
                // Nested (canonical) text keeps non-ASCII characters unescaped.
                if v >= 0x80 { #expect(try minified("[\"\(text)\"]") == "[\"\(expected)\"]") }
                text = ""
                expected = ""
            }
        }
        for place in 0 ..< 4 {
            for bad in ["/", ":", "@", "G", "`", "g"] {
                var digits = Array("00e9")
                digits[place] = Character(bad)
                #expect(parseError("{\"a\":\"x\\u\(String(digits))\"}") == "line 1, column 8: invalid \\u escape (needs four hex digits)")
            }
        }
    }

    /// Every byte at each of a `\u` escape's four places: a hex digit (either case) gives the
    /// scalar it spells, anything else (ASCII or not) the error at the escape. The reader checks
    /// the four digits in one word, so this covers each byte lane of that check.
    @Test func everyByteAtEveryHexPlace() throws {
        func hexValue(_ b: UInt8) -> UInt32? {
            switch b {
            case 0x30 ... 0x39: UInt32(b - 0x30)
            case 0x41 ... 0x46: UInt32(b - 0x41 + 10)
            case 0x61 ... 0x66: UInt32(b - 0x61 + 10)
            default: nil
            }
        }
        for place in 0 ..< 4 {
            for b in 0 ... 255 {
                var digits = Array("01e9".utf8)
                digits[place] = UInt8(b)
                let record = Array("{\"a\":\"x\\u".utf8) + digits + Array("\"}".utf8)
                guard hexValue(UInt8(b)) != nil else {
                    #expect(parseError(record) == "line 1, column 8: invalid \\u escape (needs four hex digits)", "byte \(b) at \(place)")
                    continue
                }
                let v = digits.reduce(UInt32(0)) { $0 << 4 | hexValue($1)! }
                let fields = try parseRecord(String(decoding: record, as: UTF8.self))
                #expect(fields == [ParsedField(key: "a", kind: .string, text: "x" + String(Unicode.Scalar(v)!))], "byte \(b) at \(place)")
            }
        }
    }

    @Test func stringErrorsNamePositions() {
        #expect(parseError("{\"a\":\"x\u{1}\"}") == "line 1, column 8: control character U+0001 must be escaped in a string")
        #expect(parseError("{\"a\":\"x\ny\"}") == "line 1, column 8: control character U+000A must be escaped in a string")
        #expect(parseError(#"{"a":"\x"}"#) == "line 1, column 7: invalid escape in a string")
        #expect(parseError(#"{"a":"\u12G4"}"#) == "line 1, column 7: invalid \\u escape (needs four hex digits)")
        #expect(parseError(#"{"a":"ab\ud800"}"#)
            == "line 1, column 9: lone surrogate escape (a high surrogate must be followed by a \\u escape of a low one)")
        #expect(parseError(#"{"a":"\ud800\u0041"}"#)
            == "line 1, column 7: lone surrogate escape (a high surrogate must be followed by a \\u escape of a low one)")
        #expect(parseError(#"{"a":"\udc00"}"#)
            == "line 1, column 7: lone surrogate escape (a low surrogate without a high one before it)")
        #expect(parseError(#"{"\udc00":1}"#) != nil)
        #expect(parseError(#"{"a":["\ud800"]}"#) != nil)
    }

    @Test(arguments: [
        [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC3], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
        [0xF0, 0x80, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82],
    ] as [[UInt8]])
    func invalidUTF8(_ bad: [UInt8]) {
        let prefix = Array("{\"a\":\"0123456789".utf8)
        #expect(parseError(prefix + bad + Array("\"}".utf8)) == "line 1, column 17: invalid UTF-8 in a string")
        #expect(parseError(Array("{\"".utf8) + bad + Array("\":1}".utf8)) == "line 1, column 3: invalid UTF-8 in a string")
        #expect(parseError(Array("{\"a\":[\"".utf8) + bad + Array("\"]}".utf8)) != nil)
        #expect(parseError(Array("{\"a\":".utf8) + bad + Array("}".utf8)) != nil)
    }
}
