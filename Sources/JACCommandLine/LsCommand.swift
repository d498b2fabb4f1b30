import ArgumentParser
import JACArchive
import JACCommands
import JACSystem

struct LsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List archives: blocks and fields, sizes, value types, encodings, ratio.",
        discussion: ExitStatus.discussion("""
        One archive: a summary row (blocks, records, fields, archive and NDJSON sizes, their \
        ratio as jac pack -v prints it, whether an index footer was used), then its blocks and \
        its fields. Several archives: one summary row each and a total line, as zstd -l. Sizes \
        are in binary units (KiB, MiB) unless --bytes is given. Uses the index footer when it is \
        valid; otherwise finds the blocks by scanning their headers, and says so. Value types \
        and the NDJSON size need every block decoded; --no-types lists from the headers alone. \
        --format json writes one JSON object per archive, one per line.
        """))

    @Argument(help: "Archive files, or '-' for standard input (default '-').", completion: .file(extensions: ["jac"]))
    var inputs: [String] = []

    @Option(name: .long, help: "Output: table or json.")
    var format = ListFormat.table

    @Flag(name: .shortAndLong, help: "Sizes in exact bytes instead of KiB, MiB, GiB.")
    var bytes = false

    @Flag(name: .long, help: "Do not decode blocks: no value types and no NDJSON size, headers only (fast).")
    var noTypes = false

    @Flag(name: .shortAndLong, help: "Print no warnings.")
    var quiet = false

    func run() throws {
        Diagnostics.quiet = quiet
        let paths = inputs.isEmpty ? ["-"] : inputs
        try TerminalInput.refuse(paths, reading: "an archive")
        guard paths.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("standard input ('-') can be listed once") }
        BrokenPipe.endQuietly()
        // Past an archive that cannot be listed to the next, as zstd -l; the worst status at the end.
        var worst = ExitCode.success
        try Diagnostics.run { () throws(JACError) in
            try ArchiveListing.run(paths: paths, json: format == .json, kinds: !noTypes, exactBytes: bytes,
                                   sink: ByteSink(fd: 1, name: "<stdout>"), warn: Diagnostics.warning) { error in
                Diagnostics.error(error.message)
                worst = Diagnostics.worse(worst, Diagnostics.exitCode(for: error))
            }
        }
        if worst != .success { throw worst }
    }
}
