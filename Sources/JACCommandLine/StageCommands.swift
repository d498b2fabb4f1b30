import ArgumentParser
import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACWire

import Glibc

/// `jac-split`: JSON records in, a frame stream of raw blocks out.
public struct SplitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-split",
        abstract: "Cut JSON records into raw blocks for jac-squeeze (a jac frame stream).",
        discussion: ExitStatus.discussion("cat x.ndjson | jac-split | jac-squeeze -j8 | jac-assemble > x.jac"),
        version: JacVersion.string)

    @Argument(help: "JSON input file, or '-' for standard input (gzip, zstd or xz is decompressed).")
    var input = "-"

    @OptionGroup var inputKind: InputKindOptions
    @OptionGroup var blocks: BlockOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    public func run() throws {
        Diagnostics.tool = "jac-split"
        let options = try blocks.splitOptions(mode: try inputKind.mode)
        try StageRunner.run(output: output, inputs: [input], binary: true) { (sink) throws(JACError) in
            let summary = try SplitStage.run(source: try TextInput.open(input), sink: sink, options: options)
            return "\(summary.records) records in \(summary.rawBlocks) blocks, \(summary.bytesIn) bytes read"
        }
    }
}

/// `jac-squeeze`: raw block frames in, compressed block frames out.
public struct SqueezeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-squeeze",
        abstract: "Encode and compress the raw blocks of jac-split on several threads.",
        discussion: ExitStatus.discussion("Reads a frame stream from jac-split, writes one for jac-assemble. Output does not depend on -j."),
        version: JacVersion.string)

    @Argument(help: "Frame stream file, or '-' for standard input.")
    var input = "-"

    @OptionGroup var compression: CompressionOptions

    @OptionGroup var threading: EncoderThreadOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var tracing: TraceOptions

    public init() {}

    public func run() throws {
        Diagnostics.tool = "jac-squeeze"
        try TerminalInput.refuse([input], reading: "a frame stream")
        let options = try compression.squeezeOptions()
        let budget = try threading.budget(blockBytes: SplitOptions().blockBytes, input: input, level: options.codec.level)
        let threads = budget.threads
        if output.verbose { Diagnostics.info(budget.reason) }
        try tracing.recording(force: output.force) { try StageRunner.run(output: output, inputs: [input], binary: true) { (sink) throws(JACError) in
            let frames = try FrameReader(source: try ByteSource(path: input))
            let summary = try SqueezeStage.run(frames: frames, sink: sink, options: options, threads: threads)
            return "\(summary.records) records, \(summary.rawBlocks) raw blocks -> \(summary.blocks) blocks, \(summary.bytesIn) -> \(summary.bytesOut) bytes, \(threads) threads"
        } }
    }
}

/// `jac-assemble`: compressed block frames (or whole archives) in, one archive out.
public struct AssembleCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-assemble",
        abstract: "Write the archive: blocks from jac-squeeze in order, then the index.",
        discussion: ExitStatus.discussion("""
        Inputs may also be complete JAC archives: their blocks are copied unchanged, in the order \
        given, under one new index (merging archives packed separately, e.g. on several hosts). \
        Every block is decoded first, so nothing a reader of the output would refuse is written. \
        On a broken or incomplete stream nothing that decodes is left behind: with -o no file \
        appears, and on standard output the bytes end in a way every JAC reader rejects.
        """),
        version: JacVersion.string)

    @Argument(help: "Frame streams or archives, in order ('-' for standard input; default '-').")
    var inputs: [String] = []

    @OptionGroup var index: IndexOptions

    @OptionGroup var output: OutputOptions

    public init() {}

    public func run() throws {
        Diagnostics.tool = "jac-assemble"
        let paths = inputs.isEmpty ? ["-"] : inputs
        try TerminalInput.refuse(paths, reading: "a frame stream or an archive")
        try StageRunner.run(output: output, inputs: paths, binary: true, poison: true) { (sink) throws(JACError) in
            var sources: [ByteSource] = []
            for path in paths { sources.append(try ByteSource(path: path)) }
            let summary = try AssembleStage.run(inputs: sources, sink: sink, index: index.index,
                                                threads: SystemResources.cpuCount().count)
            return "\(summary.records) records in \(summary.blocks) blocks, \(summary.bytesOut) bytes written"
        }
    }
}

/// Runs a stage that writes to `-o` or standard output, with one-line errors, `-v` summary,
/// no partial file on failure, `-o` never one of `inputs`, and (for archives) a poisoned end on
/// standard output.
enum StageRunner {
    static func run(output: OutputOptions, inputs: [String], binary: Bool, poison: Bool = false,
                    _ body: (ByteSink) throws(JACError) -> String) throws {
        Diagnostics.quiet = output.quiet
        BrokenPipe.reportAsError()
        if binary && (output.output ?? "-") == "-" && isatty(1) != 0 {
            Diagnostics.error("refusing to write binary data to a terminal (use -o FILE or a pipe)")
            throw ExitCode(2)
        }
        let clock = Stopwatch()
        try Diagnostics.run { () throws(JACError) in
            let file = try OutputFile(path: output.output, force: output.force, inputs: inputs.compactMap(FileIdentity.init(path:)))
            if poison { Poison.arm(file) }
            do throws(JACError) {
                let summary = try body(file.sink)
                try file.commit()
                if output.verbose {
                    Diagnostics.info("\(summary), \(decimal(clock.seconds, places: 2)) s")
                }
            } catch {
                if poison { Poison.abort(file) } else { file.abort() }
                throw error
            }
        }
    }
}
