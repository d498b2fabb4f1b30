import Glibc
import JACSystem
import Testing

/// `peekBytes` reads a long run straight into the array it returns, which serves as the buffer
/// until consumed: whatever mix of peeks, fills, takes and consumes, the bytes and offsets are
/// those of the input, and an input cut short leaves what it had buffered.
struct ByteSourceTests {
    /// A source over `bytes` in a pipe, read `chunk` bytes at a time (short reads, as a pipe
    /// gives them), by a writer thread.
    static func source(_ bytes: [UInt8], chunk: Int) throws -> ByteSource {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        let (reader, writer) = (fds[0], fds[1])
        try startThread {
            bytes.withUnsafeBytes { p in
                var at = 0
                while at < p.count {
                    let n = write(writer, p.baseAddress! + at, min(p.count - at, 997))
                    if n <= 0 { break }
                    at += n
                }
            }
            close(writer)
        }
        return ByteSource(fd: reader, name: "pipe", chunkSize: chunk)
    }

    @Test(arguments: [16, 64, 4096])
    func everyMixOfCallsSeesTheInput(chunk: Int) throws {
        let input = (0 ..< 50_000).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        let source = try Self.source(input, chunk: chunk)
        var at = 0
        var step = 0
        while at < input.count {
            step += 1
            let n = [1, chunk + 1, 3 * chunk + 5, 7, 2 * chunk, 10 * chunk + 3][step % 6]
            if let bytes = try source.peekBytes(n) {
                #expect(Array(input[at ..< at + n]) == bytes, "peek \(n) at \(at)")
            } else {
                #expect(at + n > input.count && source.available == input.count - at, "peek \(n) at \(at)")
            }
            let buffered = try source.withBuffered { Array($0) }
            #expect(Array(input[at ..< at + buffered.count]) == buffered, "buffered at \(at)")
            let k = min(source.available, step % 3 == 0 ? n : n / 2 + 1)
            if step % 4 == 1 {
                #expect(try source.take(k, "bytes") == Array(input[at ..< at + k]))
            } else {
                source.consume(k)
            }
            at += k
            #expect(source.offset == at)
        }
        #expect(try source.atEnd())
    }

    /// A run longer than what arrives: nil, and every byte that did arrive is still there.
    @Test func aShortInputKeepsWhatItHad() throws {
        let input = (0 ..< 10_000).map { UInt8(truncatingIfNeeded: $0) }
        let source = try Self.source(input, chunk: 64)
        #expect(try source.fill(10))
        #expect(try source.peekBytes(1 << 30) == nil)
        #expect(try source.withBuffered { Array($0) } == input)
        #expect(try source.peekBytes(input.count) == input)
    }
}
