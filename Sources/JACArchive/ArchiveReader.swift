import JACSystem
import JACWire

/// Reads an archive front to back from a file or a pipe: the header, then each block in turn,
/// then checks what follows the last block. It needs no index; a damaged or missing index is
/// a warning, never lost records (doc/format.md §9.1), while anything else out of place is an error.
/// When the header announces an index (flag bit 5), a missing or damaged one is an error at the
/// end instead: the archive was cut short, and a stream cannot know that any earlier.
public final class ArchiveReader {
    public let source: ByteSource
    public let header: FileHeader
    public let headerLength: Int
    private var entries: [IndexFooter.Entry] = []
    private var finished = false
    /// Set after the last block: whether a valid index footer matching the blocks was found,
    /// and if not, why.
    public private(set) var indexProblem: String?
    public private(set) var hasIndex = false
    /// The index footer found after the last block when it parsed, even if it does not match
    /// the blocks read (salvage uses it to count lost records).
    public private(set) var footer: IndexFooter?
    /// Set after the last block when the header announces an index footer and none valid follows.
    public private(set) var missingIndex: MissingIndex?
    /// Whether `missingIndex` is thrown where it is found. A reader that writes as it goes
    /// clears it to put out the whole blocks first, then calls `checkAnnouncedIndex`; salvage
    /// reports it instead.
    public var requireAnnouncedIndex = true

    public init(source: ByteSource) throws(JACError) {
        self.source = source
        try source.fill(64)
        let (header, length) = try source.withBuffered { (p) throws(JACError) in try FileHeader.decode(p) }
        if length > source.available {
            try source.fill(length)
        }
        self.header = header
        headerLength = length
        source.consume(length)
    }

    /// The segment size limit for this file (doc/format.md §3: metadata may change it).
    public var segmentLimit: Int { header.segmentMaxBytes ?? Limits.defaultSegmentMaxBytes }

    /// The next block, or nil after the last one (once the trailer was checked).
    public func next() throws(JACError) -> ArchiveBlock? {
        guard let block = try peek() else { return nil }
        accept(block)
        return block
    }

    /// The next block without consuming it: `accept` moves past it, or (salvage) `skipDamaged`
    /// searches onwards from its second byte. Nil after the last block, once the trailer was
    /// checked. On an error nothing is consumed.
    public func peek() throws(JACError) -> ArchiveBlock? {
        guard !finished else { return nil }
        let offset = source.offset
        let number = entries.count
        guard try source.fill(4) else {
            if source.available > 0 {
                throw JACError(.unexpectedEOF, "offset \(offset): input ends inside block \(number)'s magic")
            }
            try finish(trailer: [])
            return nil
        }
        let magic = try source.withBuffered { (p) throws(JACError) in Array(p.prefix(4)) }
        if magic == IndexFooter.magic {
            // Read what remains a buffer at a time (asking for 64 MiB at once would allocate it).
            while try source.fill(source.available + 1) {
                guard source.available <= Limits.maxIndexFooterBytes else {
                    throw JACError(.limitExceeded, "offset \(offset): the index footer is longer than \(Limits.maxIndexFooterBytes) bytes")
                }
            }
            let trailer = try source.take(source.available, "the index footer")
            try finish(trailer: trailer)
            return nil
        }
        guard magic == BlockHeader.magic else {
            throw JACError(.corruptBlock, "offset \(offset): expected block \(number) or the index, found neither (bad block magic)")
        }
        let size = try JACError.locating("block \(number) at offset \(offset)") { () throws(JACError) in
            try blockSize()
        }
        let bytes = try JACError.locating("block \(number) at offset \(offset)") { () throws(JACError) in
            // One copy of the block, straight from the reads when it is longer than the buffer.
            guard let bytes = try source.peekBytes(size) else {
                throw JACError(.unexpectedEOF, "input ends inside the block (needs \(size) bytes, \(source.available) remain)")
            }
            return bytes
        }
        return ArchiveBlock(number: number, offset: offset, bytes: bytes)
    }

    /// Moves past a block returned by `peek`.
    public func accept(_ block: ArchiveBlock) {
        precondition(block.offset == source.offset)
        source.consume(block.bytes.count)
        entries.append(IndexFooter.Entry(offset: block.offset, size: block.bytes.count, recordCount: block.recordCount))
    }

    /// Salvage: the bytes at the read position are not a usable block. Skips forward from the
    /// next byte to the next block magic, index magic or the end, and returns how many bytes
    /// were skipped. Later blocks keep their file offsets; their numbers continue from the last
    /// accepted block.
    public func skipDamaged() throws(JACError) -> Int {
        let start = source.offset
        if try source.fill(1) { source.consume(1) }
        while true {
            guard try source.fill(4) else {
                source.consume(source.available)
                return source.offset - start
            }
            let found: Int? = try source.withBuffered { (p) throws(JACError) in
                var i = 0
                while i + 4 <= p.count {
                    if p[i + 1] == 0x4c || p[i + 1] == 0x44 {
                        let m = (p[i], p[i + 1], p[i + 2], p[i + 3])
                        if m == (0x42, 0x4c, 0x4b, 0x31) || m == (0x49, 0x44, 0x58, 0x31) { return i }
                    }
                    i += 1
                }
                return nil
            }
            if let found {
                source.consume(found)
                return source.offset - start
            }
            source.consume(source.available - 3)
        }
    }

    /// Blocks accepted so far, as index entries (offset, size, records).
    public var acceptedBlocks: [IndexFooter.Entry] { entries }

    /// Whole length of the block at the read position, from its header (doc/format.md §4.4).
    private func blockSize() throws(JACError) -> Int {
        try source.fill(BlockFrame.prefixLength)
        let extent = try source.withBuffered { (p) throws(JACError) in try BlockFrame.headerExtent(p) }
        guard try source.fill(extent) else {
            throw JACError(.unexpectedEOF, "input ends inside the block header")
        }
        return try source.withBuffered { (p) throws(JACError) in
            try BlockFrame.parse(UnsafeRawBufferPointer(rebasing: p[..<extent]), segmentLimit: segmentLimit).length
        }
    }

    /// After the last block: the rest must be a valid index footer for exactly these blocks,
    /// or nothing. A damaged index only costs a warning, since every block was read.
    private func finish(trailer: [UInt8]) throws(JACError) {
        finished = true
        guard !trailer.isEmpty else {
            indexProblem = "no index footer"
            try checkAnnounced(damage: nil)
            return
        }
        let footerOffset = source.offset - trailer.count
        let problem: String? = trailer.withUnsafeBytes { p in
            guard p.count >= 8 else { return "index footer is truncated" }
            var pointer: UInt64 = 0
            for i in 0 ..< 8 { pointer |= UInt64(p[p.count - 8 + i]) << (8 * UInt64(i)) }
            guard pointer == UInt64(footerOffset) else { return "index pointer \(pointer) does not point at the index at \(footerOffset)" }
            do throws(JACError) {
                let footer = try IndexFooter.decode(UnsafeRawBufferPointer(rebasing: p[..<(p.count - 8)]))
                self.footer = footer
                guard footer.entries == entries else { return "index footer does not match the blocks" }
                guard footer.encoded(footerOffset: footerOffset).count == p.count else {
                    return "index footer has stray bytes"
                }
                return nil
            } catch {
                return "index footer is damaged (\(error.message))"
            }
        }
        if let problem {
            indexProblem = problem
            try checkAnnounced(damage: problem)
        } else {
            hasIndex = true
        }
    }

    /// No valid index follows the blocks: an error when the header announces one.
    private func checkAnnounced(damage: String?) throws(JACError) {
        guard header.indexFollows else { return }
        let end = entries.last.map { $0.offset + $0.size } ?? headerLength
        let missing = MissingIndex(damage: damage, blocks: entries.count, end: end)
        missingIndex = missing
        if requireAnnouncedIndex { try checkAnnouncedIndex() }
    }

    /// Throws `missingIndex`, when set, as the error readers give.
    public func checkAnnouncedIndex() throws(JACError) {
        if let missingIndex { throw missingIndex.error(file: source.name) }
    }
}
