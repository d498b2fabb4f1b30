import JACSystem

/// What every command that writes one output does around its work: opens `-o` (a file
/// appears only when the run succeeds, never over one of its inputs), shows progress on a
/// terminal, commits on success, and on failure clears the progress line and removes the
/// file, or for an archive on a stream ends it so that no reader accepts it (`Poison`).
public struct OutputJob {
    /// `-o`; nil or "-" is standard output.
    public var output: String?
    public var force = false
    /// Paths the output must not be (the run reads them).
    public var inputs: [String] = []
    /// For the progress line: what runs, and the input's size when known (for the percentage).
    public var label: String
    public var total: Int?
    /// No progress line (`-q`, or a pipeline stage that leaves the line to another).
    public var quiet = false
    /// The output is an archive: a failure on a stream leaves `Poison.trailer` at its end.
    public var poison = false

    public init(output: String?, force: Bool, inputs: [String], label: String, total: Int?, quiet: Bool) {
        self.output = output
        self.force = force
        self.inputs = inputs
        self.label = label
        self.total = total
        self.quiet = quiet
    }

    /// Runs `body` with the output's sink and the progress line, and commits its output.
    public func run<T>(_ body: (ByteSink, Progress) throws(JACError) -> T) throws(JACError) -> T {
        let file = try OutputFile(path: output, force: force, inputs: inputs.compactMap(FileIdentity.init(path:)))
        if poison { Poison.arm(file) }
        let progress = Progress(label: label, total: total, quiet: quiet)
        do throws(JACError) {
            let result = try body(file.sink, progress)
            progress.finish()
            try file.commit()
            return result
        } catch {
            progress.finish()
            if poison { Poison.abort(file) } else { file.abort() }
            throw error
        }
    }
}
