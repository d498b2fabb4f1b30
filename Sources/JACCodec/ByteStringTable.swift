import Glibc
import JACWire

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

    /// The entries through raw pointers: many keys compared for one retain of the storage.
    public struct Entries {
        let arena: UnsafeRawBufferPointer
        let starts: UnsafeBufferPointer<Int>

        /// Whether entry `i` is `key`.
        @inline(__always)
        public func equals(_ i: Int, _ key: UnsafeRawBufferPointer) -> Bool {
            let start = starts[i]
            return ByteEquality.same(UnsafeRawBufferPointer(rebasing: arena[start ..< starts[i + 1]]), key)
        }
    }

    /// Calls `body` with the entries; a caller that can guess a key's index (the key at the same
    /// place in the previous record) checks the guess there rather than hashing the key.
    @inline(__always)
    public func withEntries<R>(_ body: (Entries) -> R) -> R {
        starts.withUnsafeBufferPointer { s in arena.withUnsafeBytes { a in body(Entries(arena: a, starts: s)) } }
    }

    /// Index of `key`, inserting it when new. `inserted` tells which happened.
    public mutating func intern(_ key: UnsafeRawBufferPointer) -> (index: Int, inserted: Bool) {
        let h = ByteStringTable.hash(key)
        let tag = h & 0xFFFF_FFFF_0000_0000
        let mask = mask
        var s = Int(truncatingIfNeeded: h) & mask
        // Probes through a raw pointer: this runs for every key of every record.
        let found: Int = slots.withUnsafeBufferPointer { slots in
            withEntries { entries in
                while true {
                    let slot = slots[s]
                    if slot == 0 { return -1 }
                    if slot & 0xFFFF_FFFF_0000_0000 == tag {
                        let e = Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1
                        if entries.equals(e, key) { return e }
                    }
                    s = (s + 1) & mask
                }
            }
        }
        if found >= 0 { return (found, false) }
        let index = hashes.count
        slots[s] = tag | UInt64(index + 1)
        hashes.append(h)
        arena.append(contentsOf: key)
        starts.append(arena.count)
        if hashes.count * 2 > slots.count { grow() }
        return (index, true)
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

    /// A fast 64-bit hash, eight bytes at a time, the last (or only) bytes read as one or two
    /// overlapping loads rather than byte by byte. Only this table sees it: entries are numbered
    /// in insertion order, so the hash never reaches an archive.
    @inline(__always)
    static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        let n = key.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        guard let p = key.baseAddress, n > 0 else { return h }
        let tail: UInt64
        if n > 8 {
            var i = 0
            while n - i > 8 {
                h = (h ^ p.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                h ^= h >> 32
                i += 8
            }
            tail = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        } else if n >= 4 {
            tail = UInt64(p.loadUnaligned(as: UInt32.self))
                | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        } else {
            tail = UInt64(p.load(as: UInt8.self)) | UInt64(p.load(fromByteOffset: n / 2, as: UInt8.self)) << 8
                | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self)) << 16
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }
}
