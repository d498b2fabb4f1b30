import JACWire

/// Parses one record (a JSON object) into its top-level fields, keeping numbers exact. Reused
/// across records: `scratch` and `fields` keep their capacity, so steady-state parsing does not
/// allocate.
public struct RecordParser: Sendable {
    /// Deepest nesting accepted (the record itself is level 1), so hostile input cannot make
    /// the explicit stack grow without bound.
    public static let maxDepth = 10_000

    /// The bytes `fields` point into: keys, strings, decimal digits and nested text, in its first
    /// `scratchCount` bytes. It only grows (to the longest record's length), so that parsing a
    /// record fills no memory. Unspecified after an error.
    public private(set) var scratch: [UInt8] = []
    public private(set) var scratchCount = 0
    /// The record's members in input order (duplicates included). Unspecified after an error.
    public var fields: ArraySlice<JSONField> { storage[..<fieldCount] }
    /// Room for the members, written in place by the reader; it grows (doubling) when a record
    /// has more members than it holds, and that record is read again.
    private var storage = [JSONField](repeating: JSONField(key: 0 ..< 0, kind: .null, payload: 0 ..< 0), count: 16)
    private var fieldCount = 0
    private var stack: [UInt8] = []
    private var keys = RepeatedKeys()

    public init() {}

    /// Names the sequence of keys the last record had: equal numbers (from any parser) mean the
    /// same keys in the same order, so a record routed like one before it needs no key compared.
    /// 0 when unknown (after an error).
    public var keySequence: Int { keys.sequence }

    /// Parses `record` (one object, with optional BOM and surrounding whitespace). `line` and
    /// `column` are the 1-based position of its first byte in the whole input, so errors name
    /// absolute positions ("line 3, column 7: ..."). A record of more than `memberLimit` members
    /// is refused once that many are read, so that its members cost no more than that.
    public mutating func parse(_ record: UnsafeRawBufferPointer, line: Int, column: Int,
                               memberLimit: Int = .max) throws(JACError) {
        fieldCount = 0
        scratchCount = 0
        guard let text = record.baseAddress, !record.isEmpty else {
            keys.forget()
            throw JACError(.json, "line \(line), column \(column): expected '{' (a record must be a JSON object)")
        }
        if scratch.count < record.count { scratch.append(contentsOf: repeatElement(0, count: record.count - scratch.count)) }
        var storage: [JSONField] = []
        var stack: [UInt8] = []
        var keys = RepeatedKeys()
        swap(&storage, &self.storage)
        swap(&stack, &self.stack)
        swap(&keys, &self.keys)
        defer {
            swap(&storage, &self.storage)
            swap(&stack, &self.stack)
            swap(&keys, &self.keys)
        }
        do throws(JACError) {
            while true {
                let (count, used) = try scratch.withUnsafeMutableBufferPointer { (buffer) throws(JACError) -> (Int, Int) in
                    try storage.withUnsafeMutableBufferPointer { (fields) throws(JACError) -> (Int, Int) in
                        var reader = JSONReader(text.assumingMemoryBound(to: UInt8.self), count: record.count,
                                                out: buffer.baseAddress!, line: line, column: column,
                                                truncated: "input ends inside a record")
                        let (count, matched, plain) = try keys.withGuess { (guess) throws(JACError) in
                            try reader.readRecord(into: fields.baseAddress!, capacity: fields.count, stack: &stack, keys: guess)
                        }
                        if count >= 0 {
                            keys.update(UnsafeBufferPointer(rebasing: fields[..<count]), buffer, matched: matched, plain: plain)
                        }
                        return (count, reader.o)
                    }
                }
                if count >= 0 {
                    fieldCount = count
                    scratchCount = used
                    return
                }
                guard storage.count < memberLimit else {
                    throw JACError(.limitExceeded, "line \(line), column \(column): a record with more than \(memberLimit) keys cannot be stored")
                }
                storage.append(contentsOf: storage.prefix(memberLimit - storage.count))
            }
        } catch {
            keys.forget()
            throw error
        }
    }

    /// Validates the JSON value `text` (with optional surrounding whitespace) and appends its
    /// canonical form: no whitespace, members in input order, numbers as written, strings
    /// re-escaped by `JSONWriter`'s rules. The encoder stores nested values this way and the
    /// decoder checks stored nested text with it. On error `out` is left as it was.
    public static func minify(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(JACError) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: text.count))
        do {
            let used = try out.withUnsafeMutableBufferPointer { buffer throws(JACError) -> Int in
                try minify(text, at: UnsafeMutableBufferPointer(rebasing: buffer[start...]))
            }
            out.removeSubrange((start + used)...)
        } catch {
            out.removeSubrange(start...)
            throw error
        }
    }

    /// `minify` into the front of `buffer`, which grows (never shrinks) to hold `text`, so that
    /// a caller checking many values fills no memory per value; returns the canonical form's
    /// length. `buffer`'s bytes are unspecified after an error.
    public static func minify(_ text: UnsafeRawBufferPointer, reusing buffer: inout [UInt8]) throws(JACError) -> Int {
        if buffer.count < text.count { buffer.append(contentsOf: repeatElement(0, count: text.count - buffer.count)) }
        return try buffer.withUnsafeMutableBufferPointer { (b) throws(JACError) -> Int in try minify(text, at: b) }
    }

    /// Writes `text`'s canonical form at the start of `dest` (room for `text.count` bytes) and
    /// returns its length.
    private static func minify(_ text: UnsafeRawBufferPointer, at dest: UnsafeMutableBufferPointer<UInt8>) throws(JACError) -> Int {
        guard let base = text.baseAddress, !text.isEmpty else {
            throw JACError(.json, "line 1, column 1: expected a value, found the end of the text")
        }
        var stack: [UInt8] = []
        var reader = JSONReader(base.assumingMemoryBound(to: UInt8.self), count: text.count,
                                out: dest.baseAddress!, line: 1, column: 1,
                                truncated: "text ends inside a value")
        reader.skipWhitespace()
        try reader.minifyValue(depth: 0, stack: &stack)
        reader.skipWhitespace()
        if reader.pos < reader.end {
            throw reader.error(at: reader.pos, "unexpected text after the value")
        }
        return reader.o
    }
}
