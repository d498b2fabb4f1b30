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

    /// `tagCounts` (which compares runs of one tag a word at a time) against a count of tags
    /// read a bit at a time, on generated streams: one tag throughout, one tag with a bit flipped
    /// anywhere (in a tag or in the padding after the last), and random tags, of every length
    /// about the 8- and 64-tag steps.
    @Test func tagCountsAgreeWithABitAtATimeCount() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        var soleSeen = 0
        for round in 0 ..< 6000 {
            let count = round < 400 ? round : next(1200)
            var bytes = [UInt8](repeating: 0, count: BitPacking.byteCount(bits: 3 * count))
            let tag = next(8)
            switch round % 3 {
            case 0, 1:
                for bit in 0 ..< 8 * bytes.count where (tag >> (bit % 3)) & 1 == 1 { bytes[bit >> 3] |= 1 << UInt8(bit & 7) }
                if round % 3 == 1 && !bytes.isEmpty {
                    let bit = next(8 * bytes.count)
                    bytes[bit >> 3] ^= 1 << UInt8(bit & 7)
                }
            default:
                for i in bytes.indices { bytes[i] = UInt8(truncatingIfNeeded: next(256)) }
            }
            var expected = [Int](repeating: 0, count: 8)
            bytes.withUnsafeBytes { p in
                for k in 0 ..< count {
                    var t = 0
                    for j in 0 ..< 3 where BitPacking.bit(p, 3 * k + j) { t |= 1 << j }
                    expected[t] += 1
                }
                #expect(BitPacking.tagCounts(p, count: count) == expected, "round \(round), \(count) tags")
            }
            if count > 0 && expected.contains(count) { soleSeen += 1 }
        }
        // Streams of one tag throughout were common.
        #expect(soleSeen > 2000)
    }
}
