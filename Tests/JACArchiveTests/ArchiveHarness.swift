import Foundation
import JACArchive
import JACCodec
import JACCommands
import JACSystem
import JACTestSupport
import JACWire

/// What unpacking an archive gave: the JSON text written, and the reader (for its index state).
struct Unpacked {
    var text: [UInt8]
    var reader: ArchiveReader
    var warnings: [String]
}

/// Unpacks an archive file in-process. `ByteSink` writes to a descriptor, so the text goes
/// through an unlinked temporary file.
func unpack(path: String, layout: RecordLayout = .ndjson) throws -> Unpacked {
    let scratch = NSTemporaryDirectory() + "jac-unpack-" + UUID().uuidString
    let fd = open(scratch, O_RDWR | O_CREAT | O_EXCL, 0o600)
    guard fd >= 0 else { throw JACError(.io, "cannot create \(scratch)") }
    unlink(scratch)
    defer { close(fd) }
    let reader = try ArchiveReader(source: try ByteSource(path: path))
    var warnings: [String] = []
    _ = try Unpack.run(reader: reader, sink: ByteSink(fd: fd, name: scratch), layout: layout) { warnings.append($0) }
    let size = Int(lseek(fd, 0, SEEK_END))
    var text = [UInt8](repeating: 0, count: size)
    let got = text.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
    guard got == size else { throw JACError(.io, "short read of \(scratch)") }
    return Unpacked(text: text, reader: reader, warnings: warnings)
}

/// Unpacks archive bytes held in memory.
func unpack(bytes: [UInt8], layout: RecordLayout = .ndjson) throws -> Unpacked {
    let dir = try SharedFiles.temporaryDirectory()
    defer { SharedFiles.removeDirectory(dir) }
    try Data(bytes).write(to: URL(fileURLWithPath: dir + "/a.jac"))
    return try unpack(path: dir + "/a.jac", layout: layout)
}

/// Runs `body` with a sink on a new file at `path`, then returns what it wrote.
func written(to path: String, _ body: (ByteSink) throws -> Void) throws -> [UInt8] {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw JACError(.io, "cannot create \(path)") }
    do {
        defer { close(fd) }
        try body(ByteSink(fd: fd, name: path))
    }
    return try SharedFiles.read(path)
}

func hex(_ text: String) -> [UInt8] {
    text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { UInt8($0, radix: 16)! }
}

/// doc/format.md §10's sample, keys sorted per record so our encoder (which keeps input key
/// order) gives the reference's field order.
let sortedSample = [
    #"{"level":"INFO","msg":"Started","ts":1623000000,"user":"alice"}"#,
    #"{"level":"INFO","msg":"Step1","ts":1623000005,"user":"alice"}"#,
    #"{"level":"WARN","msg":"Low disk","ts":1623000010,"user":"bob"}"#,
    #"{"error":"Disk failure","ts":1623000020,"user":"carol"}"#,
]

func samplePayloads() throws -> BlockPayloads {
    var raw = RawChunk(block: 0)
    for (i, line) in sortedSample.enumerated() {
        Array(line.utf8).withUnsafeBytes { raw.append($0, line: i + 1, column: 1) }
    }
    let blocks = try BlockEncoder(options: EncodingOptions()).encode([raw]).blocks
    guard blocks.count == 1 else { throw JACError(.bug, "sample gave \(blocks.count) blocks") }
    return blocks[0]
}
