import JACWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered reading from a file descriptor (a file or a pipe). Buffers grow only as data
/// arrives, so a length field in damaged input cannot make us allocate what is not there.
public final class ByteSource {
    public let fd: Int32
    public let name: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    /// Bytes consumed so far: the offset of the next byte in the input.
    public private(set) var offset = 0
    private let chunk: Int

    public init(fd: Int32, name: String, chunkSize: Int = 1 << 20) {
        self.fd = fd
        self.name = name
        chunk = chunkSize
    }

    /// Opens a path, or standard input for "-".
    public convenience init(path: String) throws(JACError) {
        if path == "-" {
            self.init(fd: 0, name: "<stdin>")
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw JACError(.io, "\(path): \(String(cString: strerror(errno)))") }
        self.init(fd: fd, name: path)
    }

    deinit {
        if fd > 2 { close(fd) }
    }

    /// Bytes buffered and not consumed.
    public var available: Int { buffer.count - start }

    /// Reads until at least `n` bytes are buffered or the input ends. Returns whether `n` are there.
    @discardableResult
    public func fill(_ n: Int) throws(JACError) -> Bool {
        while available < n && !eof {
            if start > 0 && start >= buffer.count / 2 {
                buffer.removeSubrange(0 ..< start)
                start = 0
            }
            let want = max(chunk, n - available)
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: want))
            let got = buffer.withUnsafeMutableBytes { p in
                var r: Int
                repeat { r = read(fd, p.baseAddress! + old, want) } while r < 0 && errno == EINTR
                return r
            }
            if got < 0 {
                let message = String(cString: strerror(errno))
                buffer.removeSubrange(old...)
                throw JACError(.io, "\(name): read failed: \(message)")
            }
            buffer.removeSubrange((old + got)...)
            if got == 0 { eof = true }
        }
        return available >= n
    }

    /// True when no byte remains.
    public func atEnd() throws(JACError) -> Bool { try !fill(1) }

    /// Calls `body` with the buffered bytes (at least what `fill` made available).
    public func withBuffered<R>(_ body: (UnsafeRawBufferPointer) throws(JACError) -> R) throws(JACError) -> R {
        let result: Result<R, JACError> = buffer.withUnsafeBytes { p in
            do throws(JACError) { return .success(try body(UnsafeRawBufferPointer(rebasing: p[start...]))) } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    public func consume(_ n: Int) {
        precondition(n <= available)
        start += n
        offset += n
    }

    /// Takes exactly `n` bytes, or fails naming what was being read.
    public func take(_ n: Int, _ what: @autoclosure () -> String) throws(JACError) -> [UInt8] {
        guard try fill(n) else {
            throw JACError(.unexpectedEOF, "input ends inside \(what()) (needs \(n) bytes, \(available) remain)")
        }
        let out = Array(buffer[start ..< start + n])
        consume(n)
        return out
    }

    /// Everything that remains, up to `limit` bytes (more is an error).
    public func takeRest(limit: Int, _ what: String) throws(JACError) -> [UInt8] {
        try fill(limit + 1)
        guard available <= limit else { throw JACError(.limitExceeded, "\(what) is longer than \(limit) bytes") }
        return try take(available, what)
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
        flushAt = bufferSize
        buffer.reserveCapacity(bufferSize)
    }

    public func write(_ bytes: [UInt8]) throws(JACError) {
        try bytes.withBytes { (p) throws(JACError) in try write(p) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws(JACError) {
        if buffer.count + bytes.count > flushAt {
            try flush()
            if bytes.count >= flushAt {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    public func flush() throws(JACError) {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        try pending.withBytes { (p) throws(JACError) in try writeAll(p) }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(JACError) {
        var done = 0
        while done < bytes.count {
            let r = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
            if r < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw JACError(.io, "\(name): broken pipe") }
                throw JACError(.io, "\(name): write failed: \(String(cString: strerror(errno)))")
            }
            done += r
        }
        bytesWritten += bytes.count
    }
}
