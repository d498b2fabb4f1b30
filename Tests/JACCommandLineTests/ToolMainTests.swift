import ArgumentParser
import JACCommandLine
import Testing

/// `ToolMain.parse` lets a named subcommand parse its arguments alone before the full parse:
/// it must give what the full parse gives, and leave every failure, help or version request to
/// it (the same message, with the root's usage and names).
struct ToolMainTests {
    static let commandLines: [[String]] = [
        ["unpack", "x.jac"], ["unpack", "-j2", "-o", "out", "x.jac"], ["unpack", "--", "-x.jac"],
        ["cat", "x.jac", "-F", "a,b", "--records", "3-5"], ["cat", "--records", "-5", "x.jac"], ["cat", "x.jac", "--blocks", "-2"], ["ls", "-b", "a.jac", "b.jac"],
        ["verify", "--against", "x.ndjson", "x.jac"], ["pack", "-j1", "--block-records", "10", "in.ndjson"],
        ["pack", "--short-level", "3", "in.ndjson"],
        ["unpack", "--no-such-option"], ["unpack", "--help"], ["unpack", "-h"], ["unpack", "--version"],
        ["cat", "x.jac", "--records"], ["verify", "--against", "x.ndjson", "a.jac", "b.jac"],
        ["pack", "-k", "--rm", "in.ndjson"], ["unpack", "--generate-completion-script", "bash"],
        // The default subcommand.
        ["in.ndjson"], ["-d", "-k", "x.jac"], ["--short-level", "19", "-o", "x.jac", "in.ndjson"], [],
        ["--help"], ["--version"], ["help", "unpack"], ["in.ndjson", "help"], ["-k", "help", "x"], ["-o", "help", "in.ndjson"], ["unpack", "help"], ["--no-such-option"], ["-k", "--rm", "in.ndjson"],
    ]

    @Test(arguments: commandLines)
    func namedSubcommandParsesAsTheFullParseDoes(arguments: [String]) {
        #expect(outcome { try ToolMain.parse(JacCommand.self, arguments) } == outcome { try JacCommand.parseAsRoot(arguments) })
    }

    /// The parsed command's type and values, or the message its error prints.
    private func outcome(_ parse: () throws -> any ParsableCommand) -> String {
        do {
            let command = try parse()
            var text = "\(type(of: command)): "
            dump(command, to: &text)
            return text
        } catch {
            return "error: " + JacCommand.fullMessage(for: error)
        }
    }
}
