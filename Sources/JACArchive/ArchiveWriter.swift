import JACSystem
import JACWire

/// Writes an archive: the file header, blocks in the order given, and the index footer.
/// Takes finished blocks only, so it is the same for `jac pack` and `jac-assemble`.
public final class ArchiveWriter {
    private let sink: ByteSink
    private let writeIndex: Bool
    private var entries: [IndexFooter.Entry] = []
    private var offset: Int
    public private(set) var recordCount = 0

    public init(header: FileHeader, writeIndex: Bool, sink: ByteSink) throws(JACError) {
        self.sink = sink
        self.writeIndex = writeIndex
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
        entries.append(IndexFooter.Entry(offset: offset, size: blockBytes.count, recordCount: recordCount))
        try sink.write(blockBytes)
        offset += blockBytes.count
        self.recordCount += recordCount
    }

    /// Writes the index footer (when asked and when there is a block) and flushes.
    public func finish() throws(JACError) {
        if writeIndex && !entries.isEmpty {
            let footer = IndexFooter(entries: entries).encoded(footerOffset: offset)
            try sink.write(footer)
            offset += footer.count
        }
        try sink.flush()
    }
}
