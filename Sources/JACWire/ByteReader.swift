/// A bounds-checked cursor over bytes. Every read checks what remains first, so a length field
/// can never make a reader allocate or read past the data it was given.
public struct ByteReader {
    public let bytes: UnsafeRawBufferPointer
    public var position: Int

    public init(_ bytes: UnsafeRawBufferPointer, position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    public var remaining: Int { bytes.count - position }
    public var isAtEnd: Bool { position >= bytes.count }

    @inlinable
    public mutating func readByte() throws(JACError) -> UInt8 {
        guard position < bytes.count else { throw JACError(.unexpectedEOF, "data ends inside a value") }
        let b = bytes[position]
        position += 1
        return b
    }

    /// A varint; one of a single byte (most lengths, small integers, dictionary indices) is read
    /// inline at every caller, longer ones by `readLongVarint`.
    @inlinable @inline(__always)
    public mutating func readVarint() throws(JACError) -> UInt64 {
        if position < bytes.count, bytes[position] < 0x80 {
            position += 1
            return UInt64(bytes[position - 1])
        }
        return try readLongVarint()
    }

    /// `readVarint`'s loop, out of line so that the one-byte case inlines. At most
    /// `Limits.maxVarintBytes` bytes are read (their shifts stay below 64); what ends the loop
    /// without a last byte is the end of the data, or a varint longer than that.
    @usableFromInline
    mutating func readLongVarint() throws(JACError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var at = position
        let stop = min(bytes.count, position + Limits.maxVarintBytes)
        while at < stop {
            let b = bytes[at]
            at += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 {
                position = at
                return result
            }
            shift += 7
        }
        position = at
        guard at < bytes.count else { throw JACError(.unexpectedEOF, "data ends inside a varint") }
        throw JACError(.limitExceeded, "varint longer than 10 bytes")
    }

    /// A varint that must be a length or count no larger than `limit`.
    @inlinable
    public mutating func readLength(limit: Int, _ what: @autoclosure () -> String) throws(JACError) -> Int {
        let v = try readVarint()
        guard v <= UInt64(limit) else { throw JACError(.limitExceeded, "\(what()) \(v) exceeds the limit \(limit)") }
        return Int(v)
    }

    @inlinable
    public mutating func readZigzag() throws(JACError) -> Int64 {
        Varint.unzigzag(try readVarint())
    }

    @inlinable
    public mutating func readUInt32LE() throws(JACError) -> UInt32 {
        guard remaining >= 4 else { throw JACError(.unexpectedEOF, "data ends inside a 4-byte value") }
        let v = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
            | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
        position += 4
        return v
    }

    /// The next `count` bytes, without copying.
    @inlinable
    public mutating func readBytes(_ count: Int) throws(JACError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else {
            throw JACError(.unexpectedEOF, "needs \(count) bytes, \(remaining) remain")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + count])
        position += count
        return slice
    }

    /// A value stored as a varint length (at most `limit`) and that many bytes: their range in
    /// `bytes`. A one-byte length that fits (nearly all) is taken without `readLength`'s and
    /// `readBytes`' calls; any other, and every error with its message, goes through them.
    @inlinable @inline(__always)
    public mutating func readLengthPrefixed(limit: Int, _ what: @autoclosure () -> String) throws(JACError) -> Range<Int> {
        let at = position
        if at < bytes.count {
            let n = Int(bytes[at])
            if n < 0x80 && n <= limit && n < bytes.count - at {
                position = at + 1 + n
                return at + 1 ..< at + 1 + n
            }
        }
        let n = try readLength(limit: limit, what())
        let start = position
        _ = try readBytes(n)
        return start ..< start + n
    }
}

extension Array where Element == UInt8 {
    @inlinable
    public mutating func appendUInt32LE(_ v: UInt32) {
        append(UInt8(truncatingIfNeeded: v))
        append(UInt8(truncatingIfNeeded: v >> 8))
        append(UInt8(truncatingIfNeeded: v >> 16))
        append(UInt8(truncatingIfNeeded: v >> 24))
    }

    @inlinable
    public mutating func appendUInt64LE(_ v: UInt64) {
        for i in 0 ..< 8 { append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}
