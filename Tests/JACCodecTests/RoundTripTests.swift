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

    /// Records whose keys change order, come and go, and repeat (`--duplicate-keys last`): values
    /// must follow their names, not the places the record before had them at (the encoder checks
    /// those names first), and a field that every record had so far may stop and start again.
    @Test func keysThatMoveBetweenRecords() throws {
        let names = ["a", "bb", "ccccccccc", "d", "eeeeeeeeeeeeeeeeeeee", "f", "gg", "h"]
        var state: UInt64 = 0x243F_6A88_85A3_08D3
        func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(n))
        }
        var lines: [String] = []
        var expected: [String] = []
        for r in 0 ..< 400 {
            var keys = names.filter { _ in r < 20 || next(4) != 0 }
            if r % 50 >= 25 { keys.reverse() }
            if next(3) == 0, keys.count > 1 { keys.swapAt(next(keys.count), next(keys.count)) }
            var members = keys.enumerated().map { i, k in "\"\(k)\":" + (i % 2 == 0 ? "\"v\(next(3))\"" : "\(r * i)") }
            var kept = members
            if next(5) == 0, let k = keys.first {
                members.append("\"\(k)\":\"again\"")
                kept = Array(kept.dropFirst()) + ["\"\(k)\":\"again\""]
            }
            lines.append("{" + members.joined(separator: ",") + "}")
            expected.append("{" + kept.joined(separator: ",") + "}")
        }
        var options = EncodingOptions()
        options.duplicateKeys = .last
        let out = try decode(encode(lines, options: options))
        #expect(firstDifference(actualText: out, expectedText: Array(expected.joined(separator: "\n").utf8)) == nil)
    }
}
