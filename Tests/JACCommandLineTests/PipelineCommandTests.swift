import Foundation
import JACCompression
import JACTestSupport
import Testing

extension Workspace {
    /// Runs a bash script here with the built tools first on PATH and `pipefail` set.
    func shell(_ script: String) throws -> RunResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail\n" + script]
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = binDirectory + ":" + (env["PATH"] ?? "/usr/bin:/bin")
        process.environment = env
        let out = file(".sh-stdout"), err = file(".sh-stderr")
        try Data().write(to: URL(fileURLWithPath: out))
        try Data().write(to: URL(fileURLWithPath: err))
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try process.run()
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus, stdout: try SharedFiles.read(out),
                         stderr: String(decoding: try SharedFiles.read(err), as: UTF8.self))
    }

    /// `count` generated NDJSON records in `name`.
    func generate(_ name: String, count: Int) throws {
        let result = try shell("""
            awk 'BEGIN { for (i = 0; i < \(count); i++) printf "{\\"id\\":%d,\\"level\\":\\"%s\\",\\"msg\\":\\"request %d from host-%d\\",\\"ms\\":%d.%d}\\n", i, (i % 3 ? "INFO" : "WARN"), i * 7, i % 13, i % 900, i % 10 }' > \(name)
            """)
        precondition(result.status == 0, result.stderr)
    }
}

/// The three-stage pipeline as a user runs it: same bytes as `jac pack`, and failures that
/// stop the pipeline and leave nothing that decodes.
struct PipelineCommandTests {
    static let corpusEnabled = ProcessInfo.processInfo.environment["JAC_CORPUS_TESTS"] == "1" && SharedFiles.isAvailable

    static var corpusFiles: [String] {
        guard corpusEnabled else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: SharedFiles.corpus)) ?? [])
            .filter { $0.hasSuffix(".ndjson") }.sorted()
    }

    /// Every way of running the encoder writes the same archive, and it verifies against its input.
    @Test(.enabled(if: corpusEnabled, "corpus tests need JAC_CORPUS_TESTS=1 (scripts/test) and ../shared"),
          arguments: corpusFiles)
    func corpusPipelineEqualsPack(name: String) throws {
        let w = try Workspace()
        let input = SharedFiles.corpus + "/" + name
        let result = try w.shell("""
            jac pack -j1 '\(input)' -o j1.jac
            jac pack -j2 '\(input)' -o j2.jac
            jac pack -j8 '\(input)' -o j8.jac
            jac-split '\(input)' | jac-squeeze -j1 | jac-assemble > p1.jac
            jac-split '\(input)' | jac-squeeze -j4 | jac-assemble -o p4.jac
            for f in j2 j8 p1 p4; do cmp j1.jac $f.jac; done
            jac-verify -q --against '\(input)' j1.jac
            """)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors"))
    func identicalVectorsThroughThePipeline() throws {
        let w = try Workspace()
        for vector in VectorEntry.all().filter(\.identical) {
            let splitArgs = Self.optionPairs(vector.options, keep: ["--block-records", "--json-array"])
            let squeezeArgs = Self.optionPairs(vector.options, keep: ["--zstd-level", "--max-dict-entries", "--canonicalize-keys"])
            let assembleArgs = vector.options.contains("--no-index") ? "--no-index" : "--reference-header"
            let result = try w.shell("""
                jac-split \(splitArgs) '\(SharedFiles.vectors)/\(vector.input)' | jac-squeeze -j2 \(squeezeArgs) | jac-assemble \(assembleArgs) > out.jac
                jac-verify -q out.jac
                jac unpack out.jac > out.ndjson
                """)
            #expect(result.status == 0, "\(vector.name): \(result.stderr)")
            // Byte identity holds with the vectors' libzstd only (doc/format.md §12.4).
            if zstdVersionNumber == 10504 {
                let reference = try SharedFiles.read("\(SharedFiles.vectors)/\(vector.name).jac")
                #expect(try w.read("out.jac") == reference, "\(vector.name) differs from the reference bytes")
            }
            let expected = try SharedFiles.read("\(SharedFiles.vectors)/\(vector.expect)")
            #expect(firstDifference(actualText: try w.read("out.ndjson"), expectedText: expected) == nil, "\(vector.name)")
        }
    }

    /// The options of `args` named in `keep`, with their values.
    static func optionPairs(_ args: [String], keep: Set<String>) -> String {
        var out: [String] = []
        var i = 0
        while i < args.count {
            if keep.contains(args[i]) {
                out.append(args[i])
                if i + 1 < args.count, Int(args[i + 1]) != nil {
                    out.append(args[i + 1])
                    i += 1
                }
            }
            i += 1
        }
        return out.joined(separator: " ")
    }

    @Test func malformedLineStopsThePipelineAndNamesIt() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 5000)
        // Break line 3217 (record ids start at 0 on line 1).
        _ = try w.shell("sed -i '3217s/\"level\"/level/' in.ndjson")
        for stages in ["jac-split in.ndjson | jac-squeeze -j2 | jac-assemble", "jac pack -j2 in.ndjson -o -"] {
            let result = try w.shell("\(stages) > out.jac")
            #expect(result.status != 0, "\(stages)")
            #expect(result.stderr.contains("line 3217, column 12"), "\(stages): \(result.stderr)")
            let decode = try w.shell("jac unpack out.jac > /dev/null")
            #expect(decode.status != 0, "the failed output of \(stages) decodes")
            #expect(try w.shell("jac-verify out.jac").status == 1)
        }
        let withOutput = try w.shell("jac-split in.ndjson | jac-squeeze | jac-assemble -o out2.jac")
        #expect(withOutput.status != 0)
        #expect(!w.exists("out2.jac"))
        #expect(try w.listing().allSatisfy { !$0.contains(".tmp-") })
    }

    @Test func damagedFrameStreamsAreRefused() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 3000)
        let result = try w.shell("""
            jac-split --block-records 500 in.ndjson > raw.frames
            jac-squeeze raw.frames > squeezed.frames
            size=$(stat -c %s raw.frames)
            head -c $((size / 2)) raw.frames > cut.frames
            head -c $((size - 3)) raw.frames > noend.frames
            cp raw.frames flipped.frames
            printf '\\x00' | dd of=flipped.frames bs=1 seek=$((size / 3)) conv=notrunc status=none
            ! jac-squeeze cut.frames > /dev/null 2> cut.err
            ! jac-squeeze noend.frames > /dev/null 2> noend.err
            ! jac-squeeze flipped.frames > /dev/null 2> flipped.err
            ! jac-assemble raw.frames -o wrong.jac 2> wrong.err
            ssize=$(stat -c %s squeezed.frames)
            head -c $((ssize - 40)) squeezed.frames > scut.frames
            ! jac-assemble scut.frames -o scut.jac 2> scut.err
            test ! -e scut.jac && test ! -e wrong.jac
            cat cut.err noend.err flipped.err wrong.err scut.err
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let messages = String(decoding: result.stdout, as: UTF8.self)
        #expect(messages.contains("truncated") || messages.contains("cut"), "\(messages)")
        #expect(messages.contains("checksum mismatch"), "\(messages)")
        #expect(messages.contains("expected a stream of compressed blocks"), "\(messages)")
    }

    /// A stage killed mid-stream (its input held open, so it cannot have finished) leaves a
    /// stream the next stage refuses, and no archive.
    @Test(arguments: ["jac-split", "jac-squeeze"])
    func killedStageLeavesNoArchive(victim: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 20000)
        let (input, command, next) = victim == "jac-split"
            ? ("in.ndjson", "jac-split --block-bytes 64K", "jac-squeeze part.out | jac-assemble -o out.jac")
            : ("raw.frames", "jac-squeeze -j1", "jac-assemble part.out -o out.jac")
        let result = try w.shell("""
            jac-split --block-bytes 64K in.ndjson > raw.frames
            mkfifo feed
            exec 3<>feed
            \(command) < feed > part.out & pid=$!
            head -c $(( $(stat -c %s \(input)) / 2 )) \(input) >&3
            for i in $(seq 2000); do [ -s part.out ] && break; sleep 0.01; done
            if [ ! -s part.out ]; then kill -9 $pid; echo "the stage wrote nothing in 20 s" >&2; exit 1; fi
            kill -9 $pid
            wait $pid || true
            exec 3>&-
            ! \(next) 2> next.err
            test ! -e out.jac
            cat next.err
            """)
        #expect(result.status == 0, "\(victim): \(result.stderr)")
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("end frame"), "\(victim): \(String(decoding: result.stdout, as: UTF8.self))")
    }
}
