// Shared by the libFuzzer targets in this folder (scripts/fuzz compiles it into each of them):
// a scratch file to hand fuzz input to readers that take a path or a file descriptor, a sink
// that keeps what was written, checksum fix-ups so mutations reach past the CRCs, and checks
// that trap (a finding) when two ways of reading the same bytes disagree.
import JACArchive
import JACCodec
import JACCompression
import JACJSON
import JACSystem
import JACWire

import Glibc

/// Stops the fuzzer with a finding: libFuzzer saves the input as a crash artifact.
func finding(_ what: String) -> Never {
    fatalError("fuzz finding: \(what)")
}

/// An unlinked file on tmpfs (or $TMPDIR) that holds one input at a time. Readers open it as
/// `/proc/self/fd/N`, which is a regular file (so the seeking readers take it) with its own
/// file offset each time it is opened.
final class ScratchFile {
    let fd: Int32
    let path: String

    init(_ tag: String) {
        var dir = "/dev/shm"
        if access(dir, W_OK) != 0 { dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp" }
        var template = Array("\(dir)/jac-fuzz-\(tag)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { fatalError("cannot create a scratch file in \(dir)") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        self.fd = fd
        path = "/proc/self/fd/\(fd)"
    }

    /// Replaces the file's contents with `bytes` and returns the path to open it by.
    @discardableResult
    func store(_ bytes: [UInt8]) -> String {
        guard ftruncate(fd, 0) == 0 else { fatalError("ftruncate failed") }
        bytes.withUnsafeBytes { p in
            var done = 0
            while done < p.count {
                let r = pwrite(fd, p.baseAddress! + done, p.count - done, off_t(done))
                guard r > 0 else { fatalError("pwrite failed") }
                done += r
            }
        }
        return path
    }

    /// The whole contents.
    func contents() -> [UInt8] {
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: size)
        let got = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        guard got == size else { fatalError("pread failed") }
        return out
    }

    /// A fresh reader of the stored bytes. The buffer starts small (the library's default is
    /// 1 MiB, which costs an mmap per reader under ASan) and grows as readers ask for more.
    func source(chunkSize: Int = 16 << 10) -> ByteSource {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { fatalError("cannot reopen the scratch file") }
        return ByteSource(fd: fd, name: "<fuzz input>", chunkSize: chunkSize)
    }
}

/// Output of one library call, kept in a scratch file (readers' output can be far larger than
/// their input, so it is not held in memory unless asked for).
final class Capture {
    private let file: ScratchFile

    init(_ tag: String) { file = ScratchFile(tag) }

    /// Runs `body` with a sink on the emptied file; returns whether it succeeded (a `JACError`
    /// is a normal outcome for damaged input).
    func run(_ body: (ByteSink) throws(JACError) -> Void) -> Bool {
        file.store([])
        lseek(file.fd, 0, SEEK_SET)
        let sink = ByteSink(fd: file.fd, name: "<fuzz output>", bufferSize: 64 << 10)
        do throws(JACError) {
            try body(sink)
            try sink.flush()
            return true
        } catch {
            return false
        }
    }

    var bytes: [UInt8] { file.contents() }
    var count: Int { Int(lseek(file.fd, 0, SEEK_END)) }
}

/// Recomputes the CRC-32Cs of whatever parses as blocks, index footer and frames, so that
/// mutated input gets past the checksum checks to the code behind them. The fuzz targets read
/// both the input as given (checksum errors) and the fixed copy.
enum Checksums {
    static func store(_ crc: UInt32, at i: Int, in b: inout [UInt8]) {
        for k in 0 ..< 4 { b[i + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
    }

    /// An archive: the CRC of each block that can be delimited, and of the index footer.
    static func fixArchive(_ b: inout [UInt8]) {
        guard let (header, headerLength) = try? b.withBytes({ (p) throws(JACError) in try FileHeader.decode(p) }) else { return }
        let limit = header.segmentMaxBytes ?? Limits.defaultSegmentMaxBytes
        var offset = headerLength
        while offset + 4 <= b.count {
            let magic = Array(b[offset ..< offset + 4])
            if magic == IndexFooter.magic {
                fixIndex(&b, at: offset)
                return
            }
            guard magic == BlockHeader.magic else { return }
            let length: Int? = b.withUnsafeBytes { all in
                let p = UnsafeRawBufferPointer(rebasing: all[offset...])
                guard let extent = try? BlockFrame.headerExtent(UnsafeRawBufferPointer(rebasing: p.prefix(BlockFrame.prefixLength))),
                      extent <= p.count,
                      let (_, _, length) = try? BlockFrame.parse(UnsafeRawBufferPointer(rebasing: p[..<extent]), segmentLimit: limit)
                else { return nil }
                return length
            }
            guard let length, length >= 4, length <= b.count - offset else { return }
            fixTrailingCRC(&b, range: offset ..< offset + length)
            offset += length
        }
    }

    /// The index footer at `offset`: magic, varint length, body, CRC (then the pointer).
    static func fixIndex(_ b: inout [UInt8], at offset: Int) {
        let end: Int? = b.withUnsafeBytes { all in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: all[offset...]), position: 4)
            guard let len = try? r.readLength(limit: all.count, "index length"), r.remaining >= len + 4 else { return nil }
            return offset + r.position + len
        }
        guard let end else { return }
        let crc = b.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[offset ..< end])) }
        store(crc, at: end, in: &b)
    }

    /// The last four bytes of `range` become the CRC-32C of the bytes before them.
    static func fixTrailingCRC(_ b: inout [UInt8], range: Range<Int>) {
        guard range.count >= 4 else { return }
        let crc = b.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[range.lowerBound ..< range.upperBound - 4])) }
        store(crc, at: range.upperBound - 4, in: &b)
    }

    /// A frame stream: every frame's CRC, and first the CRC of the block inside a block frame.
    static func fixFrames(_ b: inout [UInt8]) {
        var offset = 5
        while offset < b.count {
            let parsed: (kind: UInt8, header: Int, length: Int)? = b.withUnsafeBytes { all in
                var r = ByteReader(UnsafeRawBufferPointer(rebasing: all[offset...]))
                guard let kind = try? r.readByte(), (try? r.readVarint()) != nil,
                      let length = try? r.readLength(limit: all.count, "payload length") else { return nil }
                return (kind, r.position, length)
            }
            guard let (kind, header, length) = parsed, offset + header + length + 4 <= b.count else { return }
            let payload = offset + header ..< offset + header + length
            if kind == 0x42 {
                // part, parts, records, then the block's bytes, which end with their own CRC.
                let blockStart: Int? = b.withUnsafeBytes { all in
                    var r = ByteReader(UnsafeRawBufferPointer(rebasing: all[payload]))
                    for _ in 0 ..< 3 { guard (try? r.readVarint()) != nil else { return nil } }
                    return payload.lowerBound + r.position
                }
                if let blockStart { fixTrailingCRC(&b, range: blockStart ..< payload.upperBound) }
            }
            fixTrailingCRC(&b, range: offset ..< payload.upperBound + 4)
            offset = payload.upperBound + 4
        }
    }
}

/// Checks on decoded output.
enum Oracle {
    /// Every line of `text` must be one JSON object that our parser accepts: whatever a reader
    /// prints as records must be valid JSON.
    static func checkNDJSON(_ text: [UInt8], _ what: String) {
        var parser = RecordParser()
        text.withUnsafeBytes { p in
            var start = 0
            var line = 1
            for i in 0 ..< p.count where p[i] == 0x0A {
                do throws(JACError) {
                    try parser.parse(UnsafeRawBufferPointer(rebasing: p[start ..< i]), line: line, column: 1)
                } catch {
                    finding("\(what): output line \(line) is not a JSON object: \(error)")
                }
                start = i + 1
                line += 1
            }
            if start != p.count { finding("\(what): output does not end with a newline") }
        }
    }

    /// `text` must be one valid JSON value.
    static func checkJSON(_ text: [UInt8], _ what: String) {
        var out: [UInt8] = []
        do throws(JACError) {
            try text.withBytes { (p) throws(JACError) in try RecordParser.minify(p, into: &out) }
        } catch {
            finding("\(what): output is not valid JSON: \(error)")
        }
    }
}

extension Array where Element == UInt8 {
    init(fuzzInput data: UnsafePointer<UInt8>, _ size: Int) {
        self.init(UnsafeBufferPointer(start: data, count: size))
    }
}

/// Reads a fuzz input as given and, when that changes it, again with its checksums recomputed,
/// so that mutations also reach the code behind the CRC checks.
func readAsGivenAndFixed(_ data: UnsafePointer<UInt8>, _ size: Int, fix: (inout [UInt8]) -> Void,
                         read: ([UInt8]) -> Void) {
    let given = [UInt8](fuzzInput: data, size)
    read(given)
    var fixed = given
    fix(&fixed)
    if fixed != given { read(fixed) }
}

/// Our own encoder's blocks must decode to the records they were made from (semantically: keys
/// in any order, numbers as exact values, a repeated key's last value), and encoding a raw block
/// chunk by chunk must give the bytes of encoding it record by record.
enum RoundTrip {
    /// `chunks`: one raw block, as `jac-split` cuts it.
    static func check(_ chunks: [RawChunk], variant: Int) {
        var options = EncodingOptions()
        options.duplicateKeys = .last
        if variant & 1 == 1 {
            options.canonicalizeKeys = true
            options.maxDictEntries = 3
        }
        let encoder = BlockEncoder(options: options)
        guard let payloads = try? encoder.encode(chunks).blocks else { return }
        checkChunked(chunks, encoder: encoder, payloads: payloads)
        let decoder = BlockDecoder()
        var text: [UInt8] = []
        var first = true
        for p in payloads {
            let block = EncodedBlock(payloads: p, segments: p.fields.map { $0.bytes }, codec: Codec(id: .none, level: 0))
            let decoded: (BlockHeader, [FieldColumn])
            do throws(JACError) {
                decoded = try decoder.decode(ArchiveBlock(number: 0, offset: 0, bytes: block.bytes))
            } catch {
                finding("a block our encoder made does not decode: \(error)")
            }
            var writer = RecordWriter(columns: decoded.1)
            _ = writer.write(upTo: decoded.0.recordCount, layout: .ndjson, first: &first, to: &text)
        }
        var lines: [Range<Int>] = []
        var start = 0
        for i in text.indices where text[i] == 0x0A {
            lines.append(start ..< i)
            start = i + 1
        }
        guard lines.count == chunks.reduce(0, { $0 + $1.recordCount }) else {
            finding("the decoded blocks have \(lines.count) records, \(chunks.reduce(0) { $0 + $1.recordCount }) were encoded")
        }
        var n = 0
        text.withUnsafeBytes { out in
            for chunk in chunks {
                chunk.text.withUnsafeBytes { given in
                    for r in 0 ..< chunk.recordCount {
                        let line = UnsafeRawBufferPointer(rebasing: out[lines[n]])
                        var record = UnsafeRawBufferPointer(rebasing: given[chunk.range(of: r)])
                        // The parser takes a record after a byte order mark; a JSON value has none.
                        if record.starts(with: [0xEF, 0xBB, 0xBF]) { record = UnsafeRawBufferPointer(rebasing: record[3...]) }
                        do throws(JACError) {
                            guard try JSONEquivalence.equal(line, record) else {
                                finding("record \(n) decodes to other values: \(String(decoding: line, as: UTF8.self))")
                            }
                        } catch {
                            finding("record \(n) decodes to invalid JSON, or was invalid: \(error)")
                        }
                        n += 1
                    }
                }
            }
        }
    }

    /// `encodeChunk` for each chunk, taking the text where jac-squeeze would, then `merge`, and
    /// a cut a block at a time: the payloads `encode` made in one pass.
    private static func checkChunked(_ chunks: [RawChunk], encoder: BlockEncoder, payloads: [BlockPayloads]) {
        do throws(JACError) {
            var chunks = chunks
            var columns: [ColumnSet?] = []
            for c in chunks.indices {
                columns.append(try encoder.encodeChunk(chunks[c]))
                if encoder.canTakeText(of: columns[c]) { _ = chunks[c].takeText() }
            }
            var blocks: [PendingBlock] = []
            switch try encoder.merge(columns, of: &chunks) {
            case .whole(let block):
                blocks = block.map { [$0] } ?? []
            case .cut:
                var next: BlockEncoder.RecordIndex? = BlockEncoder.RecordIndex()
                while let start = next {
                    let group = try encoder.encode(chunks, from: start, groupBytes: 1)
                    blocks += group.blocks.map(PendingBlock.init)
                    next = group.next
                }
            }
            guard blocks.count == payloads.count else { finding("chunked encoding cuts \(blocks.count) blocks, not \(payloads.count)") }
            for (block, p) in zip(blocks, payloads) {
                guard block.recordCount == p.recordCount, block.fieldCount == p.fields.count else {
                    finding("chunked encoding gives other blocks")
                }
                for f in p.fields.indices {
                    let a = block.takePayload(field: f)
                    let b = p.fields[f]
                    guard a.name == b.name, a.bytes == b.bytes, a.valueCountPresent == b.valueCountPresent,
                          a.encodingFlags == b.encodingFlags, a.dictEntryCount == b.dictEntryCount,
                          a.presenceBytes == b.presenceBytes, a.tagBytes == b.tagBytes else {
                        finding("chunked encoding gives another payload for field \(f)")
                    }
                }
            }
        } catch {
            finding("chunked encoding fails where encoding record by record succeeds: \(error)")
        }
    }
}
