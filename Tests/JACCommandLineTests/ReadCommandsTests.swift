import Foundation
import JACTestSupport
import JACWire
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
        // A RANGE starting with '-' is the option's value, as a separate argument too.
        let head = try ws.jac(["cat", Self.vector("logs_blocks1000"), "--records", "-5"])
        #expect(head.status == 0 && JSONValue.recordLines(head.stdout).map(Array.init) == lines[0 ... 5].map(Array.init))
        let firstBlock = try ws.jac(["cat", "--blocks", "-0", Self.vector("logs_blocks1000")])
        #expect(firstBlock.status == 0 && JSONValue.recordLines(firstBlock.stdout).map(Array.init) == lines[0 ..< 1000].map(Array.init))
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
        for name in names {
            let escaped = name.flatMap { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\\") ? [UInt8(ascii: "\\"), $0] : [$0] }
            let r = try ws.jac(["cat", "-j2", ws.file("a.jac"), "--field", String(decoding: escaped, as: UTF8.self)])
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

/// Reading archives whose parts disagree, and selecting fields whose names hold the list syntax.
struct ReadCommandClaimsTests {
    /// `-F` splits at unescaped commas only; `\,` and `\\` are a comma and a backslash in a name,
    /// and dots, brackets, non-ASCII and the empty name are plain names.
    @Test func fieldListSelectsEveryName() throws {
        let ws = try Workspace()
        try ws.write("k.ndjson", #"{"a,b":1,"a":2,"b":3,"c.d":4,"e[0]":5,"x\\y":6,"":7,"é":8,"a\\,b":9}"# + "\n")
        #expect(try ws.jac(["pack", "-o", "k.jac", "k.ndjson"]).status == 0)
        let cases: [(String, String)] = [
            (#"a\,b"#, #"{"a,b":1}"#), ("a,b", #"{"a":2,"b":3}"#), ("c.d", #"{"c.d":4}"#), ("e[0]", #"{"e[0]":5}"#),
            (#"x\\y"#, #"{"x\\y":6}"#), ("", #"{"":7}"#), ("é", #"{"é":8}"#), ("a,", #"{"a":2,"":7}"#),
            (#"a\\\,b"#, #"{"a\\,b":9}"#), (#"b,a\,b,,"#, #"{"b":3,"a,b":1,"":7}"#),
        ]
        for (list, want) in cases {
            let r = try ws.jac(["cat", "-F", list, "k.jac"])
            #expect(r.status == 0 && String(decoding: r.stdout, as: UTF8.self) == want + "\n", "-F \(list)")
        }
        // Repeating the option adds names.
        let twice = try ws.jac(["cat", "--field", "c.d", "--field", #"a\,b"#, "k.jac"])
        #expect(String(decoding: twice.stdout, as: UTF8.self) == #"{"c.d":4,"a,b":1}"# + "\n")
        for bad in [#"a\b"#, #"a\"#] {
            let r = try ws.jac(["cat", "-F", bad, "k.jac"])
            #expect(r.status != 0 && r.stdout.isEmpty && r.stderr.contains("backslash"), "-F \(bad)")
        }
    }

    /// Packs records 0 and 1-3 separately, merges them with `assembleOptions`, and swaps the
    /// merged index's record counts (its CRC recomputed).
    static func swappedIndexArchive(_ ws: Workspace, assembleOptions: [String]) throws {
        try ws.write("one.ndjson", #"{"a":0}"# + "\n")
        try ws.write("three.ndjson", #"{"a":1}"# + "\n" + #"{"a":2}"# + "\n" + #"{"a":3}"# + "\n")
        #expect(try ws.jac(["pack", "-o", "one.jac", "one.ndjson"]).status == 0)
        #expect(try ws.jac(["pack", "-o", "three.jac", "three.ndjson"]).status == 0)
        let assemble = Process()
        assemble.executableURL = URL(fileURLWithPath: binDirectory + "/jac-assemble")
        assemble.arguments = assembleOptions + ["-o", ws.file("m.jac"), ws.file("one.jac"), ws.file("three.jac")]
        try assemble.run()
        assemble.waitUntilExit()
        #expect(assemble.terminationStatus == 0)
        var bytes = try ws.read("m.jac")
        var (footer, start) = try bytes.withUnsafeBytes { try IndexFooter.locate(in: $0).get() }
        #expect(footer.entries.map(\.recordCount) == [1, 3])
        footer.entries[0].recordCount = 3
        footer.entries[1].recordCount = 1
        bytes = Array(bytes[..<start]) + footer.encoded(footerOffset: start)
        try Data(bytes).write(to: URL(fileURLWithPath: ws.file("m.jac")))
    }

    static let readers = [["unpack"], ["cat", "--records", "0-3"], ["cat", "--blocks", "0-1"], ["cat", "-F", "a"],
                          ["cat", "--no-crc", "-F", "a", "--records", "0-"], ["ls"]]

    /// An index footer whose record counts are swapped, under the reference's header (bit 5
    /// clear): every reader sees that the index disagrees with the blocks, scans instead, and
    /// gives all four records in order with one warning; jac verify calls the archive damaged.
    @Test func swappedIndexCountsAgreeEverywhere() throws {
        let ws = try Workspace()
        try Self.swappedIndexArchive(ws, assembleOptions: ["--reference-header"])
        let all = (0 ..< 4).map { #"{"a":\#($0)}"# + "\n" }.joined()
        for args in Self.readers.dropLast() {
            let r = try ws.jac(args + ["m.jac"])
            #expect(r.status == 0 && String(decoding: r.stdout, as: UTF8.self) == all, "\(args)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("index"), "\(args): \(r.stderr)")
        }
        let one = try ws.jac(["cat", "--records", "1", "m.jac"])
        #expect(String(decoding: one.stdout, as: UTF8.self) == #"{"a":1}"# + "\n")
        let ls = try ws.jac(["ls", "m.jac"])
        #expect(ls.status == 0 && String(decoding: ls.stdout, as: UTF8.self).contains("index not used"))
        let verify = try ws.jac(["verify", "m.jac"])
        #expect(verify.status == 1 && verify.stderr.contains("index"))
    }

    /// The same swap under a header that announces the index (the default): the footer is
    /// damaged, so every reader refuses the archive with one line that points at --salvage,
    /// which gives back all four records and exits 1.
    @Test func swappedAnnouncedIndexCountsAreRefusedEverywhere() throws {
        let ws = try Workspace()
        try Self.swappedIndexArchive(ws, assembleOptions: [])
        for args in Self.readers + [["verify"]] {
            let r = try ws.jac(args + ["m.jac"])
            #expect(r.status == 1 && r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("index"), "\(args): \(r.stderr)")
        }
        let salvage = try ws.jac(["unpack", "--salvage", "m.jac"])
        #expect(salvage.status == 1)
        #expect(String(decoding: salvage.stdout, as: UTF8.self) == (0 ..< 4).map { #"{"a":\#($0)}"# + "\n" }.joined())
    }

    /// A block whose directory names one field twice (CRC recomputed) is damaged for every reader.
    @Test func twoEntriesWithOneNameAreRefused() throws {
        let ws = try Workspace()
        try ws.write("d.ndjson", #"{"a":null,"b":5}"# + "\n")
        #expect(try ws.jac(["pack", "--no-index", "-o", "d.jac", "d.ndjson"]).status == 0)
        var bytes = try ws.read("d.jac")
        let block = try #require((0 ..< bytes.count - 3).first { Array(bytes[$0 ..< $0 + 4]) == BlockHeader.magic })
        let name = try #require((block ..< bytes.count - 1).first { bytes[$0] == 1 && bytes[$0 + 1] == UInt8(ascii: "b") })
        bytes[name + 1] = UInt8(ascii: "a")
        let body = bytes.count - 4
        let crc = CRC32C.checksum(Array(bytes[block ..< body]))
        bytes.replaceSubrange(body..., with: (0 ..< 4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) })
        try Data(bytes).write(to: URL(fileURLWithPath: ws.file("d.jac")))
        for args in [["unpack"], ["cat", "-F", "a"], ["ls"], ["verify"]] {
            let r = try ws.jac(args + ["d.jac"])
            #expect(r.status == 1 && r.stdout.isEmpty, "\(args)")
            #expect(r.stderr.contains("block 0") && r.stderr.contains("both name field \"a\""), "\(args): \(r.stderr)")
        }
    }
}
