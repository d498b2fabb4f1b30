import CJACScan
import JACWire

/// A cursor over one JSON text that validates it while copying what the caller keeps into an
/// output buffer. Output never outgrows input (whitespace is dropped, unescaping and canonical
/// re-escaping never lengthen a string, numbers and literals are copied), so the caller gives it
/// `input.count` bytes of room and the loops write through a raw pointer without checks.
struct JSONReader {
    let p: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    let out: UnsafeMutablePointer<UInt8>
    var o = 0
    /// The position of `p[0]` in the whole input, for error messages.
    let line: Int
    let column: Int
    /// What running out of input means here ("input ends inside a record").
    let truncated: String

    init(_ text: UnsafePointer<UInt8>, count: Int, out: UnsafeMutablePointer<UInt8>,
         line: Int, column: Int, truncated: String) {
        self.p = text
        self.end = count
        self.out = out
        self.line = line
        self.column = column
        self.truncated = truncated
    }

    // MARK: Errors

    /// An error at byte `offset`, located by counting the newlines before it (only on failure,
    /// so the hot paths never track lines).
    func error(at offset: Int, _ what: String) -> JACError {
        var l = line
        var lastNewline = -1
        var i = 0
        while i < offset {
            if p[i] == 0x0A {
                l += 1
                lastNewline = i
            }
            i += 1
        }
        let c = lastNewline < 0 ? column + offset : offset - lastNewline
        return JACError(.json, "line \(l), column \(c): \(what)")
    }

    /// The error for the byte at `pos` not being what was `expected`, or for the input ending.
    func unexpected(_ expected: String) -> JACError {
        guard pos < end else { return error(at: end, truncated) }
        let b = p[pos]
        let found = b >= 0x20 && b < 0x7F ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
        return error(at: pos, "\(expected), found \(found)")
    }

    // MARK: Tokens

    /// The byte at `pos`, or 0 at the end (0 is never valid where a token is expected).
    @inline(__always)
    var byte: UInt8 { pos < end ? p[pos] : 0 }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            let b = p[pos]
            guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
            pos += 1
        }
    }

    @inline(__always)
    mutating func write(_ b: UInt8) {
        out[o] = b
        o += 1
    }

    @inline(__always)
    mutating func copy(from start: Int, to stop: Int) {
        (out + o).update(from: p + start, count: stop - start)
        o += stop - start
    }

    /// Reads `true`, `false` or `null` at `pos`, copying it when `copying`; returns which.
    mutating func readLiteral(copying: Bool) throws(JACError) -> (JSONKind, Bool) {
        let start = pos
        let result: (JSONKind, Bool)
        let length: Int
        switch p[pos] {
        case 0x74 where pos + 4 <= end && p[pos + 1] == 0x72 && p[pos + 2] == 0x75 && p[pos + 3] == 0x65:
            (result, length) = ((.bool, true), 4)
        case 0x66 where pos + 5 <= end && p[pos + 1] == 0x61 && p[pos + 2] == 0x6C && p[pos + 3] == 0x73
            && p[pos + 4] == 0x65:
            (result, length) = ((.bool, false), 5)
        case 0x6E where pos + 4 <= end && p[pos + 1] == 0x75 && p[pos + 2] == 0x6C && p[pos + 3] == 0x6C:
            (result, length) = ((.null, false), 4)
        default:
            throw unexpected("expected a value")
        }
        pos += length
        if copying { copy(from: start, to: pos) }
        return result
    }

    // MARK: Strings

    /// Reads the string whose `"` is at `pos`, writing its content (without quotes) unescaped,
    /// or, if `canonical`, re-escaped by `JSONWriter`'s rules.
    mutating func readString(canonical: Bool) throws(JACError) {
        pos += 1
        while true {
            try copyPlain()
            guard pos < end else { throw error(at: end, truncated) }
            let b = p[pos]
            if b == 0x22 {
                pos += 1
                return
            }
            if b == 0x5C {
                // Escapes often come in runs (`\u` sequences of non-ASCII text).
                repeat {
                    if !readNonASCIIEscape() { try readEscape(canonical: canonical) }
                } while pos < end && p[pos] == 0x5C
            } else {
                throw error(at: pos, "control character U+00\(b < 0x10 ? "0" : "")\(String(b, radix: 16, uppercase: true)) must be escaped in a string")
            }
        }
    }

    /// Copies the bytes at `pos` that stand for themselves in a string to the output: ASCII other
    /// than controls, `"` and `\`, and valid UTF-8 sequences. Sixteen bytes at a time while that
    /// many are left (`jac_copy_plain`), then eight, each block stored whole before it is
    /// checked: the output never runs ahead of the input (`o <= pos`), so a block stored at `o`
    /// ends within the `count` bytes of room, and bytes past the run are overwritten later.
    @inline(__always)
    private mutating func copyPlain() throws(JACError) {
        let room = UnsafeMutableRawPointer(out)
        while pos < end {
            if end - pos >= 16 {
                let k = jac_copy_plain(p + pos, end - pos, out + o)
                pos += k
                o += k
                if end - pos < 16 { continue }
            } else if pos + 8 <= end {
                let w = WordMasks.load(p, pos)
                room.storeBytes(of: w.littleEndian, toByteOffset: o, as: UInt64.self)
                let mask = WordMasks.endsPlainRun(w)
                if mask == 0 {
                    pos += 8
                    o += 8
                    continue
                }
                let k = WordMasks.firstMatch(mask)
                pos += k
                o += k
            }
            let b = p[pos]
            if b >= 0x80 {
                let len = UTF8Validator.sequenceLength(p, pos, end)
                if len == 0 { throw error(at: pos, "invalid UTF-8 in a string") }
                copy(from: pos, to: pos + len)
                pos += len
            } else if b >= 0x20 && b != 0x22 && b != 0x5C {
                write(b)
                pos += 1
            } else {
                return
            }
        }
    }

    /// Reads the commonest escape at `pos`, if it is one: `\u` and four hex digits of a scalar
    /// from U+0080 to U+FFFF other than a surrogate, written as its UTF-8 whether canonical or
    /// not. Anything else (other escapes, ASCII, surrogates, bad or missing digits) is left to
    /// `readEscape`, which also reports the errors; returns whether it read one.
    @inline(__always)
    private mutating func readNonASCIIEscape() -> Bool {
        guard end - pos >= 6, p[pos + 1] == 0x75 else { return false }
        let v = JSONReader.hex4(at: p + pos + 2)
        guard v >= 0x80 && v <= 0xFFFF && v & 0xF800 != 0xD800 else { return false }
        writeUTF8(v)
        pos += 6
        return true
    }

    /// Reads the escape whose `\` is at `pos`.
    private mutating func readEscape(canonical: Bool) throws(JACError) {
        let at = pos
        guard pos + 1 < end else { throw error(at: end, truncated) }
        let c = p[pos + 1]
        pos += 2
        var scalar: UInt32
        switch c {
        case 0x22, 0x5C, 0x2F: scalar = UInt32(c)
        case 0x62: scalar = 0x08
        case 0x66: scalar = 0x0C
        case 0x6E: scalar = 0x0A
        case 0x72: scalar = 0x0D
        case 0x74: scalar = 0x09
        case 0x75:
            scalar = try readHex4(escapeAt: at)
            if scalar & 0xFC00 == 0xD800 {
                guard pos + 1 < end, p[pos] == 0x5C, p[pos + 1] == 0x75 else {
                    throw error(at: at, "lone surrogate escape (a high surrogate must be followed by a \\u escape of a low one)")
                }
                pos += 2
                let low = try readHex4(escapeAt: pos - 2)
                guard low & 0xFC00 == 0xDC00 else {
                    throw error(at: at, "lone surrogate escape (a high surrogate must be followed by a \\u escape of a low one)")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if scalar & 0xFC00 == 0xDC00 {
                throw error(at: at, "lone surrogate escape (a low surrogate without a high one before it)")
            }
        default:
            throw error(at: at, "invalid escape in a string")
        }
        if scalar < 0x80 {
            let b = UInt8(scalar)
            if canonical && (b < 0x20 || b == 0x22 || b == 0x5C) {
                writeEscape(b)
            } else {
                write(b)
            }
        } else {
            writeUTF8(scalar)
        }
    }

    /// Writes a scalar of U+0080 or above (not a surrogate) as UTF-8.
    @inline(__always)
    private mutating func writeUTF8(_ scalar: UInt32) {
        if scalar < 0x800 {
            write(0xC0 | UInt8(truncatingIfNeeded: scalar >> 6))
        } else if scalar < 0x10000 {
            write(0xE0 | UInt8(truncatingIfNeeded: scalar >> 12))
            write(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
        } else {
            write(0xF0 | UInt8(truncatingIfNeeded: scalar >> 18))
            write(0x80 | UInt8(truncatingIfNeeded: (scalar >> 12) & 0x3F))
            write(0x80 | UInt8(truncatingIfNeeded: (scalar >> 6) & 0x3F))
        }
        write(0x80 | UInt8(truncatingIfNeeded: scalar & 0x3F))
    }

    /// The four hex digits at `pos` of a `\u` escape whose `\` is at `at`.
    @inline(__always)
    private mutating func readHex4(escapeAt at: Int) throws(JACError) -> UInt32 {
        guard pos + 4 <= end else { throw error(at: end, truncated) }
        let v = JSONReader.hex4(at: p + pos)
        guard v <= 0xFFFF else { throw error(at: at, "invalid \\u escape (needs four hex digits)") }
        pos += 4
        return v
    }

    /// The value of the four hex digits at `digits`, or 0x10000 (above any four digits) if one
    /// is not a hex digit: all four bytes at once in a word. A byte below 0x80 plus a constant
    /// below 0x80 cannot carry into the next byte, so each sum's top bit tells one comparison:
    /// `b + 0x50` has it from "0" (0x30) up, `b + 0x46` from ":" (0x3A) up; for `b | 0x20`,
    /// `+ 0x1F` from "a" up and `+ 0x19` from "g" up. A digit's value is its low nibble, a
    /// letter's that plus 9; the four nibbles, first digit in the lowest byte, are then packed.
    @inline(__always)
    private static func hex4(at digits: UnsafePointer<UInt8>) -> UInt32 {
        let w = UInt32(littleEndian: UnsafeRawPointer(digits).loadUnaligned(as: UInt32.self))
        let top: UInt32 = 0x8080_8080
        let lower = w | 0x2020_2020
        let digit = (w &+ 0x5050_5050) & ~(w &+ 0x4646_4646)
        let letter = (lower &+ 0x1F1F_1F1F) & ~(lower &+ 0x1919_1919) & top
        guard w & top == 0, (digit | letter) & top == top else { return 0x10000 }
        let nibbles = (w & 0x0F0F_0F0F) &+ (letter >> 7) &* 9
        let pairs = (nibbles & 0x000F_000F) << 4 | (nibbles >> 8) & 0x000F_000F
        return (pairs & 0xFF) << 8 | (pairs >> 16) & 0xFF
    }

    /// Writes the canonical escape of `"`, `\` or a control character (as `JSONWriter` does).
    private mutating func writeEscape(_ b: UInt8) {
        write(0x5C)
        let short = JSONWriter.shortEscape(b)
        if short != 0 {
            write(short)
        } else {
            write(0x75)
            write(0x30)
            write(0x30)
            write(JSONWriter.hexDigit(b >> 4))
            write(JSONWriter.hexDigit(b & 0xF))
        }
    }

    // MARK: Numbers

    /// Where the parts of a number are, after its grammar was checked.
    struct NumberText {
        var start = 0
        var negative = false
        var intStart = 0
        var intEnd = 0
        var fracStart = 0
        var fracEnd = 0
        /// The written exponent, saturated far beyond the Int32 range.
        var exponent = 0
        /// No fraction and no exponent.
        var isInteger = true
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }

    /// Reads the number starting at `pos` (`-` or a digit), checking the JSON grammar.
    mutating func readNumber() throws(JACError) -> NumberText {
        var t = NumberText()
        t.start = pos
        if p[pos] == 0x2D {
            t.negative = true
            pos += 1
        }
        t.intStart = pos
        guard isDigit(byte) else { throw unexpected("invalid number: expected a digit") }
        if p[pos] == 0x30 {
            pos += 1
            if isDigit(byte) { throw error(at: t.start, "invalid number: leading zeros are not allowed") }
        } else {
            while pos < end && isDigit(p[pos]) { pos += 1 }
        }
        t.intEnd = pos
        t.fracStart = pos
        t.fracEnd = pos
        if byte == 0x2E {
            pos += 1
            t.isInteger = false
            t.fracStart = pos
            guard isDigit(byte) else { throw unexpected("invalid number: expected a digit after '.'") }
            while pos < end && isDigit(p[pos]) { pos += 1 }
            t.fracEnd = pos
        }
        if byte | 0x20 == 0x65 {
            pos += 1
            t.isInteger = false
            let negativeExponent = byte == 0x2D
            if byte == 0x2D || byte == 0x2B { pos += 1 }
            guard isDigit(byte) else { throw unexpected("invalid number: expected a digit in the exponent") }
            var e = 0
            while pos < end && isDigit(p[pos]) {
                if e < 1 << 40 { e = e * 10 + Int(p[pos] - 0x30) }
                pos += 1
            }
            t.exponent = negativeExponent ? -e : e
        }
        return t
    }

    /// Reads a number into `field`: an `.int` if it is written as an integer, is not `-0` and
    /// fits Int64, otherwise a `.decimal` whose digits are written to the output.
    mutating func readNumber(into field: inout JSONField) throws(JACError) {
        // Most numbers are short integers: their digits are summed in the one pass that finds
        // them. Up to 18 digits always fit Int64; anything else (a fraction, an exponent, more
        // digits, a leading zero, `-0`, no digit) is read again by the general path below.
        let start = pos
        var i = pos
        let negative = p[i] == 0x2D
        if negative { i += 1 }
        let first = i
        var v: Int64 = 0
        while i < end && i - first < 19 {
            let d = p[i] &- 0x30
            if d >= 10 { break }
            v = v &* 10 &+ Int64(d)
            i += 1
        }
        let count = i - first
        if count > 0 && count < 19 && (p[first] != 0x30 || (count == 1 && !negative))
            && (i == end || (p[i] != 0x2E && p[i] | 0x20 != 0x65)) {
            pos = i
            field.kind = .int
            field.int = negative ? 0 &- v : v
            return
        }
        // Then short plain fractions (`12.345`, no exponent): the same pass finds their digits.
        if count > 0 && count < 19 && (p[first] != 0x30 || count == 1) && i < end && p[i] == 0x2E {
            var j = i + 1
            while j < end && p[j] &- 0x30 < 10 { j += 1 }
            if j > i + 1 && j - i < 1 << 20 && (j == end || p[j] | 0x20 != 0x65) {
                var t = NumberText()
                t.start = start
                t.negative = negative
                (t.intStart, t.intEnd, t.fracStart, t.fracEnd) = (first, i, i + 1, j)
                t.isInteger = false
                pos = j
                store(decimal: t, exponent: Int32(truncatingIfNeeded: i + 1 - j), into: &field)
                return
            }
        }
        pos = start
        let t = try readNumber()
        let n = t.intEnd - t.intStart
        if t.isInteger && n <= 19 && !(t.negative && p[t.intStart] == 0x30) {
            var v: UInt64 = 0
            for i in t.intStart ..< t.intEnd { v = v &* 10 &+ UInt64(p[i] &- 0x30) }
            if t.negative && v <= 1 << 63 {
                field.kind = .int
                field.int = Int64(truncatingIfNeeded: 0 &- v)
                return
            }
            if !t.negative && v <= UInt64(Int64.max) {
                field.kind = .int
                field.int = Int64(v)
                return
            }
        }
        let exponent = t.exponent - (t.fracEnd - t.fracStart)
        guard let e = Int32(exactly: exponent) else {
            throw error(at: t.start, "number exponent out of range (beyond 32 bits)")
        }
        store(decimal: t, exponent: e, into: &field)
    }

    /// Makes `field` the decimal `t` with exponent `e`, its digits (without leading zeros)
    /// written to the output.
    @inline(__always)
    private mutating func store(decimal t: NumberText, exponent e: Int32, into field: inout JSONField) {
        let digitsStart = o
        if p[t.intStart] != 0x30 {
            copy(from: t.intStart, to: t.intEnd)
            copy(from: t.fracStart, to: t.fracEnd)
        } else {
            var i = t.fracStart
            while i < t.fracEnd && p[i] == 0x30 { i += 1 }
            if i == t.fracEnd { write(0x30) } else { copy(from: i, to: t.fracEnd) }
        }
        field.kind = .decimal
        field.payload = digitsStart ..< o
        field.negative = t.negative
        field.exponent = e
    }

    // MARK: Values

    /// Reads the value at `pos` (whitespace already skipped) and writes its canonical minified
    /// text. Iterative, with an explicit stack of open containers (`[` or `{`), so hostile nesting
    /// costs heap, not call stack; `depth` is how many containers already enclose the value.
    mutating func minifyValue(depth: Int, stack: inout [UInt8]) throws(JACError) {
        let base = stack.count
        defer { stack.removeSubrange(base...) }
        while true {
            // A value is expected at `pos`.
            switch byte {
            case 0x7B, 0x5B:
                let open = p[pos]
                if depth + stack.count - base >= RecordParser.maxDepth {
                    throw error(at: pos, "nesting deeper than \(RecordParser.maxDepth)")
                }
                write(open)
                pos += 1
                skipWhitespace()
                if byte == open + 2 {
                    write(open + 2)
                    pos += 1
                } else {
                    stack.append(open)
                    if open == 0x7B {
                        try readMemberKey()
                    }
                    continue
                }
            case 0x22:
                write(0x22)
                try readString(canonical: true)
                write(0x22)
            case 0x2D, 0x30 ... 0x39:
                let t = try readNumber()
                copy(from: t.start, to: pos)
            case 0:
                throw unexpected("expected a value")
            default:
                _ = try readLiteral(copying: true)
            }
            // After a value: close containers until one continues with ','.
            while true {
                if stack.count == base { return }
                skipWhitespace()
                let open = stack[stack.count - 1]
                let b = byte
                if b == 0x2C {
                    write(0x2C)
                    pos += 1
                    skipWhitespace()
                    if open == 0x7B { try readMemberKey() }
                    break
                }
                if b == open + 2 {
                    write(b)
                    pos += 1
                    stack.removeLast()
                    continue
                }
                throw unexpected(open == 0x7B ? "expected ',' or '}' after a value" : "expected ',' or ']' after a value")
            }
        }
    }

    /// Reads `"key" :` inside an object being minified, leaving `pos` at the value.
    private mutating func readMemberKey() throws(JACError) {
        guard byte == 0x22 else { throw unexpected("expected a key string") }
        write(0x22)
        try readString(canonical: true)
        write(0x22)
        skipWhitespace()
        guard byte == 0x3A else { throw unexpected("expected ':' after a key") }
        write(0x3A)
        pos += 1
        skipWhitespace()
    }

    // MARK: Records

    /// Reads one record (an object, optionally preceded by a UTF-8 BOM and surrounded by
    /// whitespace) into `fields` (room for `capacity`), with keys, strings, digits and nested
    /// text in the output. While its keys are those `keys` holds, in order, each is recognized by
    /// its bytes. Returns the record's member count, or -1 as soon as it has more than `capacity`
    /// (the caller reads it again with more room); how many keys were recognized (`matched`);
    /// and how many of the first keys were written without escapes (`plain`).
    mutating func readRecord(into fields: UnsafeMutablePointer<JSONField>, capacity: Int, stack: inout [UInt8],
                             keys: RepeatedKeys.Guess) throws(JACError) -> (count: Int, matched: Int, plain: Int) {
        var n = 0
        var matched = 0
        var plain = 0
        if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
        skipWhitespace()
        guard byte == 0x7B else { throw error(at: pos, "expected '{' (a record must be a JSON object)") }
        pos += 1
        skipWhitespace()
        if byte == 0x7D {
            pos += 1
        } else {
            while true {
                guard byte == 0x22 else { throw unexpected("expected a key string") }
                if n == capacity { return (-1, matched, plain) }
                let keyStart = o
                let readable = end - pos - 1
                // The 16 bytes after the quote, when there are: a short key is recognized in them
                // and stored with them (the output has room: it never runs ahead of the input).
                let at = UnsafeRawPointer(p + pos + 1)
                let first = readable >= 16
                    ? (at.loadUnaligned(as: UInt64.self), at.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) : (0, 0)
                if matched == n && n < keys.count, let length = keys.matches(n, p + pos + 1, readable, first: first) {
                    if readable >= 16 && length < 16 {
                        let d = UnsafeMutableRawPointer(out + o)
                        d.storeBytes(of: first.0, as: UInt64.self)
                        d.storeBytes(of: first.1, toByteOffset: 8, as: UInt64.self)
                        o += length
                    } else {
                        copy(from: pos + 1, to: pos + 1 + length)
                    }
                    pos += length + 2
                    matched += 1
                    plain += 1
                } else {
                    let keyPos = pos
                    try readString(canonical: false)
                    // An escape always writes fewer bytes than it reads.
                    if plain == n && o - keyStart == pos - keyPos - 2 { plain += 1 }
                }
                let field = fields + n
                field.initialize(to: JSONField(key: keyStart ..< o, kind: .null, payload: o ..< o))
                skipWhitespace()
                guard byte == 0x3A else { throw unexpected("expected ':' after a key") }
                pos += 1
                skipWhitespace()
                let valueStart = o
                switch byte {
                case 0x22:
                    try readString(canonical: false)
                    field.pointee.kind = .string
                    field.pointee.payload = valueStart ..< o
                case 0x7B, 0x5B:
                    field.pointee.kind = p[pos] == 0x7B ? .object : .array
                    try minifyValue(depth: 1, stack: &stack)
                    field.pointee.payload = valueStart ..< o
                case 0x2D, 0x30 ... 0x39:
                    try readNumber(into: &field.pointee)
                case 0:
                    throw unexpected("expected a value")
                default:
                    (field.pointee.kind, field.pointee.bool) = try readLiteral(copying: false)
                }
                n += 1
                skipWhitespace()
                if byte == 0x2C {
                    pos += 1
                    skipWhitespace()
                    continue
                }
                guard byte == 0x7D else { throw unexpected("expected ',' or '}' after a value") }
                pos += 1
                break
            }
        }
        skipWhitespace()
        if pos < end { throw error(at: pos, "unexpected text after the record's closing '}'") }
        return (n, matched, plain)
    }
}
