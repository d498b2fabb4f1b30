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
    public static func run(source: ByteSource, against input: ByteSource? = nil,
                           inputMode: InputMode = .auto) throws(JACError) -> VerifyReport {
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
            out.removeAll(keepingCapacity: true)
            var writer = RecordWriter(columns: columns)
            writer.write(recordCount: header.recordCount, layout: .ndjson, first: &first, to: &out)
            report.jsonBytes += out.count
            if let comparer {
                try JACError.locating("block \(block.number)") { () throws(JACError) in
                    try comparer.compare(ndjson: out, firstRecord: report.records)
                }
            }
            report.records += header.recordCount
            report.blocks += 1
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

/// Compares decoded records with the source JSON, record by record, semantically.
private final class RecordComparer {
    let splitter: Splitter
    var pending: RawChunk?
    var index = 0
    var decoded = RecordParser()
    var source = RecordParser()

    init(splitter: Splitter) { self.splitter = splitter }

    func compare(ndjson: [UInt8], firstRecord: Int) throws(JACError) {
        var start = 0
        var number = firstRecord
        try ndjson.withBytes { (all) throws(JACError) in
            for i in 0 ..< all.count where all[i] == 0x0A {
                let record = UnsafeRawBufferPointer(rebasing: all[start ..< i])
                start = i + 1
                guard let raw = try nextInput() else {
                    throw JACError(.mismatch, "record \(number + 1): the archive has more records than the input")
                }
                try decoded.parse(record, line: number + 1, column: 1)
                try raw.chunk.text.withBytes { (text) throws(JACError) in
                    try source.parse(UnsafeRawBufferPointer(rebasing: text[raw.chunk.range(of: raw.index)]),
                                     line: raw.chunk.lines[raw.index], column: raw.chunk.columns[raw.index])
                }
                if let difference = try difference() {
                    throw JACError(.mismatch, "record \(number + 1) (input line \(raw.chunk.lines[raw.index])): \(difference)")
                }
                number += 1
            }
        }
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

    /// Why the two parsed records differ, or nil when they are equal.
    private func difference() throws(JACError) -> String? {
        var sourceFields: [[UInt8]: JSONField] = [:]
        for f in source.fields { sourceFields[Array(source.scratch[f.key])] = f }
        var decodedKeys = 0
        for f in decoded.fields {
            decodedKeys += 1
            let key = Array(decoded.scratch[f.key])
            let name = String(decoding: key, as: UTF8.self)
            guard let s = sourceFields[key] else { return "key \"\(name)\" is not in the input" }
            guard try same(f, decoded.scratch, s, source.scratch) else { return "values of \"\(name)\" differ" }
        }
        guard decodedKeys == sourceFields.count else { return "the input has keys the archive lacks" }
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
