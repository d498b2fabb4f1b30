#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A one-line progress report on standard error for long runs, redrawn in place at most four
/// times a second: records, records/s, MB/s, and percent done when the input size is known.
/// Shown only when standard error is a terminal, not with -q, and not during the first second
/// (short runs print nothing). `finish` clears the line.
public final class Progress {
    private let enabled: Bool
    private let total: Int?
    private let label: String
    private let start: Double
    private var last: Double
    private var shown = false

    /// `total`: the input size in bytes, when known (for the percentage).
    public init(label: String, total: Int?, quiet: Bool) {
        enabled = !quiet && isatty(2) != 0
        self.total = total
        self.label = label
        start = Progress.now()
        last = start
    }

    /// The size of the file at `path`, or nil for standard input, pipes and devices.
    public static func fileSize(_ path: String) -> Int? {
        guard path != "-" else { return nil }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Reports the work done so far: `bytesIn` read (for the percentage), `bytes` the volume
    /// the MB/s figure is about (JSON written when decoding, read when encoding).
    public func update(records: Int, bytesIn: Int, bytes: Int) {
        guard enabled else { return }
        let t = Progress.now()
        guard t - start >= 1, t - last >= 0.25 || !shown else { return }
        last = t
        shown = true
        let elapsed = max(t - start, 1e-9)
        var line = "\r\(label): \(Progress.group(records)) records, \(Progress.short(Double(records) / elapsed)) rec/s, "
            + "\(Progress.fixed(Double(bytes) / 1e6 / elapsed)) MB/s"
        if let total, total > 0 {
            line += ", \(min(100, bytesIn * 100 / total))%"
        }
        line += "\u{1B}[K"
        emit(line)
    }

    /// Clears the line (if one was drawn).
    public func finish() {
        guard shown else { return }
        emit("\r\u{1B}[K")
        shown = false
    }

    private func emit(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
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
        v >= 1e6 ? fixed(v / 1e6) + "M" : v >= 1e3 ? fixed(v / 1e3) + "k" : String(Int(v))
    }

    static func fixed(_ v: Double) -> String {
        let n = Int((v * 10).rounded())
        return "\(n / 10).\(n % 10)"
    }
}

/// What writing to a closed pipe means. For the readers (`jac unpack | head`) the reader has
/// all it wanted: end quietly, as every Unix filter does (the default SIGPIPE action, even if
/// the parent left it ignored). For the writers of archives and frame streams, output cut
/// short is a failure: ignore SIGPIPE so the write fails and the tool says so, exit status 2.
enum BrokenPipe {
    static func endQuietly() {
        signal(SIGPIPE, SIG_DFL)
    }

    static func reportAsError() {
        signal(SIGPIPE, SIG_IGN)
    }
}
