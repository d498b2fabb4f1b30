import Glibc

/// glibc's allocator set for what the tools do with large inputs: buffers of a chunk, a column,
/// a segment or an output piece, each filled once. By default each fresh 4 KiB page costs a
/// fault, and on a virtual machine a fault costs microseconds (3 us here, against 0.5 us per
/// 4 KiB in a 2 MiB huge page): `jac pack -j1` of a 27 MB log took 11.4k faults, `jac unpack -j1`
/// 5.7k, `zstd -d` 1.2k. glibc backs its heap with transparent huge pages only when
/// `GLIBC_TUNABLES` asks at start-up, so a tool given a large input starts itself again, once,
/// with:
/// - `hugetlb=1`: the heap is advised as huge pages (`madvise(MADV_HUGEPAGE)`);
/// - `arena_max=1`: every thread allocates from that one heap (others are not advised; the
///   hot loops do not allocate per value, so threads rarely meet on its lock);
/// - `mmap_threshold=32 MiB`: buffers up to that size come from the heap too, whose freed
///   memory is used again, instead of mappings of their own, faulted in afresh each time.
/// The cost is a second start and a larger peak RSS (freed memory stays in the heap, where it
/// is reused), so it is done only for inputs of `minInputBytes` or more, or streams, and before
/// the command line is parsed (`inputs(named:)`): ArgumentParser's reflection costs about 4 ms
/// of each start, and a restart then costs about 5 ms instead of 8.5. Not when the kernel has
/// no transparent huge pages, `GLIBC_TUNABLES` is set already (the user's choice stands),
/// `LD_PRELOAD` is set (valgrind, profilers) or `JAC_MALLOC` is (`JAC_MALLOC=default` keeps
/// glibc's defaults). If the restart fails, the tool goes on as it is.
public enum AllocatorTuning {
    static let tunables = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432"
    /// Set for the restarted process (and its children), so that it does not restart again.
    static let marker = "JAC_MALLOC"
    /// Below this much input a second start costs more than the faults it saves.
    public static let minInputBytes = 1 << 20

    /// Starts the program again with `tunables` when they apply to reading `inputs` (paths,
    /// "-" for standard input); returns when they do not, or in the restarted process. Call
    /// before starting a thread or opening a file: the new program keeps only the arguments,
    /// the environment and the descriptors not closed on exec.
    public static func restartTuned(inputs: [String]) {
        guard getenv(marker) == nil, getenv("GLIBC_TUNABLES") == nil, getenv("LD_PRELOAD") == nil,
              isLarge(inputs), hugePagesAvailable() else { return }
        guard let program = executablePath() else { return }
        setenv(marker, "tuned", 1)
        setenv("GLIBC_TUNABLES", tunables, 1)
        execv(program, CommandLine.unsafeArgv)
        unsetenv("GLIBC_TUNABLES")
    }

    /// The files an unparsed command line names for reading: every argument that is not an
    /// option, the value of a `--name=value`, and everything after `--`; not the values of
    /// `-o`, `--output` and `--trace`, which are written. Standard input ("-") when none of them
    /// is an existing file: a pipe into `jac unpack` counts, the pipe of a `while read` loop
    /// around `jac pack FILE` does not. An option's value that happens to name a file counts
    /// too, which at worst restarts a small run.
    public static func inputs(named arguments: [String]) -> [String] {
        var paths: [String] = []
        var rest = arguments[...]
        while let arg = rest.popFirst() {
            if arg == "--" {
                paths += rest
                break
            }
            if writtenFiles.contains(arg) {
                _ = rest.popFirst()
            } else if arg.hasPrefix("--"), let equals = arg.firstIndex(of: "=") {
                if !writtenFiles.contains(String(arg[..<equals])) { paths.append(String(arg[arg.index(after: equals)...])) }
            } else if arg == "-" || !arg.hasPrefix("-") {
                paths.append(arg)
            }
        }
        let named = paths.filter { path in
            guard path != "-" else { return true }
            var st = stat()
            return stat(path, &st) == 0 && st.st_mode & S_IFMT != S_IFDIR
        }
        return named.isEmpty ? ["-"] : named
    }

    /// The options whose value is a file the tools write, not read.
    private static let writtenFiles = ["-o", "--output", "--trace"]

    /// This program's file, resolved from /proc/self/exe: executing that link itself would
    /// rename the process "exe" (the kernel names it after the path executed), and `ps`,
    /// `pkill` and the tests name it by its file. Nil if it is gone or the path is too long.
    private static func executablePath() -> [CChar]? {
        var path = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &path, path.count - 1)
        guard n > 0, n < path.count - 1 else { return nil }
        return path
    }

    /// Whether the inputs hold `minInputBytes` or more, or one is a pipe, socket or disk, whose
    /// size is not known. A path that cannot be read is not (its error comes next), nor a
    /// character device: a terminal (`jac --help`, typed input) or /dev/null.
    private static func isLarge(_ inputs: [String]) -> Bool {
        var total = 0
        for path in inputs {
            var st = stat()
            guard (path == "-" ? fstat(0, &st) : stat(path, &st)) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG: total += Int(st.st_size)
            case S_IFIFO, S_IFSOCK, S_IFBLK: return true
            default: continue
            }
        }
        return total >= minInputBytes
    }

    /// Whether the kernel gives huge pages to a process that asks ("always" or "madvise"
    /// chosen, as in "always [madvise] never"); without them nothing restarts.
    public static func hugePagesAvailable() -> Bool {
        let fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = [UInt8](repeating: 0, count: 64)
        let n = text.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        // Bytes, not `String.contains`: that search's first use costs a start 0.15 ms of generic
        // setup (perf, on the restart's first process).
        let chosen = text[..<n]
        return [Array("[always]".utf8), Array("[madvise]".utf8)].contains { word in
            chosen.indices.contains { chosen[$0...].starts(with: word) }
        }
    }
}
