import ArgumentParser
import JACSystem

/// `--trace FILE` of `jac pack`, `jac unpack` and `jac-squeeze`: every thread-pool task of the
/// run, in doc/trace.md's format, for `scripts/model` to replay on other thread counts.
struct TraceOptions: ParsableArguments {
    @Option(name: .long, help: "Write a trace of the run's thread-pool tasks to this file (see scripts/model).")
    var trace: String?

    /// Runs `body` with the process's `TaskTrace` on when --trace was given, and writes the
    /// trace once `body` succeeded. The file is created first (exclusively, unless `force`),
    /// so that a path taken is refused before any work.
    func recording(force: Bool, _ body: () throws -> Void) throws {
        guard let trace else { return try body() }
        guard trace != "-" else { throw ValidationError("--trace needs a file, not '-'") }
        var file: OutputFile?
        try Diagnostics.run { () throws(JACError) in file = try OutputFile(path: trace, force: force, inputs: []) }
        let recorder = TaskTrace()
        TaskTrace.current = recorder
        do {
            try body()
        } catch {
            file?.abort()
            throw error
        }
        try Diagnostics.run { () throws(JACError) in
            try file?.sink.write(recorder.text())
            try file?.commit()
        }
    }
}
