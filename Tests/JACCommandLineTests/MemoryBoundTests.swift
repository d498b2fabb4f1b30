import Foundation
import JACWire
import Testing

/// Encoding holds memory in proportion to bytes, at the bounds the man pages state: tiny
/// blocks cost a few bytes each, raw blocks and reorder buffers have caps in bytes, and an
/// address-space limit gives fewer threads or a clean refusal, never an abort.
struct MemoryBoundTests {
    static let mib = 1 << 20

    /// 200,000 empty records, one per block: per-block cost must not pile up (it was a few
    /// kilobytes each, kept for the whole run, and quadratic time).
    @Test func tinyBlocksCostLittle() throws {
        let w = try Workspace()
        try w.write("e.ndjson", String(repeating: "{}\n", count: 200_000))
        let split = try w.measure("jac-split", ["--block-records", "1", "e.ndjson"], stdout: "e.frames")
        #expect(split.status == 0, "\(split.stderr)")
        #expect(split.peakBytes < 48 * Self.mib, "jac-split peak \(split.peakBytes >> 20) MiB")
        #expect(split.seconds < 10)
        let pack = try w.measure("jac", ["pack", "-j2", "--block-records", "1", "e.ndjson", "-o", "e.jac"])
        #expect(pack.status == 0, "\(pack.stderr)")
        #expect(pack.peakBytes < 80 * Self.mib, "jac pack peak \(pack.peakBytes >> 20) MiB")
        #expect(pack.seconds < 10)
        let squeeze = try w.measure("jac-squeeze", ["-j2", "e.frames"], stdout: "e.blocks")
        #expect(squeeze.status == 0, "\(squeeze.stderr)")
        #expect(squeeze.peakBytes < 48 * Self.mib, "jac-squeeze peak \(squeeze.peakBytes >> 20) MiB")
        let assemble = try w.measure("jac-assemble", ["e.blocks", "-o", "p.jac"])
        #expect(assemble.status == 0, "\(assemble.stderr)")
        #expect(try w.read("p.jac") == w.read("e.jac"))
        let unpack = try w.jac(["unpack", "e.jac", "-o", "-"])
        #expect(unpack.stdout.count == 3 * 200_000)
    }

    /// 8 MiB of records whose 400 keys no other record has: a block every ten records, each
    /// field a column of its own. Columns cost about a kilobyte a field before any value, so
    /// encoding must not hold them for a raw block's worth of keys (it held 700 MiB), nor for
    /// a record's keys past the 4,096 a block may have (300,000 keys held 400 MiB). Refusing
    /// duplicate keys, the parser stops at the 4,097th member; keeping the last of them, it
    /// holds every member, about 16 times the record.
    @Test func manyDistinctKeysCostAFewTimesTheirText() throws {
        let w = try Workspace()
        var text = ""
        var i = 0
        while text.utf8.count < 8 * Self.mib {
            text += "{" + (0 ..< 400).map { k in "\"f\(i * 400 + k)\":\(k)" }.joined(separator: ",") + "}\n"
            i += 1
        }
        try w.write("wide.ndjson", text)
        for threads in ["-j1", "-j2"] {
            let pack = try w.measure("jac", ["pack", threads, "wide.ndjson", "-o", "wide\(threads).jac"])
            #expect(pack.status == 0, "\(pack.stderr)")
            #expect(pack.peakBytes < 128 * Self.mib, "jac pack \(threads) peak \(pack.peakBytes >> 20) MiB")
        }
        #expect(try w.read("wide-j1.jac") == w.read("wide-j2.jac"))
        let unpack = try w.jac(["unpack", "wide-j2.jac", "-o", "-"])
        #expect(unpack.stdout == Array(text.utf8))

        try w.write("keys.ndjson", "{\"a\":1}\n{" + (0 ..< 300_000).map { k in "\"z\(k)\":1" }.joined(separator: ",") + "}\n")
        for (policy, message, bound) in [("error", "4096 keys", 48), ("last", "4096 distinct keys", 96)] {
            let refused = try w.measure("jac", ["pack", "-j2", "--duplicate-keys", policy, "keys.ndjson", "-o", "keys.jac"])
            #expect(refused.status == 1)
            #expect(refused.stderr.split(separator: "\n").count == 1
                && refused.stderr.contains("line 2, column 1: a record with more than \(message) cannot be stored"), "\(refused.stderr)")
            #expect(refused.peakBytes < bound * Self.mib, "refusal peak \(refused.peakBytes >> 20) MiB (--duplicate-keys \(policy))")
            #expect(!w.exists("keys.jac"))
        }
    }

    /// `jac ls` of an archive of 70,000 distinct keys lists the first 65,536 one by one and the
    /// others' directory entries together (each listed field cost about 450 bytes: an archive
    /// of 3 million keys took 1.5 GiB).
    @Test func listingManyKeysCountsTheRestTogether() throws {
        let w = try Workspace()
        try w.write("keys.ndjson", (0 ..< 70_000).map { "{\"k\($0)\":\($0 % 7)}\n" }.joined())
        #expect(try w.jac(["pack", "keys.ndjson", "-o", "keys.jac"]).status == 0)
        let r = try w.jac(["ls", "--format", "json", "keys.jac"])
        #expect(r.status == 0)
        let listing = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any])
        let fields = try #require(listing["fields"] as? [[String: Any]])
        let others = try #require(listing["unlisted_fields"] as? [String: Any])
        #expect(fields.count == 65_536 && fields.last?["name"] as? String == "k65535")
        #expect(others["entries"] as? Int == 70_000 - 65_536 && others["present"] as? Int == 70_000 - 65_536)
        let total = fields.reduce(others["compressed_bytes"] as? Int ?? 0) { $0 + ($1["compressed_bytes"] as? Int ?? 0) }
        #expect(total == listing["compressed_bytes"] as? Int)
        let table = try w.jac(["ls", "keys.jac"])
        #expect(String(decoding: table.stdout, as: UTF8.self).contains("(others): 4464 directory entries of fields past the first 65536 listed"))
    }

    @Test func blockBytesAboveTheRawBlockCapIsAUsageError() throws {
        let w = try Workspace()
        try w.write("in.ndjson", "{\"a\":1}\n")
        for (tool, arguments) in [("jac", ["pack", "in.ndjson", "-o", "out"]), ("jac-split", ["in.ndjson", "-o", "out"])] {
            let refused = try w.measure(tool, arguments + ["--block-bytes", "257M"])
            #expect(refused.status == 2, "\(tool): \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("--block-bytes"), "\(refused.stderr)")
            #expect(!w.exists("out"))
            let accepted = try w.measure(tool, arguments + ["--block-bytes", "256M", "-f"])
            #expect(accepted.status == 0, "\(tool): \(accepted.stderr)")
            try FileManager.default.removeItem(atPath: w.file("out"))
        }
    }

    /// A raw chunk frame that claims more than a raw block may hold is refused before its
    /// payload is read.
    @Test func oversizedRawChunkIsRefusedUpFront() throws {
        let w = try Workspace()
        try w.write("in.ndjson", "{\"a\":1}\n")
        #expect(try w.measure("jac-split", ["in.ndjson"], stdout: "small.frames").status == 0)
        var stream = Self.headerFrames(try w.read("small.frames"))
        stream += Self.frame(type: 0x52, sequence: 0, payloadLength: 300 << 20, payload: [])
        try Data(stream).write(to: URL(fileURLWithPath: w.file("big.frames")))
        let r = try w.measure("jac-squeeze", ["big.frames"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("raw chunk") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.peakBytes < 48 * Self.mib)
    }

    /// Twelve 24 MiB blocks wait for a block 0 that never comes: jac-assemble gives up once
    /// they pass its 256 MiB reorder budget, holding no more than that and the frame being read.
    @Test func reorderBufferIsBoundedInBytes() throws {
        let w = try Workspace()
        try w.write("in.ndjson", "{\"a\":1}\n")
        #expect(try w.shell("jac-split in.ndjson | jac-squeeze > small.blocks").status == 0)
        _ = FileManager.default.createFile(atPath: w.file("late.blocks"), contents: Data(Self.headerFrames(try w.read("small.blocks"))))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: w.file("late.blocks")))
        try handle.seekToEnd()
        let block = [UInt8](repeating: 0x5a, count: 24 * Self.mib)
        for sequence in 1 ... 12 {
            try handle.write(contentsOf: Data(Self.frame(type: 0x42, sequence: sequence, payload: [0, 1, 1] + block)))
        }
        try handle.close()
        let r = try w.measure("jac-assemble", ["late.blocks", "-o", "out.jac"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("block 0 is missing") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(r.peakBytes < (256 + 3 * 24 + 32) * Self.mib, "jac-assemble peak \(r.peakBytes >> 20) MiB")
        #expect(try w.listing().filter { $0.hasPrefix(".out.jac") || $0 == "out.jac" }.isEmpty)
    }

    /// Under `ulimit -v`, pack either fits (fewer threads, same archive) or refuses at once
    /// with one line and exit 2; never an abort, never a temporary file left behind.
    @Test func addressSpaceLimitGivesFewerThreadsOrACleanRefusal() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 200_000)
        #expect(try w.measure("jac", ["pack", "-j1", "in.ndjson", "-o", "ref.jac"]).status == 0)
        for limit in [60_000, 120_000, 200_000, 400_000] {
            for threads in ["1", "4"] {
                let r = try w.measure("jac", ["pack", "-j" + threads, "in.ndjson", "-o", "out.jac", "-f"], addressSpaceKiB: limit)
                let what = "ulimit -v \(limit), -j\(threads): status \(r.status): \(r.stderr)"
                if r.status == 0 {
                    #expect(try w.read("out.jac") == w.read("ref.jac"), "\(what)")
                } else {
                    #expect(r.status == 2 && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("ulimit -v"), "\(what)")
                }
                #expect(limit != 60_000 || r.status == 2, "\(what)")
                #expect(limit != 400_000 || r.status == 0, "\(what)")
                #expect(try w.listing().allSatisfy { !$0.contains(".tmp-") }, "\(what)")
                try? FileManager.default.removeItem(atPath: w.file("out.jac"))
            }
        }
    }

    /// The magic, version and header frame that open `stream`.
    static func headerFrames(_ stream: [UInt8]) -> [UInt8] {
        var position = 6  // magic, version, frame type
        let (_, sequenceLength) = varint(stream, at: position)
        position += sequenceLength
        let (length, lengthLength) = varint(stream, at: position)
        return Array(stream[..<(position + lengthLength + length + 4)])
    }

    static func varint(_ bytes: [UInt8], at start: Int) -> (value: Int, length: Int) {
        var value = 0, shift = 0, i = start
        while true {
            value |= Int(bytes[i] & 0x7f) << shift
            shift += 7
            i += 1
            if bytes[i - 1] < 0x80 { return (value, i - start) }
        }
    }

    /// A frame with its CRC; `payloadLength` may claim more than `payload` holds.
    static func frame(type: UInt8, sequence: Int, payloadLength: Int? = nil, payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [type]
        Varint.append(sequence, to: &out)
        Varint.append(payloadLength ?? payload.count, to: &out)
        out += payload
        var crc = CRC32C()
        crc.update(out)
        out.appendUInt32LE(crc.value)
        return out
    }
}
