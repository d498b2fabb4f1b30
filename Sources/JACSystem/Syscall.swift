import Glibc

/// The C calls that move bytes, in one place: each is made again when a signal interrupted it
/// (EINTR), here and nowhere else, and a failure becomes a `JACError(.io)` with the system's words.
public enum Syscall {
    /// Makes `call` again for as long as it fails with EINTR.
    @inline(__always)
    static func retrying(_ call: () -> Int) -> Int {
        while true {
            let r = call()
            if r >= 0 || errno != EINTR { return r }
        }
    }

    /// One `read` into `buffer`: the bytes read (0 at the end), or -1 with `errno` set.
    public static func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
        retrying { Glibc.read(fd, buffer, count) }
    }

    /// Writes all of `bytes`: 0, or the `errno` of the write that failed (EIO for one that
    /// wrote nothing, which would otherwise loop for ever).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var done = 0
        while done < bytes.count {
            let r = retrying { Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done) }
            if r < 0 { return errno }
            if r == 0 { return EIO }
            done += r
        }
        return 0
    }

    /// Fills `buffer` from `offset` with `pread`, stopping early only at the end of the file:
    /// the bytes read, and 0 or the `errno` of the read that failed.
    public static func readAll(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int) -> (count: Int, failure: Int32) {
        var done = 0
        while done < buffer.count {
            let r = retrying { Glibc.pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done)) }
            if r < 0 { return (done, errno) }
            if r == 0 { break }
            done += r
        }
        return (done, 0)
    }

    /// `JACError(.io, "CONTEXT: the system's message for code")`.
    public static func error(_ context: String, _ code: Int32 = errno) -> JACError {
        JACError(.io, "\(context): \(describe(code))")
    }

    /// The system's message for an `errno` value (strerror).
    public static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
