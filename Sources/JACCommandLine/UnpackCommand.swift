import ArgumentParser
import JACArchive
import JACCodec
import JACWire

struct UnpackCommand: ParsableCommand {
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

    @Argument(help: "Archive file, or '-' for standard input.")
    var input = "-"

    @Option(name: .long, help: "Output layout: ndjson, json-array, or auto (follow the archive's container hint).")
    var format = "ndjson"

    @Flag(name: .long, help: "Same as --format json-array.")
    var jsonArray = false

    @Option(name: [.customShort("j", allowingJoined: true), .customLong("threads")], help: "Decoding threads (default: the CPUs available). Output does not depend on it.")
    var jobs: Int?

    @Flag(name: .long, help: "Skip damaged blocks instead of stopping (decodes on one thread; exit status 1 when anything was skipped).")
    var salvage = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        Diagnostics.quiet = output.quiet
        try TerminalInput.refuse([input], reading: "an archive")
        guard ["ndjson", "json-array", "auto"].contains(format) else {
            throw ValidationError("--format must be ndjson, json-array or auto")
        }
        let threads = try threadCount(jobs)
        BrokenPipe.endQuietly()
        var salvaged: Salvage.Summary?
        try Diagnostics.run { () throws(JACError) in
            let reader = try ArchiveReader(source: try ByteSource(path: input))
            if reader.header.indexFollows && !salvage {
                // A regular file cut short is refused before any output; a stream can only be
                // at its end, after its whole blocks.
                _ = try IndexedArchive.open(path: input)
            }
            let layout: RecordLayout = jsonArray || format == "json-array"
                || (format == "auto" && reader.header.containerHint == .jsonArray) ? .jsonArray : .ndjson
            let file = try OutputFile(path: output.output, force: output.force, inputs: [input].compactMap(FileIdentity.init(path:)))
            let progress = Progress(label: "jac unpack", total: Progress.fileSize(input), quiet: output.quiet)
            let report = { (s: Unpack.Summary) in progress.update(records: s.records, bytesIn: s.bytesIn, bytes: s.bytesOut) }
            do throws(JACError) {
                if salvage {
                    let summary = try Salvage.run(reader: reader, sink: file.sink, layout: layout, progress: report)
                    progress.finish()
                    try file.commit()
                    salvaged = summary
                    if output.verbose {
                        Diagnostics.info("\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks recovered")
                    }
                } else {
                    let summary = try Unpack.run(reader: reader, sink: file.sink, layout: layout, threads: threads,
                                                 warn: Diagnostics.warning, progress: report)
                    progress.finish()
                    try file.commit()
                    if output.verbose {
                        Diagnostics.info("\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks, \(summary.bytesIn) -> \(summary.bytesOut) bytes, \(threads) threads")
                    }
                }
            } catch {
                progress.finish()
                file.abort()
                throw error
            }
        }
        if let salvaged, salvaged.isDamaged {
            for r in salvaged.skipped {
                let lost = r.lostRecords.map { "\($0) records lost" } ?? "records lost: unknown"
                Diagnostics.error("salvage: skipped bytes \(r.start)..<\(r.end) (\(r.end - r.start) bytes, \(lost)): \(r.reason)")
            }
            var lost: [String] = []
            if !salvaged.skipped.isEmpty {
                let total = salvaged.lostRecordsExact ? "\(salvaged.lostRecords)" : "at least \(salvaged.lostRecords)"
                lost.append("\(total) records in \(salvaged.skipped.count) damaged range\(salvaged.skipped.count == 1 ? "" : "s")")
            }
            if let missing = salvaged.missingIndex {
                Diagnostics.error("salvage: \(input): \(missing.description)")
                lost.append("an unknown number of records after the last whole block")
            }
            Diagnostics.error("salvage: recovered \(salvaged.records) records in \(salvaged.blocks) blocks; lost \(lost.joined(separator: " and "))")
            throw ExitCode(1)
        }
    }
}
