import Foundation
import JACTestSupport
import Testing

/// `jac-split --shards` as a user runs it: each range of the plan cut out with tail and head,
/// packed on its own, and the archives merged by jac-assemble give the bytes of one jac pack.
struct ShardPlanCommandTests {
    /// Packs `input` whole and as the shards of a plan of `shards` (each cut out with dd, as
    /// README.md does), and compares; `packOptions` are given to jac pack only.
    func shardedEqualsPack(_ w: Workspace, input: String, shards: Int, options: String, packOptions: String = "") throws -> RunResult {
        try w.shell("""
            set -e
            jac-split --shards \(shards) \(options) '\(input)' > plan
            i=0
            while IFS=$'\\t' read -r offset length; do
                i=$((i + 1))
                dd if='\(input)' iflag=skip_bytes,count_bytes skip="$offset" count="$length" bs=1M status=none |
                    jac pack -q \(options) \(packOptions) > part.$(printf %04d $i)
            done < plan
            jac-assemble -o merged.jac part.*
            jac pack -q \(options) \(packOptions) -o whole.jac '\(input)'
            cmp merged.jac whole.jac
            jac-verify -q --against '\(input)' merged.jac
            wc -l < plan
            rm -f part.* merged.jac whole.jac
            """)
    }

    /// The way the issue puts it: tail and head cut the range (tail stops on SIGPIPE when head
    /// has its bytes, so without pipefail).
    @Test func tailAndHeadCutTheSameShards() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 3000)
        let r = try w.shell("""
            set -e +o pipefail
            jac-split --shards 3 --block-records 400 in.ndjson > plan
            i=0
            while IFS=$'\\t' read -r offset length; do
                i=$((i + 1))
                tail -c +$((offset + 1)) in.ndjson | head -c "$length" | jac pack --block-records 400 > part.$i
            done < plan
            jac-assemble part.1 part.2 part.3 > merged.jac
            jac pack --block-records 400 -o - in.ndjson | cmp - merged.jac
            """)
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test(arguments: [(1, "--block-records 700", ""), (3, "--block-records 700", "-j1"), (4, "--block-bytes 50K", "--codec lz4"),
                      (100, "--block-records 1000 --block-bytes 20K", "--canonicalize-keys --level 3")])
    func shardsMergeIntoThePackedBytes(shards: Int, options: String, packOptions: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 5000)
        let r = try shardedEqualsPack(w, input: "in.ndjson", shards: shards, options: options, packOptions: packOptions)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = Int(String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(lines >= 1 && lines <= shards)
        if shards == 100 { #expect(lines > 10, "\(lines) shards") }
    }

    @Test(.enabled(if: PipelineCommandTests.corpusEnabled, "corpus tests need JAC_CORPUS_TESTS=1 (scripts/test) and ../shared"),
          arguments: PipelineCommandTests.corpusFiles)
    func corpusShardsMergeIntoThePackedBytes(name: String) throws {
        let w = try Workspace()
        let r = try shardedEqualsPack(w, input: SharedFiles.corpus + "/" + name, shards: 5, options: "--block-records 7000 --block-bytes 3M")
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A plan needs a regular file of uncompressed objects; anything else is a usage error
    /// (exit 2) on one line, and nothing is printed.
    @Test func plansRefuseWhatTheyCannotCut() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 100)
        let cases = [
            ("jac-split --shards 2 - < in.ndjson", "a shard plan needs a file"),
            ("cat in.ndjson | jac-split --shards 2 /dev/stdin", "needs a regular file"),
            ("gzip -c in.ndjson > in.gz && jac-split --shards 2 in.gz", "in.gz: gzip data"),
            ("echo '[{\"a\":1}]' > a.json && jac-split --shards 2 a.json", "a JSON array cannot be cut into shards"),
            ("jac-split --shards 0 in.ndjson", "--shards must be 1 to 1000000"),
        ]
        for (command, words) in cases {
            let r = try w.shell(command)
            #expect(r.status == 2 && r.stdout.isEmpty, "\(command): \(r.status)")
            #expect(r.stderr.contains(words) && r.stderr.split(separator: "\n").count == 1, "\(command): \(r.stderr)")
        }
        let written = try w.shell("jac-split --shards 3 --block-records 10 -o plan.txt in.ndjson && cat plan.txt")
        #expect(written.status == 0 && String(decoding: written.stdout, as: UTF8.self).split(separator: "\n").count == 3, "\(written.stderr)")
    }
}
