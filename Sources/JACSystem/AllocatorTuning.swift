import CJACHeap
import Glibc

/// glibc's allocator set for what the tools do with large inputs: buffers of a chunk, a column,
/// a segment or an output piece, each filled once. By default each fresh 4 KiB page costs a
/// fault, and on a virtual machine a fault costs microseconds (3 us here, against 0.5 us per
/// 4 KiB in a 2 MiB huge page): `jac pack -j1` of a 27 MB log took 11.4k faults, `jac unpack -j1`
/// 5.7k, `zstd -d` 1.2k. So a tool given a large input sets, before its first thread starts
/// (`jac_heap_tune`, through `mallopt`):
/// - one arena: every thread allocates from the one heap (the hot loops do not allocate per
///   value, so threads rarely meet on its lock);
/// - an mmap threshold of 32 MiB: buffers up to that size come from the heap too, whose freed
///   memory is used again, instead of mappings of their own, faulted in afresh each time;
/// - no trimming, and `reserve` bytes of untouched heap advised as transparent huge pages
///   (`madvise(MADV_HUGEPAGE)`), which glibc itself does only when `GLIBC_TUNABLES` asks at
///   start-up (`glibc.malloc.hugetlb=1`): the tools used to start themselves again with it, a
///   second start of 5-8 ms.
/// The cost is a larger peak RSS (freed memory stays in the heap, where it is reused, and a page
/// touched brings in its 2 MiB), so it is done only for inputs of `minInputBytes` or more, or
/// streams, decided before the command line is parsed (`inputs(named:)`). Not when the kernel
/// has no transparent huge pages, `GLIBC_TUNABLES` is set (the user's choice stands),
/// `LD_PRELOAD` is (another allocator, valgrind, profilers) or `JAC_MALLOC=default` is; and
/// nothing is reserved under `ulimit -v` or `-d` or with `vm.overcommit_memory` 2.
public enum AllocatorTuning {
    /// Below this much input the huge pages cost more memory than their faults save time.
    public static let minInputBytes = 1 << 20
    /// Heap advised as huge pages: virtual until touched; past it the heap grows in small pages.
    static let reserve = 256 << 20
    static let mmapThreshold = 32 << 20

    /// Tunes the allocator when it applies to reading `inputs` (paths, "-" for standard input).
    /// Call before starting a thread.
    public static func tune(inputs: [String]) {
        guard getenv("GLIBC_TUNABLES") == nil, getenv("LD_PRELOAD") == nil,
              getenv("JAC_MALLOC").map({ String(cString: $0) != "default" }) ?? true,
              isLarge(inputs), hugePagesAvailable() else { return }
        jac_heap_tune(reserve, mmapThreshold)
    }

    /// The files an unparsed command line names for reading: every argument that is not an
    /// option, the value of a `--name=value`, and everything after `--`; not the values of
    /// `-o`, `--output` and `--trace`, which are written. Standard input ("-") when none of them
    /// is an existing file: a pipe into `jac unpack` counts, the pipe of a `while read` loop
    /// around `jac pack FILE` does not. An option's value that happens to name a file counts
    /// too, which at worst tunes a small run.
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
    /// chosen, as in "always [madvise] never"); without them nothing is tuned.
    public static func hugePagesAvailable() -> Bool {
        let fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var text = [UInt8](repeating: 0, count: 64)
        let n = text.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return false }
        // Bytes, not `String.contains`: that search's first use costs a start 0.15 ms of generic
        // setup (perf, of a tool's start).
        let chosen = text[..<n]
        return [Array("[always]".utf8), Array("[madvise]".utf8)].contains { word in
            chosen.indices.contains { chosen[$0...].starts(with: word) }
        }
    }
}
