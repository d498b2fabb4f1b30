import JACWire
import Testing

struct CRC32CTests {
    /// FORMAT.md §2.4's check values.
    @Test func checkValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// The slicing-by-8 path and the byte path must agree, whatever the split.
    @Test func incrementalUpdatesMatchOneShot() {
        let data = (0 ..< 1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(data)
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            var c = CRC32C()
            c.update(Array(data[..<cut]))
            c.update(Array(data[cut...]))
            #expect(c.value == whole, "cut at \(cut)")
        }
        #expect(CRC32C.checksum(data + [0]) != whole)
    }
}
