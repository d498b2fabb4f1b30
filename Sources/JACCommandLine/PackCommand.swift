import ArgumentParser
import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACWire

import Glibc

struct PackCommand: LargeInputCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Compress JSON records (NDJSON, concatenated objects or a JSON array) into a JAC archive.",
        discussion: ExitStatus.discussion("""
        Each file argument without -o or -c is written to FILE.jac beside it; a file that fails \
        does not stop the next, and the exit status is the worst. Reading standard input, writes \
        standard output (never to a terminal). As with zstd: -d decompresses each FILE.jac to \
        FILE, -t verifies archives in full, -c writes standard output, -1 to -19 (with --ultra \
        to -22) set the zstd level, -T# the threads (0: as many as the CPUs), and --rm removes \
        each input once its output is in place and checked. Archives made with the default zstd \
        codec are readable by every JAC v1 implementation; --codec lz4 is a jac extension they \
        cannot read.
        """))

    @Argument(help: "JSON input files, or '-' for standard input (the default; gzip, zstd or xz is decompressed); with -d or -t, archives.", completion: .file())
    var inputs: [String] = []

    @Flag(name: [.customShort("d"), .customLong("decompress")], help: "Decompress each FILE.jac to FILE (in the layout of the archive's container hint), as zstd -d does.")
    var decompress = false

    @Flag(name: [.customShort("t"), .customLong("test")], help: "Verify each archive in full, as jac verify does.")
    var test = false

    @Flag(name: [.customShort("c"), .customLong("stdout")], help: "Write to standard output (one input when packing; with -d, the records of each archive in turn).")
    var toStandardOutput = false

    @Flag(name: .customShort("k"), help: "Keep the input files (the default).")
    var keep = false

    @Flag(name: .customLong("rm"), help: "Remove each input file once its output file is in place and checked (an archive verified against its input).")
    var removeInputs = false

    @Flag(name: .long, help: "Allow the levels -20 to -22 (-1 to -19 give the zstd level as --level does).")
    var ultra = false

    /// `-#`, rewritten by `JacCommand.arguments`.
    @Option(name: .customLong("short-level"), help: ArgumentHelp(visibility: .private))
    var shortLevel: Int?

    @OptionGroup var inputKind: InputKindOptions
    @OptionGroup var blocks: BlockOptions
    @OptionGroup var compression: CompressionOptions

    @OptionGroup var index: IndexOptions

    @OptionGroup var threading: EncoderThreadOptions

    @OptionGroup var output: OutputOptions

    @OptionGroup var tracing: TraceOptions

    func validate() throws {
        if keep && removeInputs { throw ValidationError("-k and --rm exclude each other") }
        if let shortLevel {
            guard compression.level == nil else { throw ValidationError("give the level once: -\(shortLevel) or --level") }
            guard (1 ... 22).contains(shortLevel) else { throw ValidationError("-\(shortLevel): the levels are -1 to -19, and -20 to -22 with --ultra") }
            guard shortLevel <= 19 || ultra else { throw ValidationError("-\(shortLevel) needs --ultra (levels above 19 use much more memory)") }
        }
        if toStandardOutput && output.output != nil { throw ValidationError("-c and -o exclude each other") }
        if output.output != nil && inputs.count > 1 {
            throw ValidationError("-o takes one input (with several, each is written beside itself)")
        }
        if toStandardOutput && inputs.count > 1 && !decompress && !test {
            throw ValidationError("-c packs one input (archives one after another are not one archive)")
        }
    }

    func run() throws {
        Diagnostics.quiet = output.quiet
        let paths = inputs.isEmpty ? ["-"] : inputs
        if test {
            try VerifyArguments.verify(paths, against: nil, mode: try inputKind.mode, quiet: output.quiet)
        } else if decompress {
            try unpack(paths)
        } else {
            try pack(paths)
        }
    }

    /// Where the output of `path` goes: `-c` or `-o`, else beside it (nil: standard output).
    private func destination(_ path: String, beside: (String) throws -> String) throws -> String? {
        if toStandardOutput { return nil }
        if let o = output.output { return o }
        return path == "-" ? nil : try beside(path)
    }

    private func pack(_ paths: [String]) throws {
        BrokenPipe.reportAsError()
        var options = PackOptions()
        options.split = try blocks.splitOptions(mode: try inputKind.mode)
        var levels = compression
        if let shortLevel { levels.level = shortLevel }
        options.squeeze = try levels.squeezeOptions()
        options.index = index.index
        let destinations = try paths.map { try destination($0) { $0 + ".jac" } }
        if destinations.contains(where: { $0 == nil || $0 == "-" }) && isatty(1) != 0 {
            Diagnostics.error("refusing to write an archive to a terminal (use -o FILE or a pipe)")
            throw ExitCode(2)
        }
        try tracing.recording(force: output.force) { try Diagnostics.each(paths) { path in
            let budget = try threading.budget(blockBytes: options.split.blockBytes, input: path, level: options.squeeze.codec.level)
            if output.verbose { Diagnostics.info(budget.reason) }
            var job = PackJob()
            job.input = path
            job.output = try destination(path) { $0 + ".jac" }
            job.force = output.force
            job.options = options
            job.threads = budget.threads
            job.quiet = output.quiet
            job.verbose = output.verbose
            try Diagnostics.run(naming: path) { () throws(JACError) in
                try job.run(info: Diagnostics.info)
                if removeInputs, let archive = job.output, Self.isFile(archive), path != "-" {
                    _ = try Verifier.check(path: archive, against: path, inputMode: options.split.mode, warn: { _ in })
                    try Self.remove(path)
                }
            }
        } }
    }

    private func unpack(_ paths: [String]) throws {
        try TerminalInput.refuse(paths, reading: "an archive")
        let threads = try threadCount(threading.jobs)
        BrokenPipe.endQuietly()
        try Diagnostics.each(paths) { path in
            var job = UnpackJob()
            job.input = path
            job.output = try destination(path, beside: Self.unpackedName)
            job.force = output.force
            job.layout = .auto
            job.threads = threads
            job.quiet = output.quiet
            job.verbose = output.verbose
            try Diagnostics.run(naming: path) { () throws(JACError) in
                _ = try job.run(warn: Diagnostics.warning, info: Diagnostics.info)
                // Every block was decoded and its checksum checked on the way.
                if removeInputs, let records = job.output, Self.isFile(records), path != "-" { try Self.remove(path) }
            }
        }
    }

    /// `x.ndjson.jac` -> `x.ndjson`, as zstd -d strips `.zst`.
    private static func unpackedName(_ path: String) throws -> String {
        guard path.hasSuffix(".jac"), !path.hasSuffix("/.jac"), path != ".jac" else {
            Diagnostics.error("\(path): no .jac suffix to strip (use -o FILE or -c)")
            throw ExitCode(2)
        }
        return String(path.dropLast(4))
    }

    /// Whether `path` is a regular file: `--rm` keeps an input whose output went to a device
    /// (`/dev/null`) or a pipe.
    private static func isFile(_ path: String) -> Bool {
        var st = stat()
        return path != "-" && stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// `--rm`: the input, once its output is in place.
    private static func remove(_ path: String) throws(JACError) {
        guard unlink(path) == 0 else { throw Syscall.error("\(path): cannot remove (--rm)") }
    }
}
