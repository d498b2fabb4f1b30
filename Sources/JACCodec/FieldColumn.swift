import JACJSON
import JACWire

import Glibc

/// One decoded field segment: the payload checked part by part (doc/format.md §9.3) and indexed so
/// records can be rebuilt by walking it once. Nothing is copied out of the payload except
/// integers; other values are offsets into it. Nested JSON stored in another form than ours
/// (whitespace, other escapes: valid, but a line break would split an NDJSON record) is
/// minified once here and appended after the segment's bytes, so it prints as one line.
public struct FieldColumn {
    public let entry: FieldDirectoryEntry
    public let recordCount: Int
    public private(set) var payload: [UInt8]
    private(set) var tagStart = 0
    private(set) var boolStart = 0
    /// The type tag all values share, nil when they differ (or there are none).
    private(set) var soleTag: UInt8?
    private(set) var ints: [Int64] = []
    /// Decimals: sign, digit range, exponent.
    private(set) var decimals: [(negative: Bool, digits: Range<Int>, exponent: Int32)] = []
    /// String values as byte ranges (dictionary entries resolved).
    private(set) var strings: [Range<Int>] = []
    private(set) var objects: [Range<Int>] = []
    private(set) var arrays: [Range<Int>] = []

    /// Checks and indexes `payload`, the decompressed segment of `entry` in a block of
    /// `recordCount` records. `deferringNested` leaves the check of stored object and array
    /// text to `checkNested`, so that a checker can split a large field's (jac-assemble).
    public init(entry: FieldDirectoryEntry, recordCount: Int, payload: [UInt8], deferringNested: Bool = false) throws(JACError) {
        self.entry = entry
        self.recordCount = recordCount
        self.payload = payload
        let rewritten = try payload.withBytes { (p) throws(JACError) in try index(p, deferringNested: deferringNested) }
        self.payload.append(contentsOf: rewritten)
    }

    /// Object and array values, numbered objects first as `checkNested` counts them.
    public var nestedCount: Int { objects.count + arrays.count }

    /// Checks nested values `part` of a column made `deferringNested`, as the full check would.
    public func checkNested(_ part: Range<Int>) throws(JACError) {
        var scratch: [UInt8] = []
        try payload.withBytes { (p) throws(JACError) in
            for i in part {
                let object = i < objects.count
                let range = object ? objects[i] : arrays[i - objects.count]
                _ = try Self.canonicalForm(UnsafeRawBufferPointer(rebasing: p[range]), object: object, scratch: &scratch)
            }
        }
    }

    /// Checks one stored object or array text (valid UTF-8 and JSON of its tag's kind); returns the
    /// length of its minified form, left in `scratch`, when it is not stored that way already.
    private static func canonicalForm(_ text: UnsafeRawBufferPointer, object: Bool, scratch: inout [UInt8]) throws(JACError) -> Int? {
        guard UTF8Validator.isValidUTF8(text) else { throw JACError(.corruptBlock, "\(object ? "object" : "array") is not valid UTF-8") }
        guard text.first == UInt8(ascii: object ? "{" : "[") else {
            throw JACError(.corruptBlock, "stored \(object ? "object" : "array") text is not one")
        }
        let minified: Int
        do throws(JACError) {
            minified = try RecordParser.minify(text, reusing: &scratch)
        } catch {
            throw JACError(.corruptBlock, "stored nested JSON is invalid: \(error.message)")
        }
        let same = minified == text.count
            && scratch.withUnsafeBytes { memcmp($0.baseAddress!, text.baseAddress!, minified) } == 0
        return same ? nil : minified
    }

    /// Indexes the payload; returns the minified form of nested values stored otherwise, which
    /// their ranges point to (just past the payload's end).
    private mutating func index(_ p: UnsafeRawBufferPointer, deferringNested: Bool) throws(JACError) -> [UInt8] {
        let present = entry.valueCountPresent
        guard entry.presenceBytes == BitPacking.byteCount(bits: recordCount),
              entry.tagBytes == BitPacking.byteCount(bits: 3 * present) else {
            throw JACError(.corruptBlock, "presence or tag byte count does not match the record count")
        }
        var r = ByteReader(p)
        let presence = try r.readBytes(entry.presenceBytes)
        // Counted a byte at a time; bits past the last record do not count.
        var ones = 0
        for i in 0 ..< recordCount >> 3 { ones += presence[i].nonzeroBitCount }
        if recordCount & 7 != 0 { ones += (presence[recordCount >> 3] & (1 << UInt8(recordCount & 7) &- 1)).nonzeroBitCount }
        guard ones == present else {
            throw JACError(.corruptBlock, "presence bitmap has \(ones) values, directory says \(present)")
        }
        tagStart = r.position
        let tags = try r.readBytes(entry.tagBytes)
        let counts = BitPacking.tagCounts(tags, count: present)
        guard counts[7] == 0 else { throw JACError(.unsupportedFeature, "reserved type tag 7") }
        soleTag = present > 0 ? counts.firstIndex(of: present).map { UInt8($0) } : nil
        guard entry.usesDictionary == (entry.dictEntryCount > 0) else {
            throw JACError(.corruptBlock, "dictionary flag and entry count disagree")
        }
        var dictionary: [Range<Int>] = []
        dictionary.reserveCapacity(entry.dictEntryCount)
        for _ in 0 ..< entry.dictEntryCount {
            dictionary.append(try readText(&r, what: "dictionary entry"))
        }
        boolStart = r.position
        _ = try r.readBytes(BitPacking.byteCount(bits: counts[Int(TypeTag.bool.rawValue)]))
        let intCount = counts[Int(TypeTag.int.rawValue)]
        ints.reserveCapacity(intCount)
        var previous: Int64 = 0
        for i in 0 ..< intCount {
            let v = try r.readZigzag()
            if entry.usesDelta && i > 0 {
                let (sum, overflow) = previous.addingReportingOverflow(v)
                guard !overflow else { throw JACError(.corruptBlock, "delta-coded integer overflows") }
                previous = sum
            } else {
                previous = v
            }
            ints.append(previous)
        }
        let decimalCount = counts[Int(TypeTag.decimal.rawValue)]
        decimals.reserveCapacity(decimalCount)
        for _ in 0 ..< decimalCount {
            let sign = try r.readByte()
            guard sign <= 1 else { throw JACError(.corruptBlock, "decimal sign byte \(sign)") }
            let n = try r.readLength(limit: Limits.maxDecimalDigits, "decimal digit count")
            let start = r.position
            let digits = try r.readBytes(n)
            guard n > 0, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw JACError(.corruptBlock, "decimal digits are not ASCII digits")
            }
            let e = try r.readZigzag()
            guard let exponent = Int32(exactly: e) else { throw JACError(.corruptBlock, "decimal exponent \(e) out of range") }
            decimals.append((sign == 1, start ..< start + n, exponent))
        }
        let stringCount = counts[Int(TypeTag.string.rawValue)]
        strings.reserveCapacity(stringCount)
        for _ in 0 ..< stringCount {
            if entry.usesDictionary {
                let i = try r.readVarint()
                guard i < UInt64(dictionary.count) else {
                    throw JACError(.dictionaryError, "dictionary index \(i) of \(dictionary.count) entries")
                }
                strings.append(dictionary[Int(i)])
            } else {
                strings.append(try readText(&r, what: "string"))
            }
        }
        var rewritten: [UInt8] = []
        // Each value's canonical form, to compare with what is stored.
        var scratch: [UInt8] = []
        for (count, object) in [(counts[5], true), (counts[6], false)] {
            for _ in 0 ..< count {
                var range = try readText(&r, what: object ? "object" : "array", validating: false)
                if !deferringNested,
                   let minified = try Self.canonicalForm(UnsafeRawBufferPointer(rebasing: p[range]), object: object, scratch: &scratch) {
                    let start = rewritten.count
                    rewritten.append(contentsOf: scratch[..<minified])
                    range = p.count + start ..< p.count + rewritten.count
                }
                if object { objects.append(range) } else { arrays.append(range) }
            }
        }
        guard r.isAtEnd else { throw JACError(.corruptBlock, "\(r.remaining) bytes left over after the values") }
        return rewritten
    }

    /// A length-prefixed text; nested values' UTF-8 is checked with the rest of their text
    /// (`canonicalForm`), so that a deferred check leaves it to the pieces.
    private func readText(_ r: inout ByteReader, what: String, validating: Bool = true) throws(JACError) -> Range<Int> {
        let n = try r.readLength(limit: Limits.maxStringBytes, "\(what) length")
        let start = r.position
        let bytes = try r.readBytes(n)
        guard !validating || UTF8Validator.isValidUTF8(bytes) else { throw JACError(.corruptBlock, "\(what) is not valid UTF-8") }
        return start ..< start + n
    }
}
