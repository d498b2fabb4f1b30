import JACCodec
import Testing

struct ByteStringTableTests {
    /// Keys of every length up to 40 bytes (the hash reads words, then one or two overlapping
    /// loads for the rest), each also with one byte changed at every position: all distinct,
    /// numbered in insertion order, found again, their bytes kept.
    @Test func keysDifferingInAnyByteStayApart() {
        var keys: [[UInt8]] = []
        for length in 0 ... 40 {
            let base = (0 ..< length).map { UInt8(truncatingIfNeeded: 0x41 + $0) }
            keys.append(base)
            for i in 0 ..< length {
                var k = base
                k[i] ^= 0x80
                keys.append(k)
            }
        }
        var table = ByteStringTable()
        for (n, key) in keys.enumerated() {
            let r = key.withUnsafeBytes { table.intern($0) }
            #expect(r.index == n && r.inserted, "key \(key)")
        }
        for (n, key) in keys.enumerated() {
            let r = key.withUnsafeBytes { table.intern($0) }
            #expect(r.index == n && !r.inserted, "key \(key)")
            #expect(Array(table.entry(n)) == key)
            #expect(key.withUnsafeBytes { k in table.withEntries { $0.equals(n, k) } })
            #expect(n == 0 || !key.withUnsafeBytes { k in table.withEntries { $0.equals(n - 1, k) } })
        }
        #expect(table.count == keys.count)
    }
}
