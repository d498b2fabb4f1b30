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
}

public enum JacVersion {
    public static let string = "jac 0.1.0 (JAC format v1)"
}
