import Foundation
import JACTestSupport
import Testing

/// `jac` with zstd's habits: -d, -c, -t, -k, --rm, -# and --ultra, -T#, -V, several inputs.
struct ZstdHabitsTests {
    /// Keys in the same order in every record, so that unpacking gives back these bytes.
    static let records = [#"{"a":1,"s":"x"}"#, #"{"a":2.50,"s":null}"#, #"{"a":-0,"s":"😀"}"#]
    static let ndjson = records.joined(separator: "\n") + "\n"
    static let array = "[\n  " + records.joined(separator: ",\n  ") + "\n]\n"

    @Test func decompressStripsTheSuffixAndRefusesToOverwrite() throws {
        let w = try Workspace()
        try w.write("x.ndjson", Self.ndjson)
        #expect(try w.jac(["x.ndjson"]).status == 0)
        try FileManager.default.moveItem(atPath: w.file("x.ndjson"), toPath: w.file("original"))
        let d = try w.jac(["-d", "x.ndjson.jac"])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try w.read("x.ndjson") == Array(Self.ndjson.utf8))
        #expect(w.exists("x.ndjson.jac"), "-k is the default")
        let again = try w.jac(["--decompress", "x.ndjson.jac"])
        #expect(again.status == 2 && again.stderr.contains("x.ndjson: already exists"), "\(again.stderr)")
        try w.write("x.ndjson", "other")
        #expect(try w.jac(["-d", "-f", "x.ndjson.jac"]).status == 0)
        #expect(try w.read("x.ndjson") == Array(Self.ndjson.utf8))
    }

    /// -d restores the layout packed: a JSON array comes back as one.
    @Test func decompressKeepsTheArrayLayout() throws {
        let w = try Workspace()
        try w.write("a.json", Self.array)
        #expect(try w.jac(["a.json", "-o", "a.json.jac"]).status == 0)
        let d = try w.jac(["-dc", "a.json.jac"])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(d.stdout.first == UInt8(ascii: "["))
        let records = try w.jac(["unpack", "a.json.jac"])
        #expect(records.stdout.first == UInt8(ascii: "{"), "jac unpack keeps NDJSON as its default")
    }

    @Test func decompressNeedsTheSuffixOrADestination() throws {
        let w = try Workspace()
        try w.write("x.ndjson", Self.ndjson)
        #expect(try w.jac(["x.ndjson", "-o", "x.archive"]).status == 0)
        let r = try w.jac(["-d", "x.archive"])
        #expect(r.status == 2 && r.stderr.contains("x.archive: no .jac suffix"), "\(r.stderr)")
        let o = try w.jac(["-d", "x.archive", "-o", "back"])
        #expect(try o.status == 0 && w.read("back") == Array(Self.ndjson.utf8), "\(o.stderr)")
        let c = try w.jac(["-d", "--stdout", "x.archive", "x.archive"])
        #expect(c.stdout == Array((Self.ndjson + Self.ndjson).utf8), "\(c.stderr)")
    }

    /// Several inputs each get their own output; a failing one does not stop the next, and the
    /// exit status is the worst.
    @Test func severalInputsContinuePastAFailure() throws {
        let w = try Workspace()
        try w.write("a.ndjson", Self.ndjson)
        try w.write("bad.ndjson", "{\"a\":tru}\n")
        try w.write("c.ndjson", #"{"c":3}"# + "\n")
        let r = try w.jac(["a.ndjson", "bad.ndjson", "c.ndjson"])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("bad.ndjson"), "\(r.stderr)")
        #expect(try w.listing() == ["a.ndjson", "a.ndjson.jac", "bad.ndjson", "c.ndjson", "c.ndjson.jac"])
        let missing = try w.jac(["-d", "a.ndjson.jac", "missing.jac", "c.ndjson.jac", "-f"])
        #expect(missing.status == 2, "\(missing.stderr)")
        #expect(try w.read("c.ndjson") == Array((#"{"c":3}"# + "\n").utf8))
        let t = try w.jac(["-t", "a.ndjson.jac", "bad.ndjson", "c.ndjson.jac"])
        #expect(t.status == 1, "\(t.stderr)")
        let lines = String(decoding: t.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains(": OK, ") }, "\(lines)")
        #expect(t.stderr.contains("bad.ndjson"))
        #expect(try w.jac(["-q", "--test", "a.ndjson.jac"]).stdout.isEmpty)
    }

    @Test func oneOutputTakesOneInput() throws {
        let w = try Workspace()
        try w.write("a.ndjson", Self.ndjson)
        for args in [["a.ndjson", "a.ndjson", "-o", "x.jac"], ["-c", "a.ndjson", "a.ndjson"], ["-c", "-o", "x", "a.ndjson"],
                     ["-k", "--rm", "a.ndjson"], ["-20", "a.ndjson"], ["-23", "--ultra", "a.ndjson"], ["-3", "--level", "3", "a.ndjson"]] {
            let r = try w.jac(args)
            #expect(r.status == 2 && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
        #expect(try w.listing() == ["a.ndjson"])
    }

    /// -# is --level #, the default is unchanged (level 6), and -T# is -j# (0: automatic).
    @Test func levelsAndThreads() throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        func archive(_ args: [String]) throws -> [UInt8] {
            let r = try w.jac(["pack", "in.ndjson", "-c"] + args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            return r.stdout
        }
        let plain = try archive([])
        #expect(try archive(["-6"]) == plain)
        #expect(try archive(["--level", "6"]) == plain)
        #expect(try archive(["-T0"]) == plain && archive(["-T", "2"]) == plain && archive(["--threads", "0"]) == plain)
        #expect(try archive(["-19"]) == archive(["--level", "19"]))
        #expect(try archive(["-1"]) == archive(["--zstd-level", "1"]))
        #expect(try archive(["--ultra", "-22"]) == archive(["--level", "22"]))
        try Data(plain).write(to: URL(fileURLWithPath: w.file("x.jac")))
        #expect(try w.jac(["-d", "-T0", "-c", "x.jac"]).stdout == Array(Self.ndjson.utf8))
    }

    @Test func versionAndHelp() throws {
        let w = try Workspace()
        let v = try w.jac(["-V"])
        #expect(v.status == 0 && String(decoding: v.stdout, as: UTF8.self).hasPrefix("jac "), "\(v.stderr)")
        let h = try w.jac(["-h"])
        #expect(h.status == 0 && String(decoding: h.stdout, as: UTF8.self).contains("pack"))
        let p = try w.jac(["pack", "-h"])
        for option in ["--decompress", "--stdout", "--test", "--rm", "--ultra", "-T"] {
            #expect(String(decoding: p.stdout, as: UTF8.self).contains(option), "\(option)")
        }
    }

    /// --rm removes an input once its output is in place and checked; a failed run keeps it;
    /// standard output keeps it too.
    @Test func removeAfterAVerifiedSuccess() throws {
        let w = try Workspace()
        try w.write("a.ndjson", Self.ndjson)
        try w.write("bad.ndjson", "{\"a\":1}\n{\"a\":tru}\n")
        let r = try w.jac(["--rm", "a.ndjson", "bad.ndjson"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(try w.listing() == ["a.ndjson.jac", "bad.ndjson"])
        let c = try w.jac(["-d", "--rm", "-c", "a.ndjson.jac"])
        #expect(c.status == 0 && w.exists("a.ndjson.jac"))
        let d = try w.jac(["-d", "--rm", "a.ndjson.jac"])
        #expect(d.status == 0, "\(d.stderr)")
        #expect(try w.listing() == ["a.ndjson", "bad.ndjson"])
        #expect(try w.read("a.ndjson") == Array(Self.ndjson.utf8))
        // Nor does an output to a device.
        #expect(try w.jac(["--rm", "a.ndjson", "-o", "/dev/null"]).status == 0)
        #expect(w.exists("a.ndjson"))
        // An output that already exists fails the run, so the input stays.
        try w.write("b.ndjson.jac", "precious")
        try w.write("b.ndjson", Self.ndjson)
        #expect(try w.jac(["--rm", "b.ndjson"]).status == 2)
        #expect(try w.exists("b.ndjson") && w.read("b.ndjson.jac") == Array("precious".utf8))
    }
}
