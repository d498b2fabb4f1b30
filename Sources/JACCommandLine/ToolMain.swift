import ArgumentParser
import JACSystem

import Glibc

/// The entry point of every tool: ArgumentParser's parse and run, except that a usage error
/// (which ArgumentParser ends with EX_USAGE, 64) is one line on standard error and exit status
/// 2, as `ExitStatus.table` documents. `arguments` replaces the command line's (after the
/// program name).
public enum ToolMain {
    public static func run(_ command: any ParsableCommand.Type, arguments: [String]? = nil) -> Never {
        let arguments = arguments ?? Array(CommandLine.arguments.dropFirst())
        let sub = subcommand(of: command, arguments)
        if (sub?.type ?? command) is any LargeInputCommand.Type {
            AllocatorTuning.tune(inputs: AllocatorTuning.inputs(named: sub?.arguments ?? arguments))
        }
        do {
            var parsed = try parse(command, arguments)
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

    /// `command`'s parse of `arguments`. The subcommand they start with the name of (else the
    /// default subcommand, `jac FILE`) first parses the rest on its own: ArgumentParser otherwise also reflects over
    /// every option of the root and of its default subcommand (`jac pack`), which is most of
    /// the CPU a short run takes (callgrind: `jac unpack` of a one-record archive takes 15.1M
    /// instructions with this, 23.2M without). Any error there, and any result but the subcommand itself (help, a
    /// version, a completion script), is left to the full parse, so what the user sees is as before.
    public static func parse(_ command: any ParsableCommand.Type, _ arguments: [String]) throws -> any ParsableCommand {
        if let (sub, rest) = subcommand(of: command, arguments),
           let parsed = try? sub.parseAsRoot(rest),
           type(of: parsed) == sub {
            // Anything else (ArgumentParser's HelpCommand for `--help`) would name `sub` alone.
            return parsed
        }
        return try command.parseAsRoot(arguments)
    }

    /// The subcommand `arguments` start with the name of, else `command`'s default one, and the
    /// arguments it parses; nil when `command` has neither, or for `help` (ArgumentParser's own
    /// subcommand, which only the root knows).
    private static func subcommand(of command: any ParsableCommand.Type, _ arguments: [String])
        -> (type: any ParsableCommand.Type, arguments: [String])? {
        let named = arguments.first.flatMap { first in command.configuration.subcommands.first { $0._commandName == first } }
        guard let sub = named ?? (arguments.contains("help") ? nil : command.configuration.defaultSubcommand) else { return nil }
        return (sub, Array(arguments.dropFirst(named == nil ? 0 : 1)))
    }

    /// "jac unpack " when the first argument names one of `command`'s subcommands, else "jac ".
    private static func helpName(_ command: any ParsableCommand.Type, _ name: String) -> String {
        let first = CommandLine.arguments.dropFirst().first
        let sub = command.configuration.subcommands.first { $0._commandName == first }
        return sub.map { "\(name) \($0._commandName) " } ?? "\(name) "
    }
}

/// A command whose buffers grow with its input (pack, unpack, cat, verify and the stages): glibc's
/// allocator is tuned for it when the input is large (`AllocatorTuning`), decided from the
/// unparsed command line before any thread starts.
protocol LargeInputCommand: ParsableCommand {}

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
