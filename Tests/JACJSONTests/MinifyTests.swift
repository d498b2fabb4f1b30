import JACJSON
import JACWire
import Testing

@Suite struct MinifyTests {
    @Test(arguments: [
        (#"{ "b" : 2, "a":[1, 2.50 ,"x\/\u00e9"] }"#, #"{"b":2,"a":[1,2.50,"x/é"]}"#),
        ("  [ ]  ", "[]"),
        ("{\n}", "{}"),
        ("\t-0.0e+00\r\n", "-0.0e+00"),
        ("true", "true"),
        ("false", "false"),
        ("null", "null"),
        (#""\u0022\u005c\u002F\u0008\u0009\u000A\u000C\u000D\u0000\u001F\u007f\u00E9""#,
         "\"\\\"\\\\/\\b\\t\\n\\f\\r\\u0000\\u001f\u{7F}é\""),
        (#"{"a":1,"a":2}"#, #"{"a":1,"a":2}"#),
        (#"[{"k":[{"k":[]}]},[[],{}],"\ud834\udd1e"]"#, #"[{"k":[{"k":[]}]},[[],{}],"𝄞"]"#),
        ("[1e400, 123456789012345678901234567890, -1E-7]", "[1e400,123456789012345678901234567890,-1E-7]"),
    ])
    func canonicalForm(_ input: String, _ expected: String) throws {
        #expect(try minified(input) == expected)
        // Canonical text is a fixed point.
        #expect(try minified(expected) == expected)
    }

    @Test func appendsAfterExistingBytes() throws {
        var out = Array("prefix:".utf8)
        try Array(" [ 1 , 2 ] ".utf8).withUnsafeBytes { raw in try RecordParser.minify(raw, into: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "prefix:[1,2]")
    }

    @Test func errorsLeaveOutputUntouched() {
        var out = Array("keep".utf8)
        #expect(throws: JACError.self) {
            try Array("[1,2,".utf8).withUnsafeBytes { raw in try RecordParser.minify(raw, into: &out) }
        }
        #expect(out == Array("keep".utf8))
    }

    @Test func errors() {
        #expect(minifyError("") == "line 1, column 1: expected a value, found the end of the text")
        #expect(minifyError("[1,2") == "line 1, column 5: text ends inside a value")
        #expect(minifyError("[1] 2") == "line 1, column 5: unexpected text after the value")
        #expect(minifyError("{\"a\":1,}") == "line 1, column 8: expected a key string, found '}'")
        #expect(minifyError("[1,\n 2,\n x]") == "line 3, column 2: expected a value, found 'x'")
        #expect(minifyError("[\"a\u{1}\"]") == "line 1, column 4: control character U+0001 must be escaped in a string")
        #expect(minifyError("{]") == "line 1, column 2: expected a key string, found ']'")
        #expect(minifyError("[}") == "line 1, column 2: expected a value, found '}'")
    }

    @Test func nestingLimit() throws {
        let depth = RecordParser.maxDepth
        let ok = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(try minified(ok) == ok)
        let deep = String(repeating: "[", count: 1_000_000)
        #expect(minifyError(deep) == "line 1, column \(depth + 1): nesting deeper than 10000")
    }
}
