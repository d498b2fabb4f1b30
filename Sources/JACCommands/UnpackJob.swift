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
        let layout: RecordLayout = self.layout == .jsonArray
            || (self.layout == .auto && reader.header.containerHint == .jsonArray) ? .jsonArray : .ndjson
        let file = try OutputFile(path: output, force: force, inputs: [input].compactMap(FileIdentity.init(path:)))
        let progress = Progress(label: "jac unpack", total: Progress.fileSize(input), quiet: quiet)
        let report = { (s: Unpack.Summary) in progress.update(records: s.records, bytesIn: s.bytesIn, bytes: s.bytesOut) }
        do throws(JACError) {
            if salvage {
                let summary = try Salvage.run(reader: reader, sink: file.sink, layout: layout, progress: report)
                progress.finish()
                try file.commit()
                if verbose {
                    info("\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks recovered")
                }
                return summary
            }
            let summary = try Unpack.run(reader: reader, sink: file.sink, layout: layout, threads: threads,
                                         warn: warn, progress: report)
            progress.finish()
            try file.commit()
            if verbose {
                info("\(reader.source.name): \(summary.records) records in \(summary.blocks) blocks, \(summary.bytesIn) -> \(summary.bytesOut) bytes, \(threads) threads")
            }
            return nil
        } catch {
            progress.finish()
            file.abort()
            throw error
        }
    }
}

extension Salvage.Summary {
    /// One line per skipped range, then the totals: what `jac unpack --salvage` reports as
    /// errors (none when nothing was skipped).
    public var lossReport: [String] {
        guard !skipped.isEmpty else { return [] }
        var lines = skipped.map { r in
            let lost = r.lostRecords.map { "\($0) records lost" } ?? "records lost: unknown"
            return "salvage: skipped bytes \(r.start)..<\(r.end) (\(r.end - r.start) bytes, \(lost)): \(r.reason)"
        }
        let total = lostRecordsExact ? "\(lostRecords)" : "at least \(lostRecords)"
        lines.append("salvage: recovered \(records) records in \(blocks) blocks; lost \(total) records in \(skipped.count) damaged range\(skipped.count == 1 ? "" : "s")")
        return lines
    }
}
