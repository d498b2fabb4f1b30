import JACCodec
import JACTestSupport
import Testing

/// Encode, then decode with `FieldColumn` and `RecordWriter`: records must come back
/// semantically equal (JACTestSupport's comparer), whatever the values.
struct RoundTripTests {
    static let nested = String(repeating: #"{"a":["#, count: 300) + "null" + String(repeating: "]}", count: 300)

    static let cases: [(String, [String])] = [
        ("i64 edges and beyond", [
            #"{"n":9223372036854775807}"#, #"{"n":-9223372036854775808}"#, #"{"n":9223372036854775808}"#,
            #"{"n":-9223372036854775809}"#, #"{"n":18446744073709551616}"#, #"{"n":0}"#,
        ]),
        ("decimal spellings", [
            #"{"n":-0}"#, #"{"n":1.0}"#, #"{"n":2.50}"#, #"{"n":1e5}"#, #"{"n":1E-7}"#, #"{"n":-0.0}"#,
            #"{"n":1234567890123456789012345678901234567890}"#, #"{"n":0.1234567890123456789012345678901234567890}"#,
            #"{"n":1e400}"#, #"{"n":-5e-400}"#, #"{"n":1.5E+300}"#,
        ]),
        ("strings", [
            #"{"s":""}"#, #"{"s":"\"\\\/\b\f\n\r\t\u0000\u001f\u007f"}"#, #"{"s":"😀 raw, \ud83d\ude00 escaped"}"#,
            #"{"s":"e\u0301 vs é"}"#, #"{"":"empty key","\u00e9":"escaped key"}"#,
        ]),
        ("nested", [
            #"{"o":{},"a":[]}"#, #"{"o":{"x":{"y":{"z":[[],[{}],"\n"]}}},"a":[1,2.50,-0,1e5,"x",true,null]}"#,
            "{\"deep\":\(nested)}", #"{"o" : { "k" : [ 1 , 2 ] } }"#,
        ]),
        ("record shapes", [
            "{}", "{" + (0 ..< 2000).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}", "{}",
        ]),
        ("schema drift", [
            #"{"a":1,"b":"x"}"#, #"{"b":2,"c":[1]}"#, #"{"c":{"d":null},"a":"now a string"}"#, #"{"a":true}"#,
            #"{"d":1.5,"a":null}"#,
        ]),
        ("absent vs null", [#"{"a":null,"b":1}"#, #"{"b":2}"#, #"{"a":null}"#, "{}"]),
    ]

    @Test(arguments: cases)
    func roundTrips(what: String, lines: [String]) throws {
        let out = try decode(encode(lines))
        let input = Array(lines.joined(separator: "\n").utf8)
        #expect(firstDifference(actualText: out, expectedText: input) == nil, "\(what)")
        #expect(out.filter { $0 == 0x0A }.count == lines.count)
    }

    /// The comparison above must see the difference between absent and null, or it proves
    /// nothing about them.
    @Test func absentAndNullStayApart() throws {
        let out = try decode(encode([#"{"a":null,"b":1}"#, #"{"b":2}"#]))
        #expect(firstDifference(actualText: out, expectedText: Array("{\"b\":1}\n{\"b\":2,\"a\":null}".utf8)) != nil)
    }
}
