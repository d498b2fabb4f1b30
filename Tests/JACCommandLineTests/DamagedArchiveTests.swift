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
}
