import JACArchive
import JACCodec
import JACCompression
import JACTestSupport
import JACWire
import Testing

/// Whole blocks and files against doc/format.md §10.5 and §10.6, byte for byte.
struct EncodedBlockTests {
    static let storedBlock = hex("""
        42 4c 4b 31 4c 04 05
        05 6c 65 76 65 6c 00 00 01 02 03 01 02 10 10 00
        03 6d 73 67 00 00 01 02 03 00 00 1a 1a 10
        02 74 73 00 00 01 02 04 02 00 0b 0b 2a
        04 75 73 65 72 00 00 01 02 04 00 00 19 19 35
        05 65 72 72 6f 72 00 00 01 01 01 01 01 10 10 4e
        """)

    static let packedFile = hex("""
        4a 41 43 01 0c 00 00 00 01 06 a0 8d 06 00 42 4c 4b 31 4c 04 05 05 6c 65 76 65 6c 01 06 01 02 03
        01 02 10 19 00 03 6d 73 67 01 06 01 02 03 00 00 1a 23 19 02 74 73 01 06 01 02 04 02 00 0b 14 3c
        04 75 73 65 72 01 06 01 02 04 00 00 19 22 50 05 65 72 72 6f 72 01 06 01 01 01 01 01 10 19 72 28
        b5 2f fd 00 58 81 00 00 07 24 01 04 49 4e 46 4f 04 57 41 52 4e 00 00 01 28 b5 2f fd 00 58 d1 00
        00 07 24 01 07 53 74 61 72 74 65 64 05 53 74 65 70 31 08 4c 6f 77 20 64 69 73 6b 28 b5 2f fd 00
        58 59 00 00 0f 92 04 80 8f e8 8b 0c 0a 0a 14 28 b5 2f fd 00 58 c9 00 00 0f 24 09 05 61 6c 69 63
        65 05 61 6c 69 63 65 03 62 6f 62 05 63 61 72 6f 6c 28 b5 2f fd 00 58 81 00 00 08 04 0c 44 69 73
        6b 20 66 61 69 6c 75 72 65 00 56 f1 57 d7 49 44 58 31 05 01 0e e0 01 04 d3 fc f6 67 ee 00 00 00
        00 00 00 00
        """)

    /// §10.5: codec "none", header_len 0x4c, 179 bytes, CRC 0xEB94D279.
    @Test func storedWorkedExampleBlock() throws {
        let payloads = try samplePayloads()
        let block = EncodedBlock(payloads: payloads, segments: payloads.fields.map(\.bytes),
                                 codec: Codec(id: .none, level: 0))
        #expect(block.recordCount == 4)
        #expect(block.bytes.count == 179)
        #expect(Array(block.bytes.prefix(Self.storedBlock.count)) == Self.storedBlock)
        #expect(Array(block.bytes[Self.storedBlock.count ..< 175]) == payloads.fields.flatMap(\.bytes))
        #expect(Array(block.bytes.suffix(4)) == hex("79 d2 94 eb"))
    }

    /// §10.6: the whole file `jac pack --reference-header` writes, when libzstd is the vectors' 1.5.4; with any
    /// other version the file must still decode to the sample.
    @Test func packedWorkedExampleFile() throws {
        let payloads = try samplePayloads()
        let block = try EncodedBlock(payloads: payloads, codec: .zstdDefault, compressor: SegmentCompressor())
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = dir + "/sample.jac"
        let file = try written(to: path) { sink in
            let writer = try ArchiveWriter(header: FileHeader(), index: .reference, sink: sink)
            try writer.append(block)
            try writer.finish()
        }
        if zstdVersionNumber == 10504 {
            #expect(file == Self.packedFile)
        }
        let out = try unpack(path: path)
        #expect(out.reader.hasIndex)
        #expect(firstDifference(actualText: out.text, expectedText: Array(sortedSample.joined(separator: "\n").utf8)) == nil)
    }

    /// The published file must decode whatever wrote it.
    @Test func decodesThePublishedFile() throws {
        let out = try unpack(bytes: Self.packedFile)
        #expect(out.reader.hasIndex && out.reader.indexProblem == nil)
        #expect(firstDifference(actualText: out.text, expectedText: Array(sortedSample.joined(separator: "\n").utf8)) == nil)
    }

    /// A file with no records is the header alone, and reads as zero records.
    @Test func emptyArchiveIsTheHeaderAlone() throws {
        let out = try unpack(bytes: FileHeader().encoded())
        #expect(out.text.isEmpty)
        let array = try unpack(bytes: FileHeader().encoded(), layout: .jsonArray)
        #expect(String(decoding: array.text, as: UTF8.self) == "[]\n")
    }

    /// With the index announced, an empty archive still has a footer (of no blocks), since the
    /// header alone then reads as an archive cut short; the reference header gives the header alone.
    @Test func emptyAnnouncedArchiveHasAnEmptyFooter() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        func empty(_ index: ArchiveWriter.Index) throws -> [UInt8] {
            try written(to: dir + "/empty.jac") { sink in try ArchiveWriter(header: FileHeader(), index: index, sink: sink).finish() }
        }
        var announced = FileHeader()
        announced.indexFollows = true
        let header = announced.encoded()
        #expect(try empty(.announced) == header + IndexFooter(entries: []).encoded(footerOffset: header.count))
        #expect(try empty(.reference) == FileHeader().encoded())
        #expect(try empty(.omitted) == FileHeader().encoded())
        let out = try unpack(bytes: try empty(.announced))
        #expect(out.text.isEmpty && out.reader.hasIndex)
        #expect(throws: JACError.self) { try unpack(bytes: header) }
    }
}
