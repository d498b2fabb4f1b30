import ArgumentParser
import JACCommands
import JACJSON
import JACSystem

/// `jac-verify`: prove archives whole.
public struct VerifyCommand: LargeInputCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-verify",
        abstract: VerifyArguments.abstract,
        discussion: VerifyArguments.discussion,
        version: JacVersion.string)

    @OptionGroup var arguments: VerifyArguments

    public init() {}

    public func validate() throws { try arguments.validate() }

    public func run() throws {
        Diagnostics.tool = "jac-verify"
        try arguments.run()
    }
}

/// `jac verify`: the same as `jac-verify`.
struct JacVerifyCommand: LargeInputCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: VerifyArguments.abstract, discussion: VerifyArguments.discussion)

    @OptionGroup var arguments: VerifyArguments

    func validate() throws { try arguments.validate() }

    func run() throws { try arguments.run() }
}

struct VerifyArguments: ParsableArguments {
    static let abstract = "Check that JAC archives are whole and decode completely."
    static let discussion = ExitStatus.discussion("""
        Reads every byte: header, each block's checksum, limits and segment layout, every segment \
        decompressed and decoded, every record rebuilt, and the index footer against the blocks. \
        With several archives the exit status is the worst one.
        """)

    @Argument(help: "Archives to check ('-' for standard input).", completion: .file(extensions: ["jac"]))
    var archives: [String] = []

    @Option(name: .long, help: "Also compare the records with this JSON input, gzip, zstd or xz too (semantically: key order and number spelling aside).", completion: .file())
    var against: String?

    @OptionGroup var inputKind: InputKindOptions

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if against != nil && archives.count > 1 { throw ValidationError("--against takes one archive") }
    }

    func run() throws {
        Diagnostics.quiet = quiet
        try Self.verify(archives.isEmpty ? ["-"] : archives, against: against, mode: try inputKind.mode, quiet: quiet)
    }

    /// Checks each archive, printing its line (unless `quiet`) and a progress line on a
    /// terminal; throws the worst exit status. `jac -t` runs this too.
    static func verify(_ paths: [String], against: String?, mode: InputMode, quiet: Bool) throws {
        try TerminalInput.refuse(paths, reading: "an archive")
        let label = Diagnostics.tool == "jac" ? "jac verify" : Diagnostics.tool
        try Diagnostics.each(paths) { path in
            try Diagnostics.run(naming: path) { () throws(JACError) in
                let line = try Verifier.check(path: path, against: against, inputMode: mode,
                                              progress: quiet ? nil : label, warn: Diagnostics.warning)
                if !quiet { print(line) }
            }
        }
    }
}
