import JACJSON
import Testing

/// `CanonicalJSON.isCanonical` must say true exactly when `minify` accepts a text and gives it
/// back unchanged (the decoder then skips `minify`), for nesting up to its depth; its vector path
/// (strings sixteen bytes a step with SSE2) answers as `isCanonicalPortable` does on every input.
@Suite struct CanonicalJSONTests {
    /// What `minify` says: the text is valid and its own canonical form.
    private func minifyKeeps(_ bytes: [UInt8]) -> Bool {
        guard let text = try? minified(bytes) else { return false }
        return Array(text.utf8) == bytes
    }

    /// What `isCanonical` says, checked against `isCanonicalPortable`.
    private func scanned(_ bytes: [UInt8]) -> Bool {
        let vector = bytes.withUnsafeBytes { CanonicalJSON.isCanonical($0) }
        #expect(bytes.withUnsafeBytes { CanonicalJSON.isCanonicalPortable($0) } == vector, "\(bytes)")
        return vector
    }

    /// Strings and numbers of every length to 80, in an array and as an object's key and value,
    /// with each interesting byte or sequence at every place: so each straddles every 8- and
    /// 16-byte edge, and the end of the text comes at every distance from it.
    @Test func everyInterestingPieceAtEveryPlace() {
        let pieces: [[UInt8]] = [[0x22], [0x5C], [0x5C, 0x6E], [0x5C, 0x2F], [0x5C, 0x75, 0x30, 0x30, 0x31, 0x66],
                                 [0x5C, 0x75, 0x30, 0x30, 0x34, 0x31], [0x00], [0x1F], [0x7F], [0x80], [0xC3, 0xA9], [0xC3],
                                 [0xE2, 0x82, 0xAC], [0xED, 0xA0, 0x80], [0xF0, 0x9D, 0x84, 0x9E], [0xF0, 0x9D, 0x84], [0xFF]]
        // In a number: what may follow a digit, and what may not.
        let numberPieces: [[UInt8]] = [[0x2E], [0x2E, 0x35], [0x65], [0x45, 0x2B], [0x65, 0x2D, 0x31], [0x2D], [0x20], [0x61], [0x30]]
        var agreed = 0
        for n in 1 ... 80 {
            let text = (0 ..< n).map { k -> UInt8 in
                let b = UInt8(0x20 + (k * 11) % 0x5F)
                return b == 0x22 || b == 0x5C ? 0x41 : b
            }
            let digits = (0 ..< n).map { UInt8(0x31 + ($0 * 7) % 9) }
            for at in -1 ..< n {
                for piece in at < 0 ? [[]] : pieces {
                    var s = text
                    if at >= 0 { s.replaceSubrange(at ..< min(n, at + piece.count), with: piece) }
                    let quoted = [0x22] + s + [0x22]
                    for bytes in [[0x5B] + quoted + [0x5D], [0x7B] + quoted + [0x3A] + quoted + [0x7D], quoted] {
                        #expect(scanned(bytes) == minifyKeeps(bytes), "\(bytes)")
                        if minifyKeeps(bytes) { agreed += 1 }
                    }
                }
                for piece in at < 0 ? [[]] : numberPieces {
                    var d = digits
                    if at >= 0 { d.replaceSubrange(at ..< min(n, at + piece.count), with: piece) }
                    for bytes in [d, [0x5B] + d + [0x2C, 0x30, 0x5D], [0x2D] + d] {
                        #expect(scanned(bytes) == minifyKeeps(bytes), "\(bytes)")
                        if minifyKeeps(bytes) { agreed += 1 }
                    }
                }
            }
        }
        // Both answers were common.
        #expect(agreed > 20_000 && agreed < 120_000)
    }

    @Test(arguments: [
        #"{"b":2,"a":[1,2.50,"x/é"]}"#, "[]", "{}", "-0.0e+00", "true", "false", "null", "0", "-1E-7",
        "\"\\\"\\\\/\\b\\t\\n\\f\\r\\u0000\\u001f\u{7F}é\"", #"{"a":1,"a":2}"#, #"[{"k":[{"k":[]}]},[[],{}],"𝄞"]"#,
        "[1e400,123456789012345678901234567890,-1E-7]", #"{"":""}"#, #"["abcdefghijklmnopqrstuvwxyz\n0123"]"#,
    ])
    func canonical(_ text: String) {
        #expect(minifyKeeps(Array(text.utf8)))
        #expect(scanned(Array(text.utf8)))
    }

    @Test(arguments: [
        // Valid but rewritten by minify.
        " []", "[ ]", "[1 ]", "{\"a\" :1}", #"["\/"]"#, #"["\u0041"]"#, #"["\u001F"]"#, #"["\u000a"]"#,
        #"["\u00e9"]"#, #"["\ud834\udd1e"]"#,
        // Invalid.
        "", "[", "[1,]", "{\"a\"}", "{\"a\":}", "[01]", "[1.]", "[1e]", "[-]", "[tru]", "[nulll]", "[1]]",
        "\"a\u{1}\"", #"["\x"]"#, #"["\u00"]"#, "[\"abc", "{1:2}", "[}", "{]", "[1]x", "\"\\",
    ])
    func notCanonical(_ text: String) {
        #expect(!minifyKeeps(Array(text.utf8)))
        #expect(!scanned(Array(text.utf8)))
    }

    /// UTF-8 is checked inside strings, and bytes from 0x80 up are not JSON outside them.
    @Test(arguments: [[0x5B, 0x22, 0xC3, 0x22, 0x5D], [0x5B, 0x22, 0xC0, 0x80, 0x22, 0x5D], [0x22, 0xED, 0xA0, 0x80, 0x22],
                      [0x22, 0xF0, 0x9D, 0x84, 0x22], [0x5B, 0xC3, 0xA9, 0x5D],
                      [0x22, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0xFF, 0x22]] as [[UInt8]])
    func invalidUTF8(_ bytes: [UInt8]) {
        #expect(!minifyKeeps(bytes))
        #expect(!scanned(bytes))
    }

    @Test func depth() {
        // The innermost `[]` is a value, not an open container.
        let limit = CanonicalJSON.maxDepth + 1
        let ok = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(scanned(Array(ok.utf8)))
        // Deeper text is left to minify, which keeps it.
        let deeper = "[" + ok + "]"
        #expect(!scanned(Array(deeper.utf8)))
        #expect(minifyKeeps(Array(deeper.utf8)))
    }

    /// Generated values, canonical or written with whitespace and other escapes, then mutated
    /// by replacing, inserting or dropping tokens: the two must agree on every one.
    @Test func agreesWithMinify() {
        var rng = SplitMix(state: 13)
        let tokens = ["{", "}", "[", "]", ",", ":", "\"", " ", "\n", "0", "-", "7", ".", "e", "E", "+", "true", "nul",
                      "\\", "\\\"", "\\/", "\\n", "\\u0001", "\\u001F", "\\u000a", "\\u0041", "\\ud834", "\u{1}", "é", "x"]
        var agreed = 0
        for _ in 0 ..< 20_000 {
            var text = value(&rng, depth: 0)
            if rng.below(2) == 0 {
                for _ in 0 ... rng.below(3) {
                    let at = rng.below(text.count + 1)
                    let token = tokens[rng.below(tokens.count)]
                    switch rng.below(3) {
                    case 0: text.insert(token, at: at)
                    case 1 where at < text.count: text[at] = token
                    default: if at < text.count { text.remove(at: at) }
                    }
                }
            }
            var bytes = Array(text.joined().utf8)
            // Now and then a byte that breaks UTF-8.
            if rng.below(8) == 0 && !bytes.isEmpty { bytes[rng.below(bytes.count)] = [0x80, 0xC3, 0xFF, 0xED][rng.below(4)] }
            #expect(scanned(bytes) == minifyKeeps(bytes), "\(bytes)")
            if scanned(bytes) { agreed += 1 }
        }
        // Both kinds were seen often.
        #expect(agreed > 5000 && agreed < 15_000)
    }

    /// A random value as tokens, canonical unless a coin says to add whitespace or escapes.
    private func value(_ rng: inout SplitMix, depth: Int) -> [String] {
        let space = rng.below(8) == 0 ? [" "] : []
        switch rng.below(depth < 4 ? 7 : 5) {
        case 0: return ["null"]
        case 1: return [["true", "false"][rng.below(2)]]
        case 2: return [["0", "-12", "3.50", "1e5", "-0.0E-3", "123456789012345678901"][rng.below(6)]]
        case 3, 4: return string(&rng)
        case 5:
            var out = ["["] + space
            for k in 0 ..< rng.below(4) {
                if k > 0 { out.append(",") }
                out += value(&rng, depth: depth + 1)
            }
            return out + ["]"]
        default:
            var out = ["{"]
            for k in 0 ..< rng.below(4) {
                if k > 0 { out.append(",") }
                out += string(&rng) + space + [":"] + value(&rng, depth: depth + 1)
            }
            return out + space + ["}"]
        }
    }

    private func string(_ rng: inout SplitMix) -> [String] {
        let parts = ["a", "key", "é", "𝄞", "\\\"", "\\\\", "\\n", "\\t", "\\u0000", "\\u001f", "abcdefghij",
                     "\\/", "\\u0041", "\\u001F", "\\u000a"]
        // Mostly the canonical parts (the first eleven).
        return ["\""] + (0 ..< rng.below(5)).map { _ in parts[rng.below(rng.below(6) == 0 ? parts.count : 11)] } + ["\""]
    }
}
