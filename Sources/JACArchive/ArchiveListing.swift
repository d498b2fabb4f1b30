import JACCompression
import JACJSON
import JACSystem
import JACWire

/// `jac ls`: what an archive holds, block by block and field by field, from the block headers
/// (and, for the value kinds, the presence and tag bits of each segment).
public struct ArchiveListing: Sendable {
    public struct Block: Sendable {
        public var number: Int
        public var offset: Int
        public var size: Int
        public var records: Int
        public var fields: Int
    }

    public struct Field: Sendable {
        public var name: [UInt8]
        /// Values seen per type tag (FORMAT.md §5.1), when kinds were read.
        public var kinds: [Int] = Array(repeating: 0, count: 8)
        public var present = 0
        public var blocks = 0
        public var dictionaryBlocks = 0
        public var deltaBlocks = 0
        public var compressed = 0
        public var uncompressed = 0

        public var nameString: String { String(decoding: name, as: UTF8.self) }

        public var kindNames: [String] {
            let names = ["null", "bool", "int", "decimal", "string", "object", "array", "reserved"]
            return kinds.indices.filter { kinds[$0] > 0 }.map { names[$0] }
        }

        /// "dict", "raw", or "dict 2/5" when blocks differ.
        public var encoding: String {
            dictionaryBlocks == 0 ? "raw" : dictionaryBlocks == blocks ? "dict" : "dict \(dictionaryBlocks)/\(blocks)"
        }

        public var delta: String {
            deltaBlocks == 0 ? "no" : deltaBlocks == blocks ? "yes" : "\(deltaBlocks)/\(blocks)"
        }
    }

    public var name: String
    /// Archive size when known (a file, or a stream read to its end).
    public var archiveBytes = 0
    public var headerBytes = 0
    public var header: FileHeader
    public var blocks: [Block] = []
    public var fields: [Field] = []
    public var indexed = false
    /// Why there was no usable index ("no index footer", or what is wrong with it).
    public var indexProblem: String?
    /// Whether value kinds were read (they need each segment decompressed).
    public var readKinds = true

    public var records: Int { blocks.reduce(0) { $0 + $1.records } }
    public var compressed: Int { fields.reduce(0) { $0 + $1.compressed } }
    public var uncompressed: Int { fields.reduce(0) { $0 + $1.uncompressed } }
    public var blockBytes: Int { blocks.reduce(0) { $0 + $1.size } }

    private var fieldIndex: [[UInt8]: Int] = [:]

    init(name: String, header: FileHeader) {
        self.name = name
        self.header = header
    }

    /// Lists the archive at `path` (a file: index or header scan; "-" or a pipe: a stream).
    /// With `kinds`, every segment is decompressed to count its value kinds.
    public static func read(path: String, kinds: Bool = true) throws(JACError) -> ArchiveListing {
        let decompressor = SegmentDecompressor()
        if let file = try IndexedArchive.open(path: path) {
            var listing = ArchiveListing(name: path, header: file.header)
            listing.readKinds = kinds
            listing.archiveBytes = file.size
            listing.headerBytes = file.headerLength
            listing.indexed = file.indexed
            listing.indexProblem = file.indexProblem
            for i in file.blocks.indices {
                let (header, areaStart) = try file.blockHeader(i)
                try JACError.locating("block \(i) at offset \(file.blocks[i].offset)") { () throws(JACError) in
                    try listing.add(number: i, offset: file.blocks[i].offset, size: file.blocks[i].size, header: header) {
                        (e) throws(JACError) -> [UInt8]? in
                        guard kinds else { return nil }
                        let segment = try file.segment(block: i, areaStart: areaStart, entry: e)
                        return try segment.withBytes { (p) throws(JACError) in
                            try decompressor.decompress(p, compressor: e.compressor, expectedLength: e.uncompressedLength)
                        }
                    }
                }
            }
            return listing
        }
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        let decoder = BlockDecoder(segmentLimit: reader.segmentLimit)
        var listing = ArchiveListing(name: reader.source.name, header: reader.header)
        listing.readKinds = kinds
        listing.headerBytes = reader.headerLength
        while let block = try reader.next() {
            try JACError.locating("block \(block.number) at offset \(block.offset)") { () throws(JACError) in
                let (header, areaStart) = try decoder.open(block)
                try listing.add(number: block.number, offset: block.offset, size: block.bytes.count, header: header) {
                    (e) throws(JACError) -> [UInt8]? in
                    guard kinds else { return nil }
                    return try block.bytes.withBytes { (p) throws(JACError) in
                        let start = areaStart + e.segmentOffset
                        return try decompressor.decompress(UnsafeRawBufferPointer(rebasing: p[start ..< start + e.compressedLength]),
                                                           compressor: e.compressor, expectedLength: e.uncompressedLength)
                    }
                }
            }
        }
        listing.archiveBytes = reader.source.offset
        listing.indexed = reader.hasIndex
        listing.indexProblem = reader.indexProblem
        return listing
    }

    private mutating func add(number: Int, offset: Int, size: Int, header: BlockHeader,
                              payload: (FieldDirectoryEntry) throws(JACError) -> [UInt8]?) throws(JACError) {
        blocks.append(Block(number: number, offset: offset, size: size, records: header.recordCount, fields: header.fields.count))
        for e in header.fields {
            let i: Int
            if let known = fieldIndex[e.name] {
                i = known
            } else {
                i = fields.count
                fieldIndex[e.name] = i
                fields.append(Field(name: e.name))
            }
            fields[i].present += e.valueCountPresent
            fields[i].blocks += 1
            if e.usesDictionary { fields[i].dictionaryBlocks += 1 }
            if e.usesDelta { fields[i].deltaBlocks += 1 }
            fields[i].compressed += e.compressedLength
            fields[i].uncompressed += e.uncompressedLength
            if let bytes = try JACError.locating("field \"\(e.nameString)\"", { () throws(JACError) in try payload(e) }) {
                guard e.presenceBytes + e.tagBytes <= bytes.count, e.tagBytes == BitPacking.byteCount(bits: 3 * e.valueCountPresent) else {
                    throw JACError(.corruptBlock, "field \"\(e.nameString)\": segment is shorter than its presence and tag bytes")
                }
                bytes.withUnsafeBytes { p in
                    let tags = UnsafeRawBufferPointer(rebasing: p[e.presenceBytes ..< e.presenceBytes + e.tagBytes])
                    for k in 0 ..< e.valueCountPresent { fields[i].kinds[Int(BitPacking.tag(tags, k))] += 1 }
                }
            }
        }
    }

    private var indexDescription: String {
        indexed ? "index footer" : indexProblem == nil || indexProblem == "no index footer"
            ? "no index footer (blocks found by scanning)" : "index not used: \(indexProblem!) (blocks found by scanning)"
    }

    // MARK: - Output

    /// A plain-text table.
    public func table() -> String {
        var lines: [String] = []
        let ratio = compressed > 0 ? Double(uncompressed) / Double(compressed) : 0
        lines.append("\(name): \(archiveBytes) bytes, \(blocks.count) blocks, \(records) records, \(fields.count) fields; \(indexDescription)")
        lines.append("")
        lines.append(row(["block", "offset", "records", "bytes", "fields"], right: [true, true, true, true, true]))
        for b in blocks {
            lines.append(row(["\(b.number)", "\(b.offset)", "\(b.records)", "\(b.size)", "\(b.fields)"], right: [true, true, true, true, true]))
        }
        lines.append("")
        let widths = [max(5, fields.map { $0.nameString.count }.max() ?? 0), 20]
        var header = [pad("field", widths[0]), pad("types", widths[1])]
        header += ["present", "encoding", "delta", "compressed", "uncompressed", "share"].map { pad($0, 12, right: true) }
        lines.append(header.joined(separator: " "))
        for f in fields {
            let share = archiveBytes > 0 ? Double(f.compressed) * 100 / Double(archiveBytes) : 0
            var cols = [pad(f.nameString, widths[0]), pad(readKinds ? f.kindNames.joined(separator: ",") : "-", widths[1])]
            cols += ["\(f.present)", f.encoding, f.delta, "\(f.compressed)", "\(f.uncompressed)", format(share, 1) + "%"]
                .map { pad($0, 12, right: true) }
            lines.append(cols.joined(separator: " "))
        }
        lines.append("")
        lines.append("total: \(uncompressed) payload bytes in \(compressed) compressed segment bytes (ratio \(format(ratio, 2))); "
            + "file header \(headerBytes), block headers and CRCs \(blockBytes - compressed), index \(max(0, archiveBytes - headerBytes - blockBytes)) bytes")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The same as one JSON object.
    public func json() -> [UInt8] {
        var o: [UInt8] = []
        func key(_ k: String) {
            if o.last != UInt8(ascii: "{") { o.append(UInt8(ascii: ",")) }
            str(k)
            o.append(UInt8(ascii: ":"))
        }
        func str(_ s: String) { Array(s.utf8).withUnsafeBytes { JSONWriter.appendString($0, to: &o) } }
        func num(_ n: Int) { o.append(contentsOf: String(n).utf8) }
        o.append(UInt8(ascii: "{"))
        key("archive"); str(name)
        key("bytes"); num(archiveBytes)
        key("records"); num(records)
        key("indexed"); o.append(contentsOf: (indexed ? "true" : "false").utf8)
        key("index_problem")
        if let indexProblem, !indexed { str(indexProblem) } else { o.append(contentsOf: "null".utf8) }
        key("compressed_bytes"); num(compressed)
        key("uncompressed_bytes"); num(uncompressed)
        key("ratio"); o.append(contentsOf: format(compressed > 0 ? Double(uncompressed) / Double(compressed) : 0, 3).utf8)
        key("blocks")
        o.append(UInt8(ascii: "["))
        for (i, b) in blocks.enumerated() {
            if i > 0 { o.append(UInt8(ascii: ",")) }
            o.append(UInt8(ascii: "{"))
            key("number"); num(b.number)
            key("offset"); num(b.offset)
            key("records"); num(b.records)
            key("bytes"); num(b.size)
            key("fields"); num(b.fields)
            o.append(UInt8(ascii: "}"))
        }
        o.append(UInt8(ascii: "]"))
        key("fields")
        o.append(UInt8(ascii: "["))
        for (i, f) in fields.enumerated() {
            if i > 0 { o.append(UInt8(ascii: ",")) }
            o.append(UInt8(ascii: "{"))
            key("name"); f.name.withUnsafeBytes { JSONWriter.appendString($0, to: &o) }
            key("types")
            if readKinds {
                o.append(UInt8(ascii: "{"))
                let names = ["null", "bool", "int", "decimal", "string", "object", "array", "reserved"]
                for t in f.kinds.indices where f.kinds[t] > 0 {
                    key(names[t]); num(f.kinds[t])
                }
                o.append(UInt8(ascii: "}"))
            } else {
                o.append(contentsOf: "null".utf8)
            }
            key("present"); num(f.present)
            key("blocks"); num(f.blocks)
            key("dictionary_blocks"); num(f.dictionaryBlocks)
            key("delta_blocks"); num(f.deltaBlocks)
            key("compressed_bytes"); num(f.compressed)
            key("uncompressed_bytes"); num(f.uncompressed)
            key("share"); o.append(contentsOf: format(archiveBytes > 0 ? Double(f.compressed) / Double(archiveBytes) : 0, 4).utf8)
            o.append(UInt8(ascii: "}"))
        }
        o.append(UInt8(ascii: "]"))
        o.append(contentsOf: "}\n".utf8)
        return o
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let n = s.count
        guard n < width else { return s }
        let fill = String(repeating: " ", count: width - n)
        return right ? fill + s : s + fill
    }

    private func row(_ cols: [String], right: [Bool]) -> String {
        zip(cols, right).map { pad($0, 10, right: $1) }.joined(separator: " ")
    }

    /// Fixed-point text without Foundation.
    private func format(_ v: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0 ..< decimals { scale *= 10 }
        let n = Int((v * scale).rounded())
        let whole = n / Int(scale)
        let frac = String(n % Int(scale))
        return decimals == 0 ? "\(whole)" : "\(whole)." + String(repeating: "0", count: decimals - frac.count) + frac
    }
}
