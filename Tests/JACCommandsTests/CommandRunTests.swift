import Foundation
import JACArchive
import JACCommands
import JACSystem
import JACTestSupport
import Testing

/// What `jac unpack`, `jac ls` and `jac verify` do, called as the command line calls them: the
/// output file, the layout the archive asks for, and the lines the tools print.
@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct CommandRunTests {
    static func vector(_ name: String) -> String { SharedFiles.vectors + "/\(name).jac" }

    @Test func unpackFollowsTheContainerHint() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        var job = UnpackJob()
        job.input = Self.vector("logs_array")
        job.output = dir + "/out.json"
        job.layout = .auto
        var warnings: [String] = []
        var info: [String] = []
        job.verbose = true
        #expect(try job.run(warn: { warnings.append($0) }, info: { info.append($0) }) == nil)
        let text = try SharedFiles.read(dir + "/out.json")
        #expect(text.first == UInt8(ascii: "["))
        #expect(text.suffix(2) == Array("]\n".utf8))
        #expect(warnings.isEmpty)
        #expect(info.count == 1 && info[0].hasPrefix(job.input + ": ") && info[0].hasSuffix(", 1 threads"))
        job.layout = .ndjson
        job.output = dir + "/out.ndjson"
        _ = try job.run(warn: { _ in }, info: { _ in })
        #expect(try SharedFiles.read(dir + "/out.ndjson").first == UInt8(ascii: "{"))
    }

    /// Without --salvage a damaged block fails the run and no file appears; with it, the rest
    /// comes out and the report says what was lost.
    @Test func damagedArchive() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        var job = UnpackJob()
        job.input = SharedFiles.vectors + "/bad/flip_segment.jac"
        job.output = dir + "/out.ndjson"
        #expect(throws: JACError.self) { _ = try job.run(warn: { _ in }, info: { _ in }) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
        job.salvage = true
        let summary = try #require(try job.run(warn: { _ in }, info: { _ in }))
        let lines = summary.lossReport(input: "x")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("x: salvage: skipped bytes ") && lines[0].contains("1000 records lost"))
        #expect(lines[1] == "x: salvage: recovered \(summary.records) records in \(summary.blocks) blocks; lost 1000 records in 1 damaged range")
        job.input = Self.vector("logs_blocks1000")
        job.force = true
        #expect(try job.run(warn: { _ in }, info: { _ in })?.lossReport(input: "x") == [])
    }

    @Test func verifyLineAndListingWarning() throws {
        let path = Self.vector("logs_blocks1000")
        let expected = SharedFiles.vectors + "/logs_blocks1000.expected.ndjson"
        var warnings: [String] = []
        let line = try Verifier.check(path: path, against: expected, inputMode: .auto, warn: { warnings.append($0) })
        #expect(line.hasPrefix("\(path): OK, ") && line.hasSuffix(", same records as \(expected)"))
        #expect(warnings.isEmpty)

        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let file = try OutputFile(path: dir + "/ls.txt", force: false, inputs: [])
        let damaged = SharedFiles.vectors + "/bad/flip_index.jac"
        try ArchiveListing.run(paths: [damaged], json: false, kinds: false, sink: file.sink, warn: { warnings.append($0) },
                               fail: { Issue.record("\($0)") })
        try file.commit()
        #expect(warnings.count == 1 && warnings[0].hasPrefix(damaged + ": ") && warnings[0].hasSuffix("; found the blocks by scanning"))
        let table = String(decoding: try SharedFiles.read(dir + "/ls.txt"), as: UTF8.self)
        #expect(table.contains("\n" + damaged + ": index not used: ") && table.contains("blocks found by scanning"))
    }
}
