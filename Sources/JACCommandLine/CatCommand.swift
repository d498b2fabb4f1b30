import ArgumentParser
import JACArchive
import JACCodec
import JACCommands
import JACSystem
import JACWire

struct CatCommand: LargeInputCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat",
        abstract: "Print some fields of every record (or of a slice), reading only those fields.",
        discussion: ExitStatus.discussion("""
        One line per record, in archive order. The default NDJSON output holds, per record, \
        exactly the requested keys the record has ({} when none), so absent and null stay \
        apart; csv (with a header line; null and absent both empty) and values (JSON values \
        separated by tabs, absent empty) are plainer. Without --field whole records are printed. \
        In a --field list, a comma separates names, \\, is a comma inside a name and \\\\ a \
        backslash, n commas make n + 1 names, and --field '' is the empty name. A name is also a \
        path into stored objects and arrays: geo.country, items[0].sku, geo["a.b"] (a key as a \
        JSON string); in a block that has a field of the whole name, that field wins. \
        From a file, blocks are located with the index footer (or a header scan) and only the \
        requested fields' segments are decompressed; whole blocks are still read to check their \
        CRCs unless --no-crc is given. RANGE is N, A-B (inclusive), A- or -B, counting from 0 \
        (block numbers as `jac ls` shows them).
        """))

    @Argument(help: "Archive file, or '-' for standard input.", completion: .file(extensions: ["jac"]))
    var input = "-"

    @Option(name: [.customShort("F"), .long], help: "Fields to print, comma-separated (repeatable); in a name write \\, for a comma and \\\\ for a backslash.",
            completion: .custom { words, _, prefix in FieldCompletion.offers(words: words, prefix: prefix) })
    var field: [String] = []

    @Option(name: .long, help: "Output: ndjson, json-array, csv or values.")
    var format: CatFormat?

    @Flag(name: .shortAndLong, help: "With --format values (implied): strings without quotes or escapes, as jq -r prints them.")
    var raw = false

    // A RANGE may start with '-' (-B): taken as the value, not as an option.
    @Option(name: .long, parsing: .unconditional, help: "Only these blocks (RANGE).")
    var blocks: String?

    @Option(name: .long, parsing: .unconditional, help: "Only these records (RANGE, numbered across the archive).")
    var records: String?

    @Option(name: [.customShort("j", allowingJoined: true), .customLong("threads")], help: "Decoding threads (default: the CPUs available). Output does not depend on it.")
    var jobs: Int?

    @Flag(name: .long, help: "Read only the requested segments, skipping the block CRC check (less I/O; damage elsewhere in a block goes unnoticed).")
    var noCrc = false

    @OptionGroup var output: OutputOptions

    func run() throws {
        Diagnostics.quiet = output.quiet
        try TerminalInput.refuse([input], reading: "an archive")
        var options = Projection.Options()
        if !field.isEmpty {
            var keys: [[UInt8]] = []
            for f in field { keys += try usage { () throws(JACError) in try FieldList.names(f) } }
            options.keys = keys
        }
        let format = format ?? (raw ? .values : .ndjson)
        if raw && format != .values { throw ValidationError("--raw goes with --format values") }
        switch format {
        case .ndjson: options.style = .records(.ndjson)
        case .jsonArray: options.style = .records(.jsonArray)
        case .csv: options.style = .rows(.csv)
        case .values: options.style = .rows(raw ? .rawValues : .values)
        }
        if options.keys == nil, case .rows = options.style {
            throw ValidationError("--format \(format.rawValue) needs --field")
        }
        options.selection.blocks = try blocks.map { try parseRange($0, what: "--blocks") }
        options.selection.records = try records.map { try parseRange($0, what: "--records") }
        options.threads = try threadCount(jobs)
        options.verifyChecksums = !noCrc
        BrokenPipe.endQuietly()
        var job = CatJob()
        job.input = input
        job.output = output.output
        job.force = output.force
        job.options = options
        job.quiet = output.quiet
        job.verbose = output.verbose
        try Diagnostics.run(naming: input) { () throws(JACError) in
            try job.run(warn: Diagnostics.warning, info: Diagnostics.info)
        }
    }

    private func parseRange(_ text: String, what: String) throws -> Range<Int> {
        try usage { () throws(JACError) in try Selection.parseRange(text, what: what) }
    }

    /// `body`'s result, its `JACError` turned into a usage error (exit status 2).
    private func usage<T>(_ body: () throws(JACError) -> T) throws -> T {
        let result: Result<T, JACError>
        do throws(JACError) { result = .success(try body()) } catch { result = .failure(error) }
        switch result {
        case .success(let r): return r
        case .failure(let e): throw ValidationError(e.message)
        }
    }
}
