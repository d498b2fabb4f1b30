import Glibc

/// What an interrupted process (SIGINT, SIGTERM, SIGHUP) must undo before it dies: temporary
/// output files are removed, and a stream output that an archive was going to (standard output,
/// a pipe) gets a tail every JAC reader rejects, so the part written cannot pass for a whole
/// archive. A signal the parent set to be ignored (`nohup`, a background job) stays ignored.
public enum InterruptCleanup {
    nonisolated(unsafe) private static var paths: [UnsafeMutablePointer<CChar>?] = Array(repeating: nil, count: 8)
    nonisolated(unsafe) private static var poisonFD: Int32 = -1
    nonisolated(unsafe) private static var poison: UnsafeMutableRawBufferPointer?
    nonisolated(unsafe) private static var installed = false

    static func register(_ path: String) {
        install()
        if let i = paths.firstIndex(where: { $0 == nil }) { paths[i] = strdup(path) }
    }

    static func unregister(_ path: String) {
        for i in paths.indices where paths[i].map({ String(cString: $0) == path }) ?? false {
            let p = paths[i]
            paths[i] = nil
            free(p)
        }
    }

    /// On a signal, `trailer` is written to `fd` before the process dies.
    public static func poisonOnSignal(fd: Int32, trailer: [UInt8]) {
        install()
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: trailer.count, alignment: 1)
        bytes.copyBytes(from: trailer)
        poison = bytes
        poisonFD = fd
    }

    /// Installs the handler for the signals not ignored, and unblocks them: a mask inherited
    /// from the parent (some process launchers block everything) would otherwise leave the
    /// process deaf to Ctrl-C.
    private static func install() {
        guard !installed else { return }
        installed = true
        var handled = sigset_t()
        sigemptyset(&handled)
        for s in [SIGINT, SIGTERM, SIGHUP] {
            let previous = signal(s, InterruptCleanup.onSignal)
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) {
                signal(s, SIG_IGN)
            } else {
                sigaddset(&handled, s)
            }
        }
        pthread_sigmask(SIG_UNBLOCK, &handled, nil)
    }

    private static let onSignal: @convention(c) (Int32) -> Void = { sig in
        for p in InterruptCleanup.paths { if let p { unlink(p) } }
        if let poison = InterruptCleanup.poison, InterruptCleanup.poisonFD >= 0 {
            _ = write(InterruptCleanup.poisonFD, poison.baseAddress, poison.count)
        }
        signal(sig, SIG_DFL)
        raise(sig)
    }
}
