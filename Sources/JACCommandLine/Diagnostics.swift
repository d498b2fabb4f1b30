import ArgumentParser
import JACSystem
import JACWire

/// Messages to standard error, prefixed with the tool's name, and the exit statuses all tools
/// share: 0 success, 1 bad or damaged data, 2 usage or I/O trouble.
public enum Diagnostics {
    nonisolated(unsafe) public static var tool = "jac"
    nonisolated(unsafe) public static var quiet = false

    public static func error(_ message: String) {
        StandardError.write("\(tool): \(message)\n")
    }

    public static func warning(_ message: String) {
        guard !quiet else { return }
        StandardError.write("\(tool): warning: \(message)\n")
    }

    public static func info(_ message: String) {
        StandardError.write("\(tool): \(message)\n")
    }

    public static func exitCode(for error: JACError) -> ExitCode {
        switch error.kind {
        case .io, .usage: ExitCode(2)
        default: ExitCode(1)
        }
    }

    /// The worse of two exit statuses, for a run over several inputs: 2 (usage or I/O) over 1
    /// (bad data) over 0.
    public static func worse(_ a: ExitCode, _ b: ExitCode) -> ExitCode {
        a.rawValue == 2 || b == .success ? a : b
    }

    /// Runs `body` on each input, as zstd does: a failing input (its error already printed,
    /// its status thrown as an `ExitCode`) does not stop the next; then throws the worst status.
    static func each(_ inputs: [String], _ body: (String) throws -> Void) throws {
        var worst = ExitCode.success
        for input in inputs {
            do {
                try body(input)
            } catch let code as ExitCode {
                worst = worse(worst, code)
            }
        }
        if worst != .success { throw worst }
    }

    /// Runs a command body, turning a `JACError` into its one-line message and exit status;
    /// with `input`, a message about bad data names that file (`JACError.naming(file:)`).
    public static func run(naming input: String? = nil, _ body: () throws(JACError) -> Void) throws {
        do {
            try body()
        } catch {
            self.error(input.map { error.naming(file: ByteSource.displayName(of: $0)).message } ?? error.message)
            throw exitCode(for: error)
        }
    }
}
