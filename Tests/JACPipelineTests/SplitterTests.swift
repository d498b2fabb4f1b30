import JACArchive
import JACCodec
import JACPipeline
import Glibc
import JACSystem
import Testing

/// How the splitter cuts a stream into chunks: the first chunk leaves early (so the encoder
/// starts at once), chunks then grow to `chunkBytes`, and the records come out whole and in order.
struct SplitterTests {
    @Test func chunksRampUpFromSixtyFourKiB() throws {
        let h = try StageHarness()
        var input: [UInt8] = []
        var records: [[UInt8]] = []
        for i in 0 ..< 30_000 {
            let record = Array("{\"n\":\(i),\"text\":\"\(String(repeating: "x", count: i % 150))\"}".utf8)
            records.append(record)
            input += record + [0x0A]
        }
        var options = SplitOptions()
        options.blockRecords = 20_000
        let splitter = Splitter(source: try ByteSource(path: try h.file(input)), options: options)
        var chunks: [RawChunk] = []
        while let chunk = try splitter.next() { chunks.append(chunk) }

        let maxRecord = records.map(\.count).max()!
        var limit = 64 << 10
        for chunk in chunks.prefix(5) where !chunk.isLast {
            #expect(chunk.text.count >= limit && chunk.text.count < limit + maxRecord, "chunk \(chunk.index)")
            limit = min(2 * limit, options.chunkBytes)
        }
        #expect(chunks.filter(\.isLast).map(\.block) == [0, 1])
        #expect(chunks.filter { $0.block == 0 }.reduce(0) { $0 + $1.recordCount } == 20_000)
        var out: [[UInt8]] = []
        for chunk in chunks {
            for r in 0 ..< chunk.recordCount { out.append(Array(chunk.text[chunk.range(of: r)])) }
        }
        #expect(out == records)
    }
}

/// Binary input is told from text by its first 4 KiB whatever the read size: a NUL byte at
/// offset 400 was refused in one read and passed in reads of 61 bytes (a fuzz finding).
struct SplitterBinaryInputTests {
    @Test func theVerdictDoesNotDependOnTheReadSize() throws {
        let h = try StageHarness()
        var input: [UInt8] = []
        for i in 0 ..< 100 { input += Array("{\"i\":\(i)}\n".utf8) }
        input.replaceSubrange(400 ..< 402, with: [0x00, 0x00])
        let path = try h.file(input)
        var messages: [String] = []
        for chunkSize in [61, 4096, 1 << 20] {
            let source = ByteSource(fd: open(path, O_RDONLY | O_CLOEXEC), name: path, chunkSize: chunkSize)
            let splitter = Splitter(source: source, options: SplitOptions())
            do throws(JACError) {
                while try splitter.next() != nil {}
                messages.append("no error")
            } catch {
                messages.append(error.message)
            }
        }
        #expect(messages.allSatisfy { $0 == messages[0] } && messages[0].contains("not JSON text"), "\(messages)")
    }
}
