import JACSystem
import JACCompression
import JACWire

/// The JSON text the splitter reads (`jac pack`, `jac-split`, `jac-verify --against`): a file or
/// standard input, decompressed on the fly when it is gzip, zstd or xz, and refused at once,
/// with what it looks like, when it is some other binary data.
public enum TextInput {
    /// `path` ("-": standard input) as JSON text.
    public static func open(_ path: String) throws(JACError) -> ByteSource {
        let reader = DecompressingReader(name: path == "-" ? "<stdin>" : path)
        return try ByteSource(path: path, read: reader.read)
    }

    /// Throws when the first bytes of `source` (after decompression) are not text: a JSON
    /// error at line 1 would hide what the input is.
    /// Fills the first `probeBytes` (or all of a shorter input) before looking, so the answer
    /// never depends on how the input arrives.
    static func refuseBinary(_ source: ByteSource) throws(JACError) {
        try source.fill(probeBytes)
        let seen = try source.withBuffered { (p) throws(JACError) -> String? in kind(of: UnsafeRawBufferPointer(rebasing: p.prefix(probeBytes))) }
        if let seen { throw JACError(.json, "\(source.name): not JSON text (looks like \(seen))") }
    }

    /// How much of the input's start is looked at.
    static let probeBytes = 4096

    private static let signatures: [(magic: [UInt8], kind: String)] = [
        // Before FileHeader.magic ("JAC"), which it starts with.
        (Frame.magic, "a jac frame stream: it is read by jac-squeeze or jac-assemble"),
        (FileHeader.magic, "a JAC archive: read it with jac unpack"),
        (Array("BZh".utf8), "bzip2 data, which jac does not decompress: use bunzip2 first"),
        ([0x04, 0x22, 0x4d, 0x18], "lz4 data, which jac does not decompress: use lz4 -d first"),
        ([0x89, 0x50, 0x4e, 0x47], "a PNG image"),
        (Array("%PDF".utf8), "a PDF document"),
        ([0x50, 0x4b, 0x03, 0x04], "a ZIP archive"),
        ([0x7f, 0x45, 0x4c, 0x46], "an ELF executable"),
        ([0xff, 0xfe], "UTF-16 text; JSON input must be UTF-8"),
        ([0xfe, 0xff], "UTF-16 text; JSON input must be UTF-8"),
    ]

    /// What the first bytes of an input look like, when they are not text.
    static func kind(of head: UnsafeRawBufferPointer) -> String? {
        for (magic, kind) in signatures where head.count >= magic.count && head.prefix(magic.count).elementsEqual(magic) {
            return kind
        }
        let compressed = DecompressingReader.format(of: head)
        if compressed != .plain { return "\(compressed.rawValue) data compressed twice" }
        // JSON text has no NUL byte anywhere, not even inside strings.
        return head.contains(0) ? "binary data: it holds NUL bytes" : nil
    }
}
