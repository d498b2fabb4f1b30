/// One directory entry of a block header (doc/format.md §4.2): where a field's segment is and how
/// its payload is laid out.
public struct FieldDirectoryEntry: Equatable, Sendable {
    public var name: [UInt8]
    public var compressor: UInt8
    public var level: UInt8
    public var presenceBytes: Int
    public var tagBytes: Int
    public var valueCountPresent: Int
    public var encodingFlags: UInt64
    public var dictEntryCount: Int
    public var uncompressedLength: Int
    public var compressedLength: Int
    public var segmentOffset: Int

    public static let dictionaryFlag: UInt64 = 1
    public static let deltaFlag: UInt64 = 2

    public init(name: [UInt8], compressor: UInt8, level: UInt8, presenceBytes: Int, tagBytes: Int,
                valueCountPresent: Int, encodingFlags: UInt64, dictEntryCount: Int,
                uncompressedLength: Int, compressedLength: Int, segmentOffset: Int) {
        self.name = name
        self.compressor = compressor
        self.level = level
        self.presenceBytes = presenceBytes
        self.tagBytes = tagBytes
        self.valueCountPresent = valueCountPresent
        self.encodingFlags = encodingFlags
        self.dictEntryCount = dictEntryCount
        self.uncompressedLength = uncompressedLength
        self.compressedLength = compressedLength
        self.segmentOffset = segmentOffset
    }

    public var usesDictionary: Bool { encodingFlags & Self.dictionaryFlag != 0 }
    public var usesDelta: Bool { encodingFlags & Self.deltaFlag != 0 }

    public var nameString: String { String(decoding: name, as: UTF8.self) }
}

/// A block header (doc/format.md §4): magic, header length, record and field counts, directory.
public struct BlockHeader: Equatable, Sendable {
    public static let magic: [UInt8] = [0x42, 0x4c, 0x4b, 0x31]

    public var recordCount: Int
    public var fields: [FieldDirectoryEntry]

    public init(recordCount: Int, fields: [FieldDirectoryEntry]) {
        self.recordCount = recordCount
        self.fields = fields
    }

    /// The most bytes one directory entry takes besides its name: the name's length, eight
    /// other varints and two bytes (doc/format.md §4.2).
    public static let maxEntryOverhead = 9 * Limits.maxVarintBytes + 2

    /// The longest header body (what header_len counts) of `fields` entries whose names hold
    /// `nameBytes` bytes in all: what a writer checks against `Limits.maxBlockHeaderBytes`.
    public static func bodyLengthBound(fields: Int, nameBytes: Int) -> Int {
        2 * Limits.maxVarintBytes + nameBytes + fields * maxEntryOverhead
    }

    /// Magic, header_len and body: everything before the segment area.
    public func encoded() -> [UInt8] {
        var body: [UInt8] = []
        Varint.append(recordCount, to: &body)
        Varint.append(fields.count, to: &body)
        for f in fields {
            Varint.append(f.name.count, to: &body)
            body.append(contentsOf: f.name)
            body.append(f.compressor)
            body.append(f.level)
            Varint.append(f.presenceBytes, to: &body)
            Varint.append(f.tagBytes, to: &body)
            Varint.append(f.valueCountPresent, to: &body)
            Varint.append(f.encodingFlags, to: &body)
            Varint.append(f.dictEntryCount, to: &body)
            Varint.append(f.uncompressedLength, to: &body)
            Varint.append(f.compressedLength, to: &body)
            Varint.append(f.segmentOffset, to: &body)
        }
        var out = BlockHeader.magic
        Varint.append(body.count, to: &out)
        out.append(contentsOf: body)
        return out
    }

    /// The record count of the block at the start of `bytes`, read without its directory: nil
    /// when unreadable (a full decode checks the whole header).
    public static func recordCount(peeking bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= 4, bytes.prefix(4).elementsEqual(magic) else { return nil }
        var r = ByteReader(bytes, position: 4)
        guard (try? r.readLength(limit: Limits.maxBlockHeaderBytes, "block header length")) != nil else { return nil }
        return try? r.readLength(limit: Limits.maxRecordsPerBlock, "record count")
    }

    /// Parses a header at the start of `bytes` (which begins with the block magic), checking
    /// every limit of doc/format.md §4.5 before trusting a count. Returns the header and the offset
    /// of the segment area.
    public static func decode(_ bytes: UnsafeRawBufferPointer,
                              segmentLimit: Int = Limits.defaultSegmentMaxBytes) throws(JACError) -> (BlockHeader, Int) {
        guard bytes.count >= 4 else { throw JACError(.unexpectedEOF, "data ends inside a block magic") }
        guard bytes.prefix(4).elementsEqual(magic) else {
            throw JACError(.corruptBlock, "bad block magic")
        }
        var r = ByteReader(bytes, position: 4)
        let headerLen = try r.readLength(limit: Limits.maxBlockHeaderBytes, "block header length")
        guard r.remaining >= headerLen else {
            throw JACError(.unexpectedEOF, "block header needs \(headerLen) bytes, \(r.remaining) remain")
        }
        let end = r.position + headerLen
        var body = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[..<end]), position: r.position)
        let recordCount = try body.readLength(limit: Limits.maxRecordsPerBlock, "record count")
        let fieldCount = try body.readLength(limit: Limits.maxFieldsPerBlock, "field count")
        var fields: [FieldDirectoryEntry] = []
        fields.reserveCapacity(fieldCount)
        // The format has one entry per field: a second entry with a name would give a record two
        // values for one key, so every reader refuses it here.
        var entryOfName: [[UInt8]: Int] = [:]
        entryOfName.reserveCapacity(fieldCount)
        for i in 0 ..< fieldCount {
            let nameLen = try body.readLength(limit: Limits.maxFieldNameBytes, "field name length")
            let name = try body.readBytes(nameLen)
            guard String(validating: name, as: UTF8.self) != nil else {
                throw JACError(.corruptBlock, "field \(i) name is not valid UTF-8")
            }
            if let earlier = entryOfName.updateValue(i, forKey: Array(name)) {
                throw JACError(.corruptBlock, "directory entries \(earlier) and \(i) both name field \"\(String(decoding: name, as: UTF8.self))\"")
            }
            let compressor = try body.readByte()
            let level = try body.readByte()
            let what = "field \"\(String(decoding: name, as: UTF8.self))\""
            let presenceBytes = try body.readLength(limit: Limits.maxPresenceOrTagBytes, "\(what) presence bytes")
            let tagBytes = try body.readLength(limit: Limits.maxPresenceOrTagBytes, "\(what) tag bytes")
            let present = try body.readLength(limit: Int(Int32.max), "\(what) value count")
            guard present <= recordCount else {
                throw JACError(.corruptBlock, "\(what) has \(present) values in \(recordCount) records")
            }
            // The counts must agree with each other (doc/format.md §9.3 step 3, checked here rather
            // than at decode): a record count that readers skipping the block use to number
            // records is then checked against every field's presence bytes.
            guard presenceBytes == BitPacking.byteCount(bits: recordCount),
                  tagBytes == BitPacking.byteCount(bits: 3 * present) else {
                throw JACError(.corruptBlock, "\(what) has \(presenceBytes) presence and \(tagBytes) tag bytes for \(recordCount) records and \(present) values")
            }
            let flags = try body.readVarint()
            let dictCount = try body.readLength(limit: Limits.maxDictionaryEntries, "\(what) dictionary entries")
            let ulen = try body.readLength(limit: segmentLimit, "\(what) segment length")
            let clen = try body.readLength(limit: Int(Int32.max), "\(what) compressed length")
            let offset = try body.readLength(limit: Int(Int32.max), "\(what) segment offset")
            fields.append(FieldDirectoryEntry(
                name: Array(name), compressor: compressor, level: level, presenceBytes: presenceBytes,
                tagBytes: tagBytes, valueCountPresent: present, encodingFlags: flags,
                dictEntryCount: dictCount, uncompressedLength: ulen, compressedLength: clen,
                segmentOffset: offset))
        }
        guard body.position == end else {
            throw JACError(.corruptBlock, "block header has \(end - body.position) extra bytes")
        }
        return (BlockHeader(recordCount: recordCount, fields: fields), end)
    }

    /// Checks that segments tile the segment area exactly (doc/format.md §4.5) and returns its length.
    public func checkTiling(segmentAreaLength: Int) throws(JACError) {
        var total = 0
        for f in fields {
            total += f.uncompressedLength
        }
        guard total <= Limits.maxBlockUncompressedBytes else {
            throw JACError(.limitExceeded, "block payloads total \(total) bytes, over 256 MiB")
        }
        let sorted = fields.sorted { $0.segmentOffset < $1.segmentOffset }
        var next = 0
        for f in sorted {
            guard f.segmentOffset == next else {
                throw JACError(.corruptBlock, "segment of field \"\(f.nameString)\" does not tile the segment area")
            }
            next += f.compressedLength
        }
        guard next == segmentAreaLength else {
            throw JACError(.corruptBlock, "segments cover \(next) bytes of a \(segmentAreaLength)-byte segment area")
        }
    }
}
