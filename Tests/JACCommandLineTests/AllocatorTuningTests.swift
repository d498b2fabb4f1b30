import Foundation
import JACSystem
import Testing

/// A tool given a large input tunes glibc's allocator (JACSystem's AllocatorTuning): its heap
/// is advised as huge pages; a smaller input, `JAC_MALLOC=default`, a `GLIBC_TUNABLES` of the
/// user's or a limit on address space keep it as it was, and the output is the same bytes
/// either way.
struct AllocatorTuningTests {
    static let hugePages = AllocatorTuning.hugePagesAvailable()
    static let threshold = AllocatorTuning.minInputBytes

    /// Log-like records, about `bytes` of them.
    static func records(bytes: Int) -> String {
        var text = ""
        var i = 0
        while text.utf8.count < bytes - 100 {
            text += "{\"id\":\(i),\"host\":\"h\(i % 17)\",\"msg\":\"event \(i &* 7919 % 100_003)\",\"ok\":\(i % 3 == 0)}\n"
            i += 1
        }
        return text
    }

    @Test func largeInputsAreTunedAndWriteTheSameBytes() throws {
        let w = try Workspace()
        try w.write("big.ndjson", Self.records(bytes: 3 * Self.threshold))
        try w.write("small.ndjson", Self.records(bytes: Self.threshold - 1000))

        let big = try w.measure("jac", ["pack", "big.ndjson", "-o", "big.jac"])
        #expect(big.status == 0, "\(big.stderr)")
        #expect(big.hugePageHeap == Self.hugePages)

        let optedOut = try w.measure("jac", ["pack", "big.ndjson", "-o", "default.jac"], environment: ["JAC_MALLOC=default"])
        #expect(optedOut.status == 0, "\(optedOut.stderr)")
        #expect(!optedOut.hugePageHeap)
        #expect(try w.read("big.jac") == w.read("default.jac"))

        let theirs = try w.measure("jac", ["pack", "big.ndjson", "-o", "theirs.jac"],
                                   environment: ["GLIBC_TUNABLES=glibc.malloc.arena_max=2"])
        #expect(theirs.status == 0, "\(theirs.stderr)")
        #expect(!theirs.hugePageHeap)

        // Under `ulimit -v` the heap reserves nothing (its room is the run's), and the run is alike.
        let limited = try w.measure("jac", ["pack", "big.ndjson", "-o", "limited.jac"], addressSpaceKiB: 1 << 20)
        #expect(limited.status == 0, "\(limited.stderr)")
        #expect(!limited.hugePageHeap)
        #expect(try w.read("big.jac") == w.read("limited.jac"))

        let small = try w.measure("jac", ["pack", "small.ndjson", "-o", "small.jac"])
        #expect(small.status == 0, "\(small.stderr)")
        #expect(!small.hugePageHeap)

        // A stage reading standard input is tuned too, and the tuned pipeline writes the same archive.
        let split = try w.measure("jac-split", [], stdin: "big.ndjson", stdout: "big.frames")
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.hugePageHeap == Self.hugePages)
        let squeeze = try w.measure("jac-squeeze", ["-j2", "big.frames"], stdout: "big.blocks")
        #expect(squeeze.status == 0, "\(squeeze.stderr)")
        let assemble = try w.measure("jac-assemble", ["big.blocks", "-o", "piped.jac"])
        #expect(assemble.status == 0, "\(assemble.stderr)")
        #expect(try w.read("piped.jac") == w.read("big.jac"))

        // Records come back the same, tuned or not (the archive is smaller than the threshold,
        // so verify is tuned only for the NDJSON it is checked against).
        let unpacked = try w.measure("jac", ["unpack", "big.jac", "-o", "big.out"])
        #expect(unpacked.status == 0, "\(unpacked.stderr)")
        let verify = try w.measure("jac-verify", ["--against", "big.ndjson", "big.jac"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.hugePageHeap == Self.hugePages)
        #expect(try w.read("big.out") == w.read("big.ndjson"))
    }
}
