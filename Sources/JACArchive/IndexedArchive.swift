import JACSystem
import JACWire

import Glibc

/// An archive in a regular file, read at random with `pread`: the block list comes from the
/// index footer when it is present and valid (doc/format.md §7), otherwise from a scan of the block
/// headers (only headers are read), unless the file header announces a footer (flag bit 5):
/// then the file was cut short or damaged, and opening it fails. Blocks, headers and single
/// segments can then be fetched without reading anything else.
public final class IndexedArchive: @unchecked Sendable {
    public let path: String
    public let fd: Int32
    /// File size in bytes.
    public let size: Int
    public let header: FileHeader
    public let headerLength: Int
    /// Every block, in file order.
    public private(set) var blocks: [IndexFooter.Entry] = []
    /// True when `blocks` came from a valid index footer.
    public private(set) var indexed = false
    /// Why the index was not used (nil when it was; "no index footer" when there is none).
    public private(set) var indexProblem: String?
    /// Where the index footer starts (the end of the block area), or the file size without one.
    public private(set) var dataEnd: Int
    /// Set when `init` succeeds: only then does `deinit` close `fd`. Swift runs `deinit` when an
    /// `init` throws after setting every property, and `open` closes `fd` on failure itself.
    private var ownsDescriptor = false

    /// Opens `path` when it is a regular file; nil for standard input ("-"), pipes and devices,
    /// which callers read as a stream instead.
    public static func open(path: String) throws(JACError) -> IndexedArchive? {
        guard path != "-" else { return nil }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Syscall.error(path) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        do throws(JACError) {
            return try IndexedArchive(path: path, fd: fd, size: Int(st.st_size))
        } catch {
            close(fd)
            throw error
        }
    }

    private init(path: String, fd: Int32, size: Int) throws(JACError) {
        self.path = path
        self.fd = fd
        self.size = size
        dataEnd = size
        let head = try Self.pread(fd, path, offset: 0, count: min(size, 4096))
        let (header, length) = try head.withBytes { (p) throws(JACError) in
            do throws(JACError) {
                return try FileHeader.decode(p)
            } catch where error.kind == .unexpectedEOF && p.count == 4096 {
                // Long user metadata: read the whole header.
                let all = try Self.pread(fd, path, offset: 0, count: min(size, Limits.maxMetadataBytes + 64))
                return try all.withBytes { (q) throws(JACError) in try FileHeader.decode(q) }
            }
        }
        self.header = header
        headerLength = length
        if let problem = loadIndex() {
            dataEnd = size
            try scan()
            // Without a trailer after the last block there simply is no index.
            indexProblem = dataEnd == size ? "no index footer" : problem
            if header.indexFollows {
                let end = blocks.last.map { $0.offset + $0.size } ?? headerLength
                throw MissingIndex(damage: dataEnd == size ? nil : problem, blocks: blocks.count, end: end).error(file: path)
            }
        } else {
            indexed = true
        }
        ownsDescriptor = true
    }

    deinit { if ownsDescriptor { close(fd) } }

    public var segmentLimit: Int { header.segmentMaxBytes ?? Limits.defaultSegmentMaxBytes }

    public var recordCount: Int { blocks.reduce(0) { $0 + $1.recordCount } }

    /// Reads exactly `count` bytes at `offset`.
    public func read(offset: Int, count: Int) throws(JACError) -> [UInt8] {
        try Self.pread(fd, path, offset: offset, count: count)
    }

    private static func pread(_ fd: Int32, _ path: String, offset: Int, count: Int) throws(JACError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let (done, failure) = out.withUnsafeMutableBytes { Syscall.readAll(fd, into: $0, at: offset) }
        if failure != 0 { throw Syscall.error("\(path): read failed", failure) }
        guard done == count else {
            throw JACError(.unexpectedEOF, "\(path): file ends at \(offset + done), inside data that needs \(count) bytes from offset \(offset)")
        }
        return out
    }

    /// Reads and checks the index footer; returns why it cannot be used, or nil after setting
    /// `blocks` and `dataEnd` from it.
    private func loadIndex() -> String? {
        guard size >= headerLength + 8 else { return "no index footer" }
        guard let tail = try? read(offset: size - 8, count: 8) else { return "cannot read the index pointer" }
        var p: UInt64 = 0
        for i in 0 ..< 8 { p |= UInt64(tail[i]) << (8 * UInt64(i)) }
        // A file that ends with its last block has no index: its last bytes are a block CRC.
        guard p > 0, p < UInt64(size - 8) else {
            return "index pointer \(p) is outside the file"
        }
        let start = Int(p)
        guard start >= headerLength, size - start <= Limits.maxIndexFooterBytes else {
            return "index pointer \(p) is not after the file header"
        }
        guard let region = try? read(offset: start, count: size - 8 - start) else { return "cannot read the index" }
        let footer: IndexFooter
        do throws(JACError) {
            footer = try region.withBytes { (q) throws(JACError) in try IndexFooter.decode(q) }
        } catch {
            return "index footer is damaged (\(error.message))"
        }
        // Our blocks must tile the area between the file header and the index exactly.
        var next = headerLength
        for e in footer.entries {
            guard e.offset == next, e.size > 0, e.recordCount > 0 else {
                return "index footer does not describe contiguous blocks"
            }
            next += e.size
        }
        guard next == start else { return "index footer does not end at the index" }
        // Each entry's size and record count must be those of the block it points at (doc/format.md
        // §7): a count read from the index alone would number the records wrongly.
        for (i, e) in footer.entries.enumerated() {
            let actual: (length: Int, records: Int)
            do throws(JACError) {
                actual = try frame(at: e.offset, before: start)
            } catch {
                return "index footer entry \(i) points at a damaged block (\(error.message))"
            }
            guard actual == (e.size, e.recordCount) else {
                return "index footer entry \(i) (\(e.size) bytes, \(e.recordCount) records) disagrees with block \(i) at offset \(e.offset) (\(actual.length) bytes, \(actual.records) records)"
            }
        }
        blocks = footer.entries
        dataEnd = start
        return nil
    }

    /// Finds the blocks by walking their headers from the end of the file header.
    private func scan() throws(JACError) {
        var offset = headerLength
        var number = 0
        while offset < dataEnd {
            let remain = dataEnd - offset
            let prefix = try read(offset: offset, count: min(remain, BlockFrame.prefixLength))
            if prefix.count >= 4, Array(prefix[0 ..< 4]) == IndexFooter.magic {
                // A damaged index follows the last block: the blocks before it are all there.
                dataEnd = offset
                break
            }
            let (length, records) = try JACError.locating("block \(number) at offset \(offset)") { () throws(JACError) in
                try frame(at: offset, before: dataEnd, prefix: prefix)
            }
            blocks.append(IndexFooter.Entry(offset: offset, size: length, recordCount: records))
            offset += length
            number += 1
        }
    }

    /// The length and record count of the block at `offset`, from its header, which must end
    /// with the block before `end`. `prefix` is its first bytes when already read.
    private func frame(at offset: Int, before end: Int, prefix: [UInt8]? = nil) throws(JACError) -> (length: Int, records: Int) {
        let remain = end - offset
        var head: [UInt8]
        if let prefix { head = prefix } else { head = try read(offset: offset, count: min(remain, BlockFrame.prefixLength)) }
        guard head.count >= 4 else { throw JACError(.unexpectedEOF, "file ends inside a block magic") }
        let extent = try head.withBytes { (p) throws(JACError) in try BlockFrame.headerExtent(p) }
        guard extent <= remain else { throw JACError(.unexpectedEOF, "file ends inside the block header") }
        if extent > head.count { head = try read(offset: offset, count: extent) }
        let (h, _, length) = try head.withBytes { (p) throws(JACError) in
            try BlockFrame.parse(UnsafeRawBufferPointer(rebasing: p[..<extent]), segmentLimit: segmentLimit)
        }
        guard length <= remain else {
            throw JACError(.unexpectedEOF, "file ends inside the block (needs \(length) bytes, \(remain) remain)")
        }
        return (length, h.recordCount)
    }

    /// The header of block `i` and the offset of its segment area within the block; checks the
    /// block against its index entry.
    public func blockHeader(_ i: Int) throws(JACError) -> (header: BlockHeader, areaStart: Int) {
        let e = blocks[i]
        return try JACError.locating("block \(i) at offset \(e.offset)") { () throws(JACError) in
            var bytes = try read(offset: e.offset, count: min(e.size, 64 << 10))
            let extent = try bytes.withBytes { (p) throws(JACError) in try BlockFrame.headerExtent(p) }
            guard extent <= e.size else { throw JACError(.corruptBlock, "block header is longer than the block") }
            if extent > bytes.count { bytes = try read(offset: e.offset, count: extent) }
            let (header, areaStart, length) = try bytes.withBytes { (p) throws(JACError) in
                try BlockFrame.parse(UnsafeRawBufferPointer(rebasing: p[..<extent]), segmentLimit: segmentLimit)
            }
            guard length == e.size, header.recordCount == e.recordCount else {
                throw JACError(.corruptBlock, "block (\(length) bytes, \(header.recordCount) records) disagrees with the index (\(e.size) bytes, \(e.recordCount) records)")
            }
            // Tiling is checked here too, since the segments may be read on their own.
            try header.checkTiling(segmentAreaLength: length - 4 - areaStart)
            return (header, areaStart)
        }
    }

    /// The whole block `i`, for a full decode (CRC checked by the decoder).
    public func block(_ i: Int) throws(JACError) -> ArchiveBlock {
        let e = blocks[i]
        return ArchiveBlock(number: i, offset: e.offset, bytes: try read(offset: e.offset, count: e.size))
    }

    /// The compressed segment of `entry` in block `i` whose segment area starts at `areaStart`.
    public func segment(block i: Int, areaStart: Int, entry: FieldDirectoryEntry) throws(JACError) -> [UInt8] {
        try read(offset: blocks[i].offset + areaStart + entry.segmentOffset, count: entry.compressedLength)
    }
}
