import Foundation
import JACTestSupport
import Testing

/// What `-o` promises (Sources/JACSystem/OutputFile.swift): the bytes go to a temporary file
/// no one can guess or redirect, which takes the name only when the run succeeds, never over an
/// existing entry without -f (even when two runs race for the name), and never over an input.
struct OutputSafetyTests {
    /// The temporary file's old name, `.out.jac.tmp-PID`, could be planted in advance: `exec`
    /// keeps the PID, so a symlink made there by the same shell is where that name pointed.
    @Test func plantedSymlinkCannotRedirectTheOutput() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            echo precious > victim
            bash -c 'ln -s victim .out.jac.tmp-$$ && exec jac pack in.ndjson -o out.jac'
            echo precious | cmp - victim
            test -f out.jac && ! test -L out.jac
            jac unpack out.jac | cmp - in.ndjson
            ls -a | grep '\\.tmp-' | while read -r name; do test -L "$name" || echo "left: $name"; done
            """)
        #expect(result.status == 0 && result.stdout.isEmpty, "\(String(decoding: result.stdout, as: UTF8.self)) \(result.stderr)")
    }

    /// Caught while the input is held back: each run's temporary name is new and random, only
    /// its owner may open it, and the file gets 0644 less the umask when it takes its name.
    @Test func temporaryNameIsRandomAndPrivate() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            umask 027
            for run in 1 2; do
                { for i in $(seq 2000); do ls -a | grep '^\\.out\\.jac\\.tmp-' > name && break; sleep 0.01; done
                  stat -c %a "$(cat name)" > mode; cat in.ndjson; } | jac pack -f -o out.jac
                echo "$(cat name) $(cat mode) $(stat -c %a out.jac)"
            done
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(result.status == 0 && lines.count == 2 && lines.allSatisfy { $0.count == 3 }, "\(lines) \(result.stderr)")
        guard lines.count == 2, lines.allSatisfy({ $0.count == 3 }) else { return }
        #expect(lines[0][0] != lines[1][0], "\(lines)")
        for line in lines {
            let suffix = line[0].dropFirst(".out.jac.tmp-".count)
            #expect(suffix.count == 12 && !suffix.allSatisfy(\.isNumber), "\(line)")
            #expect(line[1] == "600" && line[2] == "640", "\(line)")
        }
    }

    /// Every tool that reads a file and writes `-o`, and the input each is given.
    static let readers: [(tool: String, arguments: String, input: String)] = [
        ("jac", "pack in.ndjson", "in.ndjson"),
        ("jac", "unpack in.jac", "in.jac"),
        ("jac", "cat in.jac", "in.jac"),
        ("jac-split", "in.ndjson", "in.ndjson"),
        ("jac-squeeze", "in.frames", "in.frames"),
        ("jac-assemble", "in.blocks in.jac", "in.jac"),
    ]

    /// `-o` naming an input by its path, a hard link or a symlink is refused with or without
    /// -f, before anything is read or written: the input and its names stay as they were.
    @Test(arguments: readers)
    func outputThatIsAnInputIsRefused(tool: String, arguments: String, input: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            jac pack in.ndjson -o in.jac && jac-split in.ndjson -o in.frames && jac-squeeze in.frames -o in.blocks
            cp \(input) kept && ln \(input) hard && ln -s \(input) sym
            for out in \(input) hard sym; do
                for force in "" -f; do
                    \(tool) \(arguments) $force -o $out 2> err
                    echo "$? $(cat err)"
                    cmp -s kept \(input) || echo "\(input) changed"
                done
            done
            test -L sym && test "$(stat -c %h \(input))" = 2 || echo "names changed"
            ls -a | grep '\\.tmp-' || true
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        let expected = [input, input, "hard", "hard", "sym", "sym"].map {
            "2 \(tool): \($0): output is the same file as the input (refusing, even with -f)"
        }
        #expect(lines == expected, "\(result.stderr)")
    }

    /// The same through standard input, the file redirected in.
    @Test func standardInputThatIsTheOutputIsRefused() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            jac pack in.ndjson -o in.jac && cp in.ndjson kept.ndjson && cp in.jac kept.jac
            jac pack -f -o in.ndjson < in.ndjson 2> err; echo "$? $(cat err)"
            jac unpack -f -o in.jac - < in.jac 2> err; echo "$? $(cat err)"
            jac-split -f -o in.ndjson < in.ndjson 2> err; echo "$? $(cat err)"
            cmp kept.ndjson in.ndjson && cmp kept.jac in.jac
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(lines == [("jac", "in.ndjson"), ("jac", "in.jac"), ("jac-split", "in.ndjson")].map {
            "2 \($0.0): \($0.1): output is the same file as the input (refusing, even with -f)"
        })
    }

    /// Two runs for one path, both let past the early existence check before either finishes:
    /// the rename refuses to replace, so exactly one wins and the other says so, leaving nothing.
    @Test func racingRunsWithoutForceCannotBothWin() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        try w.generate("other.ndjson", count: 3000)
        let result = try w.shell("""
            gate() { for i in $(seq 3000); do [ "$(ls -a | grep -c '^\\.same\\.jac\\.tmp-')" = 2 ] && break; sleep 0.01; done; }
            { gate; cat in.ndjson; } | jac pack -o same.jac 2> err1 & first=$!
            { gate; cat other.ndjson; } | jac pack -o same.jac 2> err2 & second=$!
            wait $first; echo "$? $(cat err1)"
            wait $second; echo "$? $(cat err2)"
            jac unpack same.jac > back.ndjson && { cmp -s back.ndjson in.ndjson || cmp -s back.ndjson other.ndjson; } && echo decodes
            ls -a | grep '\\.tmp-' || true
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 3 && lines.last == "decodes", "\(lines) \(result.stderr)")
        let outcomes = Set(lines.prefix(2))
        #expect(outcomes == ["0 ", "2 jac: same.jac: already exists (use -f to overwrite)"], "\(lines)")
    }

    /// Any entry at `-o` counts as existing, a symlink to nowhere too; -f replaces the link
    /// itself with the archive, and never writes where it pointed.
    @Test func danglingSymlinkIsAnExistingEntry() throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 2000)
        let result = try w.shell("""
            ln -s missing.jac out.jac
            jac pack in.ndjson -o out.jac 2> err; echo "$? $(cat err)"
            test "$(readlink out.jac)" = missing.jac && echo "link kept"
            jac pack in.ndjson -f -o out.jac; echo "$?"
            test -f out.jac && ! test -L out.jac && ! test -e missing.jac && echo "replaced"
            jac unpack out.jac | cmp - in.ndjson
            ls -a | grep '\\.tmp-' || true
            """)
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines == ["2 jac: out.jac: already exists (use -f to overwrite)", "link kept", "0", "replaced"],
                "\(result.stderr)")
    }

    /// A name of the longest length allowed (255 bytes) still gets a temporary name beside it,
    /// cut to fit, also in the middle of a multibyte character.
    @Test(arguments: [String(repeating: "x", count: 251), "x" + String(repeating: "\u{E9}", count: 125)])
    func longestNamesStillWork(stem: String) throws {
        let w = try Workspace()
        try w.generate("in.ndjson", count: 200)
        let r = try w.jac(["pack", "in.ndjson", "-o", stem + ".jac"])
        #expect(r.status == 0, "\(r.stderr)")
        let left = try w.listing()
        #expect(left.contains(stem + ".jac") && !left.contains { $0.contains(".tmp-") }, "\(left)")
    }
}
