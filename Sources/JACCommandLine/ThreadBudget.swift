import ArgumentParser
import JACCompression
import JACSystem

import Glibc

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
        let cpus = SystemResources.cpuCount()
        let memory = SystemResources.availableMemory()
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
    return SystemResources.cpuCount().count
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
