import JACArchive
import JACCodec
import JACSystem
import JACWire

/// `jac unpack` from an input path to its output: the layout, `-o` (a file appears only when
/// the run succeeds), progress on a terminal, the `-v` line, and with `salvage` what was lost.
public struct UnpackJob {
    /// Which layout to write: `auto` follows the archive's container hint.
    public enum Layout: Sendable { case ndjson, jsonArray, auto }

    public var input = "-"
    /// `-o`; nil or "-" is standard output.
    public var output: String?
    public var force = false
    public var layout = Layout.ndjson
    public var threads = 1
    public var salvage = false
    public var quiet = false
    public var verbose = false

    public init() {}

    /// Decodes the archive; `warn` and `info` hear warnings and the `-v` line. With `salvage`,
    /// returns what was recovered and lost (nil without it).
    public func run(warn: (String) -> Void, info: (String) -> Void) throws(JACError) -> Salvage.Summary? {
        let reader = try ArchiveReader(source: try ByteSource(path: input))
        if reader.header.indexFollows && !salvage {
            // A regular file cut short is refused before any output; a stream can only be at
            // its end, after its whole blocks.
            _ = try IndexedArchive.open(path: input)
        }
        let layout: RecordLayout = self.layout == .jsonArray
            || (self.layout == .auto && reader.header.containerHint == .jsonArray) ? .jsonArray : .ndjson
        let job = OutputJob(output: output, force: force, inputs: [input], label: "jac unpack",
                            total: Progress.fileSize(input), quiet: quiet)
        // The `-v` line is printed once the output is in place.
        let (salvaged, line) = try job.run { (sink, progress) throws(JACError) -> (Salvage.Summary?, String) in
            let report = { (s: Unpack.Summary) in progress.update(records: s.records, bytesIn: s.bytesIn, bytes: s.bytesOut) }
            if salvage {
                let summary = try Salvage.run(reader: reader, sink: sink, layout: layout, progress: report)
                return (summary, "\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks recovered")
            }
            let summary = try Unpack.run(reader: reader, sink: sink, layout: layout, threads: threads,
                                         warn: warn, progress: report)
            return (nil, "\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks, \(summary.bytesIn) -> \(summary.bytesOut) bytes, \(threads) threads")
        }
        if verbose { info(line) }
        return salvaged
    }
}

extension Salvage.Summary {
    /// One line per skipped range, one for an index footer announced and missing, then the
    /// totals: what `jac unpack --salvage` of `input` reports as errors (none when nothing was lost).
    public func lossReport(input: String) -> [String] {
        guard isDamaged else { return [] }
        var lines = skipped.map { r in
            let lost = r.lostRecords.map { "\($0) records lost" } ?? "records lost: unknown"
            return "\(input): salvage: skipped bytes \(r.start)..<\(r.end) (\(r.end - r.start) bytes, \(lost)): \(r.reason)"
        }
        var lost: [String] = []
        if !skipped.isEmpty {
            let total = lostRecordsExact ? "\(lostRecords)" : "at least \(lostRecords)"
            lost.append("\(total) records in \(skipped.count) damaged range\(skipped.count == 1 ? "" : "s")")
        }
        if let missingIndex {
            lines.append("\(input): salvage: \(missingIndex.description)")
            lost.append("an unknown number of records after the last whole block")
        }
        lines.append("\(input): salvage: recovered \(records) records in \(blocks) blocks; lost \(lost.joined(separator: " and "))")
        return lines
    }
}
