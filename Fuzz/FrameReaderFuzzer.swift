// libFuzzer target: the frame streams between jac-split, jac-squeeze and jac-assemble. The input
// is a frame stream (seeds: the output of jac-split and jac-squeeze on ../shared/vectors
// inputs). Every frame is read with `FrameReader` and its payload decoded as the stages decode
// it (raw blocks encoded and decoded again, compressed blocks decoded to records); then the stream goes through
// `jac-squeeze` and `jac-assemble` themselves. A `JACError` is the expected answer to damage;
// a crash, a trap, a hang, unbounded memory, or a stage accepting a stream whose result does
// not read back is a finding.
import JACArchive
import JACCodec
import JACCommands
import JACCompression
import JACPipeline
import JACSystem
import JACWire

nonisolated(unsafe) private let input = ScratchFile("frames")
nonisolated(unsafe) private let squeezed = ScratchFile("frames-squeezed")
nonisolated(unsafe) private let output = Capture("frames-out")
nonisolated(unsafe) private let other = Capture("frames-out2")

/// Records x fields plus decompressed bytes that the compressed blocks of one input may cost to
/// decode (see the archive target: a small block can hold a great many empty records).
private let decodeBudget = 8 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    readAsGivenAndFixed(data, size, fix: Checksums.fixFrames, read: readFrames)
    return 0
}

private func readFrames(_ bytes: [UInt8]) {
    input.store(bytes)

    // Every frame, and its payload decoded as the stage that receives it decodes it.
    var cost = 0
    var block: [RawChunk] = []
    do throws(JACError) {
        let frames = try FrameReader(source: input.source())
        let decoder = BlockDecoder()
        while var frame = try frames.next() {
            switch frame.kind {
            case .header:
                guard !frame.payload.isEmpty else { break }
                _ = try? frame.payload.withBytes { (p) throws(JACError) in
                    try FileHeader.decode(UnsafeRawBufferPointer(rebasing: p[1...]))
                }
            case .rawChunk:
                // A raw block's chunks are encoded together once its last one is in.
                guard let chunk = try? frame.rawChunk(source: "<fuzz input>") else { break }
                if let previous = block.last, previous.block != chunk.block { block = [] }
                block.append(chunk)
                if chunk.isLast {
                    RoundTrip.check(block, variant: chunk.block)
                    block = []
                }
            case .block:
                guard let (_, _, encoded) = try? frame.takeBlock() else { break }
                let archiveBlock = ArchiveBlock(number: 0, offset: 0, bytes: encoded.bytes)
                guard let (header, _) = try? encoded.bytes.withBytes({ (p) throws(JACError) in try BlockHeader.decode(p) }) else { break }
                cost += header.recordCount * (header.fields.count + 1) + header.fields.reduce(0) { $0 + $1.uncompressedLength }
                guard cost <= decodeBudget, let (h, columns) = try? decoder.decode(archiveBlock) else { break }
                var writer = RecordWriter(columns: columns)
                var text: [UInt8] = []
                var first = true
                _ = writer.write(upTo: h.recordCount, layout: .ndjson, first: &first, to: &text)
                Oracle.checkNDJSON(text, "a block frame's records")
            case .end:
                _ = try? frame.endRecords()
            }
        }
    } catch {}
    if !block.isEmpty { RoundTrip.check(block, variant: 0) }

    // `jac-squeeze` (one thread; lz4, the quick codec); what it accepts must assemble into an
    // archive that unpacks to valid records.
    var options = SqueezeOptions()
    options.codec = Codec(id: .lz4, level: 0)
    if output.run({ (sink) throws(JACError) in
        _ = try SqueezeStage.run(frames: try FrameReader(source: input.source()), sink: sink, options: options, threads: 1)
    }) {
        squeezed.store(output.bytes)
        guard other.run({ (sink) throws(JACError) in
            _ = try AssembleStage.run(inputs: [squeezed.source()], sink: sink, index: .announced)
        }) else { finding("jac-assemble refuses what jac-squeeze wrote") }
        squeezed.store(other.bytes)
        guard output.run({ (sink) throws(JACError) in
            _ = try Unpack.run(reader: try ArchiveReader(source: squeezed.source()), sink: sink, layout: .ndjson, warn: { _ in })
        }) else { finding("the archive made by jac-squeeze and jac-assemble does not unpack") }
        Oracle.checkNDJSON(output.bytes, "unpack after squeeze")
    }

    // `jac-assemble` on the input (a compressed frame stream, or an archive to merge); the
    // archive made from a frame stream is unpacked when its blocks are cheap enough to decode.
    if output.run({ (sink) throws(JACError) in
        _ = try AssembleStage.run(inputs: [input.source()], sink: sink, index: .announced)
    }), bytes.starts(with: Frame.magic), cost <= decodeBudget {
        squeezed.store(output.bytes)
        if other.run({ (sink) throws(JACError) in
            _ = try Unpack.run(reader: try ArchiveReader(source: squeezed.source()), sink: sink, layout: .ndjson, warn: { _ in })
        }) {
            Oracle.checkNDJSON(other.bytes, "unpack after assemble")
        }
    }
}
