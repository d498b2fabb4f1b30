import Foundation
import JACArchive
import JACSystem
import JACWire
import Testing

/// The writer refuses an index footer longer than a stream reader holds (Limits.swift).
struct ArchiveWriterTests {
    /// Blocks of 1 byte (the writer does not look inside them): 11 million take an index of
    /// about 64.4 MB, under the limit; 12 million about 70 MB, over it, refused at the block
    /// that passes the limit, not after the last. Some 300 MB of entries, so only with
    /// JAC_CORPUS_TESTS=1 (the release run).
    @Test(.enabled(if: ProcessInfo.processInfo.environment["JAC_CORPUS_TESTS"] == "1"), arguments: [(11_000_000, true), (12_000_000, false)])
    func indexFooterLimit(blocks: Int, fits: Bool) throws {
        let fd = open("/dev/null", O_WRONLY)
        defer { close(fd) }
        let writer = try ArchiveWriter(header: FileHeader(), index: .announced, sink: ByteSink(fd: fd, name: "/dev/null"))
        do throws(JACError) {
            for _ in 0 ..< blocks { try writer.append(blockBytes: [0], recordCount: 1) }
            let blockEnd = writer.bytesWritten
            try writer.finish()
            #expect(fits && writer.bytesWritten - blockEnd <= Limits.maxIndexFooterBytes)
        } catch {
            #expect(!fits && error.kind == .limitExceeded && error.message.contains("exceeds the limit 67108864"))
            #expect(writer.blockCount > 11_000_000 && writer.blockCount < blocks, "refused after \(writer.blockCount) blocks")
        }
    }

    /// The footer's length as blocks arrive, without encoding it, is its encoded length.
    @Test func footerLengthAsBlocksArrive() {
        var entries: [IndexFooter.Entry] = []
        var entryBytes = 0
        var offset = 13
        for i in 0 ..< 3000 {
            let entry = IndexFooter.Entry(offset: offset, size: 1 + i * i * 37, recordCount: 1 + i % 100_000)
            entries.append(entry)
            entryBytes += IndexFooter.entryLength(entry)
            offset += entry.size
            if i % 97 == 0 || i < 140 {
                #expect(IndexFooter.encodedLength(count: entries.count, entryBytes: entryBytes)
                    == IndexFooter(entries: entries).encoded(footerOffset: offset).count)
            }
        }
    }
}
