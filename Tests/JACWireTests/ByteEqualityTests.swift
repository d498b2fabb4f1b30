import JACWire
import Testing

struct ByteEqualityTests {
    /// `same` against array equality at every length up to 40 (it compares short strings with
    /// overlapping loads), with one byte changed at every place, and against a longer string.
    @Test func sameComparesEveryByte() {
        func same(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            a.withUnsafeBytes { x in b.withUnsafeBytes { ByteEquality.same(x, $0) } }
        }
        for length in 0 ... 40 {
            let a = (0 ..< length).map { UInt8(truncatingIfNeeded: 0x41 + $0) }
            #expect(same(a, Array(a)))
            for i in 0 ..< length {
                var b = a
                b[i] ^= 0x01
                #expect(!same(a, b), "length \(length), byte \(i)")
            }
            #expect(!same(a, a + [0x41 + UInt8(length)]))
        }
    }
}
