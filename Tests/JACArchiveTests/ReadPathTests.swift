import Foundation
import JACArchive
import JACCodec
import JACCompression
import JACCommands
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// Helpers for the read-path tests (projection, slices, parallel decode, listing, salvage):
/// run a library call with a sink on an unlinked scratch file and get back what it wrote.
enum ReadPath {
    static func capture(_ body: (ByteSink) throws -> Void) throws -> [UInt8] {
        let scratch = NSTemporaryDirectory() + "jac-readpath-" + UUID().uuidString
        let fd = open(scratch, O_RDWR | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw JACError(.io, "cannot create \(scratch)") }
        unlink(scratch)
        defer { close(fd) }
        try body(ByteSink(fd: fd, name: scratch))
        let size = Int(lseek(fd, 0, SEEK_END))
        var text = [UInt8](repeating: 0, count: size)
        _ = text.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        return text
    }

    static func unpack(_ path: String, threads: Int = 1, layout: RecordLayout = .ndjson) throws -> (text: [UInt8], warnings: [String]) {
        var warnings: [String] = []
        let text = try capture { sink in
            let reader = try ArchiveReader(source: try ByteSource(path: path))
            _ = try Unpack.run(reader: reader, sink: sink, layout: layout, threads: threads, warn: { warnings.append($0) })
        }
        return (text, warnings)
    }

    /// `Projection.run` on a file (seeking) or, with `stream`, through the streaming reader.
    static func project(_ path: String, options: Projection.Options, stream: Bool = false) throws -> (text: [UInt8], warnings: [String], summary: Projection.Summary) {
        var warnings: [String] = []
        var summary = Projection.Summary()
        let text = try capture { sink in
            if stream {
                let reader = try ArchiveReader(source: try ByteSource(path: path))
                summary = try Projection.run(reader: reader, sink: sink, options: options, warn: { warnings.append($0) })
            } else {
                summary = try Projection.run(path: path, sink: sink, options: options, warn: { warnings.append($0) })
            }
        }
        return (text, warnings, summary)
    }

    /// Records as JSON values, one per NDJSON line.
    static func records(_ text: [UInt8]) throws -> [JSONValue] {
        try JSONValue.recordLines(text).map { try JSONValue.parse($0) }
    }

    /// The record restricted to `keys` (the keys it has).
    static func restrict(_ record: JSONValue, to keys: [String]) -> JSONValue {
        guard case .object(let members) = record else { return record }
        let wanted = Set(keys.map { Array($0.utf8) })
        return .object(members.filter { wanted.contains($0.key) })
    }

    static func keys(of path: String) throws -> [String] {
        try ArchiveListing.read(path: path, kinds: false).fields.map(\.nameString)
    }

    static var vectorNames: [String] { VectorEntry.all().map(\.name) }
}

@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct ProjectionTests {
    /// Every field on its own, and several together plus one that does not exist, equal the
    /// same keys taken from a full decode; the file (seek) and stream paths agree.
    @Test(arguments: ReadPath.vectorNames)
    func projectionEqualsFullDecode(vector: String) throws {
        let path = SharedFiles.vectors + "/\(vector).jac"
        let full = try ReadPath.records(try ReadPath.unpack(path).text)
        let keys = try ReadPath.keys(of: path)
        // Each field alone (the first 12: debug builds are slow on the large vectors), some
        // together with one that does not exist, and all in reverse order.
        var sets = keys.prefix(12).map { [$0] }
        sets.append(Array(keys.prefix(3)) + ["no such field"])
        sets.append(keys.reversed())
        for set in sets {
            var options = Projection.Options()
            options.keys = set.map { Array($0.utf8) }
            let seek = try ReadPath.project(path, options: options)
            let got = try ReadPath.records(seek.text)
            let want = full.map { ReadPath.restrict($0, to: set) }
            #expect(firstDifference(actual: got, expected: want) == nil, "fields \(set)")
            let stream = try ReadPath.project(path, options: options, stream: true)
            #expect(stream.text == seek.text, "stream and seek differ for \(set)")
            if set.count > 1 {
                options.threads = 3
                #expect(try ReadPath.project(path, options: options).text == seek.text, "threads change the output for \(set)")
            }
        }
    }

    /// One field of a many-field archive decompresses only that field's segments.
    @Test func readsOnlyTheRequestedSegments() throws {
        let path = SharedFiles.vectors + "/mitre_attack_enterprise.jac"
        let listing = try ArchiveListing.read(path: path, kinds: false)
        var options = Projection.Options()
        options.keys = [Array("type".utf8)]
        let field = listing.fields.first { $0.nameString == "type" }!
        // By default whole blocks are read (for their CRCs) but only the field is decompressed.
        let checked = try ReadPath.project(path, options: options)
        #expect(checked.summary.bytesDecompressed == field.uncompressed)
        #expect(checked.summary.usedIndex)
        // Without the CRC check only the field's segments are read at all.
        options.verifyChecksums = false
        let r = try ReadPath.project(path, options: options)
        #expect(r.summary.bytesDecompressed == field.uncompressed)
        #expect(r.summary.bytesRead < listing.archiveBytes / 10)
        #expect(r.text == checked.text)
    }

    @Test func csvAndValues() throws {
        let path = SharedFiles.vectors + "/spec_sample.jac"
        var options = Projection.Options()
        options.keys = [Array("user".utf8), Array("error".utf8)]
        options.style = .rows(.csv)
        #expect(String(decoding: try ReadPath.project(path, options: options).text, as: UTF8.self)
            == "user,error\nalice,\nalice,\nbob,\ncarol,Disk failure\n")
        options.style = .rows(.values)
        #expect(String(decoding: try ReadPath.project(path, options: options).text, as: UTF8.self)
            == "\"alice\"\t\n\"alice\"\t\n\"bob\"\t\n\"carol\"\t\"Disk failure\"\n")
        options.style = .records(.jsonArray)
        options.keys = [Array("error".utf8)]
        #expect(String(decoding: try ReadPath.project(path, options: options).text, as: UTF8.self)
            == "[{},{},{},{\"error\":\"Disk failure\"}]\n")
    }

    /// --blocks and --records slices equal the same slice of a full decode, from a file with
    /// and without an index and from a stream.
    @Test(arguments: ["logs_blocks1000", "logs_noindex", "mitre_attack_enterprise"])
    func slicesEqualTheFullDecode(vector: String) throws {
        let path = SharedFiles.vectors + "/\(vector).jac"
        let lines = JSONValue.recordLines(try ReadPath.unpack(path).text).map { Array($0) + [0x0A] }
        let blocks = try ArchiveListing.read(path: path, kinds: false).blocks
        var starts = [0]
        for b in blocks { starts.append(starts.last! + b.records) }
        let n = lines.count
        let recordRanges = [0 ..< 1, 5 ..< 17, max(0, n / 2 - 700) ..< min(n, n / 2 + 900), n - 3 ..< n, 0 ..< n]
        for range in recordRanges {
            var options = Projection.Options()
            options.selection.records = range
            let want = Array(lines[range].joined())
            #expect(try ReadPath.project(path, options: options).text == want, "records \(range)")
            #expect(try ReadPath.project(path, options: options, stream: true).text == want, "records \(range), stream")
        }
        let last = blocks.count - 1
        for range in [0 ..< 1, last ..< last + 1, max(0, last - 2) ..< last + 1] {
            var options = Projection.Options()
            options.selection.blocks = range
            let want = Array(lines[starts[range.lowerBound] ..< starts[range.upperBound]].joined())
            #expect(try ReadPath.project(path, options: options).text == want, "blocks \(range)")
            #expect(try ReadPath.project(path, options: options, stream: true).text == want, "blocks \(range), stream")
        }
    }

    @Test func parsesRanges() throws {
        #expect(try Selection.parseRange("7", what: "x") == 7 ..< 8)
        #expect(try Selection.parseRange("2-4", what: "x") == 2 ..< 5)
        #expect(try Selection.parseRange("-4", what: "x") == 0 ..< 5)
        #expect(try Selection.parseRange("3-", what: "x").lowerBound == 3)
        #expect(throws: JACError.self) { try Selection.parseRange("4-2", what: "x") }
        #expect(throws: JACError.self) { try Selection.parseRange("a", what: "x") }
    }
}

@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct ParallelUnpackTests {
    /// The output bytes do not depend on the thread count, nor on how blocks are cut into
    /// rendering chunks.
    @Test(arguments: ReadPath.vectorNames)
    func threadCountDoesNotChangeOutput(vector: String) throws {
        let path = SharedFiles.vectors + "/\(vector).jac"
        let recordCount = try ReadPath.unpack(path).text.filter { $0 == 0x0A }.count
        for layout in [RecordLayout.ndjson, .jsonArray] {
            let one = try ReadPath.unpack(path, threads: 1, layout: layout).text
            #expect(try ReadPath.unpack(path, threads: 4, layout: layout).text == one)
            // Seven-record chunks, rendered on a pool and (one thread) by one writer in turn, in
            // pieces of any size: 40-byte pieces stop inside records, and with 100 bytes of
            // output in flight a pool mostly waits for the chunk to be written next.
            for threads in [3, 1] {
                for (pieceBytes, outputBytes) in [(ParallelDecoder.defaultPieceBytes, nil), (40, 100)] {
                    var records = 0
                    let small = try ReadPath.capture { sink in
                        let reader = try ArchiveReader(source: try ByteSource(path: path))
                        if layout == .jsonArray { try sink.write([UInt8(ascii: "[")]) }
                        try ParallelDecoder(threads: threads, spec: RenderSpec(style: .records(layout)), chunkRecords: 7,
                                            maxBlocks: 2, pieceBytes: pieceBytes, outputBytes: outputBytes)
                            .run(next: { () throws(JACError) in try reader.next().map { DecodeInput(block: $0) } },
                                 write: { (t, n) throws(JACError) in
                                     try sink.write(t)
                                     records += n
                                 })
                        if layout == .jsonArray { try sink.write(Array("]\n".utf8)) }
                        try sink.flush()
                    }
                    #expect(small == one, "\(threads) threads, 7-record chunks, \(pieceBytes)-byte pieces")
                    #expect(records == recordCount)
                }
            }
        }
    }

    /// Only the index is damaged in flip_index and bad_pointer: every record comes back, with
    /// one warning; the other damaged vectors fail, at any thread count.
    @Test(arguments: ["flip_index", "bad_pointer", "bad_magic", "bad_version", "block_magic", "cut_after_block",
                      "cut_mid_block", "empty", "flip_segment", "header_only_truncated", "reserved_hint"])
    func damagedVectors(name: String) throws {
        let path = SharedFiles.vectors + "/bad/\(name).jac"
        let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
        for threads in [1, 4] {
            if name == "flip_index" || name == "bad_pointer" {
                let r = try ReadPath.unpack(path, threads: threads)
                #expect(firstDifference(actualText: r.text, expectedText: expected) == nil)
                #expect(r.warnings.count == 1)
                // ls and cat fall back to a scan, and say so once.
                var options = Projection.Options()
                options.keys = [Array("level".utf8)]
                let p = try ReadPath.project(path, options: options)
                #expect(!p.summary.usedIndex && p.warnings.count == 1)
                #expect(try ReadPath.records(p.text).count == JSONValue.recordLines(expected).count)
                let listing = try ArchiveListing.read(path: path, kinds: false)
                #expect(!listing.indexed && listing.indexProblem != nil && listing.indexProblem != "no index footer")
            } else {
                #expect(throws: JACError.self) { _ = try ReadPath.unpack(path, threads: threads) }
                var options = Projection.Options()
                options.keys = [Array("level".utf8)]
                options.threads = threads
                // Projection checks whole blocks' CRCs by default, so a flip in another field's
                // segment still fails; without the check only the requested segment is read and
                // a flip elsewhere goes unseen (the output is still right).
                #expect(throws: JACError.self) { _ = try ReadPath.project(path, options: options) }
                if name == "flip_segment" {
                    options.verifyChecksums = false
                    let clean = try ReadPath.project(SharedFiles.vectors + "/logs_blocks1000.jac", options: options).text
                    #expect(try ReadPath.project(path, options: options).text == clean)
                }
            }
        }
    }
}

@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct ListingAndSalvageTests {
    @Test func listsBlocksAndFields() throws {
        let path = SharedFiles.vectors + "/logs_blocks1000.jac"
        let listing = try ArchiveListing.read(path: path)
        let full = try ReadPath.records(try ReadPath.unpack(path).text)
        #expect(listing.indexed)
        #expect(listing.records == full.count)
        #expect(listing.blocks.count > 1)
        #expect(listing.blocks.allSatisfy { $0.records <= 1000 })
        for f in listing.fields {
            let present = full.filter { r in
                if case .object(let m) = r { return m[f.name] != nil } else { return false }
            }.count
            #expect(f.present == present, "\(f.nameString)")
            #expect(f.kinds.reduce(0, +) == present)
        }
        let json = try JSONValue.parse(listing.json())
        guard case .object = json else { Issue.record("ls json is not an object"); return }
        let noIndex = try ArchiveListing.read(path: SharedFiles.vectors + "/logs_noindex.jac")
        #expect(!noIndex.indexed && noIndex.indexProblem == "no index footer")
        #expect(noIndex.records == listing.records)
        #expect(noIndex.table().contains("scanning"))
    }

    /// flip_segment damages block 0: salvage returns every other block and counts the loss.
    @Test func salvageSkipsTheDamagedBlock() throws {
        let path = SharedFiles.vectors + "/bad/flip_segment.jac"
        let good = try ArchiveListing.read(path: SharedFiles.vectors + "/logs_blocks1000.jac", kinds: false)
        var summary: Salvage.Summary?
        let text = try ReadPath.capture { sink in
            let reader = try ArchiveReader(source: try ByteSource(path: path))
            summary = try Salvage.run(reader: reader, sink: sink, layout: .ndjson)
        }
        let s = try #require(summary)
        #expect(s.skipped.count == 1)
        #expect(s.skipped.first?.start == good.blocks[0].offset)
        #expect(s.skipped.first?.end == good.blocks[1].offset)
        #expect(s.skipped.first?.lostRecords == good.blocks[0].records)
        #expect(s.blocks == good.blocks.count - 1)
        let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
        let lines = JSONValue.recordLines(expected)
        let rest = Array(lines[good.blocks[0].records...].map { Array($0) + [0x0A] }.joined())
        #expect(firstDifference(actualText: text, expectedText: rest) == nil)
        // An intact archive salvages to the full decode with nothing skipped.
        var clean: Salvage.Summary?
        let all = try ReadPath.capture { sink in
            let reader = try ArchiveReader(source: try ByteSource(path: SharedFiles.vectors + "/logs_blocks1000.jac"))
            clean = try Salvage.run(reader: reader, sink: sink, layout: .ndjson)
        }
        #expect(clean?.skipped.isEmpty == true)
        #expect(all == (try ReadPath.unpack(SharedFiles.vectors + "/logs_blocks1000.jac").text))
    }
}

/// An index footer whose claims disagree with the blocks they point at (valid CRC) is not used:
/// under a header that does not announce it (the reference's), every reader finds the blocks by
/// scanning, says so, and gives every record in its place; under one that announces it, the
/// archive is damaged and every reader refuses it.
struct IndexClaimTests {
    static let records = [#"{"a":0}"#, #"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#]

    /// Blocks of 1 and 3 records; `swap` exchanges their record counts in the index.
    static func archive(in dir: String, swap: Bool, index: ArchiveWriter.Index = .reference) throws -> String {
        let encoder = BlockEncoder(options: EncodingOptions())
        var blocks: [EncodedBlock] = []
        for group in [records[..<1], records[1...]] {
            var raw = RawChunk(block: 0)
            for (i, line) in group.enumerated() { Array(line.utf8).withUnsafeBytes { raw.append($0, line: i + 1, column: 1) } }
            for payloads in try encoder.encode([raw]).blocks {
                blocks.append(try EncodedBlock(payloads: payloads, codec: .zstdDefault, compressor: SegmentCompressor()))
            }
        }
        let path = dir + "/a.jac"
        var bytes = try written(to: path) { sink in
            let writer = try ArchiveWriter(header: FileHeader(), index: index, sink: sink)
            for b in blocks { try writer.append(b) }
            try writer.finish()
        }
        if swap {
            var (footer, start) = try bytes.withUnsafeBytes { try IndexFooter.locate(in: $0).get() }
            #expect(footer.entries.map(\.recordCount) == [1, 3])
            footer.entries[0].recordCount = 3
            footer.entries[1].recordCount = 1
            bytes = Array(bytes[..<start]) + footer.encoded(footerOffset: start)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        return path
    }

    @Test func swappedRecordCountsAreNotTrusted() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try Self.archive(in: dir, swap: true)
        let all = Self.records.joined(separator: "\n") + "\n"
        let full = try ReadPath.unpack(path)
        #expect(String(decoding: full.text, as: UTF8.self) == all)
        #expect(full.warnings.count == 1)
        for stream in [false, true] {
            var options = Projection.Options()
            options.selection.records = 0 ..< 4
            let p = try ReadPath.project(path, options: options, stream: stream)
            #expect(String(decoding: p.text, as: UTF8.self) == all)
            #expect(!p.summary.usedIndex)
            options.selection = Selection(blocks: 1 ..< 2)
            options.keys = [Array("a".utf8)]
            let b = try ReadPath.project(path, options: options, stream: stream)
            #expect(String(decoding: b.text, as: UTF8.self) == Self.records[1...].joined(separator: "\n") + "\n")
            options.selection = Selection(records: 1 ..< 2)
            options.verifyChecksums = false
            let r = try ReadPath.project(path, options: options, stream: stream)
            #expect(String(decoding: r.text, as: UTF8.self) == Self.records[1] + "\n")
        }
        #expect(try ReadPath.project(path, options: Projection.Options()).warnings.count == 1)
        let listing = try ArchiveListing.read(path: path, kinds: false)
        #expect(!listing.indexed && listing.blocks.map(\.records) == [1, 3])
        #expect(listing.indexProblem?.contains("disagrees with block 0") == true)
        // The same archive with its true index is used as is.
        let good = try ArchiveListing.read(path: try Self.archive(in: dir, swap: false), kinds: false)
        #expect(good.indexed && good.blocks.map(\.records) == [1, 3])
    }

    @Test func swappedRecordCountsOfAnAnnouncedIndexAreDamage() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try Self.archive(in: dir, swap: true, index: .announced)
        #expect(throws: JACError.self) { try ReadPath.unpack(path) }
        var options = Projection.Options()
        options.selection.records = 0 ..< 4
        #expect(throws: JACError.self) { try ReadPath.project(path, options: options, stream: false) }
        // A stream read stops once its selection is out, before the footer: the records are right.
        let streamed = try ReadPath.project(path, options: options, stream: true)
        #expect(String(decoding: streamed.text, as: UTF8.self) == Self.records.joined(separator: "\n") + "\n")
        #expect(throws: JACError.self) { try ArchiveListing.read(path: path, kinds: false) }
    }
}
