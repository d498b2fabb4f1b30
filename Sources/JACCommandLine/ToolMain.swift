import ArgumentParser
import JACSystem

import Glibc

/// The entry point of every tool: ArgumentParser's parse and run, except that a usage error
/// (which ArgumentParser ends with EX_USAGE, 64) is one line on standard error and exit status
/// 2, as `ExitStatus.table` documents. `arguments` replaces the command line's (after the
/// program name).
public enum ToolMain {
    public static func run(_ command: any ParsableCommand.Type, arguments: [String]? = nil) -> Never {
        do {
            var parsed = try command.parseAsRoot(arguments)
            try parsed.run()
        } catch {
            guard command.exitCode(for: error) == .validationFailure else { command.exit(withError: error) }
            let message = command.message(for: error).split(whereSeparator: \.isNewline).joined(separator: "; ")
            let name = command.configuration.commandName ?? Diagnostics.tool
            StandardError.write("\(name): \(message) (see '\(helpName(command, name))--help')\n")
            exit(2)
        }
        command.exit(withError: nil)
    }

    /// "jac unpack " when the first argument names one of `command`'s subcommands, else "jac ".
    private static func helpName(_ command: any ParsableCommand.Type, _ name: String) -> String {
        let first = CommandLine.arguments.dropFirst().first
        let sub = command.configuration.subcommands.first { $0._commandName == first }
        return sub.map { "\(name) \($0._commandName) " } ?? "\(name) "
    }
}

/// The exit statuses every tool shares, for the end of each `--help`.
public enum ExitStatus {
    public static let table = """
        Exit status:
          0    success
          1    damaged or invalid data (or, for verify --against, records that differ)
          2    usage error (a bad option or argument) or I/O error
          130  interrupted (SIGINT)
          143  terminated (SIGTERM)
        """

    /// `text`, then the table.
    static func discussion(_ text: String) -> String { text.isEmpty ? table : text + "\n\n" + table }
}
