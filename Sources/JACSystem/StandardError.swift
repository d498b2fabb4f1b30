import Glibc

/// Standard error, unbuffered, for diagnostics and progress lines.
public enum StandardError {
    /// Writes `text` in one call where it fits (so lines from the processes of a pipeline do not
    /// interleave). A failure is ignored: there is nowhere left to report it.
    public static func write(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { p in _ = Syscall.writeAll(2, UnsafeRawBufferPointer(p)) }
    }
}
