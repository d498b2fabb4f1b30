import Glibc

/// A file as the kernel knows it (device and inode) rather than by a path: how `OutputFile`
/// tells that `-o` names an input, through a hard link or a symlink as well.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    init(_ st: stat) {
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    /// The regular file `path` leads to ("-": standard input), or nil for a pipe, a device or
    /// a path that does not open (reading it reports why).
    public init?(path: String) {
        var st = stat()
        guard (path == "-" ? fstat(0, &st) : stat(path, &st)) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        self.init(st)
    }
}
