import JACJSON

import Glibc

/// Where `RecordWriter` renders text: a fixed buffer written through a pointer and moved to the
/// caller's array in large appends, so a value costs one comparison against the room left
/// instead of an array's uniqueness and capacity checks per append. It holds `capacity` bytes
/// whatever the values' size: text longer than that passes through in pieces.
struct TextSpool {
    static let defaultCapacity = 1 << 16
    /// The most bytes `room` may be asked for.
    static let maxRoom = 64

    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    /// Bytes written and not yet moved to the caller's array.
    var count = 0

    init(capacity: Int = defaultCapacity) {
        precondition(capacity >= 6 * TextSpool.maxRoom)
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    func deallocate() {
        base.deallocate()
    }

    /// Moves the text written so far to the end of `out`.
    mutating func flush(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
        count = 0
    }

    /// Where to write next, with room for `n` (at most `maxRoom`) bytes; the caller adds what it
    /// wrote to `count`.
    @inline(__always)
    mutating func room(_ n: Int, _ out: inout [UInt8]) -> UnsafeMutablePointer<UInt8> {
        if capacity - count < n { flush(to: &out) }
        return base + count
    }

    @inline(__always)
    mutating func put(_ b: UInt8, _ out: inout [UInt8]) {
        room(1, &out).pointee = b
        count += 1
    }

    /// Copies `bytes` as they are.
    @inline(__always)
    mutating func put(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
        guard let from = bytes.baseAddress else { return }
        if bytes.count <= capacity - count {
            memcpy(base + count, from, bytes.count)
            count += bytes.count
        } else {
            flush(to: &out)
            out.append(contentsOf: bytes)
        }
    }

    /// Copies `count` bytes from `from`, which may be read up to 7 bytes past them (a padded
    /// arena): short runs go a word at a time, with no call.
    @inline(__always)
    mutating func put(padded from: UnsafeRawPointer, count n: Int, _ out: inout [UInt8]) {
        guard n <= TextSpool.maxRoom - 8 else { return put(UnsafeRawBufferPointer(start: from, count: n), &out) }
        TextSpool.copyWords(from, to: UnsafeMutableRawPointer(room(n + 8, &out)), count: n)
        count += n
    }

    /// Copies `n` bytes a word at a time: reads and writes up to 7 bytes past them (at least 8).
    @inline(__always)
    private static func copyWords(_ from: UnsafeRawPointer, to: UnsafeMutableRawPointer, count n: Int) {
        var k = 0
        repeat {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
            k += 8
        } while k < n
    }

    /// `null`, `true` and `false` as their bytes in a little-endian word.
    enum Literal: UInt64 {
        case null = 0x6C6C_756E
        case `true` = 0x6575_7274
        case `false` = 0x65_736C_6166

        var count: Int { self == .false ? 5 : 4 }
    }

    /// Writes a literal with one store (copying it was a call to memcpy per value).
    @inline(__always)
    mutating func put(_ literal: Literal, _ out: inout [UInt8]) {
        UnsafeMutableRawPointer(room(8, &out)).storeBytes(of: literal.rawValue.littleEndian, as: UInt64.self)
        count += literal.count
    }

    /// Writes `bytes` (valid UTF-8) as a JSON string.
    @inline(__always)
    mutating func putString(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
        if JSONWriter.stringBound(bytes.count) <= capacity - count {
            count += JSONWriter.writeString(bytes, at: base + count)
        } else {
            putLongString(bytes, &out)
        }
    }

    /// Writes `payload[range]`, a string needing no escapes, in quotes: a short one a word at a
    /// time when `payload` has 8 bytes after it to read past its end.
    @inline(__always)
    mutating func putPlainString(_ payload: UnsafeRawBufferPointer, _ range: Range<Int>, _ out: inout [UInt8]) {
        let n = range.count
        guard n <= TextSpool.maxRoom - 10, range.upperBound + 8 <= payload.count else {
            put(0x22, &out)
            put(UnsafeRawBufferPointer(rebasing: payload[range]), &out)
            return put(0x22, &out)
        }
        let to = room(n + 10, &out)
        to[0] = 0x22
        TextSpool.copyWords(payload.baseAddress! + range.lowerBound, to: UnsafeMutableRawPointer(to + 1), count: n)
        to[n + 1] = 0x22
        count += n + 2
    }

    /// A string that may not fit: escaped in pieces of what the room left allows.
    private mutating func putLongString(_ bytes: UnsafeRawBufferPointer, _ out: inout [UInt8]) {
        put(0x22, &out)
        let p = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var i = 0
        while i < bytes.count {
            if capacity - count < 6 * TextSpool.maxRoom { flush(to: &out) }
            let k = min(bytes.count - i, (capacity - count) / 6)
            count += JSONWriter.writeEscaped(p + i, count: k, at: base + count)
            i += k
        }
        put(0x22, &out)
    }

    /// Writes a decimal's JSON text (see `JSONWriter.appendDecimal`).
    @inline(__always)
    mutating func putDecimal(negative: Bool, digits: UnsafeRawBufferPointer, exponent: Int32, _ out: inout [UInt8]) {
        let bound = JSONWriter.decimalBound(digits.count)
        if capacity - count < bound { flush(to: &out) }
        if bound <= capacity {
            count += JSONWriter.writeDecimal(negative: negative, digits: digits, exponent: exponent, at: base + count)
        } else {
            JSONWriter.appendDecimal(negative: negative, digits: digits, exponent: exponent, to: &out)
        }
    }
}
