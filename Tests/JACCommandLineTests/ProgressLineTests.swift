import Foundation
import JACTestSupport
import Testing

/// The progress line of `jac pack`, `jac -d`, `jac-verify` and the pipeline, on a pseudo-terminal
/// (drawn at once: JAC_PROGRESS_AFTER=0): shown when standard error is a terminal, never with
/// -q or when it is not, one line for a whole pipeline, and the -v summary after it.
struct ProgressLineTests {
    /// 2,000 records in blocks of 100, so there are many blocks to report.
    static let input = (0 ..< 2000).map { #"{"i":\#($0),"s":"value \#($0 % 7)"}"# }.joined(separator: "\n") + "\n"

    private func workspace() throws -> Workspace {
        let w = try Workspace()
        try w.write("in.ndjson", Self.input)
        return w
    }

    /// The lines drawn, each from its carriage return to the erase-to-end that closes it.
    private func drawn(_ screen: String) -> [String] {
        screen.split(separator: "\r").map { $0.replacingOccurrences(of: "\u{1B}[K", with: "") }
            .filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
    }

    @Test func packDrawsRecordsSpeedAndPercent() throws {
        let w = try workspace()
        let r = try w.terminal("jac pack --block-records 100 in.ndjson")
        #expect(r.status == 0, "\(r.screen)")
        let lines = drawn(r.screen)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("jac pack: ") && $0.contains(" records, ") && $0.contains(" MB/s, ") && $0.hasSuffix("%") },
                "\(r.screen.debugDescription)")
        #expect(r.screen.hasSuffix("\r\u{1B}[K"), "the line is cleared at the end: \(r.screen.debugDescription)")
        #expect(w.exists("in.ndjson.jac"))
    }

    @Test(arguments: ["jac pack -q --block-records 100 in.ndjson", "jac pack --block-records 100 in.ndjson 2>err.txt"])
    func noLineWhenQuietOrNotATerminal(command: String) throws {
        let w = try workspace()
        let r = try w.terminal(command)
        #expect(r.status == 0 && r.screen.isEmpty, "\(r.screen.debugDescription)")
        #expect(try !w.exists("err.txt") || w.read("err.txt").isEmpty)
    }

    /// -v ends with the summary, on its own lines after the cleared progress line.
    @Test func verboseEndsWithTheSummary() throws {
        let w = try workspace()
        let r = try w.terminal("jac pack -v --block-records 100 in.ndjson")
        #expect(r.status == 0, "\(r.screen)")
        guard let cleared = r.screen.range(of: "\r\u{1B}[K", options: .backwards) else {
            Issue.record("no progress line: \(r.screen.debugDescription)")
            return
        }
        let after = r.screen[cleared.upperBound...]
        #expect(after.hasPrefix("jac: in.ndjson: 2000 records, 20 blocks, "), "\(r.screen.debugDescription)")
        #expect(!after.contains("jac pack: "))
    }

    @Test(arguments: [("jac-verify x.jac >out.txt", "jac-verify: "), ("jac verify x.jac >out.txt", "jac verify: "),
                      ("jac -t x.jac >out.txt", "jac verify: "), ("jac -d -c x.jac >out.txt", "jac unpack: ")])
    func readersDrawTheirLine(command: String, label: String) throws {
        let w = try workspace()
        #expect(try w.jac(["pack", "--block-records", "100", "in.ndjson", "-o", "x.jac"]).status == 0)
        let r = try w.terminal(command)
        #expect(r.status == 0, "\(r.screen)")
        let lines = drawn(r.screen)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix(label) && $0.contains(" records, ") && $0.hasSuffix("%") },
                "\(r.screen.debugDescription)")
    }

    /// Three stages, each with standard error on the terminal: only jac-split, which reads the
    /// input and knows its size, draws a line.
    @Test func pipelineDrawsOneLine() throws {
        let w = try workspace()
        let r = try w.terminal("jac-split --block-records 100 in.ndjson | jac-squeeze -j2 | jac-assemble -o out.jac")
        #expect(r.status == 0, "\(r.screen)")
        let lines = drawn(r.screen)
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("jac-split: ") && $0.hasSuffix("%") }, "\(r.screen.debugDescription)")
        #expect(try w.jac(["verify", "out.jac"]).status == 0)
    }
}
