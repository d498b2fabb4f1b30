import Foundation
import JACArchive
import JACCommands
import JACCompression
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// "We write what others write": `Pack.run` against the reference vectors, and the same
/// archive for any thread count.
@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct PackTests {
    /// The manifest's reference `jac pack` options as ours; an option we do not know fails
    /// the test rather than being ignored.
    static func packOptions(_ args: [String]) throws -> PackOptions {
        var o = PackOptions()
        var i = 0
        func value() throws -> Int {
            i += 1
            guard i < args.count, let v = Int(args[i]) else { throw JACError(.usage, "\(args[i - 1]) needs a number") }
            return v
        }
        while i < args.count {
            switch args[i] {
            case "--block-records": o.split.blockRecords = try value()
            case "--zstd-level": o.squeeze.codec = Codec(id: .zstd, level: try value())
            case "--max-dict-entries": o.squeeze.encoding.maxDictEntries = try value()
            case "--no-index": o.index = .omitted
            case "--canonicalize-keys": o.squeeze.encoding.canonicalizeKeys = true
            case "--json-array": o.split.mode = .jsonArray
            default: throw JACError(.usage, "manifest option \(args[i]) is not mapped")
            }
            i += 1
        }
        return o
    }

    /// Packs the file at `input` in-process and returns the archive bytes.
    static func pack(_ input: String, options: PackOptions, threads: Int) throws -> [UInt8] {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = dir + "/out.jac"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw JACError(.io, "cannot create \(path)") }
        do {
            defer { close(fd) }
            _ = try Pack.run(source: try ByteSource(path: input), sink: ByteSink(fd: fd, name: path),
                             options: options, threads: threads)
        }
        return try SharedFiles.read(path)
    }

    /// Byte identity (with the reference's file header, `--reference-header`) needs the vectors'
    /// libzstd (1.5.4, doc/format.md §12.4); otherwise the archive must still decode to the expected
    /// records.
    @Test(arguments: VectorEntry.all().filter(\.identical))
    func identicalVectors(vector: VectorEntry) throws {
        var options = try Self.packOptions(vector.options)
        if options.index == .announced { options.index = .reference }
        let ours = try Self.pack(SharedFiles.vectors + "/" + vector.input, options: options, threads: 1)
        let reference = try SharedFiles.read(SharedFiles.vectors + "/\(vector.name).jac")
        if zstdVersionNumber == 10504 {
            #expect(ours.count == reference.count)
            #expect(ours == reference, "first difference at byte \(ours.indices.first { $0 >= reference.count || ours[$0] != reference[$0] } ?? -1)")
        } else {
            print("notice: libzstd \(zstdVersionNumber) is not 1.5.4; \(vector.name) checked by decoding only")
        }
        let decoded = try decodeToText(ours)
        let expected = try SharedFiles.read(SharedFiles.vectors + "/" + vector.expect)
        #expect(firstDifference(actualText: decoded, expectedText: expected) == nil)
    }

    /// Our encoder keeps every number exact: the `numbers` input comes back as written, where
    /// the reference's own archive rounds through binary64.
    @Test func keepsNumbersExact() throws {
        let input = SharedFiles.vectors + "/in/numbers.ndjson"
        let decoded = try decodeToText(Self.pack(input, options: PackOptions(), threads: 1))
        #expect(firstDifference(actualText: decoded, expectedText: try SharedFiles.read(input)) == nil)
    }

    /// DESIGN invariant: the archive does not depend on the thread count.
    @Test(arguments: [("in/logs_identical.ndjson", 500), ("in/geonames_cities15000.ndjson", 700)])
    func threadCountDoesNotChangeTheArchive(input: String, blockRecords: Int) throws {
        var options = PackOptions()
        options.split.blockRecords = blockRecords
        let one = try Self.pack(SharedFiles.vectors + "/" + input, options: options, threads: 1)
        let two = try Self.pack(SharedFiles.vectors + "/" + input, options: options, threads: 2)
        #expect(one.count > 1000)
        #expect(one == two)
    }
}

/// Decodes archive bytes to NDJSON text through the archive reader.
func decodeToText(_ archive: [UInt8]) throws -> [UInt8] {
    let dir = try SharedFiles.temporaryDirectory()
    defer { SharedFiles.removeDirectory(dir) }
    try Data(archive).write(to: URL(fileURLWithPath: dir + "/a.jac"))
    let out = dir + "/out.ndjson"
    let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw JACError(.io, "cannot create \(out)") }
    do {
        defer { close(fd) }
        let reader = try ArchiveReader(source: try ByteSource(path: dir + "/a.jac"))
        _ = try Unpack.run(reader: reader, sink: ByteSink(fd: fd, name: out), layout: .ndjson) { _ in }
    }
    return try SharedFiles.read(out)
}
