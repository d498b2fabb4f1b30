import JACWire
import Synchronization

/// The keys of the record parsed before. Records mostly repeat their keys in order, so the reader
/// compares the bytes at a key's place with the key the record before had there instead of
/// reading a string, and a column set that routed that record routes this one the same way
/// without looking at its keys (`sequence`). Only keys written without escapes are kept (their
/// text is their bytes), at most `maxBytes` of them.
struct RepeatedKeys: Sendable {
    /// What is kept of a record's keys, in bytes (a bound for hostile records).
    static let maxBytes = 1 << 16

    /// A kept key. Up to 15 bytes, its text and closing `"` are `pattern`, the bytes that count
    /// in it `mask` (the rest zero): two 8-byte comparisons recognize it. A longer key is
    /// compared with its bytes in `long` (`start`, `length`).
    struct Key {
        var pattern: (UInt64, UInt64)
        var mask: (UInt64, UInt64)
        var start: Int
        var length: Int
    }

    private var keys: [Key] = []
    /// The bytes of the keys of 16 bytes or more, after one that is no key's (so that the array
    /// is never empty and its storage always there).
    private var long: [UInt8] = [0]
    /// Names the key sequence of the last record parsed: unchanged while records repeat their
    /// keys (all kept, none more), a new number when they change, 0 after an error. Numbers come
    /// from one counter for all parsers, so equal numbers always mean the same keys in order.
    private(set) var sequence = 0
    /// The kept keys are all the keys of the last record (none escaped, none beyond the bound).
    private var complete = false
    private static let counter = Atomic<Int>(0)

    /// The kept keys, for the reader.
    struct Guess {
        let keys: UnsafeBufferPointer<Key>
        let long: UnsafePointer<UInt8>

        var count: Int { keys.count }

        /// The length of key `i` if the text at `p` (`n` bytes readable) is that key, unescaped,
        /// and its closing `"`; when `n >= 16`, `first` holds the first 16 bytes at `p`.
        @inline(__always)
        func matches(_ i: Int, _ p: UnsafePointer<UInt8>, _ n: Int, first: (UInt64, UInt64)) -> Int? {
            let k = keys.baseAddress! + i
            if n >= 16 {
                let (pattern, mask) = (k.pointee.pattern, k.pointee.mask)
                guard (first.0 ^ pattern.0) & mask.0 | (first.1 ^ pattern.1) & mask.1 == 0 else { return nil }
                let length = k.pointee.length
                if length < 16 { return length }
            }
            return compare(k, p, n)
        }

        /// `matches` for a key of 16 bytes or more, or fewer than 16 bytes left: byte by byte.
        @inline(never)
        private func compare(_ k: UnsafePointer<Key>, _ p: UnsafePointer<UInt8>, _ n: Int) -> Int? {
            let length = k.pointee.length
            guard n > length, p[length] == 0x22 else { return nil }
            let text = UnsafeRawBufferPointer(start: p, count: length)
            let same = length < 16
                ? ByteEquality.same(text, UnsafeRawBufferPointer(start: UnsafeRawPointer(k) + MemoryLayout<Key>.offset(of: \.pattern)!, count: length))
                : ByteEquality.same(text, UnsafeRawBufferPointer(start: long + k.pointee.start, count: length))
            return same ? length : nil
        }
    }

    func withGuess<R>(_ body: (Guess) throws(JACError) -> R) throws(JACError) -> R {
        try keys.withUnsafeBufferPointer { (k) throws(JACError) -> R in
            try long.withUnsafeBufferPointer { (l) throws(JACError) -> R in
                try body(Guess(keys: k, long: l.baseAddress!))
            }
        }
    }

    /// After a record was parsed: its first `matched` keys were the kept ones, its first `plain`
    /// keys were written without escapes.
    mutating func update(_ fields: UnsafeBufferPointer<JSONField>, _ scratch: UnsafeMutableBufferPointer<UInt8>,
                         matched: Int, plain: Int) {
        if sequence != 0 && complete && matched == fields.count && matched == keys.count { return }
        if matched < keys.count {
            keys.removeSubrange(matched...)
            long.removeSubrange((keys.last.map { $0.length < 16 ? $0.start : $0.start + $0.length } ?? 1)...)
        }
        for f in fields[matched ..< plain] {
            let key = UnsafeMutableBufferPointer(rebasing: scratch[f.key])
            // The kept keys with this one, and the long bytes with its own: what `maxBytes` bounds.
            let stride = MemoryLayout<Key>.stride
            guard stride * (keys.count + 1) + long.count + key.count <= RepeatedKeys.maxBytes else { break }
            var k = Key(pattern: (0, 0), mask: (0, 0), start: long.count, length: key.count)
            let n = min(key.count + 1, 16)
            withUnsafeMutableBytes(of: &k.pattern) { pattern in
                pattern.copyMemory(from: UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: key[..<min(key.count, 16)])))
                if key.count < 16 { pattern[key.count] = 0x22 }
            }
            // The first `n` bytes in memory, on any CPU (the reader compares native loads).
            let low: UInt64 = n >= 8 ? ~0 : (1 << (8 * UInt64(n))) - 1
            let high: UInt64 = n >= 16 ? ~0 : n > 8 ? (1 << (8 * UInt64(n - 8))) - 1 : 0
            k.mask = (low.littleEndian, high.littleEndian)
            if key.count >= 16 { long.append(contentsOf: key) }
            keys.append(k)
        }
        complete = keys.count == fields.count
        sequence = RepeatedKeys.counter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// After an error: the kept keys are still some record's, but this one's are not known.
    mutating func forget() { sequence = 0 }
}
