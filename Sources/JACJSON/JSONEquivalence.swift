import JACWire

/// Semantic equality of JSON values, for `jac-verify --against`: object key order does not
/// matter, strings compare as bytes after unescaping, numbers compare as exact decimal values
/// (`1.0` equals `1`, `2.50` equals `2.5`, nothing goes through binary64).
public enum JSONEquivalence {
    /// Compares two JSON texts; each must be one valid JSON value.
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) throws(JACError) -> Bool {
        var ma: [UInt8] = []
        var mb: [UInt8] = []
        try RecordParser.minify(a, into: &ma)
        try RecordParser.minify(b, into: &mb)
        if ma == mb { return true }
        return ma.withUnsafeBytes { pa in
            mb.withUnsafeBytes { pb in
                var ra = TreeReader(text: pa)
                var rb = TreeReader(text: pb)
                return ra.value() == rb.value()
            }
        }
    }

    /// An exact number normalized so equal values have equal fields: digits without leading or
    /// trailing zeros (empty for zero), and the power of ten.
    public struct ExactNumber: Hashable, Sendable {
        public var negative: Bool
        public var digits: [UInt8]
        public var exponent: Int

        public init(negative: Bool, digits: some Collection<UInt8>, exponent: Int) {
            var d = Array(digits.drop { $0 == UInt8(ascii: "0") })
            var e = exponent
            while d.last == UInt8(ascii: "0") {
                d.removeLast()
                e += 1
            }
            self.negative = negative && !d.isEmpty
            self.digits = d
            self.exponent = d.isEmpty ? 0 : e
        }

        /// Parses minified JSON number text.
        init(text: some Collection<UInt8>) {
            var negative = false
            var digits: [UInt8] = []
            var fraction = 0
            var exponent = 0
            var inFraction = false
            var i = text.startIndex
            if text[i] == UInt8(ascii: "-") {
                negative = true
                i = text.index(after: i)
            }
            while i != text.endIndex {
                let c = text[i]
                if c == UInt8(ascii: ".") {
                    inFraction = true
                } else if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    var j = text.index(after: i)
                    var sign = 1
                    if text[j] == UInt8(ascii: "-") || text[j] == UInt8(ascii: "+") {
                        sign = text[j] == UInt8(ascii: "-") ? -1 : 1
                        j = text.index(after: j)
                    }
                    var e = 0
                    while j != text.endIndex {
                        e = min(e * 10 + Int(text[j] - 0x30), 1 << 40)
                        j = text.index(after: j)
                    }
                    exponent = sign * e
                    break
                } else {
                    digits.append(c)
                    if inFraction { fraction += 1 }
                }
                i = text.index(after: i)
            }
            self.init(negative: negative, digits: digits, exponent: exponent - fraction)
        }
    }

    enum Node: Equatable {
        case null
        case bool(Bool)
        case number(ExactNumber)
        case string([UInt8])
        case array([Node])
        case object([[UInt8]: Node])
    }

    /// Builds a tree from minified, already validated JSON.
    struct TreeReader {
        let text: UnsafeRawBufferPointer
        var i = 0

        mutating func value() -> Node {
            switch text[i] {
            case UInt8(ascii: "n"): i += 4; return .null
            case UInt8(ascii: "t"): i += 4; return .bool(true)
            case UInt8(ascii: "f"): i += 5; return .bool(false)
            case UInt8(ascii: "\""): return .string(string())
            case UInt8(ascii: "["):
                i += 1
                var items: [Node] = []
                while text[i] != UInt8(ascii: "]") {
                    items.append(value())
                    if text[i] == UInt8(ascii: ",") { i += 1 }
                }
                i += 1
                return .array(items)
            case UInt8(ascii: "{"):
                i += 1
                var members: [[UInt8]: Node] = [:]
                while text[i] != UInt8(ascii: "}") {
                    let key = string()
                    i += 1
                    members[key] = value()
                    if text[i] == UInt8(ascii: ",") { i += 1 }
                }
                i += 1
                return .object(members)
            default:
                let start = i
                while i < text.count, !",]}".utf8.contains(text[i]) { i += 1 }
                return .number(ExactNumber(text: UnsafeRawBufferPointer(rebasing: text[start ..< i])))
            }
        }

        /// A canonical minified string: escapes are already in one form, so the raw bytes
        /// between the quotes identify the string.
        mutating func string() -> [UInt8] {
            i += 1
            let start = i
            while text[i] != UInt8(ascii: "\"") { i += text[i] == UInt8(ascii: "\\") ? 2 : 1 }
            i += 1
            return Array(text[start ..< i - 1])
        }
    }
}
