import Foundation
import JACArchive
import JACTestSupport
import JACWire
import Testing

/// Archives that made a reader misbehave under `scripts/fuzz archive`, kept as bytes.
struct FuzzRegressionTests {
    /// A decimal stored with a leading zero (digits "02", exponent 5: our encoder never stores
    /// one, the format does not forbid it) was printed as `02e5`, which is not JSON. Codec none,
    /// so the value is readable in the bytes.
    @Test func decimalWithALeadingZeroUnpacksToJSON() throws {
        let archive = hex("""
            4a 41 43 01 0c 00 00 00 00 00 a0 8d 06 00 42 4c 4b 31 0e 01 01 01 61 00 00 01 01 01 00 00
            07 07 00 01 03 00 02 30 32 0a a0 86 64 58 49 44 58 31 04 01 0e 1e 01 59 4d eb f2 2c 00 00
            00 00 00 00 00
            """)
        #expect(try unpack(bytes: archive).text == Array("{\"a\":2e5}\n".utf8))
    }

    /// When an archive without a usable index failed its header scan, `IndexedArchive.open`
    /// closed the file twice (its `deinit` ran, then `open` closed it again), which can close a
    /// file another thread has just opened under the same number.
    @Test func failedOpenClosesTheFileOnce() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = dir + "/cut.jac"
        // A file header, then a block cut inside its header: no index, and the scan fails.
        try Data(hex("4a 41 43 01 0c 00 00 00 00 00 a0 8d 06 00 42 4c 4b 31 0e 01")).write(to: URL(fileURLWithPath: path))
        errno = 0
        var closeError: Int32 = 0
        do {
            _ = try IndexedArchive.open(path: path)
            Issue.record("a cut archive opened")
        } catch {
            // The last call before the error arrives here is `close`; a second `close` of the
            // same descriptor fails with EBADF.
            closeError = errno
        }
        #expect(closeError != EBADF)
    }

    /// A stored object holding a line break (valid JSON, not minified, as another writer may
    /// store it) was copied verbatim, splitting its NDJSON record in two while jac-verify said
    /// OK. It now prints minified, as the reference reader prints every nested value.
    @Test func nestedJSONWithALineBreakStaysOnOneLine() throws {
        let archive = hex("""
            4a 41 43 01 0c 00 00 00 00 00 a0 8d 06 00 42 4c 4b 31 0e 01 01 01 6f 00 00 01 01 01 00 00
            0b 0b 00 01 05 08 7b 22 61 22 3a 0a 32 7d 80 be b1 4b 49 44 58 31 04 01 0e 22 01 be fd 3b
            61 30 00 00 00 00 00 00 00
            """)
        #expect(try unpack(bytes: archive).text == Array("{\"o\":{\"a\":2}}\n".utf8))
    }
}
