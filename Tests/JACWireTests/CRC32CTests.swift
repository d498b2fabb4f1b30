import JACWire
import Testing

struct CRC32CTests {
    /// doc/format.md §2.4's check values.
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

/// The hardware path (where the CPU has one) and the portable table agree on every length and
/// alignment, including the split of one input over several updates.
@Test func hardwareAndPortableCRCAgree() {
    let bytes = pseudoRandomBytes(1000)
    bytes.withUnsafeBytes { all in
        for start in 0 ..< 9 {
            for end in stride(from: start, through: all.count, by: 37) {
                expectSameCRC(UnsafeRawBufferPointer(rebasing: all[start ..< end]))
            }
        }
    }
}

/// Inputs long enough for the hardware path's three-lane rounds (24 KiB each): round counts
/// 1 to 5, with every kind of remainder and unaligned starts.
@Test func hardwareAndPortableCRCAgreeOnLongInputs() {
    let bytes = pseudoRandomBytes(5 * 24_576 + 100)
    bytes.withUnsafeBytes { all in
        for length in [24_575, 24_576, 24_577, 24_583, 49_152, 60_000, 98_304 + 7, 5 * 24_576 + 99] {
            for start in [0, 1, 3] where start + length <= all.count {
                expectSameCRC(UnsafeRawBufferPointer(rebasing: all[start ..< start + length]))
            }
        }
    }
}

private func expectSameCRC(_ slice: UnsafeRawBufferPointer) {
    var fast = CRC32C()
    fast.update(UnsafeRawBufferPointer(rebasing: slice.prefix(slice.count / 3)))
    fast.update(UnsafeRawBufferPointer(rebasing: slice.dropFirst(slice.count / 3)))
    var whole = CRC32C()
    whole.update(slice)
    var portable = CRC32C()
    portable.updatePortably(slice)
    #expect(fast.value == portable.value, "\(slice.count) bytes in two updates")
    #expect(whole.value == portable.value, "\(slice.count) bytes")
}

private func pseudoRandomBytes(_ count: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: count)
    var x: UInt32 = 12345
    for i in bytes.indices {
        x = x &* 1103515245 &+ 12345
        bytes[i] = UInt8(truncatingIfNeeded: x >> 16)
    }
    return bytes
}
