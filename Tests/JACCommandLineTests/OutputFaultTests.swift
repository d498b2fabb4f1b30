import Foundation
import JACTestSupport
import Testing

/// Outputs that are not regular files are written in place; a full disk, a directory, an
/// unreadable input or a closed pipe is a one-line error with exit status 2, never a crash or a
/// stray file; an interrupted run leaves no file behind and no stream that decodes.
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

    /// Random hex strings: an archive of them is several megabytes, more than a pipe holds.
    static let noise = """
        head -c 1500000 /dev/urandom | od -An -tx1 -v | tr -d ' \\n' | fold -w 200 \
            | awk '{ printf "{\\"n\\":%d,\\"r\\":\\"%s\\"}\\n", NR, $0 }' > noise.ndjson
        """

    @Test func closedPipeIsAnErrorForWriters() throws {
        let w = try Workspace()
        let result = try w.shell(Self.noise + """

            jac pack -o - noise.ndjson 2> pack.err | head -c 10 > /dev/null
            echo "pack ${PIPESTATUS[0]} $(cat pack.err)"
            jac-split noise.ndjson 2> split.err | head -c 10 > /dev/null
            echo "split ${PIPESTATUS[0]} $(cat split.err)"
            jac unpack <(jac pack -o - noise.ndjson) 2> unpack.err | head -c 10 > /dev/null
            echo "unpack ${PIPESTATUS[0]} $(cat unpack.err)"
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines) \(result.stderr)")
        for (line, tool) in zip(lines, ["jac", "jac-split"]) {
            #expect(line.contains(" 2 \(tool): <stdout>: broken pipe (the reader stopped before the end; the output is incomplete)"), "\(line)")
        }
        // A reader's output cut by `head` is what the user asked for: quiet, killed by SIGPIPE.
        #expect(lines.last == "unpack 141 ", "\(lines)")
    }

    /// SIGINT or SIGTERM in the middle of a pack: no output file, no temporary file, and the
    /// part already written to a pipe ends so that it does not decode.
    @Test(arguments: ["INT", "TERM"])
    func interruptedPackLeavesNothingThatDecodes(signal: String) throws {
        let w = try Workspace()
        let result = try w.shell(Self.noise + """

            set -m
            mkfifo feed1 feed2
            exec 3<>feed1 4<>feed2
            jac pack -o out.jac < feed1 2> file.err & pid=$!
            head -c 1000000 noise.ndjson >&3
            for i in $(seq 2000); do ls -a | grep -q '^\\.out\\.jac\\.tmp-' && break; sleep 0.01; done
            ls -a | grep -q '^\\.out\\.jac\\.tmp-' || { echo "no temporary file appeared" >&2; exit 1; }
            kill -\(signal) $pid
            wait $pid; echo "file $?"
            ls -a | grep -c 'out\\.jac' || true
            jac pack -o - -j1 --block-records 500 < feed2 > partial.jac 2> stream.err & pid=$!
            cat noise.ndjson >&4
            for i in $(seq 2000); do [ -s partial.jac ] && break; sleep 0.01; done
            [ -s partial.jac ] || { echo "pack wrote nothing" >&2; exit 1; }
            kill -\(signal) $pid
            wait $pid; echo "stream $?"
            exec 3>&- 4>&-
            jac unpack partial.jac > /dev/null 2> unpack.err; echo "unpack $?"
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let status = signal == "INT" ? 130 : 143
        #expect(lines == ["file \(status)", "0", "stream \(status)", "unpack 1"], "\(lines) \(result.stderr)")
    }
}
