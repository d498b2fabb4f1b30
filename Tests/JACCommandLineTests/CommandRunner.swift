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

extension Workspace {
    /// Runs the shell command `command` in this directory on a pseudo-terminal (script(1)):
    /// its standard input, output and error are that terminal unless it redirects them. The
    /// built executables come first on PATH; progress lines are drawn at once
    /// (JAC_PROGRESS_AFTER=0). Returns the exit status and what the terminal showed.
    func terminal(_ command: String) throws -> (status: Int32, screen: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", command, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["JAC_PROGRESS_AFTER"] = "0"
        process.environment = environment
        let out = file(".stdout")
        try Data().write(to: URL(fileURLWithPath: out))
        defer { try? FileManager.default.removeItem(atPath: out) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: try SharedFiles.read(out), as: UTF8.self))
    }
}
