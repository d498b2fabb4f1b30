/// A JSON value as tests compare it: "semantically equal" means the same keys in any order,
/// strings equal byte for byte (Swift's `String ==` would merge canonically equivalent
/// Unicode), numbers equal as exact decimals (never through `Double`), absent and null apart.
public indirect enum JSONValue: Equatable, Sendable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(ExactDecimal)
    /// UTF-8 bytes of the unescaped string.
    case string([UInt8])
    case array([JSONValue])
    /// Members by key bytes; a repeated key keeps its last value, as the format's readers do.
    case object([[UInt8]: JSONValue])

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let d): d.description
        case .string(let s): debugString(s)
        case .array(let a): "[" + a.map(\.description).joined(separator: ",") + "]"
        case .object(let o):
            "{" + o.sorted { $0.key.lexicographicallyPrecedes($1.key) }
                .map { debugString($0.key) + ":" + $0.value.description }.joined(separator: ",") + "}"
        }
    }
}

private func debugString(_ bytes: [UInt8]) -> String {
    "\"" + String(decoding: bytes, as: UTF8.self).unicodeScalars.map { $0.escaped(asASCII: false) }.joined() + "\""
}

/// A number normalized so equal values compare equal: no leading or trailing zeros in
/// `digits`, zero as empty digits with exponent 0 and no sign.
public struct ExactDecimal: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var negative: Bool
    public var digits: String
    public var exponent: Int

    public init(negative: Bool, digits: some StringProtocol, exponent: Int) {
        var d = Substring(digits.drop { $0 == "0" })
        var e = exponent
        while d.last == "0" {
            d.removeLast()
            e += 1
        }
        self.negative = d.isEmpty ? false : negative
        self.digits = String(d)
        self.exponent = d.isEmpty ? 0 : e
    }

    public var description: String { (negative ? "-" : "") + (digits.isEmpty ? "0" : digits) + "e\(exponent)" }
}

public struct JSONSyntaxError: Error, CustomStringConvertible {
    public var offset: Int
    public var message: String
    public var description: String { "offset \(offset): \(message)" }
}

extension JSONValue {
    /// Parses one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        var p = Parser(bytes: Array(bytes))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.fail("text after the value") }
        return v
    }

    public static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    /// Records of NDJSON text (one value per non-blank line) or of one JSON array.
    public static func parseRecords(_ bytes: [UInt8]) throws -> [JSONValue] {
        if isArrayText(bytes) {
            guard case .array(let records) = try parse(bytes) else { return [] }
            return records
        }
        return try recordLines(bytes).map { try parse($0) }
    }

    /// Whether the text is one JSON array (its first non-blank byte is `[`).
    public static func isArrayText(_ bytes: [UInt8]) -> Bool {
        bytes.first { !Parser.isSpace($0) } == UInt8(ascii: "[")
    }

    /// The non-blank lines of NDJSON text, unparsed.
    public static func recordLines(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        bytes.split(separator: 0x0A).filter { !$0.allSatisfy(Parser.isSpace) }
    }
}

/// A straightforward recursive-descent parser: slow, obviously right, independent of the
/// code under test.
private struct Parser {
    let bytes: [UInt8]
    var i = 0

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    func fail(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, message: message) }

    mutating func skipSpace() {
        while i < bytes.count, Parser.isSpace(bytes[i]) { i += 1 }
    }

    mutating func expect(_ word: String) throws {
        let w = Array(word.utf8)
        guard bytes.count - i >= w.count, Array(bytes[i ..< i + w.count]) == w else { throw fail("expected \(word)") }
        i += w.count
    }

    mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 100_000 else { throw fail("too deep") }
        guard i < bytes.count else { throw fail("expected a value") }
        switch bytes[i] {
        case UInt8(ascii: "n"): try expect("null"); return .null
        case UInt8(ascii: "t"): try expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try expect("false"); return .bool(false)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated array") }
                i += 1
                if bytes[i - 1] == UInt8(ascii: "]") { return .array(items) }
                guard bytes[i - 1] == UInt8(ascii: ",") else { throw fail("expected , or ]") }
            }
        case UInt8(ascii: "{"):
            i += 1
            var members: [[UInt8]: JSONValue] = [:]
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                let key = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                members[key] = try value(depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw fail("unterminated object") }
                i += 1
                if bytes[i - 1] == UInt8(ascii: "}") { return .object(members) }
                guard bytes[i - 1] == UInt8(ascii: ",") else { throw fail("expected , or }") }
            }
        default: return .number(try number())
        }
    }

    mutating func digitRun() -> String {
        let start = i
        while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
        return String(decoding: bytes[start ..< i], as: UTF8.self)
    }

    mutating func number() throws -> ExactDecimal {
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        let whole = digitRun()
        guard !whole.isEmpty, whole == "0" || !whole.hasPrefix("0") else { throw fail("bad number") }
        var fraction = ""
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fraction = digitRun()
            guard !fraction.isEmpty else { throw fail("bad fraction") }
        }
        var exponent = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var sign = 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                sign = bytes[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
            }
            let text = digitRun()
            guard let e = Int(text), e < 1 << 40 else { throw fail("bad exponent") }
            exponent = sign * e
        }
        return ExactDecimal(negative: negative, digits: whole + fraction, exponent: exponent - fraction.count)
    }

    mutating func hex4() throws -> UInt32 {
        guard bytes.count - i >= 4, let v = UInt32(String(decoding: bytes[i ..< i + 4], as: UTF8.self), radix: 16) else {
            throw fail("bad \\u escape")
        }
        i += 4
        return v
    }

    mutating func string() throws -> [UInt8] {
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("unterminated string") }
            let b = bytes[i]
            i += 1
            switch b {
            case UInt8(ascii: "\""):
                guard String(validating: out, as: UTF8.self) != nil else { throw fail("invalid UTF-8") }
                return out
            case 0 ..< 0x20: throw fail("control character in a string")
            case UInt8(ascii: "\\"):
                guard i < bytes.count else { throw fail("unterminated escape") }
                i += 1
                switch bytes[i - 1] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800 ..< 0xDC00).contains(scalar) {
                        try expect("\\u")
                        let low = try hex4()
                        guard (0xDC00 ..< 0xE000).contains(low) else { throw fail("lone high surrogate") }
                        scalar = 0x10000 + (scalar - 0xD800) << 10 + (low - 0xDC00)
                    }
                    guard let s = Unicode.Scalar(scalar) else { throw fail("lone low surrogate") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default: throw fail("bad escape")
                }
            default: out.append(b)
            }
        }
    }
}
