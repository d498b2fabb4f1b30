import Foundation
import JACArchive
import JACTestSupport
import JACWire
import Testing

/// "We read what others write": every reference archive in ../shared/vectors.
@Suite(.enabled(if: SharedFiles.isAvailable, "needs ../shared/vectors (or $JAC_SHARED)"))
struct VectorDecodeTests {
    @Test(arguments: VectorEntry.all())
    func decodesToTheExpectedRecords(vector: VectorEntry) throws {
        let out = try unpack(path: SharedFiles.vectors + "/\(vector.name).jac")
        let expected = try SharedFiles.read(SharedFiles.vectors + "/" + vector.expect)
        #expect(firstDifference(actualText: out.text, expectedText: expected) == nil)
        #expect(out.reader.hasIndex == !vector.options.contains("--no-index"))
        // Only an archive without an index footer is worth a warning (it may have been cut).
        #expect(out.warnings.count == (vector.options.contains("--no-index") ? 1 : 0))
    }

    /// JSON-array output of the array vector parses as one array of the same records.
    @Test func writesJSONArrays() throws {
        let out = try unpack(path: SharedFiles.vectors + "/logs_array.jac", layout: .jsonArray)
        #expect(out.reader.header.containerHint == .jsonArray)
        #expect(out.text.first == UInt8(ascii: "["))
        let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_array.expected.ndjson")
        #expect(firstDifference(actualText: out.text, expectedText: expected) == nil)
    }

    /// Reference error names (bad/REFERENCE-SAYS.tsv, doc/format.md §9.7) and ours.
    static let kinds: [String: JACError.Kind] = [
        "InvalidMagic": .invalidMagic, "UnsupportedVersion": .unsupportedVersion, "CorruptBlock": .corruptBlock,
        "ChecksumMismatch": .checksumMismatch, "UnexpectedEof": .unexpectedEOF, "UnsupportedFeature": .unsupportedFeature,
        "Io": .unexpectedEOF,
    ]

    /// (file, the reference's error category) for each damaged archive.
    static func badVectors() -> [(String, String)] {
        guard SharedFiles.root != nil,
              let text = try? String(contentsOfFile: SharedFiles.vectors + "/bad/REFERENCE-SAYS.tsv", encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 2, let error = f[1].components(separatedBy: "Error: ").last else { return nil }
            return (f[0], String(error.prefix { $0.isLetter }))
        }
    }

    /// Damaged archives fail with a `JACError` of the reference's category; only the index is
    /// damaged in flip_index and bad_pointer, so those read fully, with the index problem noted.
    @Test(arguments: badVectors())
    func damagedArchives(name: String, reference: String) throws {
        let path = SharedFiles.vectors + "/bad/\(name).jac"
        if name == "flip_index" || name == "bad_pointer" {
            let out = try unpack(path: path)
            #expect(out.reader.indexProblem != nil)
            #expect(!out.reader.hasIndex)
            #expect(out.warnings.count == 1)
            let expected = try SharedFiles.read(SharedFiles.vectors + "/logs_blocks1000.expected.ndjson")
            #expect(firstDifference(actualText: out.text, expectedText: expected) == nil)
            return
        }
        do {
            _ = try unpack(path: path)
            Issue.record("\(name) decoded without an error")
        } catch let error as JACError {
            #expect(error.kind == Self.kinds[reference], "\(name): \(error)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// Every bad file is covered by the reference's answers, so none is silently skipped.
    @Test func everyBadFileIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: SharedFiles.vectors + "/bad")
            .filter { $0.hasSuffix(".jac") }.map { String($0.dropLast(4)) }
        #expect(Set(files) == Set(Self.badVectors().map(\.0)))
    }
}
