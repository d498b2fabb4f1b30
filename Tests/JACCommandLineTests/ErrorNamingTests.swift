import Foundation
import Testing

/// Every error path of every tool names the file (standard input as `<stdin>`) and where in it:
/// a line and column for JSON, a block (and field) or a frame offset for binary input, a record
/// by the number `--records` selects. One line, and the exit status of damaged data.
struct ErrorNamingTests {
    /// Inputs made by `setUp`: bad.ndjson breaks at line 3, column 6 and other.ndjson differs
    /// from good.ndjson in its third record; cut.jac lost its last bytes (the index footer its
    /// header announces); flip.jac has a byte of block 0's header changed; the frame streams
    /// are cut inside their last frame.
    static let setUp = """
        printf '{"a":1}\\n{"a":2}\\n{"a":}\\n' > bad.ndjson
        printf '{"a":1}\\n{"a":2}\\n{"a":3}\\n' > good.ndjson
        printf '{"a":1}\\n{"a":2}\\n{"a":4}\\n' > other.ndjson
        gzip -k bad.ndjson
        gzip -c good.ndjson | head -c 30 > cutgz.ndjson.gz
        jac pack good.ndjson -o good.jac
        size=$(stat -c %s good.jac)
        head -c $((size - 10)) good.jac > cut.jac
        cp good.jac flip.jac
        printf '\\x00' | dd of=flip.jac bs=1 seek=20 conv=notrunc status=none
        jac-split good.ndjson > raw.frames
        jac-squeeze raw.frames > squeezed.frames
        rsize=$(stat -c %s raw.frames)
        head -c $((rsize - 5)) raw.frames > rawcut.frames
        ssize=$(stat -c %s squeezed.frames)
        head -c $((ssize - 5)) squeezed.frames > sqcut.frames
        """

    @Test(arguments: [
        ("jac pack bad.ndjson -o x.jac", "jac: bad.ndjson: line 3, column 6: expected a value, found '}'"),
        ("jac pack < bad.ndjson > x.jac", "jac: <stdin>: line 3, column 6: expected a value"),
        ("jac pack bad.ndjson.gz -o x.jac", "jac: bad.ndjson.gz: line 3, column 6: expected a value"),
        ("jac-split bad.ndjson | jac-squeeze > x.frames", "jac-squeeze: <stdin>: jac-split's input: line 3, column 6: expected a value"),
        ("jac-verify --against other.ndjson good.jac", "jac-verify: good.jac: block 0: record 2 (input line 3): values of \"a\" differ"),
        ("jac-verify --against bad.ndjson good.jac", "jac-verify: good.jac: bad.ndjson: line 3, column 6: expected a value"),
        ("jac unpack flip.jac > x", "jac: flip.jac: block 0 at offset "),
        ("jac unpack < flip.jac > x", "jac: <stdin>: block 0 at offset "),
        ("jac -d -c flip.jac > x", "jac: flip.jac: block 0 at offset "),
        ("jac -t flip.jac", "jac: flip.jac: block 0 at offset "),
        ("jac ls flip.jac", "jac: flip.jac: block 0 at offset "),
        ("jac ls < flip.jac", "jac: <stdin>: block 0 at offset "),
        ("jac ls good.jac flip.jac > x", "jac: flip.jac: block 0 at offset "),
        ("jac cat -F a flip.jac", "jac: flip.jac: block 0 at offset "),
        ("jac cat -F a < flip.jac", "jac: <stdin>: block 0 at offset "),
        ("jac verify flip.jac", "jac: flip.jac: block 0 at offset "),
        ("jac verify < flip.jac", "jac: <stdin>: block 0 at offset "),
        ("jac unpack cut.jac", "jac: cut.jac: index pointer"),
        ("jac unpack < cut.jac > x", "jac: <stdin>: index pointer"),
        ("jac cat -F a < cut.jac > x", "jac: <stdin>: index pointer"),
        ("jac verify < cut.jac", "jac: <stdin>: index pointer"),
        ("jac-squeeze rawcut.frames > x", "jac-squeeze: rawcut.frames: frame at offset "),
        ("jac-squeeze < rawcut.frames > x", "jac-squeeze: <stdin>: frame at offset "),
        ("jac-assemble sqcut.frames > x", "jac-assemble: sqcut.frames: frame at offset "),
        ("jac-assemble < sqcut.frames > x", "jac-assemble: <stdin>: frame at offset "),
        ("jac-assemble good.jac flip.jac > x", "jac-assemble: flip.jac: block 0 at offset "),
        ("jac pack cutgz.ndjson.gz -o x.jac", "jac: cutgz.ndjson.gz: gzip input is cut short"),
        ("jac-verify --against cutgz.ndjson.gz good.jac", "jac-verify: good.jac: cutgz.ndjson.gz: gzip input is cut short"),
    ])
    func messageNamesFileAndPosition(command: String, message: String) throws {
        let w = try Workspace()
        let made = try w.shell(Self.setUp)
        #expect(made.status == 0, "\(made.stderr)")
        let result = try w.shell(command)
        #expect(result.status == 1, "\(command): \(result.stderr)")
        #expect(result.stderr.hasPrefix(message), "\(command): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(command): \(result.stderr)")
    }

    /// Salvage's report names the file on every line.
    @Test func salvageReportNamesTheFile() throws {
        let w = try Workspace()
        #expect(try w.shell(Self.setUp).status == 0)
        for (command, name) in [("jac unpack --salvage flip.jac", "flip.jac"), ("jac unpack --salvage < flip.jac", "<stdin>")] {
            let result = try w.shell(command)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("jac: \(name): salvage: ") }, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("skipped bytes ") && result.stderr.contains("block 0 at offset "), "\(result.stderr)")
        }
    }

    /// The record a message names is the one `--records` selects.
    @Test func recordNumbersAreThoseOfRecords() throws {
        let w = try Workspace()
        #expect(try w.shell(Self.setUp).status == 0)
        let result = try w.shell("jac-verify --against other.ndjson good.jac")
        let number = try #require(result.stderr.split(separator: "record ").dropFirst().first?.prefix { $0.isNumber })
        let selected = try w.shell("jac cat --records \(number) good.jac")
        #expect(String(decoding: selected.stdout, as: UTF8.self) == "{\"a\":3}\n")
    }
}
