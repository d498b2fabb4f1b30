import Foundation
import JACTestSupport
import Testing

/// Every corpus file through `jac pack` and `jac unpack`. The files are large (up to 33 MB),
/// so this runs only when scripts/test asks for it (JAC_CORPUS_TESTS=1, release build).
@Suite(.serialized,
       .enabled(if: corpusTestsEnabled, "set JAC_CORPUS_TESTS=1 (scripts/test does) and provide ../shared/corpus"))
struct CorpusRoundTripTests {
    static func files() -> [String] {
        guard SharedFiles.root != nil,
              let names = try? FileManager.default.contentsOfDirectory(atPath: SharedFiles.corpus) else { return [] }
        return names.filter { $0.hasSuffix(".ndjson") }.sorted()
    }

    @Test(arguments: files())
    func roundTrips(file: String) throws {
        let w = try Workspace()
        let input = SharedFiles.corpus + "/" + file
        let pack = try w.jac(["pack", input, "-o", "a.jac"])
        try #require(pack.status == 0, "\(pack.stderr)")
        let unpack = try w.jac(["unpack", "a.jac", "-o", "back.ndjson"])
        try #require(unpack.status == 0, "\(unpack.stderr)")
        #expect(firstDifference(actualText: try w.read("back.ndjson"), expectedText: try SharedFiles.read(input)) == nil)
    }
}

let corpusTestsEnabled: Bool = {
    guard ProcessInfo.processInfo.environment["JAC_CORPUS_TESTS"] == "1" else {
        print("notice: corpus round trips skipped (set JAC_CORPUS_TESTS=1, as scripts/test does)")
        return false
    }
    return SharedFiles.isAvailable
}()
