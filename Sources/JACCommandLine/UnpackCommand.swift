import ArgumentParser
import JACCommands
import JACSystem

struct UnpackCommand: LargeInputCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Decode a JAC archive back to JSON records (NDJSON by default).",
        discussion: ExitStatus.discussion("""
        Blocks are decoded on -j threads and written in archive order: the output is the same \
        for every thread count, and memory stays bounded in bytes (a few blocks, and text in \
        pieces of about 1 MiB; see jac(1)). An archive whose header announces an index footer \
        (jac pack's default) and that lacks it was cut short: an error, before any output for a \
        file, after the whole blocks for a stream. Otherwise a missing or damaged index footer \
        costs a warning only, since every block is read in order. A damaged block is an error; \
        --salvage skips it instead, reports each skipped byte range and the records lost there, \
        and exits with status 1.
        """))

    @Argument(help: "Archive file, or '-' for standard input.", completion: .file(extensions: ["jac"]))
    var input = "-"

    @Option(name: .long, help: "Output layout: ndjson, json-array, or auto (follow the archive's container hint).")
    var format = UnpackFormat.ndjson

    @Flag(name: .long, help: "Same as --format json-array.")
    var jsonArray = false

    @Option(name: [.customShort("j", allowingJoined: true), .customLong("threads")], help: "Decoding threads (default: the CPUs available). Output does not depend on it.")
    var jobs: Int?

    @Flag(name: .long, help: "Skip damaged blocks instead of stopping (decodes on one thread; exit status 1 when anything was skipped).")
    var salvage = false

    @OptionGroup var output: OutputOptions

    @OptionGroup var tracing: TraceOptions

    func run() throws {
        Diagnostics.quiet = output.quiet
        try TerminalInput.refuse([input], reading: "an archive")
        var job = UnpackJob()
        job.input = input
        job.output = output.output
        job.force = output.force
        job.layout = jsonArray || format == .jsonArray ? .jsonArray : format == .auto ? .auto : .ndjson
        job.threads = try threadCount(jobs)
        job.salvage = salvage
        job.quiet = output.quiet
        job.verbose = output.verbose
        BrokenPipe.endQuietly()
        var salvaged: Salvage.Summary?
        try tracing.recording(force: output.force) { try Diagnostics.run(naming: input) { () throws(JACError) in
            salvaged = try job.run(warn: Diagnostics.warning, info: Diagnostics.info)
        } }
        if let lines = salvaged?.lossReport(input: ByteSource.displayName(of: input)), !lines.isEmpty {
            for line in lines { Diagnostics.error(line) }
            throw ExitCode(1)
        }
    }
}
