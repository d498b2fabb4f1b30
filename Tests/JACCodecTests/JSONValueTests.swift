import JACTestSupport
import Testing

/// The test-support comparer decides what "semantically equal" means for every round trip, so
/// it is tested on its own.
struct JSONValueTests {
    @Test(arguments: [
        ("1.0", "1.00"), ("1e5", "100000"), ("100000", "1E+5"), ("-0", "0"), ("0.0e10", "0"), ("2.50", "25e-1"),
        (#"{"a":1,"b":[null]}"#, #" { "b" : [ null ] , "a" : 1 } "#), (#""\u00e9\ud83d\ude00""#, "\"é😀\""),
        (#""\/""#, #""/""#),
    ])
    func equal(a: String, b: String) throws {
        #expect(try JSONValue.parse(a) == JSONValue.parse(b))
    }

    @Test(arguments: [
        ("1", "1.0000000000000001"), ("9223372036854775807", "9223372036854775808"), ("1", "-1"),
        (#"{"a":null}"#, "{}"), (#""é""#, "\"e\u{301}\""), ("[1,2]", "[2,1]"), ("null", "false"), (#""1""#, "1"),
        ("1e400", "1e401"),
    ])
    func different(a: String, b: String) throws {
        #expect(try JSONValue.parse(a) != JSONValue.parse(b))
    }

    @Test(arguments: ["01", "1.", ".5", "[1,]", #""\ud800""#, #"{"a"}"#, "tru", "1 2", "\"a\u{1}\""])
    func rejectsInvalid(text: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
    }

    @Test func namesTheFirstDifferentRecord() {
        let a = Array("{\"a\":1}\n{\"a\":2}\n".utf8)
        let b = Array("[{\"a\":1},{\"a\":3}]".utf8)
        #expect(firstDifference(actualText: a, expectedText: b)?.hasPrefix("record 2 differs") == true)
        #expect(firstDifference(actualText: a, expectedText: a) == nil)
        #expect(firstDifference(actualText: a, expectedText: Array(a.prefix(8))) != nil)
    }
}
