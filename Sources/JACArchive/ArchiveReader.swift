import JACWire

/// Reads an archive front to back from a file or a pipe: the header, then each block in turn,
/// then checks what follows the last block. It needs no index; a damaged or missing index is
/// a warning, never lost records (FORMAT.md §9.1), while anything else out of place is an error.
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

    /// The segment size limit for this file (FORMAT.md §3: metadata may change it).
    public var segmentLimit: Int { header.segmentMaxBytes ?? Limits.defaultSegmentMaxBytes }

    /// The next block, or nil after the last one (once the trailer was checked).
    public func next() throws(JACError) -> ArchiveBlock? {
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
            let trailer = try source.takeRest(limit: 64 << 20, "the index footer")
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
            try source.take(size, "the block")
        }
        let records = Int(bytes.withUnsafeBytes { p in
            var r = ByteReader(p, position: 4)
            _ = try? r.readVarint()
            return (try? r.readVarint()) ?? 0
        })
        entries.append(IndexFooter.Entry(offset: offset, size: size, recordCount: records))
        return ArchiveBlock(number: number, offset: offset, bytes: bytes)
    }

    /// Whole length of the block at the read position, from its header (FORMAT.md §4.4).
    private func blockSize() throws(JACError) -> Int {
        // Magic plus the header length varint: at most 14 bytes.
        try source.fill(14)
        let (headerLen, varintEnd) = try source.withBuffered { (p) throws(JACError) in
            var r = ByteReader(p, position: 4)
            return (try r.readLength(limit: 1 << 30, "block header length"), r.position)
        }
        guard try source.fill(varintEnd + headerLen) else {
            throw JACError(.unexpectedEOF, "input ends inside the block header")
        }
        return try source.withBuffered { (p) throws(JACError) in
            let (header, areaStart) = try BlockHeader.decode(UnsafeRawBufferPointer(rebasing: p[..<(varintEnd + headerLen)]),
                                                             segmentLimit: segmentLimit)
            var area = 0
            for f in header.fields {
                guard f.compressedLength <= f.uncompressedLength + f.uncompressedLength / 64 + (1 << 16) else {
                    throw JACError(.limitExceeded, "field \"\(f.nameString)\" claims \(f.compressedLength) compressed bytes for \(f.uncompressedLength)")
                }
                area += f.compressedLength
            }
            return areaStart + area + 4
        }
    }

    /// After the last block: the rest must be a valid index footer for exactly these blocks,
    /// or nothing. A damaged index only costs a warning, since every block was read.
    private func finish(trailer: [UInt8]) throws(JACError) {
        finished = true
        guard !trailer.isEmpty else {
            indexProblem = "no index footer"
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
        } else {
            hasIndex = true
        }
    }
}
