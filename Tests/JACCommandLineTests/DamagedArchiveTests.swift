import Foundation
import JACTestSupport
import Testing

/// What users see for damaged archives (vectors/README.md): one clear line and a non-zero
/// exit, or, when only the index is damaged, every record and a warning that -q silences.
@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct DamagedArchiveTests {
    static let indexOnly: Set<String> = ["flip_index", "bad_pointer"]

    static func badFiles() -> [String] {
        guard SharedFiles.root != nil,
              let names = try? FileManager.default.contentsOfDirectory(atPath: SharedFiles.vectors + "/bad") else { return [] }
        return names.filter { $0.hasSuffix(".jac") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test(arguments: badFiles())
    func unpack(name: String) throws {
        let w = try Workspace()
        let r = try w.jac(["unpack", SharedFiles.vectors + "/bad/\(name).jac", "-o", "out.ndjson"])
        if Self.indexOnly.contains(name) {
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("warning"), "\(r.stderr)")
            let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
            #expect(firstDifference(actualText: try w.read("out.ndjson"), expectedText: expected) == nil)
            let quiet = try w.jac(["unpack", SharedFiles.vectors + "/bad/\(name).jac", "-q"])
            #expect(quiet.status == 0)
            #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
        } else {
            #expect(r.status != 0)
            #expect(r.status < 128, "killed by a signal")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(r.stderr)")
            #expect(lines.first?.hasPrefix("jac: ") == true)
            #expect(try w.listing().isEmpty)
        }
    }

    /// Every proper prefix of a default archive (its header announces the index footer) is an
    /// error for every reader, from a file and from a pipe, in one line; a cut exactly after a
    /// block or the header names the last whole block and --salvage, which gives back the whole
    /// blocks with exit status 1. The script prints only what went wrong, then its counts.
    @Test func everyCutOfADefaultArchiveFails() throws {
        let w = try Workspace()
        try w.write("in.ndjson", (0 ..< 7).map { #"{"id":\#($0),"msg":"m\#($0 % 3)"}"# + "\n" }.joined())
        let result = try w.shell("""
            jac pack --block-records 3 in.ndjson -o a.jac
            size=$(stat -c %s a.jac)
            bounds=($(jac ls --format json --no-types a.jac | grep -o '"offset":[0-9]*,"records":[0-9]*,"bytes":[0-9]*' \\
                | awk -F'[:,]' 'NR == 1 { print $2 } { print $2 + $6 }'))
            cuts=0
            for ((cut = 0; cut < size; cut++)); do
                head -c $cut a.jac > c.jac
                whole=-1
                for i in "${!bounds[@]}"; do [ "${bounds[$i]}" = $cut ] && whole=$i; done
                for run in "jac unpack c.jac" "jac unpack -" "jac cat c.jac" "jac cat -" "jac ls c.jac" "jac ls -" "jac-verify c.jac"; do
                    if $run < c.jac > out 2> err; then echo "accepted: cut $cut: $run"; fi
                    [ "$(wc -l < err)" = 1 ] || echo "not one line: cut $cut: $run: $(cat err)"
                    if [ $whole -ge 0 ]; then
                        grep -q 'cut short .*--salvage' err || echo "no hint: cut $cut: $run: $(cat err)"
                    fi
                done
                if [ $whole -ge 0 ]; then
                    jac unpack --salvage c.jac > out 2> err && echo "salvage exit 0: cut $cut"
                    head -n $((whole * 3)) in.ndjson | cmp -s - out || echo "salvage gave other records: cut $cut"
                fi
                cuts=$((cut + 1))
            done
            echo "cuts $cuts size $size boundaries ${#bounds[@]}"
            """)
        #expect(result.status == 0, "\(result.stderr)")
        let out = String(decoding: result.stdout, as: UTF8.self).split(separator: " ")
        #expect(out.count == 6 && out[1] == out[3] && out[5] == "4\n", "\(result.stdout)")
    }
}
