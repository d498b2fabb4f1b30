import JACWire

import Glibc

/// A path into a stored object or array, as `jac cat -F` takes it: a top-level name, then steps
/// `.key`, `[N]` (an array element, from 0) or `["key"]` (the key as a JSON string, for keys
/// holding dots or brackets), as in `geo.country` or `items[0].sku`. A name that has no such
/// steps, or malformed ones, is no path (only the field of that name).
public struct JSONPath: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// The key as the stored text writes it: in quotes, escaped by `JSONWriter`'s rules
        /// (the form nested text is minified into), so keys compare as bytes.
        case key([UInt8])
        case index(Int)
    }

    public let head: [UInt8]
    public let steps: [Step]

    public init?(_ name: [UInt8]) {
        let dot = UInt8(ascii: "."), open = UInt8(ascii: "["), close = UInt8(ascii: "]"), quote = UInt8(ascii: "\"")
        guard let first = name.firstIndex(where: { $0 == dot || $0 == open }), first > 0 else { return nil }
        var steps: [Step] = []
        var i = first
        while i < name.count {
            if name[i] == dot {
                i += 1
                let start = i
                while i < name.count, name[i] != dot, name[i] != open { i += 1 }
                guard i > start else { return nil }
                steps.append(.key(Self.quoted(Array(name[start ..< i]))))
            } else if name[i] == open, i + 1 < name.count, name[i + 1] == quote {
                let start = i + 1
                i += 2
                while i < name.count, name[i] != quote { i += name[i] == UInt8(ascii: "\\") ? 2 : 1 }
                guard i + 1 < name.count, name[i + 1] == close,
                      let key = Self.unescaped(Array(name[start ... i])) else { return nil }
                steps.append(.key(Self.quoted(key)))
                i += 2
            } else if name[i] == open {
                i += 1
                let start = i
                while i < name.count, name[i] &- 0x30 < 10 { i += 1 }
                guard i > start, i - start <= 9, i < name.count, name[i] == close else { return nil }
                steps.append(.index(Int(String(decoding: name[start ..< i], as: UTF8.self))!))
                i += 1
            } else {
                return nil
            }
        }
        head = Array(name[..<first])
        self.steps = steps
    }

    /// The range, in `text` (one value as minified JSON, as objects and arrays are stored), of
    /// the value the steps lead to; nil when there is none.
    public func find(in text: UnsafeRawBufferPointer) -> Range<Int>? {
        var lo = 0
        var hi = text.count
        for step in steps {
            guard lo < hi else { return nil }
            var i = lo + 1
            switch step {
            case .key(let key):
                guard text[lo] == UInt8(ascii: "{") else { return nil }
                var found = false
                while i < hi, text[i] == UInt8(ascii: "\"") {
                    let keyEnd = Self.skipString(text, i, hi)
                    let matches = keyEnd - i == key.count && key.withUnsafeBytes { k in
                        memcmp(k.baseAddress!, text.baseAddress! + i, key.count) == 0
                    }
                    let valueEnd = Self.skipValue(text, keyEnd + 1, hi)
                    if matches {
                        (lo, hi, found) = (keyEnd + 1, valueEnd, true)
                        break
                    }
                    i = valueEnd + 1
                }
                if !found { return nil }
            case .index(let n):
                guard text[lo] == UInt8(ascii: "["), i < hi, text[i] != UInt8(ascii: "]") else { return nil }
                var element = 0
                while true {
                    let end = Self.skipValue(text, i, hi)
                    if element == n {
                        (lo, hi) = (i, end)
                        break
                    }
                    guard end < hi, text[end] == UInt8(ascii: ",") else { return nil }
                    i = end + 1
                    element += 1
                }
            }
        }
        return lo < hi ? lo ..< hi : nil
    }

    /// Appends the string whose JSON text is `text` (quotes included), unescaped.
    public static func appendUnescaped(_ text: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        if let s = unescaped(Array(text)) { out.append(contentsOf: s) }
    }

    /// The end of the string that starts at `i` (its quote), not past `end`.
    private static func skipString(_ text: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Int {
        var i = i + 1
        while i < end, text[i] != UInt8(ascii: "\"") { i += text[i] == UInt8(ascii: "\\") ? 2 : 1 }
        return min(i + 1, end)
    }

    /// The end of the value that starts at `i` in minified text, not past `end`.
    private static func skipValue(_ text: UnsafeRawBufferPointer, _ i: Int, _ end: Int) -> Int {
        guard i < end else { return end }
        switch text[i] {
        case UInt8(ascii: "\""):
            return skipString(text, i, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var j = i
            while j < end {
                switch text[j] {
                case UInt8(ascii: "\""):
                    j = skipString(text, j, end)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                j += 1
                if depth == 0 { return j }
            }
            return end
        default:
            var j = i
            while j < end, text[j] != UInt8(ascii: ","), text[j] != UInt8(ascii: "]"), text[j] != UInt8(ascii: "}") { j += 1 }
            return j
        }
    }

    private static func quoted(_ key: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        key.withUnsafeBytes { JSONWriter.appendString($0, to: &out) }
        return out
    }

    /// The content of a JSON string (quotes included in `text`), or nil when it is not one.
    private static func unescaped(_ text: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: text.count)
        let used: Int? = text.withUnsafeBufferPointer { p in
            out.withUnsafeMutableBufferPointer { o in
                var reader = JSONReader(p.baseAddress!, count: p.count, out: o.baseAddress!, line: 1, column: 1,
                                        truncated: "text ends inside a string")
                guard (try? reader.readString(canonical: false)) != nil, reader.pos == p.count else { return nil }
                return reader.o
            }
        }
        guard let used else { return nil }
        out.removeSubrange(used...)
        return out
    }
}
