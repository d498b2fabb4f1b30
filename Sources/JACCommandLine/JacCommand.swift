import ArgumentParser

/// `jac`: the one-shot front end. `jac FILE` is `jac pack FILE`, as with the reference CLI.
public struct JacCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac",
        abstract: "Compress streams of JSON records into JAC v1 archives, and read them back.",
        discussion: ExitStatus.table,
        version: JacVersion.string,
        subcommands: [PackCommand.self, UnpackCommand.self, CatCommand.self, LsCommand.self, JacVerifyCommand.self],
        defaultSubcommand: PackCommand.self)

    public init() {}

    /// zstd's spellings, rewritten for the parser: `-#` (a level, 1 to 22) becomes the private
    /// `--short-level #` and `-V` becomes `--version`. Only for pack, the default command (with
    /// its -d and -t): elsewhere `-5` is a value (`jac cat --records -5`). Neither a value of an
    /// option nor anything after `--` is rewritten.
    public static func arguments(_ given: [String]) -> [String] {
        guard let first = given.first, !["unpack", "cat", "ls", "verify", "help"].contains(first) else { return given }
        var out: [String] = []
        var rest = given[...]
        while let arg = rest.popFirst() {
            if arg == "--" {
                out.append(arg)
                out += rest
                break
            }
            if valueOptions.contains(arg), let value = rest.popFirst() {
                out += [arg, value]
            } else if arg == "-V" {
                out.append("--version")
            } else if arg.count > 1, arg.first == "-", arg.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) {
                out += ["--short-level", String(arg.dropFirst())]
            } else {
                out.append(arg)
            }
        }
        return out
    }

    /// `jac pack`'s options that take a separate value.
    private static let valueOptions: Set<String> = [
        "-o", "--output", "-j", "-T", "--threads", "--level", "--zstd-level", "--codec", "--block-records",
        "--block-bytes", "--max-dict-entries", "--duplicate-keys", "--memory-factor",
    ]
}

public enum JacVersion {
    public static let string = "jac 0.1.0 (JAC format v1)"
}
