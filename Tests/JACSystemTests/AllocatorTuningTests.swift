import Glibc
import JACSystem
import Testing

/// The inputs `AllocatorTuning` finds in a command line before it is parsed (the tools' tuning
/// itself is tested through them, in JACCommandLineTests).
struct AllocatorTuningTests {
    /// A fresh directory holding `files` (empty) and a subdirectory "dir", removed afterwards.
    final class Directory {
        let path: String
        let files: [String]
        init(files: [String]) throws {
            var template = Array("/tmp/jac-tuning-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            try #require(made != nil)
            path = String(cString: made!)
            self.files = files
            for name in files {
                let fd = open(path + "/" + name, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                try #require(fd >= 0)
                close(fd)
            }
            try #require(mkdir(path + "/dir", 0o755) == 0)
        }
        subscript(_ name: String) -> String { path + "/" + name }
        deinit {
            for name in files { unlink(path + "/" + name) }
            rmdir(path + "/dir")
            rmdir(path)
        }
    }

    @Test func namedFilesAreInputsButNotWhatIsWritten() throws {
        let d = try Directory(files: ["a.ndjson", "out.jac", "trace.txt", "b.ndjson"])
        #expect(AllocatorTuning.inputs(named: [d["a.ndjson"], "-o", d["out.jac"], "-j", "2", "--trace", d["trace.txt"]])
            == [d["a.ndjson"]])
        #expect(AllocatorTuning.inputs(named: ["--output=" + d["out.jac"], "--trace=" + d["trace.txt"], d["b.ndjson"]])
            == [d["b.ndjson"]])
        // A long option's value after "=" counts (verify --against=FILE), as do several files.
        #expect(AllocatorTuning.inputs(named: ["--against=" + d["a.ndjson"], d["b.ndjson"]]) == [d["a.ndjson"], d["b.ndjson"]])
        // After "--" every argument is a path, even one spelt like an option.
        #expect(AllocatorTuning.inputs(named: ["-o", d["out.jac"], "--", d["a.ndjson"]]) == [d["a.ndjson"]])
    }

    @Test func standardInputWhenNoFileIsNamed() throws {
        let d = try Directory(files: ["a.ndjson"])
        #expect(AllocatorTuning.inputs(named: []) == ["-"])
        #expect(AllocatorTuning.inputs(named: ["-j2", "-q"]) == ["-"])
        // Missing paths and directories are not inputs (their errors come from the command).
        #expect(AllocatorTuning.inputs(named: [d["missing.ndjson"], d["dir"]]) == ["-"])
        // Only the written file named: standard input is read.
        #expect(AllocatorTuning.inputs(named: ["-o", d["a.ndjson"]]) == ["-"])
        // A named file keeps standard input out (a `while read` loop's pipe), unless "-" is named.
        #expect(AllocatorTuning.inputs(named: [d["a.ndjson"]]) == [d["a.ndjson"]])
        #expect(AllocatorTuning.inputs(named: ["-", d["a.ndjson"]]) == ["-", d["a.ndjson"]])
    }
}
