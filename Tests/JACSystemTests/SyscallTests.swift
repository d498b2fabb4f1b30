import Glibc
import JACSystem
import Testing

nonisolated(unsafe) private var signalsSeen = 0

/// The one EINTR loop: a read that a signal interrupts (a handler installed without SA_RESTART,
/// as a Ctrl-C handler may be) goes on instead of failing; whole writes and positioned reads.
struct SyscallTests {
    @Test func readGoesOnAfterASignal() throws {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in signalsSeen += 1 }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        #expect(sigaction(SIGUSR1, &action, &previous) == 0)
        defer { sigaction(SIGUSR1, &previous, nil) }
        // The test's thread may have come with signals blocked.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGUSR1)
        var mask = sigset_t()
        #expect(pthread_sigmask(SIG_UNBLOCK, &unblock, &mask) == 0)
        defer { pthread_sigmask(SIG_SETMASK, &mask, nil) }
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        let reader = pthread_self()
        let writeEnd = fds[1]
        try startThread {
            usleep(100_000)
            pthread_kill(reader, SIGUSR1)
            usleep(100_000)
            _ = write(writeEnd, "x", 1)
        }
        var byte: UInt8 = 0
        let n = Syscall.read(fds[0], &byte, 1)
        #expect(n == 1)
        #expect(byte == UInt8(ascii: "x"))
        #expect(signalsSeen == 1)
    }

    @Test func writeAllAndReadAllAtAnOffset() throws {
        let path = "/tmp/jac-syscall-\(getpid())-\(UInt64.random(in: 0 ... .max))"
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0o600)
        try #require(fd >= 0)
        unlink(path)
        defer { close(fd) }
        let bytes = (0 ..< 300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        #expect(bytes.withUnsafeBytes { Syscall.writeAll(fd, $0) } == 0)
        var back = [UInt8](repeating: 0, count: 1000)
        let (count, failure) = back.withUnsafeMutableBytes { Syscall.readAll(fd, into: $0, at: 299_500) }
        #expect(failure == 0)
        #expect(count == 500)  // the file ends there
        #expect(Array(back[..<500]) == Array(bytes[299_500...]))
    }

    @Test func failuresNameTheContextAndTheSystemsWords() {
        let fd = open("/nonexistent/jac", O_RDONLY)
        #expect(fd == -1)
        let error = Syscall.error("/nonexistent/jac")
        #expect(error.kind == .io)
        #expect(error.message == "/nonexistent/jac: No such file or directory")
        var byte: UInt8 = 0
        #expect(Syscall.read(-1, &byte, 1) == -1)
        #expect(errno == EBADF)
        #expect([byte].withUnsafeBytes { Syscall.writeAll(-1, $0) } == EBADF)
    }
}
