/// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), with ASCII
/// runs skipped eight bytes at a time.
public enum UTF8Validator {
    /// Whether `bytes` is entirely valid UTF-8 (`checkString`'s first answer).
    public static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        checkString(bytes).valid
    }

    /// Whether `bytes` is valid UTF-8 and, found in the same pass, whether it
    /// holds no byte that needs an escape in a JSON string (a control character, `"` or `\`):
    /// the decoder checks stored strings with it, and writes plain ones without escaping.
    public static func checkString(_ bytes: UnsafeRawBufferPointer) -> (valid: Bool, plain: Bool) {
        guard let base = bytes.baseAddress else { return (true, true) }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        var escapes: UInt64 = 0
        while i < n {
            if i + 8 <= n {
                let w = WordMasks.load(p, i)
                if w & WordMasks.highs == 0 {
                    escapes |= WordMasks.needsEscape(w)
                    i += 8
                    continue
                }
            } else if n >= 8 {
                // The last 1-7 bytes in one word ending at `n`, when it is all ASCII: the bytes
                // before `i` it holds were ASCII and checked already, so checking them again
                // changes nothing.
                let w = WordMasks.load(p, n - 8)
                if w & WordMasks.highs == 0 {
                    escapes |= WordMasks.needsEscape(w)
                    break
                }
            }
            let b = p[i]
            if b < 0x80 {
                if b < 0x20 || b == 0x22 || b == 0x5C { escapes = 1 }
                i += 1
            } else {
                let len = sequenceLength(p, i, n)
                if len == 0 { return (false, false) }
                i += len
            }
        }
        return (true, escapes == 0)
    }

    /// The length of the valid multi-byte sequence starting at `p[i]` (a byte ≥ 0x80), or 0 if
    /// it is invalid or cut off by `end`.
    @inline(__always)
    static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        if b0 < 0xC2 { return 0 }
        if b0 < 0xE0 {
            return i + 1 < end && p[i + 1] & 0xC0 == 0x80 ? 2 : 0
        }
        if b0 < 0xF0 {
            guard i + 2 < end else { return 0 }
            let b1 = p[i + 1]
            let low: UInt8 = b0 == 0xE0 ? 0xA0 : 0x80
            let high: UInt8 = b0 == 0xED ? 0x9F : 0xBF
            return b1 >= low && b1 <= high && p[i + 2] & 0xC0 == 0x80 ? 3 : 0
        }
        if b0 < 0xF5 {
            guard i + 3 < end else { return 0 }
            let b1 = p[i + 1]
            let low: UInt8 = b0 == 0xF0 ? 0x90 : 0x80
            let high: UInt8 = b0 == 0xF4 ? 0x8F : 0xBF
            return b1 >= low && b1 <= high && p[i + 2] & 0xC0 == 0x80 && p[i + 3] & 0xC0 == 0x80 ? 4 : 0
        }
        return 0
    }
}
