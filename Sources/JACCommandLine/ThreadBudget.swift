import ArgumentParser
import JACArchive
import JACCompression
import JACPipeline

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        let cpus = ThreadBudget.cpuCount()
        let addressSpace = ThreadBudget.addressSpaceLeft()
        let memory = ThreadBudget.availableMemory()
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
        if addressSpace != nil { ThreadBudget.limitArenas() }
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

    /// RLIMIT_AS less the address space mapped now, or nil when there is no limit.
    static func addressSpaceLeft() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY
        // The first field of statm: pages mapped.
        let pages = systemFile("/proc/self/statm").flatMap(firstInteger) ?? 0
        return max(0, Int(clamping: limit.rlim_cur) - pages * sysconf(Int32(_SC_PAGESIZE)))
    }

    /// One malloc arena for all threads: glibc reserves 64 MiB of address space for each arena
    /// it adds (one per thread, up to eight per CPU), which an address-space limit counts.
    /// (`mallopt` is looked up: Glibc's module map leaves out malloc.h.)
    static func limitArenas() {
        #if canImport(Glibc)
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 1)
        }
        #endif
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

    /// - Parameter input: the input path, whose size (a regular file's) bounds its blocks.
    func budget(blockBytes: Int, input: String, level: Int) throws -> ThreadBudget {
        if let jobs, jobs < 1 { throw ValidationError("-j must be at least 1") }
        if let f = memoryFactor, !(f > 0 && f <= 1) { throw ValidationError("--memory-factor must be in (0, 1]") }
        var st = stat()
        let size = input != "-" && stat(input, &st) == 0 && st.st_mode & S_IFMT == S_IFREG ? Int(st.st_size) : nil
        let need = ThreadBudget.encodingNeed(blockBytes: blockBytes, inputBytes: size, level: level)
        let budget: ThreadBudget
        do {
            budget = try ThreadBudget(requested: jobs, need: need, memoryFactor: memoryFactor)
        } catch let error as ValidationErrorMessage {
            Diagnostics.error(error.description)
            throw ExitCode(2)
        }
        if let lowered = budget.lowered { Diagnostics.warning(lowered) }
        return budget
    }
}
