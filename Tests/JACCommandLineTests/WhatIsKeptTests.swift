import Foundation
import JACTestSupport
import Testing

/// What a round trip through `jac pack` and `jac unpack` restores, claim by claim as jac(1)
/// ("WHAT A ROUND TRIP KEEPS") and README state them: each input line and the exact line it
/// reads back as.
struct WhatIsKeptTests {
    private func roundTrip(_ lines: [String], _ options: [String] = []) throws -> [String] {
        let w = try Workspace()
        try w.write("in.ndjson", lines.joined(separator: "\n") + "\n")
        let pack = try w.jac(["pack", "in.ndjson", "-o", "x.jac"] + options)
        #expect(pack.status == 0, "\(pack.stderr)")
        let unpack = try w.jac(["unpack", "x.jac"])
        #expect(unpack.status == 0, "\(unpack.stderr)")
        return String(decoding: unpack.stdout, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    private func expectRoundTrip(_ cases: [(String, String)], _ options: [String] = []) throws {
        let back = try roundTrip(cases.map(\.0), options)
        #expect(back == cases.map(\.1))
    }

    /// Absent and null stay apart; an empty record, booleans and every value come back.
    @Test func valuesAbsentAndNull() throws {
        try expectRoundTrip([
            (#"{"a":null}"#, #"{"a":null}"#), (#"{"b":1}"#, #"{"b":1}"#), ("{}", "{}"),
            (#"{"a":true,"b":false}"#, #"{"a":true,"b":false}"#),
        ])
    }

    /// A number's value exactly, with its digits (trailing zeros, -0, any length), in one
    /// spelling: lower-case e, no plus sign, the exponent moved into the digits where it can be.
    @Test func numbersKeepValueAndDigitsNotSpelling() throws {
        try expectRoundTrip([
            (#"{"n":1.00}"#, #"{"n":1.00}"#), (#"{"n":0.10}"#, #"{"n":0.10}"#), (#"{"n":-0}"#, #"{"n":-0}"#),
            (#"{"n":-0.0}"#, #"{"n":-0.0}"#), (#"{"n":12345678901234567890123456789}"#, #"{"n":12345678901234567890123456789}"#),
            (#"{"n":100e-2}"#, #"{"n":1.00}"#), (#"{"n":1E5}"#, #"{"n":1e5}"#), (#"{"n":1e+5}"#, #"{"n":1e5}"#),
            (#"{"n":10.0e1}"#, #"{"n":100}"#), (#"{"n":1.5e300}"#, #"{"n":15e299}"#), (#"{"n":-1e-7}"#, #"{"n":-1e-7}"#),
        ])
    }

    /// A string's characters byte for byte, escapes rewritten: only the quote, the backslash
    /// and control characters are escaped (\b \f \n \r \t, else \u00xx); \/, \u00e9 and a
    /// surrogate pair come back as the UTF-8 they stand for; DEL and U+2028 stay raw.
    @Test func stringsKeepCharactersNotEscapes() throws {
        try expectRoundTrip([
            (#"{"s":"é😀"}"#, #"{"s":"é😀"}"#),
            (#"{"s":"\u00e9\/\ud83d\ude00"}"#, #"{"s":"é/😀"}"#),
            (#"{"s":"\"\\\b\f\n\r\t\u0001\u001F"}"#, #"{"s":"\"\\\b\f\n\r\t\u0001\u001f"}"#),
            ("{\"s\":\"\u{7F}\\u2028\"}", "{\"s\":\"\u{7F}\u{2028}\"}"),
        ])
    }

    /// Nested objects and arrays come back minified, with their keys in order (a repeated one
    /// too) and their numbers as written; their strings as top-level ones.
    @Test func nestedValuesAreMinifiedText() throws {
        try expectRoundTrip([
            (#"{"o" : { "y" : 1E+5 , "x" : [ 1.50 , 2 ], "y": 0 } }"#, #"{"o":{"y":1E+5,"x":[1.50,2],"y":0}}"#),
            (#"{"l":[ "\u0041\/" ]}"#, #"{"l":["A/"]}"#),
        ])
    }

    /// Top-level keys come back in the order the block first saw them, not per record; with
    /// --canonicalize-keys, by name.
    @Test func keyOrderIsTheBlocks() throws {
        try expectRoundTrip([(#"{"z":1,"a":2}"#, #"{"z":1,"a":2}"#), (#"{"a":3,"z":4}"#, #"{"z":4,"a":3}"#),
                             (#"{"m":5,"z":6}"#, #"{"z":6,"m":5}"#)])
        try expectRoundTrip([(#"{"z":1,"a":2}"#, #"{"a":2,"z":1}"#)], ["--canonicalize-keys"])
    }

    /// A repeated top-level key is an error, or with --duplicate-keys last only its last value stays.
    @Test func repeatedKeys() throws {
        let w = try Workspace()
        try w.write("in.ndjson", #"{"a":1,"a":2}"# + "\n")
        #expect(try w.jac(["pack", "in.ndjson"]).status == 1)
        try expectRoundTrip([(#"{"a":1,"b":0,"a":2}"#, #"{"a":2,"b":0}"#)], ["--duplicate-keys", "last"])
    }

    /// Whitespace and line layout are not kept; a JSON array is, as the container hint that
    /// --format auto (and jac -d) follow.
    @Test func layout() throws {
        let w = try Workspace()
        try w.write("in.json", "[\n  {\"a\": 1},\n\n  {\"b\" :2}\n]\n")
        #expect(try w.jac(["pack", "in.json", "-o", "x.jac"]).status == 0)
        #expect(try w.jac(["unpack", "x.jac"]).stdout == Array("{\"a\":1}\n{\"b\":2}\n".utf8))
        let auto = try w.jac(["unpack", "--format", "auto", "x.jac"])
        #expect(String(decoding: auto.stdout, as: UTF8.self).filter { !$0.isWhitespace } == #"[{"a":1},{"b":2}]"#)
    }
}
