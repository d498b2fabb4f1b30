import Foundation
import JACTestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What a measured child did: its exit status (128 + the signal when one ended it), its peak
/// resident memory (VmHWM), its wall time, the bytes it wrote to standard output and its
/// standard error.
struct MeasuredRun {
    var status: Int32
    var peakBytes: Int
    var seconds: Double
    var outputBytes: Int
    var stderr: String
    /// Whether a mapping of the tool was seen advised as huge pages while it ran (its heap, when
    /// `AllocatorTuning` tuned it; "hg" in /proc/PID/smaps).
    var hugePageHeap = false
}

extension Workspace {
    /// Runs `tool` (one of the built executables) in this directory, standard input from the
    /// file `stdin` (or /dev/null). Standard output goes to the file `stdout`, or, without one,
    /// into a pipe that is counted and dropped as it comes (so a huge output costs nothing).
    /// With `addressSpaceKiB`, the child runs under `ulimit -v` of that many KiB; `environment`
    /// entries ("NAME=value") are added to this process's for it.
    ///
    /// The peak is the tool's VmHWM, read from /proc every few milliseconds until it exits (the
    /// kernel keeps it up to date before memory is unmapped): rusage's ru_maxrss cannot be
    /// used, since a spawned child starts on this process's memory and the kernel counts that.
    func measure(_ tool: String = "jac", _ arguments: [String], stdin: String? = nil, stdout: String? = nil,
                 addressSpaceKiB: Int? = nil, environment: [String] = []) throws -> MeasuredRun {
        // bash goes to this directory, sets the limit and becomes the tool (same process).
        let limit = addressSpaceKiB.map { "ulimit -v \($0) && " } ?? ""
        let argv = ["/bin/bash", "-c", "cd \"$0\" && \(limit)exec \"$@\"", path, binDirectory + "/" + tool] + arguments
        let err = file(".measured-stderr")
        var pipe: [Int32] = [-1, -1]
        if stdout == nil, Glibc.pipe(&pipe) != 0 { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin.map(file) ?? "/dev/null", O_RDONLY, 0)
        if let stdout {
            posix_spawn_file_actions_addopen(&actions, 1, file(stdout), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipe[0])
            posix_spawn_file_actions_addclose(&actions, pipe[1])
        }
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var inherited: [String] = []
        var entry = environ
        while let text = entry.pointee { inherited.append(String(cString: text)); entry += 1 }
        let cEnvironment = (inherited + environment).map { strdup($0) } + [nil]
        defer { cEnvironment.forEach { free($0) } }
        let started = Date()
        var pid = pid_t()
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArgs, cEnvironment)
        if pipe[1] >= 0 { close(pipe[1]) }
        defer { if pipe[0] >= 0 { close(pipe[0]) } }
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        var peak = 0
        var hugePageHeap = false
        /// Samples the tool's peak and its mappings (both only once bash has become the tool).
        func sample() {
            guard let kib = Self.highWaterKiB(pid: pid, name: tool) else { return }
            peak = max(peak, kib * 1024)
            if !hugePageHeap { hugePageHeap = Self.hasHugePageMapping(pid: pid) }
        }
        var outputBytes = 0
        if pipe[0] >= 0 {
            // Drain the output, sampling the peak between reads.
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var poller = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
            while true {
                sample()
                guard poll(&poller, 1, 2) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { Glibc.read(pipe[0], $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                outputBytes += n
            }
        }
        var status: Int32 = 0
        while true {
            sample()
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid || (reaped < 0 && errno != EINTR) { break }
            usleep(2000)
        }
        let seconds = Date().timeIntervalSince(started)
        if let stdout {
            outputBytes = ((try? FileManager.default.attributesOfItem(atPath: file(stdout))[.size]) as? Int) ?? 0
        }
        defer { try? FileManager.default.removeItem(atPath: err) }
        let signal = status & 0x7f
        return MeasuredRun(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                           peakBytes: peak, seconds: seconds, outputBytes: outputBytes,
                           stderr: String(decoding: try SharedFiles.read(err), as: UTF8.self),
                           hugePageHeap: hugePageHeap)
    }

    /// VmHWM of process `pid` once it runs `name` (before that it is bash, or this process's
    /// memory, shared until exec).
    private static func highWaterKiB(pid: pid_t, name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        let lines = status.split(separator: "\n")
        guard lines.first == "Name:\t" + name.prefix(15),
              let line = lines.first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// Whether a mapping of process `pid` is advised as huge pages ("hg" among its VmFlags).
    private static func hasHugePageMapping(pid: pid_t) -> Bool {
        guard let smaps = try? SharedFiles.read("/proc/\(pid)/smaps") else { return false }
        return String(decoding: smaps, as: UTF8.self).split(separator: "\n")
            .contains { $0.hasPrefix("VmFlags:") && $0.split(separator: " ").contains("hg") }
    }
}
