import JACSystem
import JACWire

/// Failing after part of an archive went to standard output must not leave something that
/// decodes: the blocks written so far plus no index would read as a valid archive. So a failed
/// stream ends with the start of a block whose header claims more bytes than follow, which
/// every JAC reader rejects as truncated. A regular file output is simply removed.
public enum Poison {
    public static let trailer: [UInt8] = BlockHeader.magic + [0xff, 0xff, 0xff, 0xff, 0x07]

    /// Makes an interrupted run end `file` (when it is a stream) the same way.
    public static func arm(_ file: OutputFile) {
        if file.isStream { InterruptCleanup.poisonOnSignal(fd: file.sink.fd, trailer: trailer) }
    }

    public static func abort(_ file: OutputFile) {
        if file.isStream {
            try? file.sink.write(trailer)
            try? file.sink.flush()
        } else {
            file.abort()
        }
    }
}
