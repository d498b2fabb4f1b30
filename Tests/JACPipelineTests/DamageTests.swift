import JACArchive
import JACCommands
import JACPipeline
import JACTestSupport
import JACWire
import Testing

/// Every single-byte truncation and every bit flip of a small archive and of a small frame
/// stream: the reader either fails with a `JACError` or gives back exactly the original
/// records (damage confined to the index or to informational header bytes). Never a crash, a
/// hang, or a wrong record returned as success.
struct DamageTests {
    static func options() -> PackOptions {
        var o = PackOptions()
        o.split.blockRecords = 15
        return o
    }

    /// Decodes `archive` fully, or returns the error.
    static func decode(_ h: StageHarness, _ archive: [UInt8]) throws -> Result<[UInt8], JACError> {
        do {
            return .success(try h.unpack(archive))
        } catch let error as JACError {
            return .failure(error)
        }
    }

    /// A cut is an error, except exactly between two blocks or inside the index footer: the
    /// first leaves an archive without an index, which decodes the blocks before the cut with a
    /// warning that it may have been cut short; the second decodes every record with a warning
    /// about the index. (A cut right after the file header leaves a valid empty archive: the
    /// format cannot tell it from an empty input.)
    @Test func everyTruncationOfAnArchiveFailsOrWarns() throws {
        let h = try StageHarness()
        let archive = try h.pack(sampleRecords(40), Self.options(), threads: 1)
        let original = try h.unpack(archive)
        var partial = 0
        for cut in 0 ..< archive.count {
            guard let (text, warnings) = try? h.unpackWithWarnings(Array(archive[..<cut])) else { continue }
            #expect(original.starts(with: text), "cut at \(cut) decoded to other records")
            if text == original {
                #expect(!warnings.isEmpty, "cut at \(cut) in the index decoded without a warning")
            } else if !text.isEmpty {
                partial += 1
                #expect(warnings.contains { $0.contains("no index footer") }, "cut at \(cut) decoded without a warning")
            }
        }
        // The two boundaries between the three blocks.
        #expect(partial == 2)
    }

    @Test func everyBitFlipOfAnArchiveFailsOrChangesNothing() throws {
        let h = try StageHarness()
        let archive = try h.pack(sampleRecords(40), Self.options(), threads: 1)
        let original = try h.unpack(archive)
        var damaged = archive
        var failures = 0
        for i in archive.indices {
            for bit in 0 ..< 8 {
                damaged[i] ^= 1 << UInt8(bit)
                switch try Self.decode(h, damaged) {
                case .success(let text): #expect(text == original, "flip of bit \(bit) in byte \(i) decoded to other records")
                case .failure: failures += 1
                }
                damaged[i] = archive[i]
            }
        }
        #expect(failures > archive.count * 6)
    }

    @Test func everyTruncationAndFlipOfAFrameStreamIsRefused() throws {
        let h = try StageHarness()
        var o = SplitOptions()
        o.blockRecords = 10
        let stream = try h.split(sampleRecords(20), o)
        let squeezed = try h.squeeze(stream, SqueezeOptions(), threads: 1)
        func refused(_ frames: [UInt8]) throws -> Bool {
            do {
                _ = try h.squeeze(frames, SqueezeOptions(), threads: 1)
                return false
            } catch is JACError {
                return true
            }
        }
        for cut in 0 ..< stream.count {
            #expect(try refused(Array(stream[..<cut])), "cut at \(cut) accepted")
        }
        var damaged = stream
        for i in stream.indices {
            for bit in 0 ..< 8 {
                damaged[i] ^= 1 << UInt8(bit)
                if try !refused(damaged) {
                    #expect(try h.squeeze(damaged, SqueezeOptions(), threads: 1) == squeezed,
                            "flip of bit \(bit) in byte \(i) accepted with other output")
                }
                damaged[i] = stream[i]
            }
        }
    }
}
