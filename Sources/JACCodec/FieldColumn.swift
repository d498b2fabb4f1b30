import JACJSON
import JACWire

import Glibc

/// One decoded field segment: the payload checked part by part (doc/format.md §9.3) and indexed so
/// records can be rebuilt by walking it once. Nothing is copied out of the payload except
/// integers; other values are offsets into it. Nested JSON stored in another form than ours
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
    /// String values as byte ranges (dictionary entries resolved).
    private(set) var strings: [Range<Int>] = []
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
                        guard UTF8Validator.isValidUTF8(text) else {
                            return JACError(.corruptBlock, "\(what) is not valid UTF-8")
                        }
                        guard text.first == UInt8(ascii: isObject ? "{" : "[") else {
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
        // Nested values are checked later, maybe in parts on several threads: an error here
        // waits for the values before it.
        var nested: [[Range<Int>]] = [[], []]
        do throws(JACError) {
            for list in 0 ..< 2 {
                let count = counts[5 + list]
                nested[list].reserveCapacity(count)
                for _ in 0 ..< count {
                    let n = try r.readLength(limit: Limits.maxStringBytes, "\(list == 0 ? "object" : "array") length")
                    let start = r.position
                    _ = try r.readBytes(n)
                    nested[list].append(start ..< start + n)
                }
            }
            guard r.isAtEnd else { throw JACError(.corruptBlock, "\(r.remaining) bytes left over after the values") }
        } catch {
            locateError = error
        }
        objects = nested[0]
        arrays = nested[1]
    }

    private func readText(_ r: inout ByteReader, what: String) throws(JACError) -> Range<Int> {
        let n = try r.readLength(limit: Limits.maxStringBytes, "\(what) length")
        let start = r.position
        let bytes = try r.readBytes(n)
        guard UTF8Validator.isValidUTF8(bytes) else { throw JACError(.corruptBlock, "\(what) is not valid UTF-8") }
        return start ..< start + n
    }
}
