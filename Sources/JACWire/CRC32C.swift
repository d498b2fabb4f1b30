import CJACChecksum

/// CRC-32C (Castagnoli), doc/format.md §2.4: with the CPU's crc32 instruction where there is one
/// (frames carry whole blocks of JSON text, so this is on the pipeline's hot path), else
/// slicing-by-8.
public struct CRC32C: Sendable {
    private static let hardware = jac_crc32c_hw_available() != 0

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = CRC32C()
        c.update(bytes)
        return c.value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// Whether the 4 bytes at `end` of `bytes` hold, little-endian, the CRC-32C of everything
    /// before them: how blocks and frames end.
    public static func isStored(in bytes: UnsafeRawBufferPointer, at end: Int) -> Bool {
        var r = ByteReader(bytes, position: end)
        guard let stored = try? r.readUInt32LE() else { return false }
        return checksum(UnsafeRawBufferPointer(rebasing: bytes[..<end])) == stored
    }

    public var value: UInt32 { state ^ 0xFFFF_FFFF }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        if CRC32C.hardware {
            if let base = bytes.baseAddress { state = jac_crc32c_hw(state, base, bytes.count) }
            return
        }
        updatePortably(bytes)
    }

    /// The table-driven computation, for CPUs without the instruction (and for testing).
    public mutating func updatePortably(_ bytes: UnsafeRawBufferPointer) {
        var crc = state
        var i = 0
        let n = bytes.count
        CRC32C.table.withUnsafeBufferPointer { t in
            while n - i >= 8 {
                let lo = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                    | UInt32(bytes[i + 3]) << 24
                let hi = UInt32(bytes[i + 4]) | UInt32(bytes[i + 5]) << 8 | UInt32(bytes[i + 6]) << 16
                    | UInt32(bytes[i + 7]) << 24
                let x = crc ^ lo
                crc = t[7 * 256 + Int(x & 0xff)] ^ t[6 * 256 + Int((x >> 8) & 0xff)]
                    ^ t[5 * 256 + Int((x >> 16) & 0xff)] ^ t[4 * 256 + Int(x >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xff)] ^ t[2 * 256 + Int((hi >> 8) & 0xff)]
                    ^ t[1 * 256 + Int((hi >> 16) & 0xff)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                crc = t[Int((crc ^ UInt32(bytes[i])) & 0xff)] ^ (crc >> 8)
                i += 1
            }
        }
        state = crc
    }

    private static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for i in 0 ..< 256 {
            var c = UInt32(i)
            for _ in 0 ..< 8 { c = c & 1 != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[i] = c
        }
        for i in 0 ..< 256 {
            for k in 1 ..< 8 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = t[Int(prev & 0xff)] ^ (prev >> 8)
            }
        }
        return t
    }()
}
