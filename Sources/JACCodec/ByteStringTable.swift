/// An insert-only hash set of byte strings that numbers them in insertion order. Keys live in
/// one arena, so interning a string allocates nothing once the table has grown: this is how
/// field names are found per record and how dictionary entries are counted per field.
public struct ByteStringTable {
    private var arena: [UInt8] = []
    private var starts: [Int] = []
    private var hashes: [UInt64] = []
    /// Open addressing, linear probing: a slot holds the entry's index + 1 in its low 32 bits
    /// and the top 32 bits of its hash above them (0 is empty), so most probes that miss are
    /// settled without touching the entry.
    private var slots: [UInt64]
    private var mask: Int

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        starts.append(0)
    }

    public var count: Int { hashes.count }

    /// The bytes of entry `i`.
    public func withEntry<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try arena.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[starts[i] ..< starts[i + 1]])) }
    }

    public func entry(_ i: Int) -> ArraySlice<UInt8> { arena[starts[i] ..< starts[i + 1]] }

    /// Index of `key`, inserting it when new. `inserted` tells which happened.
    public mutating func intern(_ key: UnsafeRawBufferPointer) -> (index: Int, inserted: Bool) {
        let h = ByteStringTable.hash(key)
        let tag = h & 0xFFFF_FFFF_0000_0000
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let slot = slots[s]
            if slot == 0 { break }
            if slot & 0xFFFF_FFFF_0000_0000 == tag {
                let e = Int(slot & 0xFFFF_FFFF) - 1
                if equals(e, key) { return (e, false) }
            }
            s = (s + 1) & mask
        }
        let index = hashes.count
        slots[s] = tag | UInt64(index + 1)
        hashes.append(h)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return (index, true)
    }

    private func equals(_ e: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = starts[e]
        let len = starts[e + 1] - start
        guard len == key.count else { return false }
        if len == 0 { return true }
        return arena.withUnsafeBytes { memcmp($0.baseAddress! + start, key.baseAddress!, len) == 0 }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for (i, h) in hashes.enumerated() {
            var s = Int(truncatingIfNeeded: h) & mask
            while slots[s] != 0 { s = (s + 1) & mask }
            slots[s] = h & 0xFFFF_FFFF_0000_0000 | UInt64(i + 1)
        }
    }

    /// A fast 64-bit hash, eight bytes at a time.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        var i = 0
        let n = key.count
        while n - i >= 8 {
            let w = key.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(key[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }
}

import Glibc
