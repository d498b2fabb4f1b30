import Glibc

/// Buffered reading from a file descriptor (a file or a pipe). The buffer grows only as data
/// arrives (at most twice what is held), so a length field in damaged input cannot make us
/// allocate what is not there.
public final class ByteSource {
    public let fd: Int32
    public let name: String
    /// The buffer it owns, and where the buffered bytes are: `storage`, or an array that
    /// `peekBytes` read a long run into and shares with its caller (never written to).
    private var storage: UnsafeMutableRawPointer
    private var base: UnsafeMutableRawPointer
    private var adopted: [UInt8]?
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var eof = false
    /// Bytes consumed so far: the offset of the next byte in the input.
    public private(set) var offset = 0
    private let chunk: Int
    /// Reads into the buffer in place of read(2) (a decompressor, say): `fd`, where, how many at
    /// most; returns the count, 0 at the end.
    public typealias ReadFunction = (Int32, UnsafeMutableRawPointer, Int) throws(JACError) -> Int
    private let readFunction: ReadFunction?

    public init(fd: Int32, name: String, chunkSize: Int = 1 << 20, read: ReadFunction? = nil) {
        self.fd = fd
        self.name = name
        readFunction = read
        enlargePipe(fd)
        chunk = chunkSize
        capacity = chunkSize
        storage = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        base = storage
    }

    /// What messages call the input at `path`: the path, or "<stdin>" for "-".
    public static func displayName(of path: String) -> String { path == "-" ? "<stdin>" : path }

    /// Opens a path, or standard input for "-".
    public convenience init(path: String, read: ReadFunction? = nil) throws(JACError) {
        if path == "-" {
            self.init(fd: 0, name: ByteSource.displayName(of: path), read: read)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Syscall.error(path) }
        self.init(fd: fd, name: path, read: read)
    }

    deinit {
        storage.deallocate()
        if fd > 2 { close(fd) }
    }

    /// Bytes buffered and not consumed.
    public var available: Int { end - start }

    /// Reads until at least `n` bytes are buffered or the input ends. Returns whether `n` are there.
    @discardableResult
    public func fill(_ n: Int) throws(JACError) -> Bool {
        while available < n && !eof {
            if adopted != nil { leaveAdopted() }
            if capacity - end < chunk {
                if start > 0 {
                    storage.copyMemory(from: storage + start, byteCount: available)
                    end -= start
                    start = 0
                }
                if capacity - end < chunk {
                    let grown = max(capacity * 2, end + chunk)
                    let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
                    bigger.copyMemory(from: storage, byteCount: end)
                    storage.deallocate()
                    storage = bigger
                    base = storage
                    capacity = grown
                }
            }
            let got = try read(into: storage + end, capacity - end)
            if got == 0 { eof = true }
            end += got
        }
        return available >= n
    }

    /// One read of at most `n` bytes into `to`; 0 at the end.
    private func read(into to: UnsafeMutableRawPointer, _ n: Int) throws(JACError) -> Int {
        let got: Int
        if let readFunction {
            got = try readFunction(fd, to, n)
        } else {
            got = Syscall.read(fd, to, n)
        }
        if got < 0 { throw Syscall.error("\(name): read failed") }
        return got
    }

    /// The next `n` bytes as an array of their own, not consumed; nil when the input ends first
    /// (what it had stays buffered). A run longer than the buffer holds is read straight into
    /// the array, which then serves as the buffer until it is consumed or more is needed: a
    /// block is copied once, not into a grown buffer and then out of it. The array grows as
    /// the buffer does, to at most twice what arrived, whatever `n` claims.
    public func peekBytes(_ n: Int) throws(JACError) -> [UInt8]? {
        if n <= available || n <= chunk || eof {
            guard try fill(n) else { return nil }
            return Array(UnsafeRawBufferPointer(start: base + start, count: n))
        }
        var bytes: [UInt8] = []
        var got = available
        var failure: JACError?
        while got < n {
            let (want, previous, from) = (min(n, max(2 * got, got + chunk)), bytes, base + start)
            bytes = [UInt8](unsafeUninitializedCapacity: want) { buffer, count in
                let to = UnsafeMutableRawPointer(buffer.baseAddress!)
                if previous.isEmpty {
                    to.copyMemory(from: from, byteCount: got)
                } else {
                    previous.withUnsafeBytes { to.copyMemory(from: $0.baseAddress!, byteCount: got) }
                }
                while got < want {
                    do throws(JACError) {
                        let more = try read(into: to + got, want - got)
                        if more == 0 { break }
                        got += more
                    } catch {
                        failure = error
                        break
                    }
                }
                count = got
            }
            if got < want { break }
        }
        if got == 0 {
            eof = failure == nil
            if let failure { throw failure }
            return nil
        }
        // The array holds every byte buffered: it becomes the buffer (consumed bytes are gone).
        adopted = bytes
        base = UnsafeMutableRawPointer(mutating: bytes.withUnsafeBytes { $0.baseAddress! })
        start = 0
        end = got
        if let failure { throw failure }
        guard got == n else {
            eof = true
            return nil
        }
        return bytes
    }

    /// Moves what an adopted array still holds into the owned buffer, for reading to go on.
    private func leaveAdopted() {
        let rest = available
        if capacity < rest + chunk {
            storage.deallocate()
            capacity = rest + chunk
            storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 16)
        }
        storage.copyMemory(from: base + start, byteCount: rest)
        adopted = nil
        base = storage
        start = 0
        end = rest
    }

    /// True when no byte remains.
    public func atEnd() throws(JACError) -> Bool { try !fill(1) }

    /// Calls `body` with the buffered bytes (at least what `fill` made available).
    public func withBuffered<R>(_ body: (UnsafeRawBufferPointer) throws(JACError) -> R) throws(JACError) -> R {
        try body(UnsafeRawBufferPointer(start: base + start, count: available))
    }

    public func consume(_ n: Int) {
        precondition(n <= available)
        start += n
        offset += n
        if start == end {
            start = 0
            end = 0
            if adopted != nil {
                adopted = nil
                base = storage
            }
        }
    }

    /// Takes exactly `n` bytes, or fails naming what was being read.
    public func take(_ n: Int, _ what: @autoclosure () -> String) throws(JACError) -> [UInt8] {
        guard try fill(n) else {
            throw JACError(.unexpectedEOF, "input ends inside \(what()) (needs \(n) bytes, \(available) remain)")
        }
        let out = Array(UnsafeRawBufferPointer(start: base + start, count: n))
        consume(n)
        return out
    }
}

/// Buffered writing to a file descriptor; errors (a full disk, a closed pipe) are reported
/// with the output's name.
public final class ByteSink {
    public let fd: Int32
    public let name: String
    private var buffer: [UInt8] = []
    public private(set) var bytesWritten = 0
    private let flushAt: Int

    public init(fd: Int32, name: String, bufferSize: Int = 1 << 20) {
        self.fd = fd
        self.name = name
        enlargePipe(fd)
        flushAt = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ bytes: [UInt8]) throws(JACError) {
        try bytes.withBytes { (p) throws(JACError) in try write(p) }
    }

    /// Bytes that find the buffer empty and fill more than half of it go straight out: copying a piece
    /// that is nearly a buffer's worth (a chunk's last piece of unpack text) gains no syscall.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(JACError) {
        if buffer.count + bytes.count > flushAt { try flush() }
        if buffer.isEmpty && bytes.count > flushAt / 2 {
            try writeAll(bytes)
            return
        }
        buffer.append(contentsOf: bytes)
    }

    public func flush() throws(JACError) {
        guard !buffer.isEmpty else { return }
        // Written from the buffer itself: a copy would cost a fresh megabyte per flush.
        defer { buffer.removeAll(keepingCapacity: true) }
        try buffer.withBytes { (p) throws(JACError) in try writeAll(p) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(JACError) {
        let failure = Syscall.writeAll(fd, bytes)
        if failure == EPIPE { throw JACError(.io, "\(name): broken pipe (the reader stopped before the end; the output is incomplete)") }
        if failure != 0 { throw Syscall.error("\(name): write failed", failure) }
        bytesWritten += bytes.count
    }
}

/// Asks for a 1 MiB pipe buffer when `fd` is a pipe (best effort), so the stages of a pipeline
/// pass a megabyte frame in one go instead of waking each other every 64 KiB.
private func enlargePipe(_ fd: Int32) {
    var st = stat()
    guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFIFO else { return }
    let setPipeSize: Int32 = 1031  // F_SETPIPE_SZ, which Glibc's module map does not export
    _ = fcntl(fd, setPipeSize, Int32(1 << 20))
}
