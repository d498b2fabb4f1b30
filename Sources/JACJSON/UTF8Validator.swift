import CJACScan

/// UTF-8 validation (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), with ASCII
/// runs skipped sixteen bytes at a time with SSE2 (`jac_skip_plain_in`), else eight.
public enum UTF8Validator {
    /// Whether `bytes` is entirely valid UTF-8 (`checkString`'s first answer).
    public static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        checkString(bytes).valid
    }

    /// Whether `bytes` is valid UTF-8 and, found in the same pass, whether it
    /// holds no byte that needs an escape in a JSON string (a control character, `"` or `\`):
    /// the decoder checks stored strings with it, and writes plain ones without escaping.
    public static func checkString(_ bytes: UnsafeRawBufferPointer) -> (valid: Bool, plain: Bool) {
        check(bytes, vector: JAC_SCAN_SSE2 != 0)
    }

    /// `checkString` a word at a time only: what CPUs without SSE2 run, and what tests and the
    /// JSON fuzzer compare the vector path with.
    public static func checkStringPortable(_ bytes: UnsafeRawBufferPointer) -> (valid: Bool, plain: Bool) {
        check(bytes, vector: false)
    }

    @inline(__always)
    private static func check(_ bytes: UnsafeRawBufferPointer, vector: Bool) -> (valid: Bool, plain: Bool) {
        guard let base = bytes.baseAddress else { return (true, true) }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = bytes.count
        var i = 0
        var escapes: UInt64 = 0
        if vector && n >= 16 {
            // Plain runs sixteen bytes at a time to the end; each byte that ends one is taken by
            // `step`.
            while true {
                i += jac_skip_plain_in(p, i, n)
                if i == n { return (true, escapes == 0) }
                guard step(p, &i, n, &escapes) else { return (false, false) }
            }
        }
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
            guard step(p, &i, n, &escapes) else { return (false, false) }
        }
        return (true, escapes == 0)
    }

    /// Takes the byte at `p[i]`: an ASCII one (noting in `escapes` if it needs one), or a run of
    /// multi-byte sequences up to the next ASCII byte; false if a sequence is invalid.
    @inline(__always)
    private static func step(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ escapes: inout UInt64) -> Bool {
        let b = p[i]
        if b < 0x80 {
            if b < 0x20 || b == 0x22 || b == 0x5C { escapes = 1 }
            i += 1
            return true
        }
        // Text in other scripts is runs of them.
        repeat {
            let len = sequenceLength(p, i, n)
            if len == 0 { return false }
            i += len
        } while i < n && p[i] >= 0x80
        return true
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
