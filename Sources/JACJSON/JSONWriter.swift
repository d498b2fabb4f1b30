/// Appends JSON text to a byte buffer without going through `String`: the decoder renders every
/// value with it, and the parser's canonical string escaping follows the same rules.
public enum JSONWriter {
    /// The most bytes `writeString` writes for a string of `count` bytes: each may become `\u00xx`.
    @inline(__always)
    public static func stringBound(_ count: Int) -> Int { 6 * count + 2 }

    /// Appends `bytes` (valid UTF-8) as a JSON string: `"`, `\`, U+0008, U+0009, U+000A, U+000C,
    /// U+000D get short escapes, other controls `\u00xx` (lower-case hex), everything else raw.
    /// Goes through `writeEscaped` in pieces of at most 4 KiB of input, so the scratch space is
    /// bounded however long the string.
    public static func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        // No reserveCapacity here: asking for the exact size on every call defeats the array's
        // geometric growth, so a buffer of many large strings was copied whole for each one.
        out.append(0x22)
        if let base = bytes.baseAddress {
            let p = base.assumingMemoryBound(to: UInt8.self)
            let piece = min(bytes.count, 4096)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6 * piece) { scratch in
                var i = 0
                while i < bytes.count {
                    let k = min(piece, bytes.count - i)
                    let n = writeEscaped(p + i, count: k, at: scratch.baseAddress!)
                    out.append(contentsOf: UnsafeBufferPointer(start: scratch.baseAddress!, count: n))
                    i += k
                }
            }
        }
        out.append(0x22)
    }

    /// Writes `bytes` (valid UTF-8) as a JSON string, quotes included, at `out`, which has room for
    /// `stringBound(bytes.count)` bytes; returns how many it wrote.
    @inline(__always)
    public static func writeString(_ bytes: UnsafeRawBufferPointer, at out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = 0x22
        var n = 1
        if let base = bytes.baseAddress {
            n += writeEscaped(base.assumingMemoryBound(to: UInt8.self), count: bytes.count, at: out + 1)
        }
        out[n] = 0x22
        return n + 1
    }

    /// Writes the `count` bytes at `p` escaped for a JSON string, without quotes, at `out` (room
    /// for 6 x `count` bytes); returns how many it wrote. Bytes are checked and copied a word at
    /// a time (a word holding a byte that needs an escape is stored whole, then the escape
    /// overwrites from that byte on), so a string with none is one pass; its last 0-7 bytes
    /// go one at a time.
    public static func writeEscaped(_ p: UnsafePointer<UInt8>, count n: Int, at out: UnsafeMutablePointer<UInt8>) -> Int {
        var o = 0
        var i = 0
        while i + 8 <= n {
            let w = WordMasks.load(p, i)
            // Room: 8 more bytes while 8 or more remain, each of which may take 6.
            UnsafeMutableRawPointer(out + o).storeBytes(of: w.littleEndian, as: UInt64.self)
            let mask = WordMasks.needsEscape(w)
            if mask == 0 {
                i += 8
                o += 8
                continue
            }
            let k = WordMasks.firstMatch(mask)
            i += k
            o += k
            o += writeEscape(p[i], at: out + o)
            i += 1
        }
        while i < n {
            let b = p[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                out[o] = b
                o += 1
            } else {
                o += writeEscape(b, at: out + o)
            }
            i += 1
        }
        return o
    }

    /// Appends the decimal text of `v`.
    public static func appendInt(_ v: Int64, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: writeInt(v, at: buf.baseAddress!)))
        }
    }

    /// Writes the decimal text of `v` (at most 20 bytes) at `out`; returns its length. Digits
    /// go two at a time, from the end; 0 to 99 (flags, codes, counts: most integers of logs)
    /// without counting digits.
    @inline(__always)
    public static func writeInt(_ v: Int64, at out: UnsafeMutablePointer<UInt8>) -> Int {
        if UInt64(bitPattern: v) < 10 {
            out[0] = 0x30 + UInt8(truncatingIfNeeded: v)
            return 1
        }
        if UInt64(bitPattern: v) < 100 {
            let pair = Int(v) << 1
            out[0] = digitPairs.utf8Start[pair]
            out[1] = digitPairs.utf8Start[pair + 1]
            return 2
        }
        var m = v.magnitude
        var digits = 1
        var power: UInt64 = 10
        while digits < 20 && m >= power {
            digits += 1
            power &*= 10
        }
        let sign = v < 0 ? 1 : 0
        out[0] = 0x2D
        var i = sign + digits
        let pairs = digitPairs.utf8Start
        while m >= 10 {
            let pair = Int(m % 100) << 1
            m /= 100
            i -= 2
            out[i] = pairs[pair]
            out[i + 1] = pairs[pair + 1]
        }
        if i > sign { out[sign] = 0x30 + UInt8(truncatingIfNeeded: m) }
        return sign + digits
    }

    /// "00" to "99", for `writeInt`.
    private static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// Appends the exact value (−1)^negative × digits × 10^exponent as a JSON number that reads
    /// naturally (`2.50`, `0.001`, `1.5e-7`, `1e5`) and parses back (by `RecordParser`) to the
    /// same digits and exponent when `digits` (ASCII, non-empty) has no leading zeros. With
    /// exponent 0 it is the plain integer, which parses back as an int if it fits Int64.
    /// Leading zeros (our writer never stores them, but an archive may hold them) are dropped,
    /// since JSON does not allow them: the text keeps the value.
    public static func appendDecimal(negative: Bool, digits: UnsafeRawBufferPointer, exponent: Int32,
                                     to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: decimalBound(digits.count)) { buf in
            let n = writeDecimal(negative: negative, digits: digits, exponent: exponent, at: buf.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: n))
        }
    }

    /// The most bytes `writeDecimal` writes for `count` digits: sign, `0.` and five zeros, or a
    /// point and `e` with an exponent of up to 11 characters.
    @inline(__always)
    public static func decimalBound(_ count: Int) -> Int { count + 24 }

    /// Writes the text `appendDecimal` appends at `out`, which has room for
    /// `decimalBound(digits.count)` bytes; returns how many it wrote.
    public static func writeDecimal(negative: Bool, digits stored: UnsafeRawBufferPointer, exponent: Int32,
                                    at out: UnsafeMutablePointer<UInt8>) -> Int {
        precondition(!stored.isEmpty, "a decimal needs at least one digit")
        let p = stored.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var zeros = 0
        while zeros + 1 < stored.count && p[zeros] == 0x30 { zeros += 1 }
        let digits = p + zeros
        let n = stored.count - zeros
        let e = Int(exponent)
        var o = 0
        func put(_ b: UInt8) {
            out[o] = b
            o += 1
        }
        func put(_ from: UnsafePointer<UInt8>, _ count: Int) {
            (out + o).update(from: from, count: count)
            o += count
        }
        if negative { put(0x2D) }
        if e == 0 {
            put(digits, n)
        } else if e > 0 {
            put(digits, n)
            put(0x65)
            o += writeInt(Int64(e), at: out + o)
        } else if n + e > 0 {
            let point = n + e
            put(digits, point)
            put(0x2E)
            put(digits + point, n - point)
        } else if n + e > -6 {
            put(0x30)
            put(0x2E)
            for _ in 0 ..< -(n + e) { put(0x30) }
            put(digits, n)
        } else {
            put(digits[0])
            if n > 1 {
                put(0x2E)
                put(digits + 1, n - 1)
            }
            put(0x65)
            o += writeInt(Int64(e + n - 1), at: out + o)
        }
        return o
    }

    /// Writes the canonical escape of a byte that needs one (`"`, `\` or a control character) at
    /// `out` (room for 6 bytes); returns its length.
    @inline(__always)
    static func writeEscape(_ b: UInt8, at out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = 0x5C
        let short = shortEscape(b)
        if short != 0 {
            out[1] = short
            return 2
        }
        out[1] = 0x75
        out[2] = 0x30
        out[3] = 0x30
        out[4] = hexDigit(b >> 4)
        out[5] = hexDigit(b & 0xF)
        return 6
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
