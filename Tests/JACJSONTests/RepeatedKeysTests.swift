import JACJSON
import JACWire
import Testing

/// A parser reused across records recognizes keys the record before had at the same place by
/// their bytes, and names the key sequence (`keySequence`) so that a column set can route a record
/// like the one before without looking at its keys. Both shortcuts must give exactly what a fresh
/// parser (which has no record before) gives, on records that mostly repeat their keys.
@Suite struct RepeatedKeysTests {
    /// Keys around the 16-byte pattern and the 8-byte words, prefixes of one another, escaped
    /// ones (the text of `a\"b` is not its bytes; `\u0041BC` is the key `ABC`), non-ASCII.
    static let keys = ["", "a", "ab", "abc", "ABC", #"\u0041BC"#, #"a\"b"#, #"a\\"#, "caf\u{E9}", "seven77",
                       "eight888", "nine99999", "fifteen15151515", "sixteen161616161", "seventeen1717171",
                       "a key of thirty bytes, twenty", "a key of thirty bytes, twentX", "id.orig_h", "id.orig_p"]
    static let values = ["1", "-7", "1.5", "\"v\"", "\"\"", "true", "false", "null", "[1,{\"x\":2}]", "{}",
                         "\"a string longer than sixteen bytes\"", "123456789012345678901234"]

    /// The fields as Swift values, the same way `parseRecord` gives them.
    static func fields(_ parser: RecordParser) -> [ParsedField] {
        parser.fields.map { f in
            ParsedField(key: String(decoding: parser.scratch[f.key], as: UTF8.self), kind: f.kind,
                        bool: f.bool, int: f.int, text: String(decoding: parser.scratch[f.payload], as: UTF8.self),
                        negative: f.negative, exponent: f.exponent)
        }
    }

    @Test func reusedParserAgreesWithAFreshOne() throws {
        var g = SplitMix(state: 13)
        var reused = RecordParser()
        var layout = [0, 1, 2]
        var previous: (sequence: Int, keys: [String])? = nil
        var repeats = 0
        for round in 0 ..< 6000 {
            // Mostly the layout of the record before; sometimes one key changed, one added or
            // dropped, or a new layout of up to 40 keys (more than the parser's first room).
            switch g.below(10) {
            case 0: layout[g.below(layout.count)] = g.below(RepeatedKeysTests.keys.count)
            case 1: layout.append(g.below(RepeatedKeysTests.keys.count))
            case 2: if layout.count > 1 { layout.removeLast() }
            case 3: layout = (0 ..< 1 + g.below(g.below(4) == 0 ? 40 : 8)).map { _ in g.below(RepeatedKeysTests.keys.count) }
            default: break
            }
            let space = g.below(8) == 0 ? " " : ""
            var text = "{" + space
            for (i, k) in layout.enumerated() {
                if i > 0 { text += "," + space }
                text += "\"\(RepeatedKeysTests.keys[k])\"" + space + ":" + space
                text += RepeatedKeysTests.values[g.below(RepeatedKeysTests.values.count)]
            }
            text += space + "}"
            var bytes = Array(text.utf8)
            // Now and then a record cut short or with a byte changed: the same error either way.
            if g.below(20) == 0 { bytes.removeLast(1 + g.below(bytes.count)) }
            if g.below(20) == 0 { bytes[g.below(bytes.count)] = [0x22, 0x5C, 0x3A, 0x7D, 0x01][g.below(5)] }

            var fresh = RecordParser()
            var freshError: String? = nil
            do { try parse(&fresh, bytes, line: round + 1) } catch let e as JACError { freshError = e.message }
            var reusedError: String? = nil
            do { try parse(&reused, bytes, line: round + 1) } catch let e as JACError { reusedError = e.message }
            #expect(reusedError == freshError, "record \(round): \(text)")
            guard freshError == nil else {
                #expect(reused.keySequence == 0)
                previous = nil
                continue
            }
            let got = RepeatedKeysTests.fields(reused)
            #expect(got == RepeatedKeysTests.fields(fresh), "record \(round): \(text)")
            let keys = got.map(\.key)
            #expect(reused.keySequence != 0)
            if let previous, previous.sequence == reused.keySequence {
                #expect(previous.keys == keys, "record \(round): the same sequence for other keys")
                repeats += 1
            }
            previous = (reused.keySequence, keys)
        }
        // The shortcut was taken, not only the general path.
        #expect(repeats > 1000)
    }

    /// The same keys in order keep their sequence; another parser's other keys never share it.
    @Test func sequencesNameKeysInOrder() throws {
        var a = RecordParser(), b = RecordParser()
        try parse(&a, Array(#"{"x":1,"y":2}"#.utf8))
        let first = a.keySequence
        try parse(&a, Array(#"{"x":"other","y":[3]}"#.utf8))
        #expect(a.keySequence == first)
        try parse(&b, Array(#"{"y":1,"x":2}"#.utf8))
        #expect(b.keySequence != first)
        try parse(&a, Array(#"{"x":1}"#.utf8))
        #expect(a.keySequence != first)
        try parse(&a, Array(#"{"x":1,"y":2,"z":3}"#.utf8))
        #expect(a.keySequence != first)
        // Escaped keys are never kept, so their records never repeat a sequence.
        try parse(&a, Array(#"{"\u0078":1}"#.utf8))
        let escaped = a.keySequence
        try parse(&a, Array(#"{"\u0078":1}"#.utf8))
        #expect(a.keySequence != escaped)
    }
}
