import JACWire
import Testing

struct IndexFooterTests {
    static let footer = IndexFooter(entries: [
        .init(offset: 14, size: 224, recordCount: 4), .init(offset: 238, size: 70_000, recordCount: 100_000),
    ])

    /// A file of `prefix` filler bytes followed by the footer and pointer.
    static func file(prefix: Int) -> [UInt8] {
        [UInt8](repeating: 0x55, count: prefix) + footer.encoded(footerOffset: prefix)
    }

    /// doc/format.md §10.6's footer for the worked example, byte for byte.
    @Test func encodesTheWorkedExample() {
        let one = IndexFooter(entries: [.init(offset: 14, size: 224, recordCount: 4)])
        #expect(one.encoded(footerOffset: 238) == hex("49 44 58 31 05 01 0e e0 01 04 d3 fc f6 67 ee 00 00 00 00 00 00 00"))
    }

    @Test func roundTrips() throws {
        let bytes = Self.file(prefix: 70_238)
        let (found, offset) = try bytes.withUnsafeBytes { IndexFooter.locate(in: $0) }.get()
        #expect(found == Self.footer)
        #expect(offset == 70_238)
    }

    /// Any damage means "no index" (an error value, never a crash), so readers scan instead.
    @Test func damageMeansNoIndex() {
        let good = Self.file(prefix: 300)
        var flipped = good
        flipped[300 + 7] ^= 0x01
        var pointerZero = good
        for i in pointerZero.count - 8 ..< pointerZero.count { pointerZero[i] = 0 }
        var pointerPast = good
        pointerPast[pointerPast.count - 7] = 0x10
        var badMagic = good
        badMagic[300] = 0
        var longer = good
        longer[304] += 1
        for damaged in [flipped, pointerZero, pointerPast, badMagic, longer, Array(good.suffix(7))] {
            let result = damaged.withUnsafeBytes { IndexFooter.locate(in: $0) }
            guard case .failure(let error) = result else {
                Issue.record("damaged footer accepted")
                continue
            }
            #expect(error.kind == .corruptIndex)
        }
    }
}
