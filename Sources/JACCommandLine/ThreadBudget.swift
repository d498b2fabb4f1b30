import ArgumentParser
import JACArchive
import JACCompression
import JACSystem

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How many threads a run may use: the CPUs this process may run on (affinity mask, cgroup CPU
/// quota), lowered so that threads x the memory of a block in flight stays under a fraction of
/// the memory available (cgroup limit when there is one, else MemAvailable).
struct ThreadBudget {
    var threads: Int
    /// Why that many, for `-v`.
    var reason: String
    /// Set when an explicit -j was lowered.
    var lowered: String?

    static let defaultMemoryFactor = 0.75

    /// - Parameters:
    ///   - requested: `-j`, an upper bound when given.
    ///   - bytesPerThread: memory one thread's block in flight needs.
    ///   - memoryFactor: `--memory-factor`, else `JAC_MEMORY_FACTOR`, else 0.75.
    init(requested: Int?, bytesPerThread: Int, memoryFactor: Double?) throws {
        let factor = try memoryFactor ?? ThreadBudget.environmentFactor() ?? ThreadBudget.defaultMemoryFactor
        let cpus = ThreadBudget.cpuCount()
        let memory = ThreadBudget.availableMemory()
        let byMemory = max(1, Int(Double(memory) * factor) / max(1, bytesPerThread))
        let wanted = requested ?? cpus.count
        threads = max(1, min(wanted, byMemory))
        let mib = { (n: Int) in "\(n >> 20) MiB" }
        reason = "\(threads) threads: \(requested.map { "-j \($0)" } ?? "\(cpus.count) CPUs (\(cpus.source))"), "
            + "memory allows \(byMemory) (\(factor) x \(mib(memory)) available / \(mib(bytesPerThread)) per thread)"
        if let requested, threads < requested {
            lowered = "-j \(requested) lowered to \(threads): \(requested) blocks in flight would need \(mib(requested * bytesPerThread)) of the \(mib(Int(Double(memory) * factor))) allowed"
        }
    }

    private static func environmentFactor() throws -> Double? {
        guard let value = getenv("JAC_MEMORY_FACTOR") else { return nil }
        let text = String(cString: value)
        guard let f = Double(text), f > 0, f <= 1 else {
            throw ValidationErrorMessage("JAC_MEMORY_FACTOR must be a number in (0, 1], not \(text)")
        }
        return f
    }

    /// CPUs in the affinity mask, lowered by a cgroup v2 quota.
    static func cpuCount() -> (count: Int, source: String) {
        var n = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var source = "online"
        // The affinity mask as the kernel reports it, e.g. "Cpus_allowed:\tff" or "0000,000f".
        if let status = systemFile("/proc/self/status"),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed:") }) {
            let mask = line.dropFirst("Cpus_allowed:".count).filter { $0.isHexDigit }
            let allowed = mask.reduce(0) { $0 + (Int(String($1), radix: 16) ?? 0).nonzeroBitCount }
            if allowed > 0 {
                n = allowed
                source = "affinity"
            }
        }
        if let text = systemFile("/sys/fs/cgroup/cpu.max") {
            let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if parts.count >= 2, let quota = Double(parts[0]), let period = Double(parts[1]), period > 0 {
                let q = max(1, Int((quota / period).rounded(.up)))
                if q < n {
                    n = q
                    source = "cgroup quota"
                }
            }
        }
        return (max(1, n), source)
    }

    /// The cgroup v2 memory limit less what is used, or MemAvailable, in bytes.
    static func availableMemory() -> Int {
        var available = Int.max
        if let text = systemFile("/proc/meminfo"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kib = Int(line.split(separator: " ")[1]) {
            available = kib * 1024
        }
        if let limit = systemFile("/sys/fs/cgroup/memory.max").flatMap(firstInteger) {
            let used = systemFile("/sys/fs/cgroup/memory.current").flatMap(firstInteger) ?? 0
            available = min(available, max(0, limit - used))
        }
        return available == Int.max ? 1 << 30 : available
    }

    /// A small file of /proc or /sys as text, or nil when it cannot be read.
    private static func systemFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let source = ByteSource(fd: fd, name: path, chunkSize: 64 << 10)
        guard (try? source.fill(Int.max)) != nil else { return nil }
        return try? source.withBuffered { String(decoding: $0, as: UTF8.self) }
    }

    /// The number a file such as memory.max holds ("max" is none).
    private static func firstInteger(_ text: String) -> Int? {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first.flatMap { Int($0) }
    }

    /// Memory one encoding thread holds for a block in flight: the raw text, its columns and
    /// payloads (about twice the text), compressed segments, and the zstd context.
    static func encodingBytes(blockBytes: Int, level: Int) -> Int {
        4 * blockBytes + zstdContextBytes(level: level)
    }
}

/// A validation failure that is not tied to one option.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Threads for decoding: -j when given, else the CPUs available.
func threadCount(_ requested: Int?) throws -> Int {
    if let requested {
        guard requested >= 1 else { throw ValidationErrorMessage("-j must be at least 1") }
        return requested
    }
    return ThreadBudget.cpuCount().count
}

/// `-j` and `--memory-factor` of the encoding commands (`jac pack`, `jac-squeeze`).
struct EncoderThreadOptions: ParsableArguments {
    @Option(name: [.customShort("j", allowingJoined: true), .customLong("threads")],
            help: "Worker threads, at most (default: the CPUs available; fewer if memory is short). Output does not depend on it.")
    var jobs: Int?

    @Option(name: .long, help: "Fraction of available memory the blocks in flight may use (default 0.75, or JAC_MEMORY_FACTOR).")
    var memoryFactor: Double?

    func budget(blockBytes: Int, level: Int) throws -> ThreadBudget {
        if let jobs, jobs < 1 { throw ValidationError("-j must be at least 1") }
        if let f = memoryFactor, !(f > 0 && f <= 1) { throw ValidationError("--memory-factor must be in (0, 1]") }
        let budget = try ThreadBudget(requested: jobs, bytesPerThread: ThreadBudget.encodingBytes(blockBytes: blockBytes, level: level),
                                      memoryFactor: memoryFactor)
        if let lowered = budget.lowered { Diagnostics.warning(lowered) }
        return budget
    }
}
