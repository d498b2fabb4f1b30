/// LSB-first bit streams (doc/format.md §2.3): presence bitmaps, booleans and 3-bit type tags.
public enum BitPacking {
    @inlinable
    public static func byteCount(bits: Int) -> Int { (bits + 7) / 8 }

    @inlinable
    public static func bit(_ bytes: UnsafeRawBufferPointer, _ i: Int) -> Bool {
        bytes[i >> 3] & (1 << UInt8(i & 7)) != 0
    }

    /// Tag `k` of a tag stream: bits 3k, 3k+1, 3k+2, possibly straddling two bytes.
    @inlinable
    public static func tag(_ bytes: UnsafeRawBufferPointer, _ k: Int) -> UInt8 {
        let bit = 3 * k
        let byte = bit >> 3
        var word = UInt16(bytes[byte])
        if byte + 1 < bytes.count { word |= UInt16(bytes[byte + 1]) << 8 }
        return UInt8(truncatingIfNeeded: word >> UInt16(bit & 7)) & 7
    }

    /// How many of the first `count` tags of a tag stream hold each value 0-7: what a field's
    /// tag region says of its values' kinds.
    /// Most columns hold one kind: while the tags equal the first, 64 of them (24 bytes) are
    /// compared with that tag's pattern three words at a time, and 8 (three bytes) at a time
    /// after that. Where they differ, eight tags at a time are counted one by one.
    public static func tagCounts(_ bytes: UnsafeRawBufferPointer, count: Int) -> [Int] {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 8) { counts in
            counts.initialize(repeating: 0)
            var k = 0
            // The first tag eight times over, in the three bytes eight tags fill.
            let sole = count > 0 ? UInt32(bytes[0] & 7) &* 0x249249 : 0
            if count >= 64 {
                // The pattern repeats every three bytes: the three words of 24 bytes start at
                // its bytes 0, 2 and 1.
                func word(_ first: UInt32) -> UInt64 {
                    let r = UInt64((sole >> (8 * first) | sole << (24 - 8 * first)) & 0xFF_FFFF)
                    return r | r << 24 | r << 48
                }
                let (w0, w1, w2) = (word(0), word(2), word(1))
                let p = bytes.baseAddress!
                while k + 64 <= count {
                    let b = 3 * (k >> 3)
                    guard p.loadUnaligned(fromByteOffset: b, as: UInt64.self) == w0.littleEndian,
                          p.loadUnaligned(fromByteOffset: b + 8, as: UInt64.self) == w1.littleEndian,
                          p.loadUnaligned(fromByteOffset: b + 16, as: UInt64.self) == w2.littleEndian else { break }
                    k += 64
                }
                counts[Int(sole & 7)] = k
            }
            while k + 8 <= count {
                let b = 3 * (k >> 3)
                let w = UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16
                if w == sole {
                    counts[Int(sole & 7)] += 8
                } else {
                    for j in 0 ..< 8 { counts[Int(w >> UInt32(3 * j) & 7)] += 1 }
                }
                k += 8
            }
            while k < count {
                counts[Int(tag(bytes, k))] += 1
                k += 1
            }
            return Array(counts)
        }
    }

    /// Appends 3-bit tags packed LSB-first. Eight tags at a time: they fill three bytes exactly.
    public static func appendTags(_ tags: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: byteCount(bits: 3 * tags.count)))
        out.withUnsafeMutableBufferPointer { buf in
            tags.withUnsafeBufferPointer { t in
                var k = 0
                while k + 8 <= t.count {
                    var w: UInt32 = 0
                    for j in 0 ..< 8 { w |= UInt32(t[k + j] & 7) << UInt32(3 * j) }
                    let b = start + 3 * (k >> 3)
                    buf[b] = UInt8(truncatingIfNeeded: w)
                    buf[b + 1] = UInt8(truncatingIfNeeded: w >> 8)
                    buf[b + 2] = UInt8(truncatingIfNeeded: w >> 16)
                    k += 8
                }
                while k < t.count {
                    let bit = 3 * k
                    let word = UInt16(t[k] & 7) << UInt16(bit & 7)
                    buf[start + bit >> 3] |= UInt8(truncatingIfNeeded: word)
                    if word > 0xff { buf[start + bit >> 3 + 1] |= UInt8(truncatingIfNeeded: word >> 8) }
                    k += 1
                }
            }
        }
    }
}

/// A growable LSB-first bitmap, for presence and boolean parts.
public struct BitmapBuilder: Sendable {
    public var bytes: [UInt8] = []
    public var count = 0

    public init() {}

    @inlinable
    public mutating func append(_ bit: Bool) {
        if count & 7 == 0 { bytes.append(0) }
        if bit { bytes[bytes.count - 1] |= 1 << UInt8(count & 7) }
        count += 1
    }

    /// Appends `n` zero bits.
    public mutating func appendZeros(_ n: Int) {
        count += n
        let need = BitPacking.byteCount(bits: count)
        if need > bytes.count { bytes.append(contentsOf: repeatElement(0, count: need - bytes.count)) }
    }

    /// Appends all bits of `other`.
    public mutating func append(contentsOf other: BitmapBuilder) {
        let shift = count & 7
        if shift == 0 {
            bytes.append(contentsOf: other.bytes)
        } else {
            for b in other.bytes {
                bytes[bytes.count - 1] |= b << UInt8(shift)
                bytes.append(b >> UInt8(8 - shift))
            }
        }
        count += other.count
        bytes.removeLast(bytes.count - BitPacking.byteCount(bits: count))
    }
}
