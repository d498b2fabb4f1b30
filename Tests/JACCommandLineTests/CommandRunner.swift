import Foundation
import JACTestSupport

/// The built executables' directory: $JAC_BIN_DIR, else the directory of this test binary
/// (SwiftPM puts both in the same build products folder).
let binDirectory: String = {
    if let dir = ProcessInfo.processInfo.environment["JAC_BIN_DIR"], !dir.isEmpty { return dir }
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    // On some layouts the binary sits inside a bundle (…/jacPackageTests.xctest/…).
    while dir.path != "/", !FileManager.default.isExecutableFile(atPath: dir.path + "/jac") {
        dir.deleteLastPathComponent()
    }
    return dir.path
}()

/// What a run of `jac` did.
struct RunResult {
    var status: Int32
    var stdout: [UInt8]
    var stderr: String
}

/// A scratch directory for one test: files in, archives out, and `jac` runs there.
final class Workspace {
    let path: String

    init() throws { path = try SharedFiles.temporaryDirectory() }

    deinit { SharedFiles.removeDirectory(path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name)) }

    func read(_ name: String) throws -> [UInt8] { try SharedFiles.read(file(name)) }

    /// Runs `jac` with `arguments` in this directory; standard input comes from the file
    /// `stdin` (or is empty), output goes through files so large outputs cannot block a pipe.
    func jac(_ arguments: [String], stdin: String? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binDirectory + "/jac")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        let out = file(".stdout"), err = file(".stderr")
        try Data().write(to: URL(fileURLWithPath: out))
        try Data().write(to: URL(fileURLWithPath: err))
        process.standardInput = try stdin.map { try FileHandle(forReadingFrom: URL(fileURLWithPath: file($0))) }
            ?? FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return RunResult(status: process.terminationStatus, stdout: try SharedFiles.read(out),
                         stderr: String(decoding: try SharedFiles.read(err), as: UTF8.self))
    }

    /// Names in the directory, hidden ones included (a leftover temporary file shows here).
    func listing() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0 != ".stdout" && $0 != ".stderr" }.sorted()
    }
}

/// What a measured run did: its exit status, how many bytes it wrote to standard output (read
/// and dropped as they come), its standard error, and its peak resident memory.
struct MeasuredRun {
    var status: Int32
    var outputBytes: Int
    var stderr: String
    var peakBytes: Int
}

extension Workspace {
    /// Runs the built `executable` with `arguments` and measures it. The peak is the child's
    /// `VmHWM` (its own memory's high-water mark), read while it runs and once its output has
    /// ended: `wait4`'s `ru_maxrss` is no good here, since `posix_spawn`'s child starts in the
    /// test process's memory, whose peak the kernel counts as the child's at `exec`.
    func measure(_ executable: String = "jac", _ arguments: [String]) throws -> MeasuredRun {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw CocoaError(.fileWriteUnknown) }
        let err = file(".stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        let argv = ([binDirectory + "/" + executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0]!, &actions, nil, argv, environ)
        close(pipe[1])
        defer { close(pipe[0]) }
        guard spawned == 0 else { throw CocoaError(.executableLoad) }
        var outputBytes = 0
        var peak = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var poller = pollfd(fd: pipe[0], events: Int16(POLLIN), revents: 0)
        while true {
            peak = max(peak, highWaterMark(pid))
            guard poll(&poller, 1, 5) > 0 else { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(pipe[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            outputBytes += n
        }
        peak = max(peak, highWaterMark(pid))
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        defer { try? FileManager.default.removeItem(atPath: err) }
        // Exit status as the shell shows it; a signal gives 128 + its number.
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return MeasuredRun(status: code, outputBytes: outputBytes,
                           stderr: String(decoding: try SharedFiles.read(err), as: UTF8.self), peakBytes: peak)
    }

    /// `VmHWM` of a running process in bytes, 0 once it is gone.
    private func highWaterMark(_ pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }
}
