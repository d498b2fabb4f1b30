/// Appends JSON text to a byte buffer without going through `String`: the decoder renders every
/// value with it, and the parser's canonical string escaping follows the same rules.
public enum JSONWriter {
    /// Appends `bytes` (valid UTF-8) as a JSON string: `"`, `\`, U+0008, U+0009, U+000A, U+000C,
    /// U+000D get short escapes, other controls `\u00xx` (lower-case hex), everything else raw.
    public static func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // No reserveCapacity here: asking for the exact size on every call defeats the array's
        // geometric growth, so a buffer of many large strings was copied whole for each one.
        out.append(0x22)
        if let base = bytes.baseAddress {
            let p = base.assumingMemoryBound(to: UInt8.self)
            let n = bytes.count
            var run = 0
            var i = 0
            while i < n {
                if i + 8 <= n {
                    let mask = WordMasks.needsEscape(WordMasks.load(p, i))
                    if mask == 0 {
                        i += 8
                        continue
                    }
                    i += WordMasks.firstMatch(mask)
                }
                let b = p[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                out.append(contentsOf: UnsafeRawBufferPointer(start: p + run, count: i - run))
                appendEscape(b, to: &out)
                i += 1
                run = i
            }
            out.append(contentsOf: UnsafeRawBufferPointer(start: p + run, count: n - run))
        }
        out.append(0x22)
    }

    /// Appends the decimal text of `v`.
    public static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(0x2D) }
        var m = v.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            repeat {
                i -= 1
                buf[i] = 0x30 + UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            } while m != 0
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i...]))
        }
    }

    /// Appends the exact value (−1)^negative × digits × 10^exponent as a JSON number that reads
    /// naturally (`2.50`, `0.001`, `1.5e-7`, `1e5`) and parses back (by `RecordParser`) to the
    /// same digits and exponent when `digits` (ASCII, non-empty) has no leading zeros. With
    /// exponent 0 it is the plain integer, which parses back as an int if it fits Int64.
    /// Leading zeros (our writer never stores them, but an archive may hold them) are dropped,
    /// since JSON does not allow them: the text keeps the value.
    public static func appendDecimal(negative: Bool, digits stored: UnsafeRawBufferPointer, exponent: Int32,
                                     to out: inout [UInt8]) {
        precondition(!stored.isEmpty, "a decimal needs at least one digit")
        var zeros = 0
        while zeros + 1 < stored.count && stored[zeros] == 0x30 { zeros += 1 }
        let digits = zeros == 0 ? stored : UnsafeRawBufferPointer(rebasing: stored[zeros...])
        let n = digits.count
        let e = Int(exponent)
        if negative { out.append(0x2D) }
        if e == 0 {
            out.append(contentsOf: digits)
        } else if e > 0 {
            out.append(contentsOf: digits)
            out.append(0x65)
            appendInt(Int64(e), to: &out)
        } else if n + e > 0 {
            let point = n + e
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[..<point]))
            out.append(0x2E)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[point...]))
        } else if n + e > -6 {
            out.append(0x30)
            out.append(0x2E)
            out.append(contentsOf: repeatElement(0x30, count: -(n + e)))
            out.append(contentsOf: digits)
        } else {
            out.append(digits[0])
            if n > 1 {
                out.append(0x2E)
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: digits[1...]))
            }
            out.append(0x65)
            appendInt(Int64(e + n - 1), to: &out)
        }
    }

    /// Appends the canonical escape of a byte that needs one (`"`, `\` or a control character).
    @inline(__always)
    static func appendEscape(_ b: UInt8, to out: inout [UInt8]) {
        out.append(0x5C)
        let short = shortEscape(b)
        if short != 0 {
            out.append(short)
        } else {
            out.append(0x75)
            out.append(0x30)
            out.append(0x30)
            out.append(hexDigit(b >> 4))
            out.append(hexDigit(b & 0xF))
        }
    }

    /// The letter after `\` in the short escape of `b`, or 0 if `b` needs `\u00xx`.
    @inline(__always)
    static func shortEscape(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x22: 0x22
        case 0x5C: 0x5C
        case 0x08: 0x62 // b
        case 0x09: 0x74 // t
        case 0x0A: 0x6E // n
        case 0x0C: 0x66 // f
        case 0x0D: 0x72 // r
        default: 0
        }
    }

    @inline(__always)
    static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? 0x30 + v : 0x57 + v
    }
}
