import JACJSON
import JACWire
import Testing

/// A parsed field with its bytes turned into Swift values, for comparing in tests.
struct ParsedField: Equatable, CustomStringConvertible {
    var key: String
    var kind: JSONKind
    var bool = false
    var int: Int64 = 0
    var text = ""
    var negative = false
    var exponent: Int32 = 0

    var description: String { "\(key): \(kind) \(bool) \(int) \(text) \(negative) \(exponent)" }
}

func parseRecord(_ json: String, line: Int = 1, column: Int = 1) throws -> [ParsedField] {
    var parser = RecordParser()
    try parse(&parser, Array(json.utf8), line: line, column: column)
    return parser.fields.map { f in
        ParsedField(key: String(decoding: parser.scratch[f.key], as: UTF8.self), kind: f.kind,
                    bool: f.bool, int: f.int, text: String(decoding: parser.scratch[f.payload], as: UTF8.self),
                    negative: f.negative, exponent: f.exponent)
    }
}

func parse(_ parser: inout RecordParser, _ bytes: [UInt8], line: Int = 1, column: Int = 1) throws {
    try bytes.withUnsafeBytes { raw in try parser.parse(raw, line: line, column: column) }
}

/// The error message parsing `bytes` gives, or nil if it parses.
func parseError(_ bytes: [UInt8], line: Int = 1, column: Int = 1) -> String? {
    var parser = RecordParser()
    do {
        try parse(&parser, bytes, line: line, column: column)
        return nil
    } catch let error as JACError {
        #expect(error.kind == .json)
        return error.message
    } catch {
        Issue.record(error)
        return nil
    }
}

func parseError(_ json: String, line: Int = 1, column: Int = 1) -> String? {
    parseError(Array(json.utf8), line: line, column: column)
}

func minified(_ bytes: [UInt8]) throws -> String {
    var out: [UInt8] = []
    try bytes.withUnsafeBytes { raw in try RecordParser.minify(raw, into: &out) }
    return String(decoding: out, as: UTF8.self)
}

func minified(_ json: String) throws -> String {
    try minified(Array(json.utf8))
}

func minifyError(_ json: String) -> String? {
    do {
        _ = try minified(json)
        return nil
    } catch let error as JACError {
        return error.message
    } catch {
        Issue.record(error)
        return nil
    }
}

/// A small deterministic generator (SplitMix64), so generated cases are the same on every run.
struct SplitMix {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
