import Foundation
import JACArchive
import JACCompression
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// A stage refuses frame streams that are damaged, cut or unfinished, naming what is wrong.

/// jac-assemble writes nothing a reader of its output would refuse from a frame stream: a block
/// whose frame (and block CRC) is valid but whose content is malformed stops it, naming stream,
/// block and field. Archive inputs get the checks that need no decompressing.
struct AssembleCheckTests {
    /// A compressed stream of one stored (codec none) block of `{"a":1}` x3, its presence byte
    /// set to `presence` and the block CRC made right again; and that block alone.
    static func stream(presence: UInt8, _ h: StageHarness) throws -> (frames: [UInt8], block: EncodedBlock) {
        let (header, stored) = try storedBlock(Array(String(repeating: #"{"a":1}"# + "\n", count: 3).utf8), h)
        var block = stored
        let (_, areaStart) = try block.bytes.withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
        #expect(block.bytes[areaStart] == 0x07)
        block.bytes[areaStart] = presence
        reseal(&block.bytes)
        let frames = try h.output { (sink) throws(JACError) in
            let writer = try FrameWriter(sink: sink)
            try writer.writeHeader(stage: .compressed, header: header)
            try writer.write(sequence: 0, blocks: [block])
            try writer.writeEnd(rawBlocks: 1, records: 3)
        }
        return (frames, block)
    }

    /// The header and first block of `records` squeezed with stored (codec none) segments.
    static func storedBlock(_ records: [UInt8], _ h: StageHarness) throws -> (FileHeader, EncodedBlock) {
        var squeeze = SqueezeOptions()
        squeeze.codec = Codec(id: .none, level: 0)
        let raw = try h.split(records, SplitOptions())
        let good = try h.squeeze(raw, squeeze, threads: 1)
        let reader = try FrameReader(source: try ByteSource(path: try h.file(good)))
        let header = try reader.readHeader(expecting: .compressed)
        guard var frame = try reader.next(), frame.kind == .block else { throw JACError(.bug, "no block frame") }
        return (header, try frame.takeBlock().block)
    }

    /// Makes the block CRC right again after a change.
    static func reseal(_ bytes: inout [UInt8]) {
        let crc = CRC32C.checksum(Array(bytes.dropLast(4)))
        bytes.replaceSubrange((bytes.count - 4)..., with: (0 ..< 4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
    }

    /// An archive of one block.
    static func archive(_ block: EncodedBlock, _ h: StageHarness) throws -> [UInt8] {
        try h.output { (sink) throws(JACError) in
            let writer = try ArchiveWriter(header: FileHeader(), index: .announced, sink: sink)
            try writer.append(block)
            try writer.finish()
        }
    }

    func assembleError(_ inputs: [[UInt8]], _ h: StageHarness, threads: Int = 1) -> JACError? {
        do {
            _ = try h.assemble(inputs, threads: threads)
            return nil
        } catch let error as JACError {
            return error
        } catch {
            return JACError(.bug, "\(error)")
        }
    }

    /// Checked inline and with its fields on a pool (`BlockChecker`): the same verdict.
    @Test(arguments: [1, 3])
    func malformedBlockWithValidChecksumsIsRefused(threads: Int) throws {
        let h = try StageHarness()
        // Unchanged, the stream assembles and reads back.
        let intact = try Self.stream(presence: 0x07, h)
        #expect(try h.unpack(try h.assemble([intact.frames], threads: threads)) == Array(String(repeating: #"{"a":1}"# + "\n", count: 3).utf8))
        let bad = try Self.stream(presence: 0x03, h)
        let error = try #require(assembleError([bad.frames], h, threads: threads))
        #expect(error.kind == .corruptBlock)
        #expect(error.message.contains("block 0 part 0") && error.message.contains("field \"a\"")
            && error.message.contains("presence bitmap has 2 values, directory says 3"), "\(error.message)")
    }

    /// Nested values checked in pieces on a pool (`BlockChecker`) get the verdict and the message
    /// of the check on one thread (`BlockDecoder.check`): on a block of mixed values, and on
    /// copies with one byte of its segments changed (to a space, a brace, a byte UTF-8 never has).
    @Test func checkInPiecesAgreesWithTheWholeCheck() throws {
        let h = try StageHarness()
        let records = (0 ..< 60).map { i in
            switch i % 4 {
            case 0: #"{"n":[\#(i),"x\#(i)",{"k":null}],"s":"s\#(i)"}"#
            case 1: #"{"n":{"a\#(i)":[true,1.5]},"s":\#(i)}"#
            case 2: #"{"n":"text \#(i)","s":[\#(i)]}"#
            default: #"{"n":\#(i),"s":{"o":"\#(i)"}}"#
            }
        }.joined(separator: "\n") + "\n"
        let block = try Self.storedBlock(Array(records.utf8), h).1
        // From 16 bytes on: every field with nested values is split.
        let checker = try BlockChecker(threads: 3, segmentLimit: Limits.defaultSegmentMaxBytes, splitBytes: 16)
        defer { checker.stop() }
        let decoder = BlockDecoder()
        func verdict(_ check: () throws(JACError) -> BlockHeader) -> String {
            do throws(JACError) {
                return "ok \(try check().recordCount)"
            } catch {
                return "\(error.kind) \(error.message)"
            }
        }
        let (_, areaStart) = try block.bytes.withBytes { (p) throws(JACError) in try BlockHeader.decode(p) }
        #expect(verdict { () throws(JACError) in try checker.check(block.bytes) } == "ok 60")
        var refused = 0
        for at in areaStart ..< block.bytes.count - 4 {
            for value in [UInt8(ascii: " "), UInt8(ascii: "}"), 0xff] where block.bytes[at] != value {
                var bytes = block.bytes
                bytes[at] = value
                Self.reseal(&bytes)
                let whole = verdict { () throws(JACError) in try decoder.check(ArchiveBlock(number: 0, offset: 0, bytes: bytes)) }
                #expect(verdict { () throws(JACError) in try checker.check(bytes) } == whole, "byte \(at) set to \(value)")
                if !whole.hasPrefix("ok") { refused += 1 }
            }
        }
        #expect(refused > 100)
    }

    /// An archive being merged is copied without decompressing: damage its frame shows (header
    /// limits, tiling, codec, CRC) is refused, naming input, block and field; a malformed segment
    /// under a valid CRC is copied, and jac-verify of the part or of the merge finds it.
    @Test func archivePartsGetTheStructuralCheck() throws {
        let h = try StageHarness()
        let intact = try Self.stream(presence: 0x07, h)
        let records = Array(String(repeating: #"{"a":1}"# + "\n", count: 3).utf8)
        #expect(try h.unpack(try h.assemble([intact.frames, try Self.archive(intact.block, h)])) == records + records)
        let bad = try Self.stream(presence: 0x03, h)
        let copied = try h.assemble([intact.frames, try Self.archive(bad.block, h)])
        #expect(throws: JACError.self) { try h.unpack(copied) }
        // The directory entry of field "a" (name length 1, "a", compressor, level, ...), and the
        // record count after the magic and the header length.
        let entry = try #require((0 ..< intact.block.bytes.count - 2).first { intact.block.bytes[$0 ..< $0 + 2] == [1, 0x61] })
        #expect(intact.block.bytes[5] == 3)
        for (byte, value, kind, words) in [(entry + 2, UInt8(0x7f), JACError.Kind.unsupportedCompression, "unsupported compressor id 127"),
                                           (5, UInt8(9), .corruptBlock, "field \"a\" has 1 presence")] {
            var block = intact.block
            block.bytes[byte] = value
            Self.reseal(&block.bytes)
            let error = try #require(assembleError([intact.frames, try Self.archive(block, h)], h), "\(words)")
            #expect(error.kind == kind && error.message.contains("block 0") && error.message.contains(words), "\(error.message)")
        }
    }

    /// Merged archives are written under the first input's header: a later input's segment
    /// over that header's segment limit would not read back, so it is refused.
    @Test func mergedBlocksMustKeepTheFirstHeadersSegmentLimit() throws {
        let h = try StageHarness()
        let records = Array((0 ..< 200).map { #"{"s":"value \#($0) of a longish string"}"# + "\n" }.joined().utf8)
        let small = try h.pack(records, StageTests.options(segmentMaxBytes: 1000), threads: 1)
        let large = try h.pack(records, StageTests.options(), threads: 1)
        #expect(try h.unpack(try h.assemble([large, small])) == records + records)
        let error = try #require(assembleError([small, large], h))
        #expect(error.kind == .limitExceeded && error.message.contains("field \"s\""), "\(error.message)")
    }
}

struct FrameTests {
    func squeezeError(_ frames: [UInt8]) throws -> String {
        let h = try StageHarness()
        do {
            _ = try h.squeeze(frames, SqueezeOptions(), threads: 2)
        } catch let error as JACError {
            #expect(error.kind == .frame)
            return error.message
        }
        Issue.record("squeeze accepted a bad stream")
        return ""
    }

    func rawStream() throws -> [UInt8] {
        var o = SplitOptions()
        o.blockRecords = 25
        return try StageHarness().split(sampleRecords(100), o)
    }

    @Test func truncatedStreamIsRefusedAtEveryCut() throws {
        let stream = try rawStream()
        for cut in stride(from: 0, to: stream.count, by: max(1, stream.count / 97)) {
            _ = try squeezeError(Array(stream[..<cut]))
        }
    }

    /// A chunk's record count is checked against its payload before anything is reserved.
    @Test func recordCountBeyondThePayloadIsRefused() throws {
        let h = try StageHarness()
        let stream = try h.output { (sink) throws(JACError) in
            let writer = try FrameWriter(sink: sink)
            try writer.writeHeader(stage: .raw, header: FileHeader())
            var payload: [UInt8] = [0, 1]
            Varint.append(100_000, to: &payload)
            try writer.write(.rawChunk, sequence: 0, payload: payload + [1, 1, 2] + Array("{}".utf8))
        }
        #expect(try squeezeError(stream).contains("claims 100000 records in 5 bytes"))
    }

    @Test func flippedByteIsACheckSumError() throws {
        var stream = try rawStream()
        stream[stream.count / 2] ^= 0x10
        #expect(try squeezeError(stream).contains("checksum mismatch"))
    }

    @Test func streamWithoutEndFrameIsRefused() throws {
        let stream = try rawStream()
        // The end frame: type, sequence 4, length, record count 100 (1 byte), CRC.
        let end = 1 + 1 + 1 + 1 + 4
        #expect(stream[stream.count - end] == Frame.Kind.end.rawValue)
        #expect(try squeezeError(Array(stream.dropLast(end))).contains("without its end frame"))
    }

    @Test func wrongStageIsRefused() throws {
        let h = try StageHarness()
        let squeezed = try h.squeeze(try rawStream(), SqueezeOptions(), threads: 1)
        #expect(try squeezeError(squeezed).contains("expected a stream of raw blocks"))
        #expect(throws: JACError.self) { try h.assemble([try rawStream()]) }
    }

    /// Where each frame of a stream is.
    func frameRanges(_ stream: [UInt8]) throws -> [Range<Int>] {
        var frames: [Range<Int>] = []
        try stream.withBytes { (p) throws(JACError) in
            var r = ByteReader(p, position: 5)
            while !r.isAtEnd {
                let start = r.position
                _ = try r.readByte()
                _ = try r.readVarint()
                let n = Int(try r.readVarint())
                _ = try r.readBytes(n + 4)
                frames.append(start ..< r.position)
            }
        }
        return frames
    }

    @Test func assembleRefusesAStreamMissingABlock() throws {
        let h = try StageHarness()
        let squeezed = try h.squeeze(try rawStream(), SqueezeOptions(), threads: 1)
        let frames = try frameRanges(squeezed)
        #expect(frames.count == 6)
        var cut = squeezed
        cut.removeSubrange(frames[2])
        #expect(throws: JACError.self) { try h.assemble([cut]) }
    }

    @Test func squeezeRefusesAMissingChunk() throws {
        var o = SplitOptions()
        o.blockRecords = 25
        o.chunkBytes = 300
        let stream = try StageHarness().split(sampleRecords(100), o)
        let frames = try frameRanges(stream)
        #expect(frames.count > 10)
        // Frame 0 is the header, 1 and 2 the first two chunks of block 0.
        var gap = stream
        gap.removeSubrange(frames[2])
        #expect(try squeezeError(gap).contains("chunk 2 of raw block 0 arrived where chunk 1 of block 0 was expected"))
        // Without the last block's last chunk, the stream ends inside that block.
        var short = stream
        short.removeSubrange(frames[frames.count - 2])
        #expect(try squeezeError(short).contains("stream ends inside raw block 3"))
    }

    /// Block frames that claim a million parts each: jac-assemble holds what arrived, not what
    /// the frames claim (it used to reserve a slot per claimed part: gigabytes for this stream).
    @Test func assembleHoldsOnlyWhatArrives() throws {
        let h = try StageHarness()
        let squeezed = try h.squeeze(try rawStream(), SqueezeOptions(), threads: 1)
        let header = Array(squeezed[try frameRanges(squeezed)[0]])
        let stream = try h.output { (sink) throws(JACError) in
            let writer = try FrameWriter(sink: sink)
            try sink.write(header)
            for sequence in 1 ... 64 {
                var payload: [UInt8] = []
                for v in [0, 1 << 20, 1] { Varint.append(v, to: &payload) }
                payload += Array("BLK1".utf8)
                try writer.write(.block, sequence: sequence, payload: payload)
            }
            try writer.writeEnd(rawBlocks: 65, records: 64)
        }
        let before = Self.peakResidentBytes()
        do {
            _ = try h.assemble([stream])
            Issue.record("jac-assemble accepted a stream without block 0")
        } catch let error as JACError {
            #expect(error.message.contains("end frame counts 65 blocks and 64 records, the stream had 0 complete blocks"), "\(error.message)")
        }
        #expect(Self.peakResidentBytes() - before < 512 << 20, "64 claimed million-part blocks took over 512 MiB")
    }

    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
    }
}
