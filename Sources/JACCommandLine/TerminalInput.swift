import ArgumentParser

import Glibc

/// Archives and frame streams are never typed: a tool that would read one from standard input
/// while that is a terminal refuses at once (as zstd does) instead of waiting for bytes.
enum TerminalInput {
    /// Exits with status 2 when one of `inputs` is "-" and standard input is a terminal.
    static func refuse(_ inputs: [String], reading what: String) throws {
        guard inputs.contains("-"), isatty(0) != 0 else { return }
        Diagnostics.error("standard input is a terminal: refusing to read \(what) from it (name a file, or pipe one in)")
        throw ExitCode(2)
    }
}
