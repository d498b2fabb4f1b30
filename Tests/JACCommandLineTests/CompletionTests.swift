import Foundation
import Testing

/// The bash completion of `jac`, driven as bash drives it (COMP_WORDS, COMP_CWORD, COMP_LINE,
/// COMP_POINT, then the function with the command, the current word and the one before):
/// option values, file names (archives where an archive is read) and the field names of the
/// archive on the command line after -F.
struct CompletionTests {
    /// What bash would offer for the command line `words` (the cursor at the end of the last
    /// word), sorted, one per line.
    static func offers(_ words: [String], in w: Workspace) throws -> [String] {
        let quoted = words.map { "'" + $0 + "'" }.joined(separator: " ")
        let script = """
            shopt -s extglob
            source <(jac --generate-completion-script bash)
            COMP_WORDS=(\(quoted)); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
            _jac jac "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}" | LC_ALL=C sort
            """
        let r = try w.shell(script)
        #expect(r.status == 0, "\(r.stderr)")
        // Hidden files (the workspace's own) aside.
        return String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init).filter { !$0.hasPrefix(".") }
    }

    @Test func bashOffersValuesFilesAndFields() throws {
        let w = try Workspace()
        try w.write("in.ndjson", #"{"id":1,"level":"x","lat,lon":[1,2],"a\\b":1}"# + "\n")
        let made = try w.shell("jac pack in.ndjson -o in.jac && cp in.jac other.jac && mkdir dir && touch notes.txt")
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try Self.offers(["jac", "cat", "--format", ""], in: w) == ["csv", "json-array", "ndjson", "values"])
        #expect(try Self.offers(["jac", "unpack", "--format", ""], in: w) == ["auto", "json-array", "ndjson"])
        #expect(try Self.offers(["jac", "ls", "--format", ""], in: w) == ["json", "table"])
        #expect(try Self.offers(["jac", "pack", "--codec", ""], in: w) == ["lz4", "none", "zstd"])
        #expect(try Self.offers(["jac", "pack", "--duplicate-keys", "l"], in: w) == ["last"])
        // Archives (and directories) where an archive is read, every file where JSON is.
        #expect(try Self.offers(["jac", "unpack", ""], in: w) == ["dir", "in.jac", "other.jac"])
        #expect(try Self.offers(["jac", "ls", "in.jac", ""], in: w) == ["dir", "in.jac", "other.jac"])
        #expect(try Self.offers(["jac", "pack", ""], in: w) == ["dir", "in.jac", "in.ndjson", "notes.txt", "other.jac"])
        #expect(try Self.offers(["jac", "cat", "-o", "n"], in: w) == ["notes.txt"])
        // Field names of the archive already named, escaped as -F reads them, after the names listed.
        // The offers are what goes into the line: `a\b` is -F 'a\\b', written a\\\\b for the shell.
        #expect(try Self.offers(["jac", "cat", "in.jac", "-F", ""], in: w) == [#"a\\\\b"#, "id", #"lat\\,lon"#, "level"])
        #expect(try Self.offers(["jac", "cat", "in.jac", "--field", "id,l"], in: w) == [#"id,lat\\,lon"#, "id,level"])
        #expect(try Self.offers(["jac", "cat", "-F", ""], in: w) == [])
    }
}
