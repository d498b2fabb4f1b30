import JACSystem
import JACWire

/// Writes an archive: the file header, blocks in the order given, and the index footer.
/// Takes finished blocks only, so it is the same for `jac pack` and `jac-assemble`.
public final class ArchiveWriter {
    /// Whether an index footer follows the blocks, and whether the file header says so.
    public enum Index: Sendable, Equatable {
        /// The default: a footer, announced by header flag bit 5, so that readers can tell an
        /// archive cut short (between blocks, or right after the header) from a whole one.
        /// Written even with no block, since a header alone would read as cut short.
        case announced
        /// A footer under the header the reference writer writes (bit 5 clear): its exact bytes.
        case reference
        /// No footer (bit 5 clear): readers scan the blocks.
        case omitted
    }

    /// The file header written first: what readers of this archive go by.
    public let header: FileHeader
    private let sink: ByteSink
    private let index: Index
    private var entries: [IndexFooter.Entry] = []
    /// Bytes the entries take in the index footer: the block that would make the footer longer
    /// than readers accept is refused when it comes, so that a merge of many small blocks fails
    /// before it copies the rest, and the entries stay within the footer's bound in memory.
    private var entryBytes = 0
    private var offset: Int
    public private(set) var recordCount = 0

    /// Writes `header`, its flag bit 5 set as `index` says whatever it was.
    public init(header: FileHeader, index: Index, sink: ByteSink) throws(JACError) {
        self.sink = sink
        self.index = index
        var header = header
        header.indexFollows = index == .announced
        self.header = header
        let bytes = header.encoded()
        try sink.write(bytes)
        offset = bytes.count
    }

    public var blockCount: Int { entries.count }
    public var bytesWritten: Int { offset }

    public func append(_ block: EncodedBlock) throws(JACError) {
        try append(blockBytes: block.bytes, recordCount: block.recordCount)
    }

    public func append(blockBytes: [UInt8], recordCount: Int) throws(JACError) {
        let entry = IndexFooter.Entry(offset: offset, size: blockBytes.count, recordCount: recordCount)
        if index != .omitted {
            entryBytes += IndexFooter.entryLength(entry)
            try checkFooter(IndexFooter.encodedLength(count: entries.count + 1, entryBytes: entryBytes), blocks: entries.count + 1)
        }
        entries.append(entry)
        try sink.write(blockBytes)
        offset += blockBytes.count
        self.recordCount += recordCount
    }

    private func checkFooter(_ length: Int, blocks: Int) throws(JACError) {
        guard length <= Limits.maxIndexFooterBytes else {
            throw JACError(.limitExceeded, "an index footer of \(length) bytes for \(blocks) blocks exceeds the limit \(Limits.maxIndexFooterBytes) that readers accept (use larger blocks, or no index)")
        }
    }

    /// Writes the index footer (when announced, or asked for and there is a block) and flushes.
    public func finish() throws(JACError) {
        if index == .announced || (index == .reference && !entries.isEmpty) {
            let footer = IndexFooter(entries: entries).encoded(footerOffset: offset)
            try checkFooter(footer.count, blocks: entries.count)
            try sink.write(footer)
            offset += footer.count
        }
        try sink.flush()
    }
}
