import JACArchive
import JACCodec
import JACSystem
import JACWire

/// `jac unpack --salvage`: recovers what can be read from a damaged archive. A block that cannot
/// be read or decoded is skipped by searching for the next block magic (doc/format.md §9.1's
/// "resync"); the records of every intact block come out in order, and each skipped byte range
/// is reported with the number of records it held (exact when the index footer survived,
/// otherwise from the damaged block's header when that is legible).
public enum Salvage {
    public struct SkippedRange: Sendable, Equatable {
        /// Byte offsets in the archive.
        public var start: Int
        public var end: Int
        /// Records lost in this range, when known.
        public var lostRecords: Int?
        /// What was wrong at its start.
        public var reason: String
    }

    public struct Summary: Sendable {
        public var records = 0
        public var blocks = 0
        public var skipped: [SkippedRange] = []
        /// Set when the header announces an index footer and none valid follows the last block:
        /// the archive was cut short or damaged at its end, losing an unknown number of records.
        public var missingIndex: MissingIndex?
        /// Whether anything was lost or damaged (salvage then exits with status 1).
        public var isDamaged: Bool { !skipped.isEmpty || missingIndex != nil }
        /// Sum of the known lost record counts, and whether every range's count was known.
        public var lostRecords: Int { skipped.reduce(0) { $0 + ($1.lostRecords ?? 0) } }
        public var lostRecordsExact: Bool { skipped.allSatisfy { $0.lostRecords != nil } }
    }

    /// Decodes every readable block of `reader` to `sink`, one block at a time (a block's text is
    /// written only once all of it decoded, in pieces of about a megabyte, see `RecordWriter`).
    /// Errors in the output itself (a full disk) still stop it. Progress is reported like
    /// `Unpack.run`.
    public static func run(reader: ArchiveReader, sink: ByteSink, layout: RecordLayout,
                           progress: ((Unpack.Summary) -> Void)? = nil) throws(JACError) -> Summary {
        let decoder = BlockDecoder(segmentLimit: reader.segmentLimit)
        reader.requireAnnouncedIndex = false
        var summary = Summary()
        var progressSummary = Unpack.Summary()
        var out: [UInt8] = []
        var first = true
        if layout == .jsonArray { try sink.write([UInt8(ascii: "[")]) }
        while true {
            let problem: String
            var headerRecords: Int?
            do throws(JACError) {
                guard let block = try reader.peek() else { break }
                headerRecords = block.bytes.withUnsafeBytes { p in try? BlockHeader.decode(p, segmentLimit: Int.max).0.recordCount }
                let (header, columns) = try decoder.decode(block)
                var writer = RecordWriter(columns: columns)
                reader.accept(block)
                summary.blocks += 1
                progressSummary.blocks = summary.blocks
                progressSummary.bytesIn = reader.source.offset
                while writer.record < header.recordCount {
                    out.removeAll(keepingCapacity: true)
                    summary.records += writer.write(upTo: header.recordCount, layout: layout, first: &first,
                                                    budget: ParallelDecoder.defaultPieceBytes, to: &out)
                    try sink.write(out)
                    progressSummary.bytesOut += out.count
                    progressSummary.records = summary.records
                    progress?(progressSummary)
                }
                continue
            } catch where error.kind == .io {
                throw error
            } catch {
                problem = error.message
            }
            if headerRecords == nil {
                headerRecords = try? reader.source.withBuffered { (p) throws(JACError) in
                    try BlockHeader.decode(p, segmentLimit: Int.max).0.recordCount
                }
            }
            let start = reader.source.offset
            let skipped = try reader.skipDamaged()
            summary.skipped.append(SkippedRange(start: start, end: start + skipped, lostRecords: headerRecords, reason: problem))
        }
        if layout == .jsonArray { try sink.write(Array("]\n".utf8)) }
        try sink.flush()
        summary.missingIndex = reader.missingIndex
        // With an index footer that survived, count exactly what each range held.
        if let footer = reader.footer {
            for i in summary.skipped.indices {
                let r = summary.skipped[i].start ..< summary.skipped[i].end
                let inRange = footer.entries.filter { r.contains($0.offset) }
                if !inRange.isEmpty || summary.skipped[i].lostRecords == nil {
                    summary.skipped[i].lostRecords = inRange.reduce(0) { $0 + $1.recordCount }
                }
            }
        }
        return summary
    }
}
