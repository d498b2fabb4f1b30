/// The index footer and trailing pointer (doc/format.md §7): where each block is, so readers can
/// seek instead of scanning.
public struct IndexFooter: Equatable, Sendable {
    public static let magic: [UInt8] = [0x49, 0x44, 0x58, 0x31]

    public struct Entry: Equatable, Sendable {
        public var offset: Int
        public var size: Int
        public var recordCount: Int

        public init(offset: Int, size: Int, recordCount: Int) {
            self.offset = offset
            self.size = size
            self.recordCount = recordCount
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Bytes an entry takes in the footer's body.
    public static func entryLength(_ e: Entry) -> Int {
        Varint.length(UInt64(e.offset)) + Varint.length(UInt64(e.size)) + Varint.length(UInt64(e.recordCount))
    }

    /// Length of `encoded` (pointer included) for `count` entries taking `entryBytes` in all.
    public static func encodedLength(count: Int, entryBytes: Int) -> Int {
        let body = Varint.length(UInt64(count)) + entryBytes
        return magic.count + Varint.length(UInt64(body)) + body + 4 + 8
    }

    /// Footer bytes followed by the 8-byte pointer to `footerOffset`.
    public func encoded(footerOffset: Int) -> [UInt8] {
        var body: [UInt8] = []
        Varint.append(entries.count, to: &body)
        for e in entries {
            Varint.append(e.offset, to: &body)
            Varint.append(e.size, to: &body)
            Varint.append(e.recordCount, to: &body)
        }
        var out = IndexFooter.magic
        Varint.append(body.count, to: &out)
        out.append(contentsOf: body)
        out.appendUInt32LE(CRC32C.checksum(out))
        out.appendUInt64LE(UInt64(footerOffset))
        return out
    }

    /// Finds and parses the index at the end of a whole file. Returns nil, with the reason,
    /// when there is no valid index: readers then scan (doc/format.md §7).
    public static func locate(in file: UnsafeRawBufferPointer) -> Result<(IndexFooter, Int), JACError> {
        let n = file.count
        guard n >= 8 else { return .failure(JACError(.corruptIndex, "file too short for an index pointer")) }
        var p: UInt64 = 0
        for i in 0 ..< 8 { p |= UInt64(file[n - 8 + i]) << (8 * UInt64(i)) }
        guard p > 0, p < UInt64(n - 8) else {
            return .failure(JACError(.corruptIndex, "index pointer \(p) is outside the file"))
        }
        let start = Int(p)
        do {
            let footer = try decode(UnsafeRawBufferPointer(rebasing: file[start ..< n - 8]))
            return .success((footer, start))
        } catch {
            return .failure(error)
        }
    }

    /// Parses a footer region that starts with the index magic.
    public static func decode(_ region: UnsafeRawBufferPointer) throws(JACError) -> IndexFooter {
        guard region.count >= 4, region.prefix(4).elementsEqual(magic) else {
            throw JACError(.corruptIndex, "index pointer does not point at an index (bad magic)")
        }
        var r = ByteReader(region, position: 4)
        let len = try r.readLength(limit: region.count, "index length")
        let bodyStart = r.position
        guard r.remaining >= len + 4 else { throw JACError(.corruptIndex, "index is truncated") }
        var body = ByteReader(UnsafeRawBufferPointer(rebasing: region[..<(bodyStart + len)]), position: bodyStart)
        let count = try body.readLength(limit: len, "index block count")
        var entries: [Entry] = []
        entries.reserveCapacity(count)
        for _ in 0 ..< count {
            let offset = try body.readLength(limit: Int(Int64.max / 2), "block offset")
            let size = try body.readLength(limit: Int(Int64.max / 2), "block size")
            let records = try body.readLength(limit: Limits.maxRecordsPerBlock, "block record count")
            entries.append(Entry(offset: offset, size: size, recordCount: records))
        }
        guard body.position == bodyStart + len else { throw JACError(.corruptIndex, "index length mismatch") }
        r.position = bodyStart + len
        let crc = try r.readUInt32LE()
        guard crc == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: region[..<(bodyStart + len)])) else {
            throw JACError(.corruptIndex, "index checksum mismatch")
        }
        return IndexFooter(entries: entries)
    }
}
