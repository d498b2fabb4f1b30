import JACArchive
import JACCommands
import JACPipeline
import JACSystem
import JACTestSupport
import JACWire
import Testing

/// Every single-byte truncation and every bit flip of a small archive and of a small frame
/// stream: the reader either fails with a `JACError` or gives back exactly the original
/// records (damage confined to informational header bytes, or to the index when the header
/// does not announce it). Never a crash, a hang, or a wrong record returned as success.
struct DamageTests {
    static func options() -> PackOptions {
        var o = PackOptions()
        o.split.blockRecords = 15
        return o
    }

    /// Decodes `archive` fully, or returns the error.
    static func decode(_ h: StageHarness, _ archive: [UInt8]) throws -> Result<[UInt8], JACError> {
        do {
            return .success(try h.unpack(archive))
        } catch let error as JACError {
            return .failure(error)
        }
    }

    /// What each way of reading a whole archive gives for `archive`: the records (nil for a
    /// reader that gives none, or an error). unpack and verify read front to back as from a
    /// pipe; cat reads a regular file by its index, and front to back; ls lists by the index.
    static func readings(_ h: StageHarness, _ archive: [UInt8],
                         only: Set<String>? = nil) throws -> [(reader: String, result: Result<[UInt8]?, JACError>)] {
        let path = try h.file(archive)
        func attempt(_ reader: String, _ body: () throws -> [UInt8]?) throws -> (String, Result<[UInt8]?, JACError>)? {
            guard only?.contains(reader) ?? true else { return nil }
            do {
                return (reader, .success(try body()))
            } catch let error as JACError {
                return (reader, .failure(error))
            }
        }
        return [
            try attempt("unpack") { try h.unpack(archive) },
            try attempt("verify") { _ = try Verifier.run(source: try ByteSource(path: path)); return nil },
            try attempt("cat") {
                try h.output { (sink) throws(JACError) in
                    _ = try Projection.run(path: path, sink: sink, options: Projection.Options(), warn: { _ in })
                }
            },
            try attempt("cat from a stream") {
                try h.output { (sink) throws(JACError) in
                    _ = try Projection.run(reader: try ArchiveReader(source: try ByteSource(path: path)), sink: sink,
                                           options: Projection.Options(), warn: { _ in })
                }
            },
            try attempt("ls") { _ = try ArchiveListing.read(path: path); return nil },
        ].compactMap { $0 }
    }

    static func accepted(_ result: Result<[UInt8]?, JACError>) -> Bool {
        if case .success = result { return true }
        return false
    }

    /// The header announces the index footer (flag bit 5), so every proper prefix is an error
    /// for every reader: a cut inside a block or the footer, exactly between two blocks, and
    /// right after the file header alike. The error names the last whole block.
    @Test func everyTruncationOfAnArchiveFails() throws {
        let h = try StageHarness()
        let archive = try h.pack(sampleRecords(40), Self.options(), threads: 1)
        let boundaries = archiveBoundaries(archive)
        #expect(boundaries.count == 4)
        for cut in 0 ..< archive.count {
            for (reader, result) in try Self.readings(h, Array(archive[..<cut])) {
                switch result {
                case .success: Issue.record("\(reader): cut at \(cut) accepted")
                case .failure(let error) where boundaries.contains(cut):
                    let block = boundaries.firstIndex(of: cut)! - 1
                    let place = block < 0 ? "right after the file header" : "after block \(block),"
                    #expect(error.message.contains("cut short \(place)") && error.message.contains("--salvage"),
                            "\(reader), cut at \(cut): \(error.message)")
                case .failure: break
                }
            }
        }
        for (reader, result) in try Self.readings(h, archive) {
            #expect(Self.accepted(result), "\(reader) refused the whole archive")
        }
    }

    /// Salvage gives back the whole blocks of an archive cut between two of them, and says that
    /// the end is missing.
    @Test func salvageOfACutArchiveReportsTheMissingEnd() throws {
        let h = try StageHarness()
        let input = sampleRecords(40)
        let archive = try h.pack(input, Self.options(), threads: 1)
        let cut = archiveBoundaries(archive)[2]
        let path = try h.file(Array(archive[..<cut]))
        var salvaged: Salvage.Summary?
        let text = try h.output { (sink) throws(JACError) in
            salvaged = try Salvage.run(reader: try ArchiveReader(source: try ByteSource(path: path)), sink: sink, layout: .ndjson)
        }
        let summary = try #require(salvaged)
        #expect(summary.records == 30 && summary.skipped.isEmpty)
        #expect(summary.missingIndex == MissingIndex(damage: nil, blocks: 2, end: cut))
        #expect(summary.isDamaged)
        let lines = input.split(separator: 0x0A)
        #expect(firstDifference(actualText: text, expectedText: Array(lines[..<30].joined(separator: [0x0A]) + [0x0A])) == nil)
    }

    /// An archive with the reference's header (or --no-index) does not announce its index: a
    /// cut exactly between two blocks decodes the blocks before it with a warning that it may
    /// have been cut short, and a cut inside the index decodes every record with a warning
    /// about the index. (A cut right after the file header leaves a valid empty archive: the
    /// format cannot tell it from an empty input.) Every other cut is an error.
    @Test func truncationOfAReferenceHeaderArchiveFailsOrWarns() throws {
        let h = try StageHarness()
        var options = Self.options()
        options.index = .reference
        let archive = try h.pack(sampleRecords(40), options, threads: 1)
        let original = try h.unpack(archive)
        var partial = 0
        for cut in 0 ..< archive.count {
            guard let (text, warnings) = try? h.unpackWithWarnings(Array(archive[..<cut])) else { continue }
            #expect(original.starts(with: text), "cut at \(cut) decoded to other records")
            if text == original {
                #expect(!warnings.isEmpty, "cut at \(cut) in the index decoded without a warning")
            } else if !text.isEmpty {
                partial += 1
                #expect(warnings.contains { $0.contains("no index footer") }, "cut at \(cut) decoded without a warning")
            }
        }
        // The two boundaries between the three blocks.
        #expect(partial == 2)
    }

    /// A flip either fails or changes nothing that is read, for both ways of reading: front to
    /// back, and by the index. Clearing flag bit 5 leaves a footer that is simply read.
    @Test func everyBitFlipOfAnArchiveFailsOrChangesNothing() throws {
        let h = try StageHarness()
        let archive = try h.pack(sampleRecords(40), Self.options(), threads: 1)
        let original = try h.unpack(archive)
        var damaged = archive
        var failures = 0
        for i in archive.indices {
            for bit in 0 ..< 8 {
                damaged[i] ^= 1 << UInt8(bit)
                for (reader, result) in try Self.readings(h, damaged, only: ["unpack", "cat"]) {
                    switch result {
                    case .success(let text):
                        #expect(text == nil || text == original, "\(reader): flip of bit \(bit) in byte \(i) decoded to other records")
                    case .failure: failures += 1
                    }
                }
                damaged[i] = archive[i]
            }
        }
        #expect(failures > archive.count * 6 * 2)
    }

    /// Bit 5 set on an archive written without an index makes it one that was cut short.
    @Test func announcingAnIndexThatIsNotThereFails() throws {
        let h = try StageHarness()
        var options = Self.options()
        options.index = .omitted
        var archive = try h.pack(sampleRecords(40), options, threads: 1)
        #expect(archive[4] & 0x20 == 0)
        #expect(try Self.readings(h, archive).allSatisfy { Self.accepted($0.result) })
        archive[4] |= 0x20
        #expect(try Self.readings(h, archive).allSatisfy { !Self.accepted($0.result) })
    }

    @Test func everyTruncationAndFlipOfAFrameStreamIsRefused() throws {
        let h = try StageHarness()
        var o = SplitOptions()
        o.blockRecords = 10
        let stream = try h.split(sampleRecords(20), o)
        let squeezed = try h.squeeze(stream, SqueezeOptions(), threads: 1)
        func refused(_ frames: [UInt8]) throws -> Bool {
            do {
                _ = try h.squeeze(frames, SqueezeOptions(), threads: 1)
                return false
            } catch is JACError {
                return true
            }
        }
        for cut in 0 ..< stream.count {
            #expect(try refused(Array(stream[..<cut])), "cut at \(cut) accepted")
        }
        var damaged = stream
        for i in stream.indices {
            for bit in 0 ..< 8 {
                damaged[i] ^= 1 << UInt8(bit)
                if try !refused(damaged) {
                    #expect(try h.squeeze(damaged, SqueezeOptions(), threads: 1) == squeezed,
                            "flip of bit \(bit) in byte \(i) accepted with other output")
                }
                damaged[i] = stream[i]
            }
        }
    }
}

/// Where the file header and each block of `archive` end, from its index footer.
func archiveBoundaries(_ archive: [UInt8]) -> [Int] {
    archive.withUnsafeBytes { p in
        guard case .success(let (footer, _)) = IndexFooter.locate(in: p), let first = footer.entries.first else { return [] }
        return [first.offset] + footer.entries.map { $0.offset + $0.size }
    }
}
