import ArgumentParser
import JACCompression
import JACPipeline
import JACSystem

import Glibc

/// How many threads a run may use: the CPUs this process may run on (affinity mask, cgroup CPU
/// quota), lowered so that what the threads and the blocks in flight need stays under a
/// fraction of the memory available: the least of the cgroup limit, MemAvailable and the
/// address space left under RLIMIT_AS (`ulimit -v`), which counts reservations that are not
/// memory: thread stacks, and malloc's arenas (so with such a limit there is one arena).
struct ThreadBudget {
    var threads: Int
    /// Why that many, for `-v`.
    var reason: String
    /// Set when an explicit -j was lowered.
    var lowered: String?

    static let defaultMemoryFactor = 0.75

    /// What a run needs for `threads` threads: `fixed`, and per thread `perThread` plus its
    /// stack (their blocks in flight, and the one being read, are in both).
    struct Need {
        var fixed: Int
        var perThread: Int

        func bytes(threads: Int) -> Int { fixed + threads * (perThread + ThreadBudget.stackBytes) }
    }

    /// A thread's stack (`startThread`), address space that RLIMIT_AS counts.
    static let stackBytes = 8 << 20

    /// - Parameters:
    ///   - requested: `-j`, an upper bound when given.
    ///   - need: memory the run needs, by thread count.
    ///   - memoryFactor: `--memory-factor`, else `JAC_MEMORY_FACTOR`, else 0.75.
    /// - Throws: `ValidationErrorMessage` when even one thread does not fit the address space
    ///   left under RLIMIT_AS (allocation would fail midway, which Swift cannot recover from).
    init(requested: Int?, need: Need, memoryFactor: Double?) throws {
        let factor = try memoryFactor ?? ThreadBudget.environmentFactor() ?? ThreadBudget.defaultMemoryFactor
        let cpus = SystemResources.cpuCount()
        let addressSpace = SystemResources.addressSpaceLeft()
        let memory = SystemResources.availableMemory()
        // The factor leaves room for others in shared memory; the address space is ours alone.
        let allowed = min(Int(Double(memory) * factor), addressSpace ?? Int.max)
        let mib = { (n: Int) in "\(n >> 20) MiB" }
        if let addressSpace, need.bytes(threads: 1) > addressSpace {
            throw ValidationErrorMessage("memory: one thread needs \(mib(need.bytes(threads: 1))) of address space, "
                + "the limit (ulimit -v) leaves \(mib(addressSpace)); raise the limit or cut smaller blocks (--block-bytes)")
        }
        let byMemory = max(1, (allowed - need.fixed) / (need.perThread + ThreadBudget.stackBytes))
        let wanted = requested ?? cpus.count
        threads = max(1, min(wanted, byMemory))
        reason = "\(threads) threads: \(requested.map { "-j \($0)" } ?? "\(cpus.count) CPUs (\(cpus.source))"), "
            + "memory allows \(byMemory) (\(mib(allowed)): \(factor) x \(mib(memory)) available"
            + "\(addressSpace.map { ", \(mib($0)) under ulimit -v" } ?? ""); "
            + "\(mib(need.fixed)) + \(mib(need.perThread + ThreadBudget.stackBytes)) per thread)"
        if let requested, threads < requested {
            lowered = "-j \(requested) lowered to \(threads): \(requested) threads would need \(mib(need.bytes(threads: requested))) of the \(mib(allowed)) allowed"
        }
        if addressSpace != nil { SystemResources.limitArenas() }
    }

    private static func environmentFactor() throws -> Double? {
        guard let value = getenv("JAC_MEMORY_FACTOR") else { return nil }
        let text = String(cString: value)
        guard let f = Double(text), f > 0, f <= 1 else {
            throw ValidationErrorMessage("JAC_MEMORY_FACTOR must be a number in (0, 1], not \(text)")
        }
        return f
    }

    /// What encoding needs with raw blocks of `blockBytes`: the blocks in flight as
    /// `ByteBudget` models them, one per thread (at its peak `Squeezer.peakBytesPerRawByte`
    /// times its text) with a zstd context, and those being read (their text), besides the
    /// reading thread's stack and buffers.
    /// An input of one block (a regular file of `inputBytes` at most `blockBytes`) holds only
    /// that block, shared by the threads: twice its text (its peak, measured on strings,
    /// integers and nested values, is 1.5 times its text resident).
    static func encodingNeed(blockBytes: Int, inputBytes: Int?, level: Int) -> Need {
        let fixed = stackBytes + (4 << 20)
        if let inputBytes, inputBytes <= blockBytes {
            return Need(fixed: fixed + 2 * inputBytes, perThread: zstdContextBytes(level: level))
        }
        return Need(fixed: fixed + ByteBudget.itemsBeyondThreads * blockBytes,
                    perThread: Squeezer.peakBytesPerRawByte * blockBytes + zstdContextBytes(level: level))
    }
}

/// A validation failure that is not tied to one option.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Threads for decoding: -j when given, else (and for 0, as zstd's -T0) the CPUs available.
func threadCount(_ requested: Int?) throws -> Int {
    if let requested, requested != 0 {
        guard requested >= 1 else { throw ValidationErrorMessage("-j must be at least 0") }
        return requested
    }
    return SystemResources.cpuCount().count
}

/// `-j` and `--memory-factor` of the encoding commands (`jac pack`, `jac-squeeze`).
struct EncoderThreadOptions: ParsableArguments {
    @Option(name: [.customShort("j", allowingJoined: true), .customShort("T", allowingJoined: true), .customLong("threads")],
            help: "Worker threads, at most (default, and 0: the CPUs available; fewer if memory is short). Output does not depend on it.")
    var jobs: Int?

    @Option(name: .long, help: "Fraction of available memory the blocks in flight may use (default 0.75, or JAC_MEMORY_FACTOR).")
    var memoryFactor: Double?

    /// - Parameter input: the input path, whose size (a regular file's, not compressed) bounds its blocks.
    func budget(blockBytes: Int, input: String, level: Int) throws -> ThreadBudget {
        if let jobs, jobs < 0 { throw ValidationError("-j must be at least 0") }
        if let f = memoryFactor, !(f > 0 && f <= 1) { throw ValidationError("--memory-factor must be in (0, 1]") }
        var st = stat()
        let size = input != "-" && stat(input, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
            && !DecompressingReader.isCompressed(path: input) ? Int(st.st_size) : nil
        let need = ThreadBudget.encodingNeed(blockBytes: blockBytes, inputBytes: size, level: level)
        let budget: ThreadBudget
        do {
            budget = try ThreadBudget(requested: jobs == 0 ? nil : jobs, need: need, memoryFactor: memoryFactor)
        } catch let error as ValidationErrorMessage {
            Diagnostics.error(error.description)
            throw ExitCode(2)
        }
        if let lowered = budget.lowered { Diagnostics.warning(lowered) }
        return budget
    }
}
