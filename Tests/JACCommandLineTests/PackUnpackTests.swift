import Foundation
import JACTestSupport
import Testing

/// `jac pack` / `jac unpack` as a user runs them: files, pipes, flags, errors.
struct PackUnpackTests {
    static let records = [#"{"a":1,"s":"x"}"#, #"{"a":2.50,"n":null}"#, #"{"b":[1,{"c":"😀"}],"a":-0}"#]
    static let ndjson = records.joined(separator: "\n") + "\n"
    static let array = "[\n  " + records.joined(separator: ",\n  ") + "\n]\n"

    @Test func roundTripsThroughFiles() throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        let pack = try w.jac(["pack", "in.ndjson", "-o", "out.jac"])
        #expect(pack.status == 0, "\(pack.stderr)")
        let unpack = try w.jac(["unpack", "out.jac", "-o", "back.ndjson"])
        #expect(unpack.status == 0, "\(unpack.stderr)")
        #expect(firstDifference(actualText: try w.read("back.ndjson"), expectedText: Array(Self.ndjson.utf8)) == nil)
    }

    /// `jac FILE` is `jac pack FILE` and writes FILE.jac beside it.
    @Test func fileShortcutWritesFileDotJac() throws {
        let w = try Workspace()
        try w.write("logs.ndjson", Self.ndjson)
        let r = try w.jac(["logs.ndjson"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try w.read("logs.ndjson.jac").prefix(4) == [0x4A, 0x41, 0x43, 0x01])
    }

    @Test func standardInputToStandardOutput() throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        let pack = try w.jac(["pack"], stdin: "in.ndjson")
        #expect(pack.status == 0, "\(pack.stderr)")
        try Data(pack.stdout).write(to: URL(fileURLWithPath: w.file("piped.jac")))
        let unpack = try w.jac(["unpack"], stdin: "piped.jac")
        #expect(unpack.status == 0, "\(unpack.stderr)")
        #expect(firstDifference(actualText: unpack.stdout, expectedText: Array(Self.ndjson.utf8)) == nil)
        #expect(try w.listing() == ["in.ndjson", "piped.jac"])
    }

    /// Malformed JSON at line 3: exit 1, a message naming line 3, and no output file (the
    /// archive is written to a temporary file that is only renamed on success).
    @Test func failedPackLeavesNoOutput() throws {
        let w = try Workspace()
        try w.write("bad.ndjson", Self.records[0] + "\n" + Self.records[1] + "\n{\"a\":tru}\n" + Self.records[2] + "\n")
        let r = try w.jac(["pack", "bad.ndjson", "-o", "out.jac"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 3"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(try w.listing() == ["bad.ndjson"])
    }

    @Test func refusesToOverwriteWithoutForce() throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        try w.write("out.jac", "precious")
        let refused = try w.jac(["pack", "in.ndjson", "-o", "out.jac"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("exists"), "\(refused.stderr)")
        #expect(try w.read("out.jac") == Array("precious".utf8))
        let forced = try w.jac(["pack", "in.ndjson", "-o", "out.jac", "-f"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try w.read("out.jac").prefix(3) == [0x4A, 0x41, 0x43])
        #expect(try w.listing() == ["in.ndjson", "out.jac"])
    }

    /// The container hint in the header flags (doc/format.md §3): 0x0c NDJSON, 0x14 JSON array,
    /// whether the kind was given or detected, plus 0x20 when the index footer is announced.
    @Test(arguments: [("ndjson", [String](), UInt8(0x2C)), ("array", [], 0x34), ("array", ["--json-array"], 0x34),
                      ("ndjson", ["--ndjson"], 0x2C), ("ndjson", ["--reference-header"], 0x0C), ("array", ["--no-index"], 0x14)])
    func detectsTheInputKind(input: String, flags: [String], headerFlags: UInt8) throws {
        let w = try Workspace()
        try w.write("in.json", input == "array" ? Self.array : Self.ndjson)
        let r = try w.jac(["pack", "in.json", "-o", "out.jac"] + flags)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try w.read("out.jac")[4] == headerFlags)
        let back = try w.jac(["unpack", "out.jac"])
        #expect(firstDifference(actualText: back.stdout, expectedText: Array(Self.ndjson.utf8)) == nil)
    }

    /// `--format auto` follows the archive's hint; `json-array` always writes one array.
    @Test func unpackFormats() throws {
        let w = try Workspace()
        try w.write("in.json", Self.array)
        try w.write("in.ndjson", Self.ndjson)
        #expect(try w.jac(["pack", "in.json", "-o", "array.jac"]).status == 0)
        #expect(try w.jac(["pack", "in.ndjson", "-o", "lines.jac"]).status == 0)
        let auto = try w.jac(["unpack", "array.jac", "--format", "auto"])
        let autoLines = try w.jac(["unpack", "lines.jac", "--format", "auto"])
        let forced = try w.jac(["unpack", "lines.jac", "--format", "json-array"])
        let plain = try w.jac(["unpack", "array.jac"])
        for (r, isArray) in [(auto, true), (autoLines, false), (forced, true), (plain, false)] {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(JSONValue.isArrayText(r.stdout) == isArray)
            #expect(firstDifference(actualText: r.stdout, expectedText: Array(Self.ndjson.utf8)) == nil)
        }
        #expect(try w.jac(["unpack", "array.jac", "--format", "xml"]).status != 0)
    }
}
