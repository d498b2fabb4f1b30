import ArgumentParser
import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACWire

import Glibc

struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Compress JSON records (NDJSON, concatenated objects or a JSON array) into a JAC archive.",
        discussion: ExitStatus.discussion("""
        With a file argument and no -o, writes FILE.jac beside it. Reading standard input, writes \
        standard output (never to a terminal). Archives made with the default zstd codec are \
        readable by every JAC v1 implementation; --codec lz4 is a jac extension they cannot read.
        """))

    @Argument(help: "JSON input file, or '-' for standard input (gzip, zstd or xz is decompressed).")
    var input = "-"

    @OptionGroup var inputKind: InputKindOptions
    @OptionGroup var blocks: BlockOptions
    @OptionGroup var compression: CompressionOptions

    @OptionGroup var index: IndexOptions

    @OptionGroup var threading: EncoderThreadOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var tracing: TraceOptions

    func run() throws {
        Diagnostics.quiet = output.quiet
        BrokenPipe.reportAsError()
        var options = PackOptions()
        options.split = try blocks.splitOptions(mode: try inputKind.mode)
        options.squeeze = try compression.squeezeOptions()
        options.index = index.index
        let budget = try threading.budget(blockBytes: options.split.blockBytes, input: input, level: options.squeeze.codec.level)
        let threads = budget.threads
        if output.verbose { Diagnostics.info(budget.reason) }
        let outputPath = output.output ?? (input == "-" ? "-" : input + ".jac")
        if outputPath == "-" && isatty(1) != 0 {
            Diagnostics.error("refusing to write an archive to a terminal (use -o FILE or a pipe)")
            throw ExitCode(2)
        }
        let clock = Stopwatch()
        try tracing.recording(force: output.force) { try Diagnostics.run { () throws(JACError) in
            let source = try TextInput.open(input)
            let file = try OutputFile(path: outputPath, force: output.force, inputs: [input].compactMap(FileIdentity.init(path:)))
            Poison.arm(file)
            do throws(JACError) {
                let summary = try Pack.run(source: source, sink: file.sink, options: options, threads: threads)
                try file.commit()
                if output.verbose { Self.report(summary, source: source.name, seconds: clock.seconds, threads: threads) }
            } catch {
                Poison.abort(file)
                throw error
            }
        } }
    }

    /// The `-v` summary: totals, speed, peak memory, and the fields that take the most room.
    static func report(_ summary: PackSummary, source: String, seconds: Double, threads: Int) {
        let ratio = summary.bytesOut > 0 ? Double(summary.bytesIn) / Double(summary.bytesOut) : 0
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let speed = Double(summary.bytesIn) / 1e6 / max(seconds, 1e-9)
        Diagnostics.info("\(source): \(summary.records) records, \(summary.blocks) blocks, "
            + "\(summary.bytesIn) -> \(summary.bytesOut) bytes (ratio \(decimal(ratio, places: 2))), "
            + "\(decimal(seconds, places: 2)) s, \(decimal(speed, places: 1)) MB/s, \(threads) threads, "
            + "peak RSS \(usage.ru_maxrss / 1024) MiB")
        for (name, f) in summary.fields.sorted(by: { $0.value.total > $1.value.total }).prefix(12) {
            let share = 100 * Double(f.total) / Double(max(1, summary.bytesOut))
            Diagnostics.info("  field \"\(name)\": \(f.total) bytes (\(decimal(share, places: 1))% of the archive), "
                + "largest segment \(f.largest)")
        }
    }
}
