import Foundation
import JACArchive
import JACCodec
import JACCompression
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// Writes an archive of one block whose `records` records all hold the same string of
/// `entryBytes` bytes: one dictionary entry, so the archive is tiny and its text `records`
/// times the entry. Made by encoding a short string and growing its dictionary entry.
func writeDictionaryBomb(records: Int, entryBytes: Int, to path: String) throws {
    var raw = RawChunk(block: 0)
    let line = Array(#"{"s":"ab"}"#.utf8)
    for i in 0 ..< records { line.withUnsafeBytes { raw.append($0, line: i + 1, column: 1) } }
    var block = try BlockEncoder(options: EncodingOptions()).encode([raw]).blocks[0]
    var field = block.fields[0]
    // The payload: presence bits, type tags, then the dictionary (varint length 2, "ab").
    let at = field.presenceBytes + field.tagBytes
    guard field.dictEntryCount == 1, Array(field.bytes[at ..< at + 3]) == [2] + Array("ab".utf8) else {
        throw JACError(.bug, "the encoder did not give \"ab\" one dictionary entry")
    }
    var entry: [UInt8] = []
    Varint.append(entryBytes, to: &entry)
    entry += repeatElement(UInt8(ascii: "x"), count: entryBytes)
    field.bytes.replaceSubrange(at ..< at + 3, with: entry)
    block.fields[0] = field
    let encoded = try EncodedBlock(payloads: block, codec: .zstdDefault, compressor: SegmentCompressor())
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw JACError(.io, "cannot create \(path)") }
    defer { close(fd) }
    let writer = try ArchiveWriter(header: FileHeader(), index: .announced, sink: ByteSink(fd: fd, name: path))
    try writer.append(encoded)
    try writer.finish()
}

/// Decoding memory is bounded in bytes however far dictionary references multiply a block:
/// 300 records of one 1 MiB entry (a 1 KiB archive) give 300 MiB of text, written exactly, in
/// pieces, within the peak memory jac(1) and jac-verify(1) state.
@Suite struct DecodeMemoryTests {
    static let records = 300
    static let entryBytes = 1 << 20

    /// The man pages' figures for this archive: 16 MiB for the process and its read and write
    /// buffers, then per thread a block (here about 2 MiB: its bytes and the entry decoded),
    /// 2 MiB of text waiting to be written, and one piece of 1 MiB plus one value (1 MiB) in a
    /// buffer that may have grown to twice that.
    static func peakBound(threads: Int) -> Int { (16 << 20) + threads * (8 << 20) }

    @Test(arguments: [
        ["unpack", "-j1", "-o", "-"], ["unpack", "-j2", "-o", "-"], ["unpack", "-j1", "--salvage", "-o", "-"],
        ["unpack", "-j2", "--json-array", "-o", "-"], ["cat", "-j1"], ["cat", "-j2", "-F", "s"],
        ["cat", "-j2", "-F", "s,t", "--format", "values"],
    ])
    func dictionaryReferencesStayBounded(arguments: [String]) throws {
        let ws = try Workspace()
        try writeDictionaryBomb(records: Self.records, entryBytes: Self.entryBytes, to: ws.file("bomb.jac"))
        let r = try ws.measure("jac", arguments + [ws.file("bomb.jac")])
        #expect(r.status == 0, "\(r.stderr)")
        // `{"s":"…"}` and a newline, or in an array a comma instead and `[`, `]`, a newline;
        // as values, the string and a tab for the absent `t`.
        let perRecord = arguments.contains("values") ? Self.entryBytes + 4 : Self.entryBytes + 9
        #expect(r.outputBytes == Self.records * perRecord + (arguments.contains("--json-array") ? 2 : 0))
        let bound = Self.peakBound(threads: arguments.contains("-j2") ? 2 : 1)
        #expect(r.peakBytes < bound, "peak \(r.peakBytes >> 20) MiB")
    }

    @Test func verifyStaysBounded() throws {
        let ws = try Workspace()
        try writeDictionaryBomb(records: Self.records, entryBytes: Self.entryBytes, to: ws.file("bomb.jac"))
        let r = try ws.measure("jac-verify", [ws.file("bomb.jac")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.peakBytes < Self.peakBound(threads: 1), "peak \(r.peakBytes >> 20) MiB")
    }
}
