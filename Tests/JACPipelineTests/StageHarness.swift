import Foundation
import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire

/// Runs stages between files in a temporary directory, as the executables do between pipes.
final class StageHarness {
    let dir: String
    private var counter = 0

    init() throws { dir = try SharedFiles.temporaryDirectory() }

    deinit { SharedFiles.removeDirectory(dir) }

    func file(_ bytes: [UInt8]) throws -> String {
        counter += 1
        let path = "\(dir)/f\(counter)"
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw JACError(.io, "cannot create \(path)")
        }
        return path
    }

    /// Calls `body` with a sink on a new file and returns what it wrote.
    func output(_ body: (ByteSink) throws(JACError) -> Void) throws -> [UInt8] {
        counter += 1
        let path = "\(dir)/o\(counter)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw JACError(.io, "cannot create \(path)") }
        defer { close(fd) }
        let sink = ByteSink(fd: fd, name: path)
        try body(sink)
        try sink.flush()
        return try SharedFiles.read(path)
    }

    func pack(_ input: [UInt8], _ options: PackOptions, threads: Int) throws -> [UInt8] {
        let path = try file(input)
        return try output { (sink) throws(JACError) in
            _ = try Pack.run(source: try ByteSource(path: path), sink: sink, options: options, threads: threads)
        }
    }

    func split(_ input: [UInt8], _ options: SplitOptions) throws -> [UInt8] {
        let path = try file(input)
        return try output { (sink) throws(JACError) in
            _ = try SplitStage.run(source: try ByteSource(path: path), sink: sink, options: options)
        }
    }

    func squeeze(_ frames: [UInt8], _ options: SqueezeOptions, threads: Int) throws -> [UInt8] {
        let path = try file(frames)
        return try output { (sink) throws(JACError) in
            _ = try SqueezeStage.run(frames: try FrameReader(source: try ByteSource(path: path)), sink: sink,
                                     options: options, threads: threads)
        }
    }

    func assemble(_ inputs: [[UInt8]], index: ArchiveWriter.Index = .announced, threads: Int = 1) throws -> [UInt8] {
        var sources: [ByteSource] = []
        for input in inputs { sources.append(try ByteSource(path: try file(input))) }
        return try output { (sink) throws(JACError) in
            _ = try AssembleStage.run(inputs: sources, sink: sink, index: index, threads: threads)
        }
    }

    /// The three stages one after the other.
    func pipeline(_ input: [UInt8], _ options: PackOptions, threads: Int) throws -> [UInt8] {
        let raw = try split(input, options.split)
        let squeezed = try squeeze(raw, options.squeeze, threads: threads)
        return try assemble([squeezed], index: options.index)
    }

    /// Decodes an archive to NDJSON.
    func unpack(_ archive: [UInt8]) throws -> [UInt8] {
        try unpackWithWarnings(archive).text
    }

    /// Decodes an archive to NDJSON, with the warnings the decoder gave.
    func unpackWithWarnings(_ archive: [UInt8]) throws -> (text: [UInt8], warnings: [String]) {
        let path = try file(archive)
        var warnings: [String] = []
        let text = try output { (sink) throws(JACError) in
            _ = try Unpack.run(reader: try ArchiveReader(source: try ByteSource(path: path)), sink: sink,
                               layout: .ndjson, warn: { warnings.append($0) })
        }
        return (text, warnings)
    }
}

/// NDJSON test input made here: `count` log-like records with drifting schema.
func sampleRecords(_ count: Int, seed: Int = 1) -> [UInt8] {
    var out = ""
    var x = UInt64(seed)
    func next() -> Int {
        x = x &* 6364136223846793005 &+ 1442695040888963407
        return Int(x >> 33)
    }
    let levels = ["INFO", "WARN", "ERROR", "DEBUG"]
    for i in 0 ..< count {
        var fields = ["\"ts\":\(1_700_000_000 + i * 3 + next() % 3)", "\"level\":\"\(levels[next() % 4])\"",
                      "\"msg\":\"event \(next() % 1000) on host-\(next() % 20)\""]
        if i % 7 == 0 { fields.append("\"error\":{\"code\":\(next() % 600),\"retry\":\(i % 2 == 0)}") }
        if i % 5 == 0 { fields.append("\"latency\":\(next() % 1000).\(next() % 100)") }
        if i % 11 == 0 { fields.append("\"tags\":[\"a\",\"b\(i % 3)\"]") }
        if i % 13 == 0 { fields.append("\"user\":null") }
        out += "{" + fields.joined(separator: ",") + "}\n"
    }
    return Array(out.utf8)
}
