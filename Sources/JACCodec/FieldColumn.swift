import JACJSON
import JACWire

import Glibc

/// One decoded field segment: the payload checked part by part (doc/format.md §9.3) and indexed so
/// records can be rebuilt by walking it once. Nothing is copied out of the payload except
/// integers; decimals and nested values are offsets into it, and strings are read from it again
/// in order (`string(at:)`). Nested JSON stored in another form than ours
/// (whitespace, other escapes: valid, but a line break would split an NDJSON record) is
/// minified here and appended after the segment's bytes, so it prints as one line.
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
    /// Where the string values start: each a varint length and its bytes, or with a dictionary
    /// a varint index into `dictionary`, all checked here. A writer reads them in order with
    /// `string(at:)` instead of from a table of ranges, whose 16 bytes per value of fresh
    /// memory cost more in page faults than reading the varints again.
    private(set) var stringStart = 0
    private(set) var dictionary: [Range<Int>] = []
    /// No string value needs an escape in JSON (most columns): they are then written as quotes
    /// around their bytes, without looking at them again.
    private(set) var plainStrings = true
    private(set) var objects: [Range<Int>] = []
    private(set) var arrays: [Range<Int>] = []

    /// An error found past the nested values located so far, thrown by `finishNested` unless
    /// one of those values fails first.
    private var locateError: JACError?

    /// Checks and indexes `payload`, the decompressed segment of `entry` in a block of
    /// `recordCount` records. With `checkingNested` false, nested values are only located: the
    /// caller checks parts of them with `checkNested` (on any threads) and hands the parts, in
    /// order, to `finishNested` before the column is used. Either way, the first error in the
    /// payload's order is thrown.
    public init(entry: FieldDirectoryEntry, recordCount: Int, payload: [UInt8], checkingNested: Bool = true) throws(JACError) {
        self.entry = entry
        self.recordCount = recordCount
        self.payload = payload
        try payload.withBytes { (p) throws(JACError) in try index(p) }
        if checkingNested { try finishNested([checkNested(0 ..< nestedCount)]) }
    }

    /// Nested values located: objects, then arrays.
    public var nestedCount: Int { objects.count + arrays.count }

    private func nestedRange(_ k: Int) -> Range<Int> { k < objects.count ? objects[k] : arrays[k - objects.count] }

    /// What checking some nested values found: which are stored otherwise than minified (a bit
    /// each, so a check adds no table per value), or the first that fails.
    public struct NestedCheck: Sendable {
        fileprivate var start = 0
        fileprivate var moved: [UInt64] = []
        fileprivate var error: JACError?

        /// A part not checked yet.
        public init() {}
    }

    /// Checks nested values `part` (UTF-8, kind, canonical form); reads the column only.
    public func checkNested(_ part: Range<Int>) -> NestedCheck {
        var moved = [UInt64](repeating: 0, count: (part.count + 63) / 64)
        // Each value's canonical form, to compare with what is stored.
        var scratch: [UInt8] = []
        let error: JACError? = payload.withUnsafeBytes { p in
            objects.withUnsafeBufferPointer { objects in
                arrays.withUnsafeBufferPointer { arrays in
                    for k in part {
                        let isObject = k < objects.count
                        let what = isObject ? "object" : "array"
                        let text = UnsafeRawBufferPointer(rebasing: p[isObject ? objects[k] : arrays[k - objects.count]])
                        let open = UInt8(ascii: isObject ? "{" : "[")
                        // Text already canonical (nearly always) is only scanned, its UTF-8 on the
                        // way; the rest is checked as any text, then minified, which rejects what
                        // is invalid.
                        if text.first == open && CanonicalJSON.isCanonical(text) { continue }
                        guard UTF8Validator.isValidUTF8(text) else {
                            return JACError(.corruptBlock, "\(what) is not valid UTF-8")
                        }
                        guard text.first == open else {
                            return JACError(.corruptBlock, "stored \(what) text is not one")
                        }
                        let minified: Int
                        do throws(JACError) {
                            minified = try RecordParser.minify(text, reusing: &scratch)
                        } catch {
                            return JACError(.corruptBlock, "stored nested JSON is invalid: \(error.message)")
                        }
                        let same = minified == text.count
                            && scratch.withUnsafeBytes { memcmp($0.baseAddress!, text.baseAddress!, minified) } == 0
                        if !same { moved[(k - part.lowerBound) >> 6] |= 1 << UInt64((k - part.lowerBound) & 63) }
                    }
                    return nil
                }
            }
        }
        var check = NestedCheck()
        check.start = part.lowerBound
        check.moved = moved
        check.error = error
        return check
    }

    /// Takes the checks of all nested values, in order: the first error among them, or past
    /// them, is thrown; else values stored otherwise than minified (rare: our writer minifies)
    /// are minified again, after the payload's bytes, and point there.
    public mutating func finishNested(_ parts: [NestedCheck]) throws(JACError) {
        if let error = parts.lazy.compactMap(\.error).first ?? locateError { throw error }
        var rewritten: [UInt8] = []
        let end = payload.count
        // Read through a second reference while the tables change; gone before the append.
        do {
            let stored = payload
            stored.withUnsafeBytes { p in
                for part in parts {
                    for (w, word) in part.moved.enumerated() where word != 0 {
                        for bit in 0 ..< 64 where word & (1 << UInt64(bit)) != 0 {
                            let k = part.start + 64 * w + bit
                            let start = rewritten.count
                            // Checked already: it minifies.
                            try? RecordParser.minify(UnsafeRawBufferPointer(rebasing: p[nestedRange(k)]), into: &rewritten)
                            let range = end + start ..< end + rewritten.count
                            if k < objects.count { objects[k] = range } else { arrays[k - objects.count] = range }
                        }
                    }
                }
            }
        }
        if !rewritten.isEmpty { payload.append(contentsOf: rewritten) }
    }

    /// Indexes the payload; nested values are located, for `checkNested`.
    private mutating func index(_ p: UnsafeRawBufferPointer) throws(JACError) {
        let present = entry.valueCountPresent
        guard entry.presenceBytes == BitPacking.byteCount(bits: recordCount),
              entry.tagBytes == BitPacking.byteCount(bits: 3 * present) else {
            throw JACError(.corruptBlock, "presence or tag byte count does not match the record count")
        }
        var r = ByteReader(p)
        let presence = try r.readBytes(entry.presenceBytes)
        // Counted a word at a time, then a byte; bits past the last record do not count.
        var ones = 0
        var i = 0
        while i + 8 <= recordCount >> 3 {
            ones += presence.loadUnaligned(fromByteOffset: i, as: UInt64.self).nonzeroBitCount
            i += 8
        }
        while i < recordCount >> 3 {
            ones += presence[i].nonzeroBitCount
            i += 1
        }
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
        var plain = true
        for _ in 0 ..< entry.dictEntryCount {
            dictionary.append(try FieldColumn.readString(&r, what: "dictionary entry", plain: &plain))
        }
        boolStart = r.position
        _ = try r.readBytes(BitPacking.byteCount(bits: counts[Int(TypeTag.bool.rawValue)]))
        // The tables fill local arrays, which the compiler knows are not shared (a property's
        // appends checked that for every value).
        // Integers are written straight into the table's storage (no append per value). Room for
        // at least one: with none, the initializer would store the count into the shared empty
        // array (a write that ThreadSanitizer reports as a race between columns).
        let delta = entry.usesDelta
        let intCount = counts[Int(TypeTag.int.rawValue)]
        self.ints = try [Int64](unsafeUninitializedCapacity: max(intCount, 1)) {
            (ints, filled) throws(JACError) in
            var previous: Int64 = 0
            while filled < intCount {
                let v = try r.readZigzag()
                if delta && filled > 0 {
                    let (sum, overflow) = previous.addingReportingOverflow(v)
                    guard !overflow else { throw JACError(.corruptBlock, "delta-coded integer overflows") }
                    previous = sum
                } else {
                    previous = v
                }
                ints.initializeElement(at: filled, to: previous)
                filled += 1
            }
        }
        let decimalCount = counts[Int(TypeTag.decimal.rawValue)]
        var decimals: [(negative: Bool, digits: Range<Int>, exponent: Int32)] = []
        decimals.reserveCapacity(decimalCount)
        for _ in 0 ..< decimalCount {
            let sign = try r.readByte()
            guard sign <= 1 else { throw JACError(.corruptBlock, "decimal sign byte \(sign)") }
            let digits = try r.readLengthPrefixed(limit: Limits.maxDecimalDigits, "decimal digit count")
            // A sign byte was read: the payload has an address.
            guard !digits.isEmpty,
                  WordMasks.digitsEnd(p.baseAddress!.assumingMemoryBound(to: UInt8.self), digits.lowerBound, digits.upperBound)
                  == digits.upperBound else {
                throw JACError(.corruptBlock, "decimal digits are not ASCII digits")
            }
            let e = try r.readZigzag()
            guard let exponent = Int32(exactly: e) else { throw JACError(.corruptBlock, "decimal exponent \(e) out of range") }
            decimals.append((sign == 1, digits, exponent))
        }
        self.decimals = decimals
        let stringCount = counts[Int(TypeTag.string.rawValue)]
        stringStart = r.position
        if entry.usesDictionary {
            let entries = UInt64(dictionary.count)
            for _ in 0 ..< stringCount {
                let i = try r.readVarint()
                guard i < entries else { throw JACError(.dictionaryError, "dictionary index \(i) of \(entries) entries") }
            }
        } else {
            for _ in 0 ..< stringCount { _ = try FieldColumn.readString(&r, what: "string", plain: &plain) }
        }
        self.dictionary = dictionary
        plainStrings = plain
        // Nested values are only located here and checked by `checkNested`, maybe in parts on
        // several threads: an error here waits for the values before it.
        var objects: [Range<Int>] = []
        objects.reserveCapacity(counts[Int(TypeTag.object.rawValue)])
        var arrays: [Range<Int>] = []
        arrays.reserveCapacity(counts[Int(TypeTag.array.rawValue)])
        do throws(JACError) {
            for list in 0 ..< 2 {
                for _ in 0 ..< counts[5 + list] {
                    let range = try r.readLengthPrefixed(limit: Limits.maxStringBytes,
                                                               "\(list == 0 ? "object" : "array") length")
                    if list == 0 { objects.append(range) } else { arrays.append(range) }
                }
            }
            guard r.isAtEnd else { throw JACError(.corruptBlock, "\(r.remaining) bytes left over after the values") }
        } catch {
            locateError = error
        }
        self.objects = objects
        self.arrays = arrays
    }

    /// A string or dictionary entry: its length, then its bytes checked for UTF-8; `plain`
    /// becomes false if they need an escape.
    @inline(__always)
    private static func readString(_ r: inout ByteReader, what: String, plain: inout Bool) throws(JACError) -> Range<Int> {
        let range = try r.readLengthPrefixed(limit: Limits.maxStringBytes, "\(what) length")
        let (valid, needsNone) = UTF8Validator.checkString(UnsafeRawBufferPointer(rebasing: r.bytes[range]))
        guard valid else { throw JACError(.corruptBlock, "\(what) is not valid UTF-8") }
        if !needsNone { plain = false }
        return range
    }

    /// The string value whose varint is at `at` in `payload` (a column's, checked by `index`),
    /// and where the next one starts. The varint is read as `ByteReader` reads it.
    @inline(__always)
    static func string(at: Int, _ payload: UnsafeRawBufferPointer, dictionary: UnsafeBufferPointer<Range<Int>>?)
        -> (range: Range<Int>, next: Int) {
        // Most lengths and dictionary indexes are one byte.
        let first = payload[at]
        if first < 0x80 {
            if let dictionary { return (dictionary[Int(first)], at &+ 1) }
            return (at &+ 1 ..< at &+ 1 &+ Int(first), at &+ 1 &+ Int(first))
        }
        var v: UInt64 = 0
        var shift: UInt64 = 0
        var i = at
        while true {
            let b = payload[i]
            i += 1
            if shift < 64 { v |= UInt64(b & 0x7F) << shift }
            if b < 0x80 { break }
            shift += 7
        }
        if let dictionary { return (dictionary[Int(v)], i) }
        return (i ..< i + Int(v), i + Int(v))
    }
}
