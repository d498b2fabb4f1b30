/// Eight-bytes-at-a-time tests ("SWAR"), so the hot loops skip plain runs of text a word at a
/// time. Each mask is non-zero exactly when some byte of the word matches, and its lowest set
/// bit is in the first matching byte (borrows only create false matches above a true one), so
/// `firstMatch` says how many bytes to skip.
public enum WordMasks {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The eight bytes at `p + i`, the first in the lowest bits.
    @inline(__always)
    static func load(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
    }

    /// The index (0–7) of the first matching byte of a non-zero mask.
    @inline(__always)
    static func firstMatch(_ mask: UInt64) -> Int {
        mask.trailingZeroBitCount >> 3
    }

    @inline(__always)
    static func hasByte(_ w: UInt64, _ b: UInt8) -> UInt64 {
        let x = w ^ (ones &* UInt64(b))
        return (x &- ones) & ~x & highs
    }

    /// Some byte is below 0x20.
    @inline(__always)
    static func hasControl(_ w: UInt64) -> UInt64 {
        (w &- ones &* 0x20) & ~w & highs
    }

    /// Some byte needs escaping in a JSON string: a control character, `"` or `\`.
    @inline(__always)
    static func needsEscape(_ w: UInt64) -> UInt64 {
        hasControl(w) | hasByte(w, 0x22) | hasByte(w, 0x5C)
    }

    /// Some byte ends a plain run inside a JSON string being parsed: one needing an escape, or
    /// a non-ASCII byte (which must be validated as UTF-8).
    @inline(__always)
    static func endsPlainRun(_ w: UInt64) -> UInt64 {
        needsEscape(w) | (w & highs)
    }

    /// Some byte is not an ASCII digit. Exact per byte (no borrow or carry crosses a byte), so any
    /// set bit marks a non-digit.
    @inline(__always)
    static func nonDigits(_ w: UInt64) -> UInt64 {
        let x = w ^ (ones &* 0x30)
        // A digit is 0x30-0x39: x's high nibble is 0 and its low nibble plus 6 does not reach 0x10.
        return (x | ((x & (ones &* 0x0F)) &+ ones &* 0x06)) & (ones &* 0xF0)
    }

    /// Where the run of ASCII digits at `p[i]` ends (`i` if there is none; `n` bounds it), a word
    /// at a time: the decoder checks a stored decimal's digits with it.
    public static func digitsEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Int {
        var k = i
        while k &+ 8 <= n {
            let mask = nonDigits(load(p, k))
            if mask != 0 { return k &+ firstMatch(mask) }
            k &+= 8
        }
        while k < n && p[k] &- 0x30 < 10 { k &+= 1 }
        return k
    }
}
