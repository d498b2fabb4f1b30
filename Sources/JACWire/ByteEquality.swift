import Glibc

/// Equality of byte strings, for the per-value loops: a key against the one the record before had
/// at its place (the JSON reader), against a table's entry (`ByteStringTable`), a string against
/// the one before it (dictionaries).
public enum ByteEquality {
    /// Whether two byte strings are equal. Up to 16 bytes (most keys and many values) are
    /// compared as one or two overlapping loads of each, with no call.
    @inlinable @inline(__always)
    public static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0 else { return true }
        let x = a.baseAddress!
        let y = b.baseAddress!
        if n >= 8 {
            guard n <= 16 else { return memcmp(x, y, n) == 0 }
            return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
                && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        if n >= 4 {
            return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
                && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self) == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
        }
        // One to three bytes: the first, middle and last are all of them.
        return x.load(as: UInt8.self) == y.load(as: UInt8.self)
            && x.load(fromByteOffset: n / 2, as: UInt8.self) == y.load(fromByteOffset: n / 2, as: UInt8.self)
            && x.load(fromByteOffset: n - 1, as: UInt8.self) == y.load(fromByteOffset: n - 1, as: UInt8.self)
    }
}
