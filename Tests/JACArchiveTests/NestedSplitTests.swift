import JACArchive
import JACCodec
import JACCompression
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// A field of more than `NestedCheckParts.minBytes` has its nested values checked in parts on a
/// pool: the text is the one-thread text, and a damaged value (under a valid CRC) fails with
/// the error one thread reports.
struct NestedSplitTests {
    /// One block of `records` records whose `tags` arrays make a field of about 1.5 MB, with
    /// every value canonical but the spaced ones; `damaged` records get a value that is no JSON.
    static func archive(in dir: String, records: Int, damaged: Set<Int> = []) throws -> String {
        var lines: [String] = []
        for r in 0 ..< records {
            let tags = (0 ..< 8).map { "\"t\(r % 97)-\($0)\"" }.joined(separator: ",")
            lines.append("{\"id\":\(r),\"tags\":[\(tags)],\"n\":{\"k\":\(r % 5)}}")
        }
        var raw = RawChunk(block: 0)
        for (i, line) in lines.enumerated() { Array(line.utf8).withUnsafeBytes { raw.append($0, line: i + 1, column: 1) } }
        var payloads = try BlockEncoder(options: EncodingOptions()).encode([raw]).blocks
        #expect(payloads.count == 1)
        let f = try #require(payloads[0].fields.firstIndex { $0.name == Array("tags".utf8) })
        #expect(payloads[0].fields[f].bytes.count > NestedCheckParts.minBytes)
        // Record r's array is the r-th value; a `"` that opens one of its strings becomes `!`.
        var bytes = payloads[0].fields[f].bytes
        var seen = 0, k = 0
        while k < bytes.count, !damaged.isEmpty {
            if bytes[k] == UInt8(ascii: "["), k + 2 < bytes.count, bytes[k + 1] == UInt8(ascii: "\""),
               bytes[k + 2] == UInt8(ascii: "t") {
                if damaged.contains(seen) { bytes[k + 1] = UInt8(ascii: "!") }
                seen += 1
            }
            k += 1
        }
        payloads[0].fields[f].bytes = bytes
        let block = try EncodedBlock(payloads: payloads[0], codec: .zstdDefault, compressor: SegmentCompressor())
        let path = dir + "/split.jac"
        _ = try written(to: path) { sink in
            let writer = try ArchiveWriter(header: FileHeader(), index: .announced, sink: sink)
            try writer.append(block)
            try writer.finish()
        }
        return path
    }

    static func unpacked(_ path: String, threads: Int) throws(JACError) -> [UInt8] {
        var text: [UInt8] = []
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        try ParallelDecoder(threads: threads, spec: RenderSpec(style: .records(.ndjson)), chunkRecords: 997)
            .run(next: { () throws(JACError) in try reader.next().map { DecodeInput(block: $0) } },
                 write: { (t, _) throws(JACError) in text += t })
        return text
    }

    @Test func partsGiveTheOneThreadText() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 20_000)
        let one = try NestedSplitTests.unpacked(path, threads: 1)
        #expect(one.filter { $0 == 0x0A }.count == 20_000)
        #expect(try NestedSplitTests.unpacked(path, threads: 3) == one)
    }

    /// Two damaged values in different parts: the earlier one is named, as with one thread.
    @Test func firstDamagedValueIsReported() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 20_000, damaged: [4_000, 15_000])
        func failure(_ threads: Int) -> String? {
            do throws(JACError) {
                _ = try NestedSplitTests.unpacked(path, threads: threads)
                return nil
            } catch {
                return error.message
            }
        }
        let one = failure(1)
        #expect(one?.contains("field \"tags\"") == true)
        #expect(one?.contains("stored nested JSON is invalid") == true)
        #expect(failure(3) == one)
    }
}
