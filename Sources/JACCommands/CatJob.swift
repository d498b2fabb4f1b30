import JACArchive
import JACSystem
import JACWire

/// `jac cat` from an archive path to its output: `-o` (a file appears only when the run
/// succeeds), progress on a terminal, and the `-v` line.
public struct CatJob {
    public var input = "-"
    /// `-o`; nil or "-" is standard output.
    public var output: String?
    public var force = false
    public var options = Projection.Options()
    public var quiet = false
    public var verbose = false

    public init() {}

    /// Prints the projection; `warn` and `info` hear warnings and the `-v` line.
    @discardableResult
    public func run(warn: (String) -> Void, info: (String) -> Void) throws(JACError) -> Projection.Summary {
        let job = OutputJob(output: output, force: force, inputs: [input], label: "jac cat", total: nil, quiet: quiet)
        let summary = try job.run { (sink, progress) throws(JACError) in
            try Projection.run(path: input, sink: sink, options: options, warn: warn) { s in
                progress.update(records: s.records, bytesIn: s.bytesRead, bytes: s.bytesOut)
            }
        }
        if verbose {
            let size = summary.archiveBytes.map { " of \($0)" } ?? ""
            info("\(input): \(summary.records) records from \(summary.blocks) blocks; read \(summary.bytesRead)\(size) bytes, decompressed \(summary.segmentBytes) -> \(summary.bytesDecompressed) bytes; \(summary.usedIndex ? "index footer" : "no index (scanned)")")
        }
        return summary
    }
}
