import JACSystem

import Glibc

/// A one-line progress report on standard error for long runs, redrawn in place at most four
/// times a second: records, records/s, MB/s, and percent done when the input size is known.
/// Shown only when standard error is a terminal, not with -q, and not during the first second
/// (short runs print nothing; `JAC_PROGRESS_AFTER` sets other seconds, 0 for tests).
/// `finish` clears the line.
public final class Progress {
    private let enabled: Bool
    private let total: Int?
    private let label: String
    private let delay: Double
    private let clock = Stopwatch()
    private var last = 0.0
    private var shown = false

    /// `total`: the input size in bytes, when known (for the percentage).
    public init(label: String, total: Int?, quiet: Bool) {
        enabled = !quiet && isatty(2) != 0
        self.total = total
        self.label = label
        delay = getenv("JAC_PROGRESS_AFTER").flatMap { Double(String(cString: $0)) }.map { max(0, $0) } ?? 1
    }

    /// The size of the file at `path`, or nil for standard input, pipes and devices.
    public static func fileSize(_ path: String) -> Int? {
        guard path != "-" else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// Reports the work done so far: `bytesIn` read (for the percentage), `bytes` the volume
    /// the MB/s figure is about (JSON written when decoding, read when encoding).
    public func update(records: Int, bytesIn: Int, bytes: Int) {
        guard enabled else { return }
        let t = clock.seconds
        guard t >= delay, t - last >= 0.25 || !shown else { return }
        last = t
        shown = true
        let elapsed = max(t, 1e-9)
        var line = "\r\(label): \(Progress.group(records)) records, \(Progress.short(Double(records) / elapsed)) rec/s, "
            + "\(decimal(Double(bytes) / 1e6 / elapsed, places: 1)) MB/s"
        if let total, total > 0 {
            line += ", \(min(100, bytesIn * 100 / total))%"
        }
        line += "\u{1B}[K"
        StandardError.write(line)
    }

    /// Clears the line (if one was drawn).
    public func finish() {
        guard shown else { return }
        StandardError.write("\r\u{1B}[K")
        shown = false
    }

    static func group(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    static func short(_ v: Double) -> String {
        v >= 1e6 ? decimal(v / 1e6, places: 1) + "M" : v >= 1e3 ? decimal(v / 1e3, places: 1) + "k" : String(Int(v))
    }
}
