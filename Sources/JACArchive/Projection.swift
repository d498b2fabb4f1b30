import JACCodec
import JACJSON
import JACSystem
import JACWire

/// Which part of an archive to read: block numbers and/or record numbers (both 0-based,
/// half-open here; the command line takes inclusive ranges).
public struct Selection: Sendable, Equatable {
    public var blocks: Range<Int>?
    public var records: Range<Int>?

    public init(blocks: Range<Int>? = nil, records: Range<Int>? = nil) {
        self.blocks = blocks
        self.records = records
    }

    /// Parses `N`, `A-B` (inclusive), `A-` (to the end) or `-B` (from 0) into a half-open range.
    public static func parseRange(_ text: String, what: String) throws(JACError) -> Range<Int> {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        func number(_ s: String) throws(JACError) -> Int {
            guard let n = Int(s), n >= 0 else { throw JACError(.usage, "\(what) \"\(text)\": expected N, A-B, A- or -B (0-based, inclusive)") }
            return n
        }
        if parts.count == 1 {
            let n = try number(parts[0])
            return n ..< n + 1
        }
        let lo = parts[0].isEmpty ? 0 : try number(parts[0])
        let hi = parts[1].isEmpty ? Int.max - 1 : try number(parts[1])
        guard lo <= hi, !(parts[0].isEmpty && parts[1].isEmpty) else {
            throw JACError(.usage, "\(what) \"\(text)\": the range is empty or backwards")
        }
        return lo ..< hi + 1
    }

    /// The records of a block that starts at global record `first` and holds `count`, or nil
    /// when none is selected.
    func records(ofBlock number: Int, first: Int, count: Int) -> Range<Int>? {
        if let blocks, !blocks.contains(number) { return nil }
        guard let records else { return count > 0 ? 0 ..< count : nil }
        let lo = max(records.lowerBound, first) - first
        let hi = min(records.upperBound, first + count) - first
        return lo < hi ? lo ..< hi : nil
    }

    /// True when no block at or after `number` / record `first` can be selected.
    func isPast(block number: Int, firstRecord first: Int) -> Bool {
        if let blocks, number >= blocks.upperBound { return true }
        if let records, first >= records.upperBound { return true }
        return false
    }
}

/// `jac cat`: the values of some fields (or whole records) of an archive, or of a slice of it.
/// From a regular file the block list comes from the index footer (or a header scan), and only
/// the requested fields' segments are read (`pread`) and decompressed; from a pipe the blocks
/// are read in order, blocks outside the selection are not decoded, and only the requested
/// segments are decompressed.
public enum Projection {
    public struct Options: Sendable {
        /// Fields to output, in order; nil for whole records.
        public var keys: [[UInt8]]?
        public var style: RenderSpec.Style = .records(.ndjson)
        public var selection = Selection()
        public var threads = 1
        /// Read whole blocks and check their CRCs even when only some segments are needed:
        /// a value is never printed from a block that fails its checksum.
        public var verifyChecksums = true

        public init() {}
    }

    public struct Summary: Sendable {
        public var records = 0
        public var blocks = 0
        /// Archive bytes read.
        public var bytesRead = 0
        /// Compressed and uncompressed sizes of the segments decoded.
        public var segmentBytes = 0
        public var bytesDecompressed = 0
        /// Size of the archive, when it is a file.
        public var archiveBytes: Int?
        /// JSON bytes written.
        public var bytesOut = 0
        /// Whether the block list came from the index footer (false: scanned or streamed).
        public var usedIndex = false
        public var indexProblem: String?

        public init() {}
    }

    public static func run(path: String, sink: ByteSink, options: Options, warn: (String) -> Void,
                           progress: ((Summary) -> Void)? = nil) throws(JACError) -> Summary {
        if let file = try IndexedArchive.open(path: path) {
            return try run(file: file, sink: sink, options: options, warn: warn, progress: progress)
        }
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        return try run(reader: reader, sink: sink, options: options, warn: warn, progress: progress)
    }

    private static func spec(_ options: Options) -> RenderSpec {
        RenderSpec(style: options.style, keys: options.keys.map(unique))
    }

    private static func unique(_ keys: [[UInt8]]) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        return keys.filter { seen.insert($0).inserted }
    }

    private static func start(_ sink: ByteSink, _ options: Options) throws(JACError) {
        switch options.style {
        case .records(.jsonArray): try sink.write([UInt8(ascii: "[")])
        case .rows(.csv): try sink.write(RecordWriter.csvHeader(options.keys.map(unique) ?? []))
        default: break
        }
    }

    /// One rendered piece out: to the sink, into the totals, to the progress line.
    private static func emit(_ text: [UInt8], records: Int, to sink: ByteSink, _ summary: inout Summary,
                             _ progress: ((Summary) -> Void)?) throws(JACError) {
        try sink.write(text)
        summary.records += records
        summary.bytesOut += text.count
        progress?(summary)
    }

    /// Adds the sizes of what gets decoded from a block, from its header (checked again by the
    /// decoder), and notes which requested fields it holds.
    private static func account(_ block: ArchiveBlock, _ wanted: Set<[UInt8]>?, _ summary: inout Summary,
                                _ seen: inout Set<[UInt8]>) {
        guard let (h, _) = try? block.bytes.withBytes({ (p) throws(JACError) in try BlockHeader.decode(p) }) else { return }
        account(h, wanted, &summary, &seen)
    }

    private static func account(_ header: BlockHeader, _ wanted: Set<[UInt8]>?, _ summary: inout Summary,
                                _ seen: inout Set<[UInt8]>) {
        for e in header.fields where wanted?.contains(e.name) ?? true {
            summary.segmentBytes += e.compressedLength
            summary.bytesDecompressed += e.uncompressedLength
            if wanted != nil { seen.insert(e.name) }
        }
    }

    /// One warning when a --blocks/--records range selects nothing (`holds`: what the archive
    /// holds, when known), else one naming the requested fields that no selected block holds.
    private static func warnUnmatched(_ options: Options, name: String, holds: String?, summary: Summary,
                                      seen: Set<[UInt8]>, warn: (String) -> Void) {
        let ranges = [options.selection.blocks.map { "--blocks \(inclusive($0))" },
                      options.selection.records.map { "--records \(inclusive($0))" }].compactMap { $0 }
        if summary.blocks == 0, !ranges.isEmpty {
            warn("\(name): \(ranges.joined(separator: " with ")) selects nothing" + (holds.map { " (the archive holds \($0))" } ?? ""))
            return
        }
        guard let keys = options.keys else { return }
        let missing = unique(keys).filter { !seen.contains($0) && !(JSONPath($0).map { seen.contains($0.head) } ?? false) }
        guard !missing.isEmpty else { return }
        let names = missing.map { "\"" + String(decoding: $0, as: UTF8.self) + "\"" }.joined(separator: ", ")
        let scope = ranges.isEmpty ? "block" : "selected block"
        warn("\(name): \(missing.count == 1 ? "field" : "fields") \(names) \(missing.count == 1 ? "is" : "are") in no \(scope)")
    }

    /// A half-open range as the command line writes it (inclusive; "A-" when open-ended).
    private static func inclusive(_ r: Range<Int>) -> String {
        r.upperBound >= Int.max - 1 ? "\(r.lowerBound)-" : r.count == 1 ? "\(r.lowerBound)" : "\(r.lowerBound)-\(r.upperBound - 1)"
    }

    private static func end(_ sink: ByteSink, _ options: Options) throws(JACError) {
        if case .records(.jsonArray) = options.style { try sink.write(Array("]\n".utf8)) }
        try sink.flush()
    }

    /// A regular file: seek by the index (or a header scan), read only what is needed.
    public static func run(file: IndexedArchive, sink: ByteSink, options: Options, warn: (String) -> Void,
                           progress: ((Summary) -> Void)? = nil) throws(JACError) -> Summary {
        var summary = Summary()
        summary.archiveBytes = file.size
        summary.usedIndex = file.indexed
        summary.indexProblem = file.indexProblem
        if let problem = file.indexProblem, problem != "no index footer" {
            warn("\(file.path): \(problem); found the blocks by scanning their headers instead")
        }
        if options.keys == nil, case .rows = options.style {
            throw JACError(.usage, "csv and values output need the fields to show")
        }
        try start(sink, options)
        let wanted = spec(options).fields
        var seen = Set<[UInt8]>()
        var plan: [(block: Int, records: Range<Int>)] = []
        var first = 0
        for (i, e) in file.blocks.enumerated() {
            if options.selection.isPast(block: i, firstRecord: first) { break }
            if let r = options.selection.records(ofBlock: i, first: first, count: e.recordCount) { plan.append((i, r)) }
            first += e.recordCount
        }
        var nextPlanned = 0
        let decoder = ParallelDecoder(threads: options.threads, spec: spec(options), segmentLimit: file.segmentLimit)
        try decoder.run(next: { () throws(JACError) -> DecodeInput? in
            guard nextPlanned < plan.count else { return nil }
            let (i, records) = plan[nextPlanned]
            nextPlanned += 1
            summary.blocks += 1
            if wanted == nil || options.verifyChecksums {
                let block = try file.block(i)
                summary.bytesRead += block.bytes.count
                account(block, wanted, &summary, &seen)
                return DecodeInput(block: block, records: records)
            }
            let (header, areaStart) = try file.blockHeader(i)
            summary.bytesRead += areaStart
            account(header, wanted, &summary, &seen)
            var entries: [FieldDirectoryEntry] = []
            var segments: [[UInt8]] = []
            var taken = Set<[UInt8]>()
            for e in header.fields where wanted!.contains(e.name) && taken.insert(e.name).inserted {
                entries.append(e)
                segments.append(try JACError.locating("block \(i) at offset \(file.blocks[i].offset)") { () throws(JACError) in
                    try file.segment(block: i, areaStart: areaStart, entry: e)
                })
                summary.bytesRead += e.compressedLength
            }
            return DecodeInput(number: i, offset: file.blocks[i].offset, header: header, entries: entries,
                               segments: segments, records: records)
        }, write: { (text, records) throws(JACError) in
            try emit(text, records: records, to: sink, &summary, progress)
        })
        try end(sink, options)
        let total = file.blocks.reduce(0) { $0 + $1.recordCount }
        warnUnmatched(options, name: file.path, holds: "\(file.blocks.count) blocks, \(total) records", summary: summary, seen: seen, warn: warn)
        return summary
    }

    /// A stream: blocks in order; stops reading once past the selection.
    public static func run(reader: ArchiveReader, sink: ByteSink, options: Options, warn: (String) -> Void,
                           progress: ((Summary) -> Void)? = nil) throws(JACError) -> Summary {
        var summary = Summary()
        if options.keys == nil, case .rows = options.style {
            throw JACError(.usage, "csv and values output need the fields to show")
        }
        try start(sink, options)
        // As in `Unpack.run`: the whole blocks of a stream cut short go out before the error.
        reader.requireAnnouncedIndex = false
        let wanted = spec(options).fields
        var seen = Set<[UInt8]>()
        var number = 0
        var first = 0
        var stoppedEarly = false
        let decoder = ParallelDecoder(threads: options.threads, spec: spec(options), segmentLimit: reader.segmentLimit)
        try decoder.run(next: { () throws(JACError) -> DecodeInput? in
            while true {
                if options.selection.isPast(block: number, firstRecord: first) {
                    stoppedEarly = true
                    return nil
                }
                guard let block = try reader.next() else { return nil }
                summary.bytesRead = reader.source.offset
                let count = block.recordCount
                defer {
                    number += 1
                    first += count
                }
                guard let records = options.selection.records(ofBlock: number, first: first, count: count) else { continue }
                summary.blocks += 1
                account(block, wanted, &summary, &seen)
                return DecodeInput(block: block, records: records)
            }
        }, write: { (text, records) throws(JACError) in
            try emit(text, records: records, to: sink, &summary, progress)
        })
        try end(sink, options)
        try reader.checkAnnouncedIndex()
        summary.bytesRead = reader.source.offset
        summary.usedIndex = false
        summary.indexProblem = stoppedEarly ? nil : reader.indexProblem
        if !stoppedEarly, let problem = reader.indexProblem, problem != "no index footer" {
            warn("\(reader.source.name): \(problem); all \(number) blocks were read in order")
        }
        warnUnmatched(options, name: reader.source.name, holds: stoppedEarly ? nil : "\(number) blocks, \(first) records",
                      summary: summary, seen: seen, warn: warn)
        return summary
    }
}
