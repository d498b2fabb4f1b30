import Glibc
import JACSystem
import Testing

/// `ByteSink` buffers small writes and sends large ones straight out; either way the output is
/// the bytes in the order written.
struct ByteSinkTests {
    /// A write that finds the buffer empty and fills more than half of it is not copied into it;
    /// smaller ones are, until the next would overflow it.
    @Test func largeWritesGoStraightOut() throws {
        var template = Array("/tmp/jac-bytesink-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        let path = String(cString: template)
        defer { unlink(path) }
        let sink = ByteSink(fd: fd, name: path, bufferSize: 16)
        var expected: [UInt8] = []
        // (bytes to write, bytes written to the file once the call returns)
        for (size, written) in [(5, 0), (9, 0), (9, 23), (8, 23), (8, 23), (17, 56), (0, 56), (16, 72), (1, 72)] {
            let bytes = (0 ..< size).map { UInt8(truncatingIfNeeded: expected.count + $0) }
            try sink.write(bytes)
            expected += bytes
            #expect(sink.bytesWritten == written, "after \(size) bytes")
        }
        try sink.flush()
        #expect(sink.bytesWritten == expected.count)
        close(fd)
        let source = try ByteSource(path: path)
        try source.fill(Int.max)
        #expect(try source.take(source.available, path) == expected)
    }
}
