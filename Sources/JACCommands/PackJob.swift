import JACCompression
import JACPipeline
import JACSystem
import JACWire

import Glibc

/// `jac pack` from an input path to its archive: `-o` (a file appears only when the run
/// succeeds; a failure on a stream leaves an end no reader accepts), progress on a terminal,
/// and the `-v` summary.
public struct PackJob {
    public var input = "-"
    /// `-o`; nil or "-" is standard output.
    public var output: String?
    public var force = false
    public var options = PackOptions()
    public var threads = 1
    public var quiet = false
    public var verbose = false

    public init() {}

    /// Packs the input; `info` hears the `-v` summary.
    @discardableResult
    public func run(info: (String) -> Void) throws(JACError) -> PackSummary {
        let clock = Stopwatch()
        let source = try TextInput.open(input)
        // A compressed input's size says nothing about how much text it holds.
        let total = DecompressingReader.isCompressed(path: input) ? nil : Progress.fileSize(input)
        var job = OutputJob(output: output, force: force, inputs: [input], label: "jac pack", total: total, quiet: quiet)
        job.poison = true
        let summary = try job.run { (sink, progress) throws(JACError) in
            try Pack.run(source: source, sink: sink, options: options, threads: threads, fieldTotals: verbose) { records, bytesIn in
                progress.update(records: records, bytesIn: bytesIn, bytes: bytesIn)
            }
        }
        if verbose { Self.report(summary, source: source.name, seconds: clock.seconds, threads: threads, info: info) }
        return summary
    }

    /// The `-v` summary: totals, speed, peak memory, and the fields that take the most room.
    static func report(_ summary: PackSummary, source: String, seconds: Double, threads: Int, info: (String) -> Void) {
        let ratio = summary.bytesOut > 0 ? Double(summary.bytesIn) / Double(summary.bytesOut) : 0
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        let speed = Double(summary.bytesIn) / 1e6 / max(seconds, 1e-9)
        info("\(source): \(summary.records) records, \(summary.blocks) blocks, "
            + "\(summary.bytesIn) -> \(summary.bytesOut) bytes (ratio \(decimal(ratio, places: 2))), "
            + "\(decimal(seconds, places: 2)) s, \(decimal(speed, places: 1)) MB/s, \(threads) threads, "
            + "peak RSS \(usage.ru_maxrss / 1024) MiB")
        for (name, f) in summary.fields.sorted(by: { $0.value.total > $1.value.total }).prefix(12) {
            let share = 100 * Double(f.total) / Double(max(1, summary.bytesOut))
            info("  field \"\(name)\": \(f.total) bytes (\(decimal(share, places: 1))% of the archive), "
                + "largest segment \(f.largest)")
        }
    }
}
