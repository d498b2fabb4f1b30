import JACArchive
import JACCodec
import JACJSON
import JACPipeline
import JACSystem
import JACWire

/// What `jac-verify` found in a whole archive.
public struct VerifyReport: Sendable {
    public var records = 0
    public var blocks = 0
    public var fields = 0
    public var archiveBytes = 0
    /// Bytes of the records as minified NDJSON: what the archive gives back.
    public var jsonBytes = 0
    public var hasIndex = false
    public var warnings: [String] = []
}

/// `jac-verify`: proves an archive whole by reading every byte of it (header, every block's CRC,
/// limits and tiling, every segment decompressed and decoded, every record rebuilt, the index
/// footer against the blocks, nothing after it), optionally comparing the records with the
/// JSON they came from.
public enum Verifier {
    /// `progress` hears the report after each block.
    public static func run(source: ByteSource, against input: ByteSource? = nil, inputMode: InputMode = .auto,
                           progress: ((VerifyReport) -> Void)? = nil) throws(JACError) -> VerifyReport {
        let reader = try ArchiveReader(source: source)
        let decoder = BlockDecoder(segmentLimit: reader.segmentLimit)
        let comparer = input.map { RecordComparer(splitter: Splitter(source: $0, options: {
            var o = SplitOptions()
            o.mode = inputMode
            return o
        }())) }
        var report = VerifyReport()
        var names = Set<[UInt8]>()
        var out: [UInt8] = []
        var first = true
        var warnedLZ4 = false
        while let block = try reader.next() {
            let (header, columns) = try decoder.decode(block)
            for entry in header.fields {
                names.insert(entry.name)
                if entry.compressor == CompressorID.lz4.rawValue && !warnedLZ4 {
                    warnedLZ4 = true
                    report.warnings.append("block \(block.number) uses the lz4 codec, a jac extension other JAC v1 readers cannot read")
                }
            }
            var writer = RecordWriter(columns: columns)
            if let comparer, let input {
                do throws(JACError) {
                    report.jsonBytes += try comparer.compare(&writer, records: header.recordCount, firstRecord: report.records)
                } catch {
                    // Bad JSON input is about the input (at its line); a difference about this block.
                    throw error.message.hasPrefix("line ") ? error.at(input.name)
                        : error.message.hasPrefix(input.name + ": ") ? error : error.at("block \(block.number)")
                }
            } else {
                // Rebuilt in pieces of about a megabyte, only to be counted.
                while writer.record < header.recordCount {
                    out.removeAll(keepingCapacity: true)
                    _ = writer.write(upTo: header.recordCount, layout: .ndjson, first: &first,
                                     budget: ParallelDecoder.defaultPieceBytes, to: &out)
                    report.jsonBytes += out.count
                }
            }
            report.records += header.recordCount
            report.blocks += 1
            report.archiveBytes = source.offset
            progress?(report)
        }
        if let problem = reader.indexProblem {
            guard problem == "no index footer" else { throw JACError(.corruptIndex, problem) }
            report.warnings.append("no index footer (readers scan; jac cat cannot seek)")
        }
        report.hasIndex = reader.hasIndex
        if let comparer { try comparer.finish(records: report.records) }
        report.fields = names.count
        report.archiveBytes = source.offset
        return report
    }
}

/// Compares decoded records with the source JSON, record by record, semantically, and each
/// decoded record field by field: it holds one input chunk (about a megabyte, or one record
/// of at most `SplitOptions.maxRecordBytes`) and one decoded value's text, never a whole
/// decoded record, whose text dictionary references can make far larger than its block.
private final class RecordComparer {
    let splitter: Splitter
    var pending: RawChunk?
    var index = 0
    var decoded = RecordParser()
    var source = RecordParser()
    var sourceFields: [[UInt8]: JSONField] = [:]
    var field: [UInt8] = []

    init(splitter: Splitter) { self.splitter = splitter }

    /// Compares the next `records` records `writer` renders with the next input records;
    /// returns the bytes the records take as minified NDJSON.
    func compare(_ writer: inout RecordWriter, records: Int, firstRecord: Int) throws(JACError) -> Int {
        var bytes = 0
        for number in firstRecord ..< firstRecord + records {
            guard let raw = try nextInput() else {
                throw JACError(.mismatch, "record \(number): the archive has more records than the input")
            }
            try raw.chunk.text.withBytes { (text) throws(JACError) in
                try source.parse(UnsafeRawBufferPointer(rebasing: text[raw.chunk.range(of: raw.index)]),
                                 line: raw.chunk.lines[raw.index], column: raw.chunk.columns[raw.index])
            }
            sourceFields.removeAll(keepingCapacity: true)
            for f in source.fields { sourceFields[Array(source.scratch[f.key])] = f }
            // The record's text is `{`, its fields joined by commas, `}` and a newline; each field
            // comes as a one-field object.
            var fields = 0
            bytes += 3
            field.removeAll(keepingCapacity: true)
            while writer.writeNextField(to: &field) {
                bytes += field.count - 2 + (fields > 0 ? 1 : 0)
                fields += 1
                try field.withBytes { (p) throws(JACError) in try decoded.parse(p, line: number + 1, column: 1) }
                if let difference = try difference() {
                    throw JACError(.mismatch, "record \(number) (input line \(raw.chunk.lines[raw.index])): \(difference)")
                }
                field.removeAll(keepingCapacity: true)
            }
            guard fields == sourceFields.count else {
                throw JACError(.mismatch, "record \(number) (input line \(raw.chunk.lines[raw.index])): the input has keys the archive lacks")
            }
        }
        return bytes
    }

    func finish(records: Int) throws(JACError) {
        if try nextInput() != nil {
            throw JACError(.mismatch, "the input has more records than the archive's \(records)")
        }
    }

    private func nextInput() throws(JACError) -> (chunk: RawChunk, index: Int)? {
        while pending == nil || index >= pending!.recordCount {
            guard let next = try splitter.next() else { return nil }
            pending = next
            index = 0
        }
        index += 1
        return (pending!, index - 1)
    }

    /// Why the decoded field just parsed differs from the input record's, or nil when equal.
    private func difference() throws(JACError) -> String? {
        let f = decoded.fields[0]
        let key = Array(decoded.scratch[f.key])
        let name = String(decoding: key, as: UTF8.self)
        guard let s = sourceFields[key] else { return "key \"\(name)\" is not in the input" }
        guard try same(f, decoded.scratch, s, source.scratch) else { return "values of \"\(name)\" differ" }
        return nil
    }
    private func same(_ a: JSONField, _ sa: [UInt8], _ b: JSONField, _ sb: [UInt8]) throws(JACError) -> Bool {
        switch (a.kind, b.kind) {
        case (.null, .null): return true
        case (.bool, .bool): return a.bool == b.bool
        case (.string, .string): return sa[a.payload] == sb[b.payload]
        case (.int, .int), (.int, .decimal), (.decimal, .int), (.decimal, .decimal):
            return number(a, sa) == number(b, sb)
        case (.object, .object), (.array, .array):
            return try sa.withBytes { (pa) throws(JACError) in
                try sb.withBytes { (pb) throws(JACError) in
                    try JSONEquivalence.equal(UnsafeRawBufferPointer(rebasing: pa[a.payload]),
                                              UnsafeRawBufferPointer(rebasing: pb[b.payload]))
                }
            }
        default: return false
        }
    }

    private func number(_ f: JSONField, _ scratch: [UInt8]) -> JSONEquivalence.ExactNumber {
        if f.kind == .int {
            let text = String(f.int.magnitude).utf8
            return JSONEquivalence.ExactNumber(negative: f.int < 0, digits: text, exponent: 0)
        }
        return JSONEquivalence.ExactNumber(negative: f.negative, digits: scratch[f.payload], exponent: Int(f.exponent))
    }
}
