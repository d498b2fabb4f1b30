import CJACRename
import Glibc

/// Where a command's output goes: standard output, a device or pipe (written directly, like
/// `/dev/null`), or a regular file that appears only when the command succeeds. That file is
/// written under a random name beside it, created exclusively so that nothing planted there (a
/// symlink) can redirect the bytes, and renamed on `commit`; without `force` the rename itself
/// refuses an existing entry, so two runs racing for one path cannot both win. A path that
/// leads to an input is refused even with `force`: the input would be lost.
public final class OutputFile {
    public let sink: ByteSink
    public let path: String?
    private let temporary: String?
    private let force: Bool
    /// The permissions the file gets on `commit` (0644 less the umask); until then only we can
    /// open it, so no one holds a descriptor to a half-written file.
    private let mode: mode_t
    private var done = false

    /// `path` nil or "-" means standard output. An existing regular file is only replaced with
    /// `force` (any entry counts, a dangling symlink too), never when it is one of `inputs`; an
    /// existing device or FIFO is written to in place.
    public init(path: String?, force: Bool, inputs: [FileIdentity]) throws(JACError) {
        self.force = force
        let mask = umask(0o077)
        umask(mask)
        mode = 0o644 & ~mask
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
                guard fd >= 0 else { throw Syscall.error("\(path): cannot open") }
                self.path = path
                temporary = nil
                sink = ByteSink(fd: fd, name: path)
                return
            }
            if inputs.contains(FileIdentity(st)) {
                throw JACError(.usage, "\(path): output is the same file as the input (refusing, even with -f)")
            }
            guard force else { throw Self.exists(path) }
        } else if !force && lstat(path, &st) == 0 {
            throw Self.exists(path)
        }
        let (temp, fd) = try Self.createTemporary(beside: path)
        self.path = path
        temporary = temp
        sink = ByteSink(fd: fd, name: path)
        InterruptCleanup.register(temp)
    }

    /// True when bytes go straight to their destination (standard output, a device, a pipe),
    /// so a failure cannot be undone by removing a file.
    public var isStream: Bool { temporary == nil }

    /// Flushes and, for a file, moves it into place: on disk and with its permissions before it
    /// has its name, then the directory synced so that the name lasts too.
    public func commit() throws(JACError) {
        try sink.flush()
        guard let temporary, let path, !done else {
            closeStream()
            return
        }
        guard fsync(sink.fd) == 0 || errno == EINVAL, fchmod(sink.fd, mode) == 0 else {
            let failure = errno
            abort()
            throw Syscall.error(path, failure)
        }
        done = true
        close(sink.fd)
        guard force ? rename(temporary, path) == 0 : Self.moveNoReplace(temporary, path) else {
            let failure = errno
            Self.remove(temporary)
            if failure == EEXIST { throw Self.exists(path) }
            throw Syscall.error("\(path): cannot rename into place", failure)
        }
        InterruptCleanup.unregister(temporary)
        Self.syncDirectory(of: path)
    }

    /// Removes the temporary file; nothing appears at `path`.
    public func abort() {
        guard let temporary, !done else {
            closeStream()
            return
        }
        done = true
        close(sink.fd)
        Self.remove(temporary)
    }

    /// Closes a device or FIFO opened for `-o` (standard output stays open).
    private func closeStream() {
        guard path != nil, !done else { return }
        done = true
        close(sink.fd)
    }

    private static func exists(_ path: String) -> JACError {
        JACError(.usage, "\(path): already exists (use -f to overwrite)")
    }

    private static func remove(_ temporary: String) {
        unlink(temporary)
        InterruptCleanup.unregister(temporary)
    }

    /// The directory part of `path` (with its slash; empty for the current directory) and the name.
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return ("", path) }
        return (String(path[...slash]), String(path[path.index(after: slash)...]))
    }

    private static let nameLetters = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    /// Creates `.NAME.tmp-XXXXXXXXXXXX` beside `path`, the X random (from the system's secure
    /// generator, so no one can guess the name), with O_EXCL and O_NOFOLLOW: an entry already
    /// there, a symlink included, is never opened but makes us draw another name. NAME is cut to
    /// 200 bytes, so that a name near the 255-byte limit still has room for the rest.
    private static func createTemporary(beside path: String) throws(JACError) -> (String, Int32) {
        let (directory, full) = split(path)
        let name = full.utf8.count > 200 ? String(decoding: full.utf8.prefix(200), as: UTF8.self) : full
        var generator = SystemRandomNumberGenerator()
        for _ in 0 ..< 100 {
            let suffix = String((0 ..< 12).map { _ in nameLetters.randomElement(using: &generator)! })
            let temporary = "\(directory).\(name).tmp-\(suffix)"
            let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 { return (temporary, fd) }
            guard errno == EEXIST || errno == EINTR else {
                throw Syscall.error("\(path): cannot create")
            }
        }
        throw JACError(.io, "\(path): cannot create a temporary file beside it (100 random names taken)")
    }

    /// Gives `temporary` the name `path` only if no entry has it, in one step, else fails with
    /// EEXIST. Where renameat2 cannot (an old kernel, some network file systems), a hard link
    /// does the same, and the temporary name is then removed.
    private static func moveNoReplace(_ temporary: String, _ path: String) -> Bool {
        if jac_rename_noreplace(temporary, path) == 0 { return true }
        guard errno == EINVAL || errno == ENOSYS, link(temporary, path) == 0 else { return false }
        unlink(temporary)
        return true
    }

    /// Best effort: some file systems cannot sync a directory, and the file itself is synced.
    private static func syncDirectory(of path: String) {
        let directory = split(path).directory
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
