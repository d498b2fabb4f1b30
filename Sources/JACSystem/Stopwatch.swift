import Glibc

/// Time since it was made, on a clock that only goes forward (for speeds and `-v` timings).
public struct Stopwatch {
    private let start = Stopwatch.now()

    public init() {}

    public var seconds: Double { Stopwatch.now() - start }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
