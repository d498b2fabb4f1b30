import Glibc
import JACWire

/// The growing storage of one part of a column (tags, integers, strings, digits, nested text),
/// written through a pointer: an append costs one comparison with the capacity, where an array
/// costs a uniqueness check and a generic copy. A class: copies of a builder (a chunk's columns
/// handed to the block that joins them) read the same storage, and only the builder that made it
/// appends, on one thread at a time.
final class ColumnBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private var capacity = 0

    /// Allocates nothing until the first append: most of a wide block's fields fill only some
    /// of their buffers (a string column has no integers), and each costs a few hundred bytes
    /// per field and chunk that the §6.8 projection never counts.
    init() {
        base = UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!
    }

    deinit { if capacity > 0 { base.deallocate() } }

    var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @inline(__always)
    func append(_ e: Element) {
        if count == capacity { grow(to: count + 1) }
        base[count] = e
        count += 1
    }

    /// Makes room for `n` more elements.
    @inline(__always)
    func reserve(_ n: Int) {
        if capacity - count < n { grow(to: count + n) }
    }

    /// Doubles the capacity (as an array grows) until `needed` elements fit.
    @inline(never)
    private func grow(to needed: Int) {
        var c = max(16, capacity * 2)
        while c < needed { c *= 2 }
        let bigger = UnsafeMutablePointer<Element>.allocate(capacity: c)
        bigger.initialize(from: base, count: count)
        if capacity > 0 { base.deallocate() }
        base = bigger
        capacity = c
    }
}

extension ColumnBuffer where Element == UInt8 {
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(elements) }

    /// Appends `bytes` after their length (a varint), as strings, digits and nested text are
    /// stored.
    @inline(__always)
    func append(counted bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        reserve(n + Limits.maxVarintBytes)
        let o = Varint.write(UInt64(n), to: base, at: count)
        if n > 0 { memcpy(base + o, bytes.baseAddress!, n) }
        count = o + n
    }

    /// Appends the ZigZag varint of `v`.
    @inline(__always)
    func append(zigzag v: Int64) {
        reserve(Limits.maxVarintBytes)
        count = Varint.write(Varint.zigzag(v), to: base, at: count)
    }
}
