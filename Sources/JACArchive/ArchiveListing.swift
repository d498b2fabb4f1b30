import JACCompression
import JACSystem
import JACWire

/// `jac ls`: what an archive holds, block by block and field by field, from the block headers
/// (and, for the value kinds, the presence and tag bits of each segment).
/// Sources/JACCommands/ListingOutput.swift prints it as a table or as JSON.
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
        /// Values seen per type tag (doc/format.md §5.1), when kinds were read.
        public var kinds: [Int] = Array(repeating: 0, count: 8)
        public var present = 0
        public var blocks = 0
        public var dictionaryBlocks = 0
        public var deltaBlocks = 0
        public var compressed = 0
        public var uncompressed = 0

        public var nameString: String { String(decoding: name, as: UTF8.self) }

        public var kindNames: [String] {
            kinds.indices.filter { kinds[$0] > 0 }.map { TypeTag.names[$0] }
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
                    for (t, n) in BitPacking.tagCounts(tags, count: e.valueCountPresent).enumerated() { fields[i].kinds[t] += n }
                }
            }
        }
    }
}
