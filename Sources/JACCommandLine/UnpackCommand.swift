import ArgumentParser
import JACArchive
import JACCodec
import JACWire

struct UnpackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpack",
        abstract: "Decode a JAC archive back to JSON records (NDJSON by default).")

    @Argument(help: "Archive file, or '-' for standard input.")
    var input = "-"

    @Option(name: .long, help: "Output layout: ndjson, json-array, or auto (follow the archive's container hint).")
    var format = "ndjson"

    @Flag(name: .long, help: "Same as --format json-array.")
    var jsonArray = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        Diagnostics.quiet = output.quiet
        guard ["ndjson", "json-array", "auto"].contains(format) else {
            throw ValidationError("--format must be ndjson, json-array or auto")
        }
        try Diagnostics.run { () throws(JACError) in
            let reader = try ArchiveReader(source: try ByteSource(path: input))
            let layout: RecordLayout = jsonArray || format == "json-array"
                || (format == "auto" && reader.header.containerHint == .jsonArray) ? .jsonArray : .ndjson
            let file = try OutputFile(path: output.output, force: output.force)
            do throws(JACError) {
                let summary = try Unpack.run(reader: reader, sink: file.sink, layout: layout,
                                             warn: Diagnostics.warning)
                try file.commit()
                if output.verbose {
                    Diagnostics.info("\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks")
                }
            } catch {
                file.abort()
                throw error
            }
        }
    }
}
