import Foundation
import JACTestSupport
import Testing

/// Outputs that are not regular files are written in place; a full disk, a directory or an
/// unreadable input is a one-line error with exit status 2, never a crash or a stray file.
struct OutputFaultTests {
    @Test func devicesAreWrittenInPlace() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            jac pack in.ndjson -o /dev/null
            test -c /dev/null
            jac pack in.ndjson -o in.jac
            jac unpack in.jac -o /dev/null
            mkfifo pipe
            cat pipe > through.jac & reader=$!
            jac pack in.ndjson -o pipe
            wait $reader
            cmp in.jac through.jac
            """)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func fullDiskAndBadPathsFailCleanly() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        for (arguments, message) in [
            (["pack", "in.ndjson", "-o", "/dev/full"], "No space left on device"),
            (["pack", "in.ndjson", "-o", "."], "is a directory"),
            (["pack", ".", "-o", "out.jac"], "read failed"),
            (["pack", "missing.ndjson", "-o", "out.jac"], "No such file or directory"),
        ] {
            let r = try w.jac(arguments)
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
            #expect(r.stderr.hasPrefix("jac: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
        let left = try w.listing()
        #expect(left.allSatisfy { !$0.contains(".tmp-") && $0 != "out.jac" }, "\(left)")
    }
}
