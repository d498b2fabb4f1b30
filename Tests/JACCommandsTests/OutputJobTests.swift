import Foundation
import JACArchive
import JACCommands
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// `OutputJob`, the part `PackJob`, `CatJob` and `UnpackJob` share, and the two jobs built on it.
struct OutputJobTests {
    @Test func successCommitsAndFailureLeavesNothing() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let job = OutputJob(output: dir + "/out", force: false, inputs: [], label: "test", total: nil, quiet: true)
        let n = try job.run { (sink, _) throws(JACError) -> Int in
            try sink.write(Array("kept\n".utf8))
            return 5
        }
        #expect(n == 5)
        #expect(try SharedFiles.read(dir + "/out") == Array("kept\n".utf8))
        let failing = OutputJob(output: dir + "/failed", force: false, inputs: [], label: "test", total: nil, quiet: true)
        #expect(throws: JACError.self) {
            try failing.run { (sink, _) throws(JACError) in
                try sink.write(Array("partial".utf8))
                throw JACError(.io, "stop")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out"])
        // An existing file is refused without force, and kept.
        #expect(throws: JACError.self) { try job.run { (_, _) throws(JACError) in } }
        #expect(try SharedFiles.read(dir + "/out") == Array("kept\n".utf8))
    }

    /// PackJob writes an archive that CatJob reads back, each with its -v line.
    @Test func packThenCat() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        try Data(#"{"a":1,"b":"x"}\#n{"a":2}\#n"#.utf8).write(to: URL(fileURLWithPath: dir + "/in.ndjson"))
        var pack = PackJob()
        pack.input = dir + "/in.ndjson"
        pack.output = dir + "/x.jac"
        pack.verbose = true
        var info: [String] = []
        let summary = try pack.run { info.append($0) }
        #expect(summary.records == 2 && summary.blocks == 1)
        #expect(info.first?.hasPrefix(pack.input + ": 2 records, 1 blocks, ") == true, "\(info)")
        var cat = CatJob()
        cat.input = pack.output!
        cat.output = dir + "/a.ndjson"
        cat.options.keys = [Array("a".utf8)]
        cat.verbose = true
        info = []
        #expect(try cat.run(warn: { _ in }, info: { info.append($0) }).records == 2)
        #expect(try SharedFiles.read(dir + "/a.ndjson") == Array(#"{"a":1}\#n{"a":2}\#n"#.utf8))
        #expect(info.count == 1 && info[0].hasPrefix(cat.input + ": 2 records from 1 blocks"), "\(info)")
    }
}
