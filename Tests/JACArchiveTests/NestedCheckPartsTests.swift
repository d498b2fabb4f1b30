import JACArchive
import JACCodec
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// `NestedCheckParts` on NestedSplitTests' archive (a `tags` field of about 1.5 MB): the parts
/// tile the nested values in order, only the last part to finish hands the column back, and
/// the answer is the one pass's, error included, whatever order the parts run in.
struct NestedCheckPartsTests {
    /// Field `name` of the archive's one block, decoded with its nested values only located,
    /// and the one pass's verdict on it ("ok" or the error's message).
    static func field(_ path: String, _ name: String) throws -> (FieldColumn, FieldDirectoryEntry, String) {
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        let block = try #require(try reader.next())
        let decoder = BlockDecoder()
        let (header, areaStart) = try decoder.open(block)
        let entry = try #require(header.fields.first { $0.name == Array(name.utf8) })
        let start = areaStart + entry.segmentOffset
        func decode(_ nested: Bool) throws(JACError) -> FieldColumn {
            try block.bytes.withBytes { (p) throws(JACError) in
                try decoder.column(entry, segment: UnsafeRawBufferPointer(rebasing: p[start ..< start + entry.compressedLength]),
                                   recordCount: header.recordCount, checkingNested: nested)
            }
        }
        let verdict: String
        do throws(JACError) {
            _ = try decode(true)
            verdict = "ok"
        } catch {
            verdict = error.message
        }
        return (try decode(false), entry, verdict)
    }

    static func verdict(_ result: Result<FieldColumn, JACError>) -> String {
        switch result {
        case .success: "ok"
        case .failure(let error): error.message
        }
    }

    @Test(arguments: [[], [4_000], [150, 19_990]] as [Set<Int>])
    func partsGiveTheOnePassAnswer(damaged: Set<Int>) throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 20_000, damaged: damaged)
        let (column, entry, onePass) = try NestedCheckPartsTests.field(path, "tags")
        #expect(onePass == "ok" ? damaged.isEmpty : onePass.contains("field \"tags\""))
        #expect(entry.uncompressedLength >= NestedCheckParts.minBytes)
        for workers in [1, 3] {
            let nested = NestedCheckParts(column, entry: entry, workers: workers)
            #expect(nested.parts.count == min(column.nestedCount, 4 * workers))
            #expect(nested.parts.first?.lowerBound == 0 && nested.parts.last?.upperBound == column.nestedCount)
            #expect(zip(nested.parts, nested.parts.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty })
            // Last part first: only the one that finishes last answers.
            var answers: [Result<FieldColumn, JACError>] = []
            for k in nested.parts.indices.reversed() {
                if let result = nested.check(part: k) {
                    #expect(k == 0)
                    answers.append(result)
                }
            }
            #expect(answers.count == 1)
            #expect(answers.map(NestedCheckPartsTests.verdict) == [onePass])
        }
    }

    /// A field without nested values has no parts: finished at once, as it decoded.
    @Test func fieldWithoutNestedValuesHasNoParts() throws {
        let dir = try SharedFiles.temporaryDirectory()
        defer { SharedFiles.removeDirectory(dir) }
        let path = try NestedSplitTests.archive(in: dir, records: 20_000)
        let (column, entry, onePass) = try NestedCheckPartsTests.field(path, "id")
        let nested = NestedCheckParts(column, entry: entry, workers: 4)
        #expect(nested.parts.isEmpty)
        #expect(NestedCheckPartsTests.verdict(nested.finish()) == onePass)
        #expect(onePass == "ok")
    }
}
