import JACWire
import Testing

struct BitPackingTests {
    /// doc/format.md §2.3's examples: tags straddle bytes, LSB first.
    @Test(arguments: [([UInt8](repeating: 4, count: 3), "24 01"), ([UInt8](repeating: 2, count: 4), "92 04")])
    func packsTags(tags: [UInt8], bytes: String) {
        var out: [UInt8] = []
        BitPacking.appendTags(tags, to: &out)
        #expect(out == hex(bytes))
        out.withUnsafeBytes { p in
            #expect((0 ..< tags.count).map { BitPacking.tag(p, $0) } == tags)
        }
    }

    @Test func everyTagSurvivesEveryPosition() {
        let tags = (0 ..< 64).map { UInt8($0 % 7) } + [6, 5]
        var out: [UInt8] = [0xAA]
        BitPacking.appendTags(tags, to: &out)
        #expect(out.count == 1 + BitPacking.byteCount(bits: 3 * tags.count))
        out.withUnsafeBytes { p in
            let body = UnsafeRawBufferPointer(rebasing: p[1...])
            #expect((0 ..< tags.count).map { BitPacking.tag(body, $0) } == tags)
        }
    }

    @Test func bitmapIsLSBFirst() {
        var b = BitmapBuilder()
        for bit in [true, true, true, false] { b.append(bit) }
        b.appendZeros(5)
        b.append(true)
        #expect(b.bytes == [0x07, 0x02])
        #expect(b.count == 10)
        b.bytes.withUnsafeBytes { p in
            #expect(BitPacking.bit(p, 9) && !BitPacking.bit(p, 8) && BitPacking.bit(p, 0))
        }
    }
}
