/// Unsigned LEB128 (doc/format.md §2.1) and ZigZag (§2.2).
public enum Varint {
    /// Bytes `value` takes as a varint.
    @inlinable
    public static func length(_ value: UInt64) -> Int {
        var v = value
        var n = 1
        while v >= 0x80 {
            v >>= 7
            n += 1
        }
        return n
    }

    /// Writes `value` at `p + o`, where there is room for its `length`, and returns where it
    /// ends: the loop of the column writers, which reserve their room first (no capacity check
    /// per byte).
    @inlinable @inline(__always)
    public static func write(_ value: UInt64, to p: UnsafeMutablePointer<UInt8>, at o: Int) -> Int {
        var v = value
        var o = o
        while v >= 0x80 {
            p[o] = UInt8(truncatingIfNeeded: v) | 0x80
            v >>= 7
            o += 1
        }
        p[o] = UInt8(truncatingIfNeeded: v)
        return o + 1
    }

    /// `write` for an array that grows as it goes: a byte appended at a time is faster than
    /// writing through a scratch buffer (jac-split's record varints: 12% more instructions).
    @inlinable
    public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(truncatingIfNeeded: v))
    }

    @inlinable
    public static func append(_ value: Int, to out: inout [UInt8]) {
        append(UInt64(value), to: &out)
    }

    @inlinable
    public static func zigzag(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }

    @inlinable
    public static func unzigzag(_ u: UInt64) -> Int64 {
        Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }
}
