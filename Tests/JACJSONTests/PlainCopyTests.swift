import CJACScan
import Testing

/// The SSE2 copy of plain string bytes (`jac_copy_plain`, what JSONReader calls) against the
/// byte loop other CPUs use (`jac_copy_plain_bytes`): it stops where the loop stops, or at the
/// end of the last whole 16 bytes before that, and copies exactly what it passes. The skips that
/// only look (`jac_skip_plain`, and `jac_skip_plain_in`, what the decoder's checks call) stop
/// where the copies stop, and `jac_skip_plain_in` exactly where the byte loop stops, from every
/// place.
struct PlainCopyTests {
    /// Where `jac_copy_plain` must stop on `input`, given where the byte loop stops.
    static func expected(loop: Int, count: Int) -> Int {
        #if arch(x86_64)
        min(loop, count - count % 16)
        #else
        loop
        #endif
    }

    static func check(_ input: [UInt8]) {
        var vector = [UInt8](repeating: 0, count: input.count), bytes = vector
        let v = input.withUnsafeBufferPointer { jac_copy_plain($0.baseAddress, input.count, &vector) }
        let b = input.withUnsafeBufferPointer { jac_copy_plain_bytes($0.baseAddress, input.count, &bytes) }
        // The loop's answer, worked out here: the first byte that is not plain ASCII.
        let first = input.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 } ?? input.count
        #expect(b == first, "\(input)")
        #expect(v == expected(loop: b, count: input.count), "\(input)")
        #expect(Array(vector[..<v]) == Array(input[..<v]) && Array(bytes[..<b]) == Array(input[..<b]))
        input.withUnsafeBufferPointer { p in
            #expect(jac_skip_plain_bytes(p.baseAddress, input.count) == b)
            #expect(jac_skip_plain(p.baseAddress, input.count) == v)
            for i in 0 ... input.count {
                let from = input[i...].firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 || $0 >= 0x80 } ?? input.count
                #expect(jac_skip_plain_in(p.baseAddress, i, input.count) == from - i, "\(input) from \(i)")
            }
        }
    }

    /// Every length to 80, with each kind of stop byte at every place, or none.
    @Test func everyStopByteAtEveryPlace() {
        let stops: [UInt8] = [0x22, 0x5C, 0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for n in 0 ... 80 {
            var plain: [UInt8] = []
            for k in 0 ..< n {
                let b = UInt8(0x20 + (k * 7) % 0x5F)
                plain.append(b == 0x22 || b == 0x5C ? 0x41 : b)
            }
            Self.check(plain)
            for at in 0 ..< n {
                for s in stops {
                    var input = plain
                    input[at] = s
                    Self.check(input)
                }
            }
        }
    }

    /// Bytes from a fixed generator, mostly plain ASCII as strings are.
    @Test func generatedInputs() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0 ..< 20000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let n = Int(state >> 58) + Int((state >> 40) & 0x3F)
            var input: [UInt8] = []
            for _ in 0 ..< n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let r = UInt8(truncatingIfNeeded: state >> 33)
                input.append(r % 64 == 0 ? r : 0x20 + r % 0x5F)
            }
            Self.check(input)
        }
    }
}
