import ArgumentParser
import JACWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Messages to standard error, prefixed with the tool's name, and the exit statuses all tools
/// share: 0 success, 1 bad or damaged data, 2 usage or I/O trouble.
public enum Diagnostics {
    nonisolated(unsafe) public static var tool = "jac"
    nonisolated(unsafe) public static var quiet = false

    public static func error(_ message: String) {
        emit("\(tool): \(message)\n")
    }

    public static func warning(_ message: String) {
        guard !quiet else { return }
        emit("\(tool): warning: \(message)\n")
    }

    public static func info(_ message: String) {
        emit("\(tool): \(message)\n")
    }

    /// Writes `text` to standard error, in one call where it fits (so lines from the processes
    /// of a pipeline do not interleave).
    static func emit(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { p in
            var done = 0
            while done < p.count {
                let n = write(2, p.baseAddress! + done, p.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                done += n
            }
        }
    }

    public static func exitCode(for error: JACError) -> ExitCode {
        switch error.kind {
        case .io, .usage: ExitCode(2)
        default: ExitCode(1)
        }
    }

    /// Runs a command body, turning a `JACError` into its one-line message and exit status.
    public static func run(_ body: () throws(JACError) -> Void) throws {
        do {
            try body()
        } catch {
            self.error(error.message)
            throw exitCode(for: error)
        }
    }
}
