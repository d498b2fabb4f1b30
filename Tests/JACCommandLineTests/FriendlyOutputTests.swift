import Foundation
import JACTestSupport
import Testing

/// `jac ls` for people (100 columns, binary units, NDJSON size and ratio, several archives with
/// a total) and for programs (one JSON object per archive); `jac cat`'s warnings when a field
/// or range matches nothing, and its raw values.
struct FriendlyOutputTests {
    /// An archive of `count` generated records in `name` (blocks of 1000 records), and its
    /// NDJSON size as `jac unpack` writes it.
    static func archive(_ w: Workspace, _ name: String, count: Int) throws -> (bytes: Int, ndjson: Int) {
        try w.generate(name + ".ndjson", count: count)
        let r = try w.shell("jac pack --block-records 1000 \(name).ndjson -o \(name).jac && stat -c %s \(name).jac && jac unpack \(name).jac | wc -c")
        #expect(r.status == 0, "\(r.stderr)")
        let numbers = String(decoding: r.stdout, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        return (numbers[0], numbers[1])
    }

    /// "%.2f" of `a / b`, as `jac pack -v` prints its ratio.
    static func ratio(_ a: Int, _ b: Int) -> String {
        let n = Int((Double(a) / Double(b) * 100).rounded())
        return "\(n / 100)." + (n % 100 < 10 ? "0" : "") + "\(n % 100)"
    }

    @Test func lsFitsAHundredColumnsInBinaryUnits() throws {
        let w = try Workspace()
        let (bytes, ndjson) = try Self.archive(w, "a", count: 5000)
        let r = try w.shell("jac ls a.jac")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.map { $0.count })")
        #expect(lines[0].split(separator: " ") == ["blocks", "records", "fields", "archive", "NDJSON", "ratio", "index", "name"])
        let row = lines[1].split(separator: " ")
        #expect(row[0 ..< 3] == ["5", "5000", "4"], "\(lines[1])")
        #expect(row.contains("KiB") && row.last == "a.jac", "\(lines[1])")
        #expect(row.contains(Substring(Self.ratio(ndjson, bytes))), "\(lines[1])")
        #expect(lines.contains { $0.hasPrefix("level ") && $0.hasSuffix(" string") }, "\(lines)")

        let exact = try w.shell("jac ls --bytes a.jac")
        let exactRow = String(decoding: exact.stdout, as: UTF8.self).split(separator: "\n")[1].split(separator: " ")
        #expect(exactRow[3 ... 5] == ["\(bytes)", "\(ndjson)", Substring(Self.ratio(ndjson, bytes))], "\(exactRow)")
        #expect(!String(decoding: exact.stdout, as: UTF8.self).contains("KiB"))

        // Headers only: no NDJSON size, no ratio, no types.
        let headers = try w.shell("jac ls -b --no-types a.jac")
        let headerRow = String(decoding: headers.stdout, as: UTF8.self).split(separator: "\n")[1].split(separator: " ")
        #expect(headerRow[3 ... 5] == ["\(bytes)", "-", "-"], "\(headerRow)")
    }

    @Test func lsOfSeveralArchivesEndsWithATotal() throws {
        let w = try Workspace()
        let a = try Self.archive(w, "a", count: 3000)
        let b = try Self.archive(w, "b", count: 1500)
        let r = try w.shell("jac ls -b a.jac - < b.jac")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.count == 4, "\(lines)")
        #expect(lines[1] == ["3", "3000", "4", "\(a.bytes)", "\(a.ndjson)", Substring(Self.ratio(a.ndjson, a.bytes)), "yes", "a.jac"])
        #expect(lines[2] == ["2", "1500", "4", "\(b.bytes)", "\(b.ndjson)", Substring(Self.ratio(b.ndjson, b.bytes)), "yes", "<stdin>"])
        let total = Self.ratio(a.ndjson + b.ndjson, a.bytes + b.bytes)
        #expect(lines[3] == ["5", "4500", "8", "\(a.bytes + b.bytes)", "\(a.ndjson + b.ndjson)", Substring(total), "-", "total", "(2", "archives)"])

        // JSON stays machine-readable: one object per archive, one per line.
        let json = try w.shell("jac ls --format json a.jac b.jac")
        let objects = try json.stdout.split(separator: 0x0A).map { try JSONValue.parse(Array($0)) }
        #expect(objects.count == 2)
        for (o, expected) in zip(objects, [a, b]) {
            guard case .object(let fields) = o else { Issue.record("not an object"); continue }
            #expect(fields[Array("bytes".utf8)]?.description == "\(expected.bytes)e0")
            #expect(fields[Array("ndjson_bytes".utf8)]?.description == "\(expected.ndjson)e0")
        }
        #expect(try w.shell("jac ls - - < a.jac").status == 2)

        // A damaged archive among them is named, the others listed and totalled, and the status is 1.
        let damaged = try w.shell("head -c 200 a.jac > cut.jac && jac ls -b a.jac cut.jac b.jac")
        #expect(damaged.status == 1, "\(damaged.stderr)")
        let errors = damaged.stderr.split(separator: "\n")
        #expect(errors.count == 1 && errors[0].hasPrefix("jac: cut.jac: "), "\(errors)")
        let rows = String(decoding: damaged.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(rows.count == 4 && rows[1].last == "a.jac" && rows[2].last == "b.jac", "\(rows)")
        #expect(rows[3] == ["5", "4500", "8", "\(a.bytes + b.bytes)", "\(a.ndjson + b.ndjson)", Substring(total), "-", "total", "(2", "archives)"])
    }

    @Test func catWarnsOnceWhenNothingMatches() throws {
        let w = try Workspace()
        _ = try Self.archive(w, "a", count: 3000)
        for (input, name) in [("a.jac", "a.jac"), ("- < a.jac", "<stdin>")] {
            let missing = try w.shell("jac cat -F id,nope,gone,nope \(input) > out")
            #expect(missing.status == 0)
            #expect(missing.stderr == "jac: warning: \(name): fields \"nope\", \"gone\" are in no block\n", "\(missing.stderr)")
            let range = try w.shell("jac cat --records 5000- \(input) > out")
            #expect(range.status == 0)
            #expect(range.stderr.hasSuffix("--records 5000- selects nothing (the archive holds 3 blocks, 3000 records)\n"), "\(range.stderr)")
            #expect(range.stderr.filter { $0 == "\n" }.count == 1)
            #expect(try w.read("out").isEmpty)
            let blocks = try w.shell("jac cat -F nope --blocks 1 \(input) > out")
            #expect(blocks.stderr.hasSuffix("field \"nope\" is in no selected block\n"), "\(blocks.stderr)")
            #expect(try w.shell("jac cat -q -F nope --blocks 7 \(input)").stderr.isEmpty)
            let found = try w.shell("jac cat -F id --records 10-20 \(input) > out")
            #expect(found.status == 0 && found.stderr.isEmpty, "\(found.stderr)")
        }
    }

    @Test func rawValuesPrintStringsBare() throws {
        let w = try Workspace()
        try w.write("in.ndjson", """
            {"s":"a\\"b\\u00e9\\\\","n":null,"i":1}
            {"s":"x y","i":[1,"2"]}
            {"n":"null"}

            """)
        #expect(try w.shell("jac pack in.ndjson -o in.jac").status == 0)
        let raw = try w.shell("jac cat -r -F s,n,i in.jac")
        #expect(raw.status == 0, "\(raw.stderr)")
        #expect(String(decoding: raw.stdout, as: UTF8.self) == "a\"b\u{E9}\\\tnull\t1\nx y\t\t[1,\"2\"]\n\tnull\t\n")
        let quoted = try w.shell("jac cat --format values -F s,n in.jac")
        #expect(String(decoding: quoted.stdout, as: UTF8.self) == "\"a\\\"b\u{E9}\\\\\"\tnull\n\"x y\"\t\n\t\"null\"\n")
        let same = try w.shell("jac cat --format values --raw -F s,n,i in.jac")
        #expect(same.stdout == raw.stdout)
        let csv = try w.shell("jac cat --format csv --raw -F s in.jac")
        #expect(csv.status == 2 && csv.stderr.contains("--raw goes with --format values"), "\(csv.stderr)")
    }

    /// `-F` paths select inside stored objects and arrays; a block's top-level field of the
    /// whole name wins over the path (block 1 here), and a malformed path is only a name.
    @Test func pathsSelectInsideStoredValues() throws {
        let w = try Workspace()
        try w.write("in.ndjson", """
            {"id":0,"geo":{"country":"FR","a.b":{"c":5}},"items":[{"sku":"x1"},{"sku":"x2"}]}
            {"id":1,"geo":{"country":"D\\"E","city":null},"items":[]}
            {"id":2,"geo":"flat","items":[{"sku":"y\\u00e9"}]}
            {"id":3,"geo.country":"literal","geo":{"country":"IT"}}

            """)
        #expect(try w.shell("jac pack --block-records 3 in.ndjson -o in.jac").status == 0)
        let want = """
            {"geo.country":"FR","items[0].sku":"x1","items[1]":{"sku":"x2"},"geo[\\"a.b\\"].c":5}
            {"geo.country":"D\\"E"}
            {"items[0].sku":"y\u{E9}"}
            {"geo.country":"literal"}

            """
        for input in ["in.jac", "- < in.jac", "--no-crc -j2 in.jac"] {
            let r = try w.shell(#"jac cat -F 'geo.country,items[0].sku,items[1],geo["a.b"].c' "# + input)
            #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
            #expect(String(decoding: r.stdout, as: UTF8.self) == want, "\(input)")
        }
        let raw = try w.shell("jac cat -r -F 'geo.country,items[0].sku' in.jac")
        #expect(String(decoding: raw.stdout, as: UTF8.self) == "FR\tx1\nD\"E\t\n\ty\u{E9}\nliteral\t\n")
        let csv = try w.shell("jac cat --format csv -F 'geo.country,geo.city' --records 0-1 in.jac")
        #expect(String(decoding: csv.stdout, as: UTF8.self) == "geo.country,geo.city\nFR,\n\"D\"\"E\",\n")
        let malformed = try w.shell("jac cat -F 'items[x]' in.jac")
        #expect(malformed.stderr.contains("field \"items[x]\" is in no block"), "\(malformed.stderr)")
    }
}
