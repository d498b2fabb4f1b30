import CJACScan

/// Checks that a JSON text is already in the canonical form `RecordParser.minify` writes, without
/// writing anything: the decoder checks every stored nested value, and almost all of them are
/// canonical, so the full minify runs only for the rest.
public enum CanonicalJSON {
    /// The deepest nesting checked here (one bit per open container in a word); deeper text is
    /// left to `minify`.
    public static let maxDepth = 64

    /// True only if `text` is valid JSON equal to its own canonical form: no whitespace, numbers
    /// by the JSON grammar, strings holding nothing `minify` would write otherwise (no `\/`, no
    /// `\u` escape but the lower-case `\u00xx` of a control without a short escape). False for
    /// anything else, valid or not, and for nesting deeper than `maxDepth`: the caller then runs
    /// `minify`, which rejects or rewrites it. UTF-8 is checked on the way (true implies valid),
    /// so a caller need not check it first.
    public static func isCanonical(_ text: UnsafeRawBufferPointer) -> Bool {
        scan(text, vector: JAC_SCAN_SSE2 != 0)
    }

    /// `isCanonical` with strings scanned a word at a time only: what CPUs without SSE2 run, and
    /// what tests and the JSON fuzzer compare the vector path with.
    public static func isCanonicalPortable(_ text: UnsafeRawBufferPointer) -> Bool {
        scan(text, vector: false)
    }

    @inline(__always)
    private static func scan(_ text: UnsafeRawBufferPointer, vector: Bool) -> Bool {
        guard let base = text.baseAddress else { return false }
        let p = base.assumingMemoryBound(to: UInt8.self)
        let n = text.count
        // The vector skip reads sixteen bytes at a time, the last sixteen of the text included.
        let vector = vector && n >= 16
        var i = 0
        // Bit d is set when the container open at depth d is an object.
        var objects: UInt64 = 0
        var depth = 0
        while true {
            // A value is expected at `i`.
            guard i < n else { return false }
            let b = p[i]
            switch b {
            case 0x7B, 0x5B:
                i += 1
                if i < n && p[i] == b + 2 {
                    i += 1
                } else {
                    if depth == maxDepth { return false }
                    if b == 0x7B {
                        objects |= 1 << UInt64(depth)
                        guard member(p, n, &i, vector) else { return false }
                    } else {
                        objects &= ~(1 << UInt64(depth))
                    }
                    depth += 1
                    continue
                }
            case 0x22:
                guard string(p, n, &i, vector) else { return false }
            case 0x2D, 0x30 ... 0x39:
                guard number(p, n, &i) else { return false }
            case 0x74:
                guard literal(p, n, &i, "true") else { return false }
            case 0x66:
                guard literal(p, n, &i, "false") else { return false }
            case 0x6E:
                guard literal(p, n, &i, "null") else { return false }
            default:
                return false
            }
            // After a value: close containers until one goes on with ','.
            while true {
                if depth == 0 { return i == n }
                guard i < n else { return false }
                let isObject = objects >> UInt64(depth - 1) & 1 == 1
                let c = p[i]
                i += 1
                if c == 0x2C {
                    if isObject { guard member(p, n, &i, vector) else { return false } }
                    break
                }
                guard c == (isObject ? 0x7D : 0x5D) else { return false }
                depth -= 1
            }
        }
    }

    /// `"key":` at `i`, leaving `i` at the value.
    @inline(__always)
    private static func member(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ vector: Bool) -> Bool {
        guard i < n, p[i] == 0x22, string(p, n, &i, vector), i < n, p[i] == 0x3A else { return false }
        i += 1
        return true
    }

    /// The string whose `"` is at `i`. With `vector`, one whose plain run (`jac_skip_plain_in`)
    /// ends at its closing quote (most strings) is taken here; the rest goes on in `stringRest`.
    @inline(__always)
    private static func string(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ vector: Bool) -> Bool {
        i &+= 1
        if vector {
            i &+= jac_skip_plain_in(p, i, n)
            if i < n && p[i] == 0x22 {
                i &+= 1
                return true
            }
        }
        return stringRest(p, n, &i, vector)
    }

    /// The rest of a string from `i`, after its opening quote and, with `vector`, a plain run:
    /// each byte that ends a run is taken here, and plain runs are skipped sixteen bytes at a
    /// time (`jac_skip_plain_in`, with `vector`), else a word at a time.
    private static func stringRest(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ vector: Bool) -> Bool {
        while true {
            while !vector && i + 8 <= n {
                let mask = WordMasks.endsPlainRun(WordMasks.load(p, i))
                if mask != 0 {
                    i += WordMasks.firstMatch(mask)
                    break
                }
                i += 8
            }
            guard i < n else { return false }
            let b = p[i]
            if b == 0x22 {
                i += 1
                return true
            }
            if b == 0x5C {
                guard i + 1 < n else { return false }
                switch p[i + 1] {
                case 0x22, 0x5C, 0x62, 0x66, 0x6E, 0x72, 0x74:
                    i += 2
                case 0x75:
                    // Only `\u000x` and `\u001x` with a lower-case hex digit, and not one with a
                    // short escape, are written back the same.
                    guard i + 6 <= n, p[i + 2] == 0x30, p[i + 3] == 0x30, p[i + 4] == 0x30 || p[i + 4] == 0x31 else {
                        return false
                    }
                    let d = p[i + 5]
                    let low: UInt8
                    switch d {
                    case 0x30 ... 0x39: low = d - 0x30
                    case 0x61 ... 0x66: low = d - 0x57
                    default: return false
                    }
                    let scalar = (p[i + 4] - 0x30) << 4 | low
                    guard JSONWriter.shortEscape(scalar) == 0 else { return false }
                    i += 6
                default:
                    return false
                }
            } else if b < 0x20 {
                return false
            } else if b < 0x80 {
                i += 1
            } else {
                // A run of non-ASCII characters (most text in other scripts) goes on here, not
                // through the word test, until an ASCII byte.
                repeat {
                    let len = UTF8Validator.sequenceLength(p, i, n)
                    if len == 0 { return false }
                    i += len
                } while i < n && p[i] >= 0x80
            }
            if vector { i += jac_skip_plain_in(p, i, n) }
        }
    }

    /// The number at `i`, by the JSON grammar (as `minify` reads it; it copies numbers as they are).
    private static func number(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool {
        @inline(__always) func digit(_ k: Int) -> Bool { k < n && p[k] &- 0x30 < 10 }
        if p[i] == 0x2D { i += 1 }
        guard digit(i) else { return false }
        if p[i] == 0x30 {
            i += 1
            if digit(i) { return false }
        } else {
            while digit(i) { i += 1 }
        }
        if i < n && p[i] == 0x2E {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < n && p[i] | 0x20 == 0x65 {
            i += 1
            if i < n && (p[i] == 0x2D || p[i] == 0x2B) { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return true
    }

    @inline(__always)
    private static func literal(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, _ word: StaticString) -> Bool {
        let k = word.utf8CodeUnitCount
        guard i + k <= n else { return false }
        for j in 0 ..< k where p[i + j] != word.utf8Start[j] { return false }
        i += k
        return true
    }
}
