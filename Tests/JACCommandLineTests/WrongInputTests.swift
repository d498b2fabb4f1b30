import Foundation
import Testing

/// A reader of archives or frame streams whose standard input is a terminal refuses at once,
/// and a tool fed the wrong stream says what to run before it.
struct WrongInputTests {
    /// Runs the command on a new pseudo-terminal (its standard input, output and error), with a
    /// time limit: a tool that waited for input would be killed (status 124).
    static func onTerminal(_ command: String) -> String {
        """
        timeout 20 python3 -c '
        import os, pty, sys
        pid, fd = pty.fork()
        if pid == 0:
            os.execvp(sys.argv[1], sys.argv[1:])
        out = b""
        while True:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            out += data
        _, status = os.waitpid(pid, 0)
        sys.stderr.write(out.decode())
        sys.exit(os.waitstatus_to_exitcode(status))
        ' \(command)
        """
    }

    @Test(arguments: ["jac unpack", "jac ls", "jac cat --field id", "jac verify", "jac-verify", "jac-squeeze -o out", "jac-assemble -o out"])
    func terminalInputIsRefusedAtOnce(command: String) throws {
        let result = try Workspace().shell(Self.onTerminal(command))
        #expect(result.status == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.contains("standard input is a terminal"), "\(command): \(result.stderr)")
        #expect(result.stderr.split(whereSeparator: \.isNewline).count == 1, "\(command): \(result.stderr)")
    }

    @Test(arguments: [
        ("jac-squeeze in.ndjson", "in.ndjson: input is NDJSON, not a frame stream: pipe it through jac-split first"),
        ("jac-squeeze < in.json", "input is a JSON array, not a frame stream: pipe it through jac-split first"),
        ("jac-squeeze in.jac", "in.jac: input is a JAC archive, not a frame stream"),
        ("jac-squeeze squeezed.frames", "it was squeezed already, jac-assemble reads it"),
        ("jac-assemble raw.frames", "raw.frames: expected a stream of compressed blocks (from jac-squeeze), got stage 1: run jac-squeeze first"),
        ("jac-assemble in.jac in.ndjson", "in.ndjson: input is JSON text, not a JAC archive: pack it with jac pack"),
        ("jac unpack in.ndjson", "input is JSON text, not a JAC archive: pack it with jac pack"),
        ("jac ls < in.json", "input is JSON text, not a JAC archive: pack it with jac pack"),
        ("jac unpack raw.frames", "input is a jac frame stream, not a JAC archive: jac-assemble makes it one"),
        ("jac-verify squeezed.frames", "input is a jac frame stream, not a JAC archive"),
    ])
    func wrongStreamSaysWhatToRunFirst(command: String, message: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 500)
        let made = try w.shell("""
            echo '[{"a":1},{"a":2}]' > in.json
            jac pack in.ndjson -o in.jac
            jac-split in.ndjson > raw.frames
            jac-squeeze raw.frames > squeezed.frames
            """)
        #expect(made.status == 0, "\(made.stderr)")
        let result = try w.shell(command + " > out")
        #expect(result.status == 1, "\(command): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(command): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(command): \(result.stderr)")
    }
}
