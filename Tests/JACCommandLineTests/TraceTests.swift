import Foundation
import JACTestSupport
import Testing

/// `--trace FILE` (doc/trace.md): every pool job and serial span recorded, output unchanged.
struct TraceTests {
    /// 3000 records in blocks of 500, so several blocks, chunks and fields.
    static let ndjson = (0 ..< 3000).map { #"{"id":\#($0),"host":"h\#($0 % 7)","msg":"line \#($0 * 31)"}"# }
        .joined(separator: "\n") + "\n"

    struct Record {
        var id, parent: Int
        var kind: String
        var thread: String
        var start, end: Int
    }

    /// The records of a trace file, after checking its two header lines.
    static func records(_ bytes: [UInt8]) throws -> [Record] {
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("# jac trace 1 threads=") == true)
        #expect(lines.first?.hasSuffix(" dropped=0") == true)
        #expect(lines.dropFirst().first == "id\tparent\tkind\tgroup\tlane\tbytes\tthread\tqueued\tstart\tend")
        return try lines.dropFirst(2).map { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 10, let id = Int(f[0]), let parent = Int(f[1]), let start = Int(f[8]), let end = Int(f[9]) else {
                throw BadLine(text: line)
            }
            return Record(id: id, parent: parent, kind: f[2], thread: f[6], start: start, end: end)
        }
    }

    struct BadLine: Error {
        let text: String
    }

    /// Checks what every trace holds: times in order, parents that exist, the kinds expected.
    static func check(_ records: [Record], kinds: Set<String>, threads: Set<String>) {
        let ids = Set(records.map(\.id))
        #expect(ids.count == records.count)
        for r in records {
            #expect(r.start <= r.end)
            #expect(r.parent == 0 || ids.contains(r.parent), "parent of \(r.id)")
        }
        #expect(Set(records.map(\.kind)) == kinds)
        #expect(Set(records.map(\.thread)).isSubset(of: threads))
        #expect(zip(records, records.dropFirst()).allSatisfy { $0.start <= $1.start })
    }

    @Test(arguments: [1, 2])
    func packAndUnpackRecordEveryTaskAndWriteTheSameBytes(threads: Int) throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        for args in [["pack", "-j\(threads)", "--block-records", "500", "in.ndjson", "-o", "plain.jac"],
                     ["pack", "-j\(threads)", "--block-records", "500", "in.ndjson", "-o", "traced.jac", "--trace", "pack.tsv"],
                     ["unpack", "-j\(threads)", "plain.jac", "-o", "back.ndjson", "--trace", "unpack.tsv"]] {
            let r = try w.jac(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        #expect(try w.read("traced.jac") == w.read("plain.jac"))
        #expect(try w.read("back.ndjson") == Array(Self.ndjson.utf8))
        let workers = Set((0 ..< threads).map(String.init))
        let pack = try Self.records(w.read("pack.tsv"))
        Self.check(pack, kinds: ["read", "encode", "compress", "write"], threads: workers.union(["reader", "writer"]))
        #expect(pack.filter { $0.kind == "write" }.count == 6)
        let unpack = try Self.records(w.read("unpack.tsv"))
        Self.check(unpack, kinds: ["read", "open", "decode", "render", "write"], threads: workers.union(["reader", "writer"]))
        #expect(unpack.filter { $0.kind == "open" }.count == 6)
        // Every piece written names the render that made it.
        let renders = Set(unpack.filter { $0.kind == "render" }.map(\.id))
        #expect(unpack.filter { $0.kind == "write" }.allSatisfy { renders.contains($0.parent) })
    }

    /// A trace file is an output like -o: an existing one is refused (exit 2) before any work.
    @Test func anExistingTraceFileIsRefused() throws {
        let w = try Workspace()
        try w.write("in.ndjson", Self.ndjson)
        try w.write("trace.tsv", "keep\n")
        let r = try w.jac(["pack", "in.ndjson", "-o", "out.jac", "--trace", "trace.tsv"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("trace.tsv"))
        #expect(try w.read("trace.tsv") == Array("keep\n".utf8))
        #expect(!w.exists("out.jac"))
    }
    /// scripts/model on a trace worked out by hand: a 1 ms read, a 4 ms encode, then two 4 ms
    /// compressions of the block and its write. Two workers run the compressions side by side
    /// (9 ms against 13); with `--ceiling 1.5` two threads at once each go at 0.75 of their
    /// speed, so those take 5.33 ms (10.33 ms in all) while one worker, never beside another
    /// job, keeps its 13.
    @Test func modelReplaysATraceWithAndWithoutContention() throws {
        let w = try Workspace()
        let rows = [
            "1\t0\tread\t0\t-1\t100\treader\t0\t0\t1000000",
            "2\t1\tencode\t0\t1\t100\t0\t1000000\t1000000\t5000000",
            "3\t2\tcompress\t0\t0\t50\t0\t5000000\t5000000\t9000000",
            "4\t2\tcompress\t0\t0\t50\t0\t5000000\t9000000\t13000000",
            "5\t2\twrite\t0\t-1\t100\twriter\t13000000\t13000000\t13000000",
        ]
        try w.write("t.tsv", "# jac trace 1 threads=1 budget=100000000 window=64 dropped=0\n"
            + "id\tparent\tkind\tgroup\tlane\tbytes\tthread\tqueued\tstart\tend\n" + rows.joined(separator: "\n") + "\n")
        let model = SharedFiles.packageRoot + "/scripts/model"
        for (options, expected) in [("", ["1.00x", "1.44x"]), ("--cores 2 --ceiling 1.5", ["1.00x", "1.26x"])] {
            let r = try w.shell("\(model) t.tsv --workers 1,2 \(options)")
            #expect(r.status == 0, "\(options): \(r.stderr)")
            let speedUps = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
                .filter { $0.hasPrefix("      ") }.map { String($0.split(separator: " ")[2]) }
            #expect(speedUps == expected, "\(options)")
        }
    }
}
