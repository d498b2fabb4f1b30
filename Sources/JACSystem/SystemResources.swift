import Glibc

/// What this process may use of the machine, as Linux reports it: CPUs (affinity mask, cgroup
/// v2 quota), memory (cgroup v2 limit, MemAvailable) and address space (RLIMIT_AS). Each probe reads a small file of /proc
/// or /sys and falls back to a plain answer when it is missing, as in a container without them.
public enum SystemResources {
    /// CPUs in the affinity mask, lowered by a cgroup v2 quota.
    public static func cpuCount() -> (count: Int, source: String) {
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
    public static func availableMemory() -> Int {
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

    /// RLIMIT_AS less the address space mapped now, or nil when there is no limit.
    public static func addressSpaceLeft() -> Int? {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_AS.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }  // RLIM_INFINITY
        // The first field of statm: pages mapped.
        let pages = systemFile("/proc/self/statm").flatMap(firstInteger) ?? 0
        return max(0, Int(clamping: limit.rlim_cur) - pages * sysconf(Int32(_SC_PAGESIZE)))
    }

    /// One malloc arena for all threads: glibc reserves 64 MiB of address space for each arena
    /// it adds (one per thread, up to eight per CPU), which an address-space limit counts.
    /// (`mallopt` is looked up: Glibc's module map leaves out malloc.h.)
    public static func limitArenas() {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let arenaMax: Int32 = -8  // M_ARENA_MAX
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
            _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMax, 1)
        }
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
}
