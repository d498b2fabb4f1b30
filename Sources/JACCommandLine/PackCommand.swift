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
        var job = PackJob()
        job.input = input
        job.output = outputPath
        job.force = output.force
        job.options = options
        job.threads = threads
        job.quiet = output.quiet
        job.verbose = output.verbose
        try Diagnostics.run { () throws(JACError) in
            try job.run(info: Diagnostics.info)
        }
    }
}
