import ArgumentParser
import JACArchive
import JACCommands
import JACCompression
import JACPipeline
import JACSystem
import JACWire

import Glibc

/// `jac-split`: JSON records in, a frame stream of raw blocks out.
public struct SplitCommand: LargeInputCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-split",
        abstract: "Cut JSON records into raw blocks for jac-squeeze (a jac frame stream).",
        discussion: ExitStatus.discussion("cat x.ndjson | jac-split | jac-squeeze -j8 | jac-assemble > x.jac"),
        version: JacVersion.string)

    @Argument(help: "JSON input file, or '-' for standard input (gzip, zstd or xz is decompressed).", completion: .file())
    var input = "-"

    @OptionGroup var inputKind: InputKindOptions
    @OptionGroup var blocks: BlockOptions

    @Option(name: .long, help: ArgumentHelp(
        "Print a plan of at most n shards instead: lines OFFSET<TAB>LENGTH of the input file, cut where jac pack with these options starts a block; packed one by one and merged by jac-assemble, they make the bytes of one jac pack.",
        valueName: "n"))
    var shards: Int?

    @OptionGroup var output: OutputOptions

    public init() {}

    public func run() throws {
        Diagnostics.tool = "jac-split"
        let options = try blocks.splitOptions(mode: try inputKind.mode)
        if let shards {
            try StageRunner.run(output: output, inputs: [input], binary: false) { (sink, _) throws(JACError) in
                let plan = try ShardPlan.make(path: input, shards: shards, options: options)
                for shard in plan { try sink.write(Array("\(shard.offset)\t\(shard.length)\n".utf8)) }
                return "\(plan.count) shards of \(input)"
            }
            return
        }
        // The pipeline's one progress line: this stage reads the input, so knows its size.
        let total = DecompressingReader.isCompressed(path: input) ? nil : Progress.fileSize(input)
        try StageRunner.run(output: output, inputs: [input], binary: true, progress: true, total: total) { (sink, progress) throws(JACError) in
            let summary = try SplitStage.run(source: try TextInput.open(input), sink: sink, options: options) { records, bytesIn in
                progress.update(records: records, bytesIn: bytesIn, bytes: bytesIn)
            }
            return "\(summary.records) records in \(summary.rawBlocks) blocks, \(summary.bytesIn) bytes read"
        }
    }
}

/// `jac-squeeze`: raw block frames in, compressed block frames out.
public struct SqueezeCommand: LargeInputCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-squeeze",
        abstract: "Encode and compress the raw blocks of jac-split on several threads.",
        discussion: ExitStatus.discussion("Reads a frame stream from jac-split, writes one for jac-assemble. Output does not depend on -j."),
        version: JacVersion.string)

    @Argument(help: "Frame stream file, or '-' for standard input.", completion: .file())
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
        try tracing.recording(force: output.force) { try StageRunner.run(output: output, inputs: [input], binary: true) { (sink, _) throws(JACError) in
            let frames = try FrameReader(source: try ByteSource(path: input))
            let summary = try SqueezeStage.run(frames: frames, sink: sink, options: options, threads: threads)
            return "\(summary.records) records, \(summary.rawBlocks) raw blocks -> \(summary.blocks) blocks, \(summary.bytesIn) -> \(summary.bytesOut) bytes, \(threads) threads"
        } }
    }
}

/// `jac-assemble`: compressed block frames (or whole archives) in, one archive out.
public struct AssembleCommand: LargeInputCommand {
    public static let configuration = CommandConfiguration(
        commandName: "jac-assemble",
        abstract: "Write the archive: blocks from jac-squeeze in order, then the index.",
        discussion: ExitStatus.discussion("""
        Inputs may also be complete JAC archives: their blocks are copied unchanged, in the order \
        given, under one new index (merging archives packed separately, e.g. on several hosts). \
        Every block of a frame stream is decoded first, so nothing a reader would refuse is written; \
        an archive's blocks are copied at disk speed with the checks that need no decompressing \
        (header, limits, layout, CRC): run jac-verify on the parts for a full check. \
        On a broken or incomplete stream nothing that decodes is left behind: with -o no file \
        appears, and on standard output the bytes end in a way every JAC reader rejects.
        """),
        version: JacVersion.string)

    @Argument(help: "Frame streams or archives, in order ('-' for standard input; default '-').", completion: .file())
    var inputs: [String] = []

    @OptionGroup var index: IndexOptions

    @OptionGroup var output: OutputOptions

    public init() {}

    public func run() throws {
        Diagnostics.tool = "jac-assemble"
        let paths = inputs.isEmpty ? ["-"] : inputs
        try TerminalInput.refuse(paths, reading: "a frame stream or an archive")
        try StageRunner.run(output: output, inputs: paths, binary: true, poison: true) { (sink, _) throws(JACError) in
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
/// standard output. Only a stage run with `progress` (jac-split, which knows the input's size:
/// `total`) draws a progress line, so that a pipeline shows one.
enum StageRunner {
    static func run(output: OutputOptions, inputs: [String], binary: Bool, poison: Bool = false, progress: Bool = false, total: Int? = nil,
                    _ body: (ByteSink, Progress) throws(JACError) -> String) throws {
        Diagnostics.quiet = output.quiet
        BrokenPipe.reportAsError()
        if binary && (output.output ?? "-") == "-" && isatty(1) != 0 {
            Diagnostics.error("refusing to write binary data to a terminal (use -o FILE or a pipe)")
            throw ExitCode(2)
        }
        let clock = Stopwatch()
        var job = OutputJob(output: output.output, force: output.force, inputs: inputs, label: Diagnostics.tool,
                            total: total, quiet: output.quiet || !progress)
        job.poison = poison
        try Diagnostics.run { () throws(JACError) in
            let summary = try job.run(body)
            if output.verbose {
                Diagnostics.info("\(summary), \(decimal(clock.seconds, places: 2)) s")
            }
        }
    }
}
