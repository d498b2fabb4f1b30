import Glibc

/// What writing to a closed pipe means. For the readers (`jac unpack | head`) the reader has
/// all it wanted: end quietly, as every Unix filter does (the default SIGPIPE action, even if
/// the parent left it ignored). For the writers of archives and frame streams, output cut
/// short is a failure: ignore SIGPIPE so the write fails and the tool says so, exit status 2.
public enum BrokenPipe {
    public static func endQuietly() {
        signal(SIGPIPE, SIG_DFL)
    }

    public static func reportAsError() {
        signal(SIGPIPE, SIG_IGN)
    }
}
