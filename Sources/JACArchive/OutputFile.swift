import JACWire

#if canImport(Glibc)
import Glibc
#endif

/// Where a command's output goes: standard output, a device or pipe (written directly, like
/// `/dev/null`), or a regular file that appears only when the command succeeds (written to a
/// temporary file beside it, renamed on `commit`).
public final class OutputFile {
    public let sink: ByteSink
    public let path: String?
    private let temporary: String?
    private var done = false

    /// `path` nil or "-" means standard output. An existing regular file is only replaced with
    /// `force`; an existing device or FIFO is written to in place.
    public init(path: String?, force: Bool) throws(JACError) {
        guard let path, path != "-" else {
            self.path = nil
            temporary = nil
            sink = ByteSink(fd: 1, name: "<stdout>")
            return
        }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) != S_IFREG {
                guard (st.st_mode & S_IFMT) != S_IFDIR else { throw JACError(.usage, "\(path): is a directory") }
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                guard fd >= 0 else { throw JACError(.io, "\(path): cannot open: \(String(cString: strerror(errno)))") }
                self.path = path
                temporary = nil
                sink = ByteSink(fd: fd, name: path)
                return
            }
            guard force else { throw JACError(.usage, "\(path): already exists (use -f to overwrite)") }
        }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temp = "\(dir).\(base).tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JACError(.io, "\(path): cannot create: \(String(cString: strerror(errno)))") }
        self.path = path
        temporary = temp
        sink = ByteSink(fd: fd, name: path)
        InterruptCleanup.register(temp)
    }

    /// True when bytes go straight to their destination (standard output, a device, a pipe),
    /// so a failure cannot be undone by removing a file.
    public var isStream: Bool { temporary == nil }

    /// Flushes and, for a file, moves it into place.
    public func commit() throws(JACError) {
        try sink.flush()
        guard let temporary, let path, !done else {
            closeStream()
            return
        }
        done = true
        guard fsync(sink.fd) == 0 || errno == EINVAL else {
            let message = String(cString: strerror(errno))
            abort()
            throw JACError(.io, "\(path): \(message)")
        }
        close(sink.fd)
        guard rename(temporary, path) == 0 else {
            let message = String(cString: strerror(errno))
            unlink(temporary)
            InterruptCleanup.unregister(temporary)
            throw JACError(.io, "\(path): cannot rename into place: \(message)")
        }
        InterruptCleanup.unregister(temporary)
    }

    /// Removes the temporary file; nothing appears at `path`.
    public func abort() {
        guard let temporary, !done else {
            closeStream()
            return
        }
        done = true
        close(sink.fd)
        unlink(temporary)
        InterruptCleanup.unregister(temporary)
    }

    /// Closes a device or FIFO opened for `-o` (standard output stays open).
    private func closeStream() {
        guard path != nil, !done else { return }
        done = true
        close(sink.fd)
    }
}

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
