import Foundation
import Testing

/// gzip, zstd and xz input, recognised by its first bytes, packs to exactly the archive of the
/// text it holds; damaged compressed input and other binary input are one-line errors.
struct CompressedInputTests {
    static let compressors = ["gzip -c", "zstd -q -c", "xz -c"]

    /// Two members (gzip), frames (zstd) or streams (xz) one after the other, named so that the
    /// name says nothing: from a file and from standard input, in all three tools that read JSON.
    /// The random strings make the compressed input some megabytes, many times the reader's
    /// 256 KiB buffer.
    @Test(arguments: compressors)
    func compressedInputPacksLikeItsText(compressor: String) throws {
        let w = try Workspace()
        try w.generate("a.ndjson", count: 20000)
        try w.generate("b.ndjson", count: 3000)
        let result = try w.shell("""
            awk 'BEGIN { srand(7); for (i = 0; i < 30000; i++) { s = ""; for (j = 0; j < 12; j++) s = s sprintf("%08x", int(rand() * 4294967296)); printf "{\\"r\\":\\"%s\\"}\\n", s } }' >> a.ndjson
            cat a.ndjson b.ndjson > both.ndjson
            { \(compressor) a.ndjson; \(compressor) b.ndjson; } > both.data
            jac pack -j2 --block-records 4000 both.ndjson -o plain.jac
            jac pack -j2 --block-records 4000 both.data -o file.jac
            jac pack -j2 --block-records 4000 < both.data > stdin.jac
            cmp plain.jac file.jac && cmp plain.jac stdin.jac
            jac-split --block-records 4000 both.ndjson > plain.frames
            jac-split --block-records 4000 < both.data > split.frames
            cmp plain.frames split.frames
            jac-verify -q --against both.data plain.jac
            jac-verify -q --against - plain.jac < both.data
            test $(stat -c %s both.data) -gt 1000000
            """)
        #expect(result.status == 0, "\(compressor): \(result.stderr)")
    }

    /// Cut short, or with a byte changed near its end (the checksums are at the end): exit 1,
    /// one line naming the file, and no output file.
    @Test(arguments: compressors)
    func damagedCompressedInputIsOneLineError(compressor: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 20000)
        _ = try w.shell("""
            \(compressor) in.ndjson > whole.data
            size=$(stat -c %s whole.data)
            head -c $((size - 7)) whole.data > cut.data
            cp whole.data flipped.data
            printf '\\x5a\\xa5' | dd of=flipped.data bs=1 seek=$((size - 2)) conv=notrunc status=none
            """)
        for name in ["cut.data", "flipped.data"] {
            for tool in ["jac pack \(name) -o out.jac", "jac-split \(name) -o out.frames", "jac-verify --against \(name) ok.jac"] {
                if tool.hasPrefix("jac-verify") { _ = try w.shell("jac pack in.ndjson -o ok.jac -f") }
                let result = try w.shell(tool)
                #expect(result.status == 1, "\(tool): \(result.stderr)")
                #expect(result.stderr.contains(name) && result.stderr.filter { $0 == "\n" }.count == 1, "\(tool): \(result.stderr)")
                #expect(result.stderr.contains(name == "cut.data" ? "cut short" : "corrupt"), "\(tool): \(result.stderr)")
                #expect(!w.exists("out.jac") && !w.exists("out.frames"), "\(tool)")
            }
        }
    }

    /// Binary input that is not compressed text says what it looks like instead of a JSON error.
    @Test(arguments: [
        ("archive", "jac pack in.ndjson -o sample", "a JAC archive"),
        ("frames", "jac-split in.ndjson > sample", "a jac frame stream"),
        ("png", "printf '\\x89PNG\\r\\n\\x1a\\n' > sample", "a PNG image"),
        ("pdf", "printf '%%PDF-1.7\\n' > sample", "a PDF document"),
        ("zip", "printf 'PK\\x03\\x04rest' > sample", "a ZIP archive"),
        ("elf", "cp \"$(command -v jac)\" sample", "an ELF executable"),
        ("nul", "printf '{\"a\":1}\\n\\x00\\x00\\x00\\x00\\n' > sample", "NUL bytes"),
        ("twice", "gzip -c in.ndjson | gzip -c > sample", "gzip data compressed twice"),
    ])
    func binaryInputIsNamed(name: String, make: String, looks: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 100)
        #expect(try w.shell(make).status == 0, "\(name)")
        for tool in ["jac pack sample -o out.jac", "jac pack - < sample > out.jac", "jac-split sample -o out.frames"] {
            let result = try w.shell(tool)
            #expect(result.status == 1, "\(name), \(tool): \(result.stderr)")
            #expect(result.stderr.contains("not JSON text (looks like ") && result.stderr.contains(looks), "\(name), \(tool): \(result.stderr)")
            #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(name), \(tool): \(result.stderr)")
        }
    }
}
