// libFuzzer target: the archive readers. The input is an archive file (seeds: ../shared/vectors
// and small archives packed from its inputs). It is read every way jac reads an archive: the
// streaming reader with a full decode (`jac unpack`, on one thread and on two), salvage, the
// listing from the index or a header scan and from a stream (`jac ls`), projection by index and
// by stream (`jac cat`), `jac-verify`, and merging by `jac-assemble`. A `JACError` is the
// expected answer to damage; a crash, a trap, a hang, unbounded memory, or two readers
// disagreeing about an archive that both read without error is a finding.
import JACArchive
import JACCodec
import JACCommands
import JACPipeline
import JACSystem
import JACWire

import Glibc

nonisolated(unsafe) private let input = ScratchFile("archive")
nonisolated(unsafe) private let output = Capture("archive-out")
nonisolated(unsafe) private let other = Capture("archive-out2")
nonisolated(unsafe) private let merged = ScratchFile("archive-merged")
nonisolated(unsafe) private var stdinReady = false

/// Decoding work (records x fields, plus decompressed bytes) above which only the header-level
/// readers run. A few kilobytes of archive can legitimately hold millions of empty records or
/// segments that decompress to megabytes of zeros; decoding those is correct but would make a
/// single input take seconds and the fuzzer report a timeout.
private let decodeBudget = 8 << 20

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    readAsGivenAndFixed(data, size, fix: Checksums.fixArchive, read: readArchive)
    return 0
}

/// What decoding the archive would cost, from the block headers (as the streaming reader and
/// the index see them); nil when no block header is readable.
private func decodeCost() -> Int {
    func cost(_ header: BlockHeader) -> Int {
        header.recordCount * (header.fields.count + 1) + header.fields.reduce(0) { $0 + $1.uncompressedLength }
    }
    var total = 0
    if let reader = try? ArchiveReader(source: input.source()) {
        while let block = try? reader.next() {
            if let (h, _) = try? block.bytes.withBytes({ (p) throws(JACError) in try BlockHeader.decode(p, segmentLimit: Int.max) }) {
                total += cost(h)
            }
            if total > decodeBudget { return total }
        }
    }
    var indexed = 0
    if let file = try? IndexedArchive.open(path: input.path) {
        for i in file.blocks.indices {
            if let (h, _) = try? file.blockHeader(i) { indexed += cost(h) }
            if indexed > decodeBudget { return indexed }
        }
    }
    return max(total, indexed)
}

private func readArchive(_ bytes: [UInt8]) {
    let path = input.store(bytes)
    let full = decodeCost() <= decodeBudget

    // `jac ls` from the file (index or scan), without decompressing: always cheap.
    _ = try? ArchiveListing.read(path: path, kinds: false).table()
    guard full else { return }

    // `jac unpack`: the streaming reader, every block decoded in order.
    var unpacked: [UInt8]?
    var indexAgrees = false
    var fields: [[UInt8]] = []
    if output.run({ (sink) throws(JACError) in
        let reader = try ArchiveReader(source: input.source())
        _ = try Unpack.run(reader: reader, sink: sink, layout: .ndjson, warn: { _ in })
        indexAgrees = reader.hasIndex || reader.indexProblem == "no index footer"
    }) {
        let text = output.bytes
        Oracle.checkNDJSON(text, "unpack")
        unpacked = text
    }

    // `jac unpack -j2`: decoded on two threads in chunks of three records, the same text.
    var pooled: [UInt8] = []
    do throws(JACError) {
        let reader = try ArchiveReader(source: input.source())
        let decoder = ParallelDecoder(threads: 2, spec: RenderSpec(style: .records(.ndjson)),
                                      segmentLimit: reader.segmentLimit, chunkRecords: 3)
        try decoder.run(next: { () throws(JACError) -> DecodeInput? in
            try reader.next().map { DecodeInput(block: $0) }
        }, write: { (text, _) throws(JACError) in pooled += text })
        if let unpacked, pooled != unpacked { finding("decoding on two threads gives other text than on one") }
    } catch {
        if unpacked != nil { finding("decoding on two threads fails where one thread succeeds: \(error)") }
    }

    // `jac unpack --salvage`: recovers every record of an intact archive, and only valid records.
    var skipped = 0
    if other.run({ (sink) throws(JACError) in
        skipped = try Salvage.run(reader: try ArchiveReader(source: input.source()), sink: sink, layout: .ndjson).skipped.count
    }) {
        let text = other.bytes
        if text != unpacked { Oracle.checkNDJSON(text, "salvage") }
        if let unpacked, text != unpacked || skipped > 0 {
            finding("salvage of an archive that unpacks gives other records or skips bytes")
        }
    } else if unpacked != nil {
        finding("salvage fails on an archive that unpacks")
    }

    // `jac ls`, from the file and from a stream (standard input), reading the value kinds.
    if let listing = try? ArchiveListing.read(path: path, kinds: true) {
        _ = listing.table()
        Oracle.checkJSON(listing.json(), "ls --json")
        fields = listing.fields.map(\.name)
    }
    if !stdinReady {
        guard dup2(input.fd, 0) == 0 else { fatalError("dup2 failed") }
        stdinReady = true
    }
    lseek(0, 0, SEEK_SET)
    if let listing = try? ArchiveListing.read(path: "-", kinds: true) {
        _ = listing.table()
        Oracle.checkJSON(listing.json(), "ls --json (stream)")
    }

    // `jac cat`: whole records through the index (or a scan) give what the stream gave.
    var whole = Projection.Options()
    if output.run({ (sink) throws(JACError) in
        _ = try Projection.run(path: path, sink: sink, options: whole, warn: { _ in })
    }) {
        let text = output.bytes
        if text != unpacked { Oracle.checkNDJSON(text, "cat") }
        if let unpacked, indexAgrees, text != unpacked { finding("cat by index and unpack give other records") }
    } else if unpacked != nil && indexAgrees {
        finding("cat by index fails on an archive that unpacks")
    }
    // Some fields (one missing, one repeated) of a slice, read segment by segment by index...
    let keys = Array(fields.prefix(2)) + [Array("no such key".utf8)] + Array(fields.prefix(1))
    var some = Projection.Options()
    some.keys = keys
    some.style = .rows(.csv)
    some.selection = Selection(records: 1 ..< 300)
    some.verifyChecksums = false
    _ = output.run { (sink) throws(JACError) in
        _ = try Projection.run(path: path, sink: sink, options: some, warn: { _ in })
    }
    // ... as a JSON array with checksums, and from a stream as tab-separated values.
    some.style = .records(.jsonArray)
    some.selection = Selection()
    some.verifyChecksums = true
    if output.run({ (sink) throws(JACError) in
        _ = try Projection.run(path: path, sink: sink, options: some, warn: { _ in })
    }) {
        Oracle.checkJSON(output.bytes, "cat --json-array")
    }
    some.style = .rows(.values)
    some.selection = Selection(blocks: 0 ..< 3)
    _ = output.run { (sink) throws(JACError) in
        _ = try Projection.run(reader: try ArchiveReader(source: input.source()), sink: sink, options: some, warn: { _ in })
    }
    whole.style = .records(.jsonArray)
    whole.selection = Selection(records: 2 ..< 40)
    if output.run({ (sink) throws(JACError) in
        _ = try Projection.run(reader: try ArchiveReader(source: input.source()), sink: sink, options: whole, warn: { _ in })
    }) {
        Oracle.checkJSON(output.bytes, "cat --json-array (stream)")
    }

    // `jac-verify`: stricter than unpack, so it passes only archives that unpack.
    if let report = try? Verifier.run(source: input.source()) {
        guard let unpacked, report.jsonBytes == unpacked.count else {
            finding("jac-verify passes an archive that unpack does not read the same")
        }
    }

    // `jac-assemble` merging the archive: the copy must hold the same records.
    if output.run({ (sink) throws(JACError) in
        _ = try AssembleStage.run(inputs: [input.source()], sink: sink, index: .announced)
    }) {
        let copy = output.bytes
        merged.store(copy)
        let ok = other.run { (sink) throws(JACError) in
            let reader = try ArchiveReader(source: merged.source())
            _ = try Unpack.run(reader: reader, sink: sink, layout: .ndjson, warn: { _ in })
        }
        if let unpacked, !ok || other.bytes != unpacked {
            finding("the archive assembled from an archive that unpacks holds other records")
        }
    } else if unpacked != nil && indexAgrees {
        finding("jac-assemble refuses an archive that unpacks")
    }
}
