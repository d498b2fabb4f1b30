import ArgumentParser
import JACArchive
import JACCommands
import JACSystem

struct LsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List an archive's blocks and fields: sizes, value types, encodings, ratio.",
        discussion: ExitStatus.discussion("""
        Uses the index footer when it is valid; otherwise finds the blocks by scanning their \
        headers, and says so. Value types need each segment decompressed (its presence and tag \
        bits are read); --no-types lists from the headers alone.
        """))

    @Argument(help: "Archive file, or '-' for standard input.")
    var input = "-"

    @Option(name: .long, help: "Output: table or json.")
    var format = "table"

    @Flag(name: .long, help: "Do not read segments: no value types, headers only (fast).")
    var noTypes = false

    @Flag(name: .shortAndLong, help: "Print no warnings.")
    var quiet = false

    func run() throws {
        Diagnostics.quiet = quiet
        try TerminalInput.refuse([input], reading: "an archive")
        guard ["table", "json"].contains(format) else { throw ValidationError("--format must be table or json") }
        BrokenPipe.endQuietly()
        try Diagnostics.run { () throws(JACError) in
            try ArchiveListing.run(path: input, json: format == "json", kinds: !noTypes,
                                   sink: ByteSink(fd: 1, name: "<stdout>"), warn: Diagnostics.warning)
        }
    }
}
