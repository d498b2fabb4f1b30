import Foundation
import JACTestSupport
import Testing

/// `jac unpack -jN`, `jac cat`, `jac ls`, `--salvage` and quiet closed pipes, run as executables.
@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct ReadCommandsTests {
    static func vector(_ name: String) -> String { SharedFiles.vectors + "/\(name).jac" }

    @Test(arguments: ["logs_blocks1000", "mitre_attack_enterprise", "logs_array", "numbers"])
    func unpackThreadCountsGiveIdenticalBytes(name: String) throws {
        let ws = try Workspace()
        let one = try ws.jac(["unpack", "-j1", Self.vector(name)])
        let four = try ws.jac(["unpack", "-j4", Self.vector(name)])
        #expect(one.status == 0 && four.status == 0)
        #expect(one.stdout == four.stdout)
        #expect(!one.stdout.isEmpty)
        // From standard input too.
        try Data(try SharedFiles.read(Self.vector(name))).write(to: URL(fileURLWithPath: ws.file("in.jac")))
        #expect(try ws.jac(["unpack", "-j3", "-"], stdin: "in.jac").stdout == one.stdout)
    }

    @Test func catProjectsFieldsAndSlices() throws {
        let ws = try Workspace()
        let path = Self.vector("spec_sample")
        let r = try ws.jac(["cat", path, "--field", "user,error"])
        #expect(r.status == 0)
        #expect(String(decoding: r.stdout, as: UTF8.self) == """
        {"user":"alice"}
        {"user":"alice"}
        {"user":"bob"}
        {"user":"carol","error":"Disk failure"}

        """)
        let csv = try ws.jac(["cat", path, "-F", "ts", "--format", "csv", "--records", "1-2"])
        #expect(String(decoding: csv.stdout, as: UTF8.self) == "ts\n1623000005\n1623000010\n")
        let full = try ws.jac(["unpack", Self.vector("logs_blocks1000")])
        let lines = JSONValue.recordLines(full.stdout)
        let slice = try ws.jac(["cat", Self.vector("logs_blocks1000"), "--records", "990-1010"])
        #expect(JSONValue.recordLines(slice.stdout).map(Array.init) == lines[990 ... 1010].map(Array.init))
        let blocks = try ws.jac(["cat", Self.vector("logs_blocks1000"), "--blocks", "1"])
        #expect(JSONValue.recordLines(blocks.stdout).map(Array.init) == lines[1000 ..< 2000].map(Array.init))
        #expect(try ws.jac(["cat", path, "--format", "csv"]).status != 0)
    }

    @Test func lsListsWithAndWithoutIndex() throws {
        let ws = try Workspace()
        let r = try ws.jac(["ls", Self.vector("logs_blocks1000")])
        #expect(r.status == 0)
        let text = String(decoding: r.stdout, as: UTF8.self)
        #expect(text.contains("index footer") && text.contains("level"))
        let noIndex = try ws.jac(["ls", "--format", "json", Self.vector("logs_noindex")])
        #expect(noIndex.status == 0)
        let json = try JSONValue.parse(noIndex.stdout)
        guard case .object(let o) = json else { Issue.record("not an object"); return }
        #expect(o[Array("indexed".utf8)] == .bool(false))
        let damaged = try ws.jac(["ls", SharedFiles.vectors + "/bad/flip_index.jac"])
        #expect(damaged.status == 0 && damaged.stderr.contains("warning"))
    }

    @Test(arguments: ["flip_index", "bad_pointer"])
    func damagedIndexWarnsOnce(name: String) throws {
        let ws = try Workspace()
        let r = try ws.jac(["unpack", "-j2", SharedFiles.vectors + "/bad/\(name).jac"])
        #expect(r.status == 0)
        #expect(r.stderr.split(separator: "\n").count == 1)
        let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
        #expect(firstDifference(actualText: r.stdout, expectedText: expected) == nil)
    }

    @Test func salvageReportsTheLoss() throws {
        let ws = try Workspace()
        let strict = try ws.jac(["unpack", SharedFiles.vectors + "/bad/flip_segment.jac"])
        #expect(strict.status == 1)
        let r = try ws.jac(["unpack", "--salvage", SharedFiles.vectors + "/bad/flip_segment.jac"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("1000 records lost"))
        #expect(r.stderr.contains("skipped bytes"))
        let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
        #expect(JSONValue.recordLines(r.stdout).count == JSONValue.recordLines(expected).count - 1000)
    }

    /// `jac unpack | head -1` ends quietly.
    @Test func closedPipeIsQuiet() throws {
        let ws = try Workspace()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "'\(binDirectory)/jac' unpack '\(Self.vector("mitre_attack_enterprise"))' 2>'\(ws.file("err"))' | head -c 100 >/dev/null"]
        try p.run()
        p.waitUntilExit()
        #expect(try ws.read("err").isEmpty)
    }

    /// The shared corpus, packed by us: projection equals the fields of a full decode.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["JAC_CORPUS_TESTS"] == "1"),
          arguments: ["zeek_dns", "mitre_attack_enterprise", "geonames_cities15000", "github_events", "aws_cloudtrail",
                      "jenkins_plugins", "citm_performances", "amazon_cellphones", "iso_639_3", "iso_3166_2", "vega_cars", "gsoc2018"])
    func corpusProjection(name: String) throws {
        let ws = try Workspace()
        #expect(try ws.jac(["pack", "--block-records", "10000", "-o", ws.file("a.jac"), SharedFiles.corpus + "/\(name).ndjson"]).status == 0)
        let full = try JSONValue.parseRecords(try ws.jac(["unpack", "-j1", ws.file("a.jac")]).stdout)
        let ls = try JSONValue.parse(try ws.jac(["ls", "--no-types", "--format", "json", ws.file("a.jac")]).stdout)
        guard case .object(let o) = ls, case .array(let fields)? = o[Array("fields".utf8)] else { Issue.record("ls json"); return }
        let names: [[UInt8]] = fields.compactMap { f in
            if case .object(let m) = f, case .string(let n)? = m[Array("name".utf8)] { return n } else { return nil }
        }
        for name in names where !name.contains(UInt8(ascii: ",")) {
            let r = try ws.jac(["cat", "-j2", ws.file("a.jac"), "--field", String(decoding: name, as: UTF8.self)])
            let got = try JSONValue.recordLines(r.stdout).map { try JSONValue.parse($0) }
            let want: [JSONValue] = full.map { rec in
                guard case .object(let m) = rec else { return rec }
                return .object(m.filter { $0.key == name })
            }
            #expect(firstDifference(actual: got, expected: want) == nil, "\(String(decoding: name, as: UTF8.self))")
        }
        #expect(try ws.jac(["unpack", "-j4", ws.file("a.jac")]).stdout == (try ws.jac(["unpack", "-j1", ws.file("a.jac")]).stdout))
    }
}
