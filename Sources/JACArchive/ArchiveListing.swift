import JACCodec
import JACCompression
import JACSystem
import JACWire

/// `jac ls`: what an archive holds, block by block and field by field, from the block headers
/// (and, for the value kinds and the NDJSON size, the decoded blocks).
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
    /// The fields, in first-seen order, up to `maxListedFields` of them and `maxListedNameBytes`
    /// of names: an archive of ever new keys would otherwise cost memory for each.
    public var fields: [Field] = []
    /// The directory entries of the fields past those, counted together (`present`, `blocks`
    /// and the bytes), and how many entries they were.
    public var unlisted = Field(name: [])
    public var unlistedEntries = 0
    public static let maxListedFields = 65_536
    public static let maxListedNameBytes = 16 << 20
    private var listedNameBytes = 0
    public var indexed = false
    /// Why there was no usable index ("no index footer", or what is wrong with it).
    public var indexProblem: String?
    /// Whether value kinds were read (they need each segment decompressed).
    public var readKinds = true
    /// The records' size as NDJSON (what `jac unpack` writes), when the blocks were decoded.
    public var ndjsonBytes: Int?

    public var records: Int { blocks.reduce(0) { $0 + $1.records } }
    public var compressed: Int { fields.reduce(unlisted.compressed) { $0 + $1.compressed } }
    public var uncompressed: Int { fields.reduce(unlisted.uncompressed) { $0 + $1.uncompressed } }
    public var blockBytes: Int { blocks.reduce(0) { $0 + $1.size } }

    private var fieldIndex: [[UInt8]: Int] = [:]

    init(name: String, header: FileHeader) {
        self.name = name
        self.header = header
    }

    /// Lists the archive at `path` (a file: index or header scan; "-" or a pipe: a stream).
    /// With `kinds`, every block is decoded: the value kinds are counted and the records
    /// rendered as `jac unpack` writes them, to count their NDJSON bytes (in pieces of at most
    /// about 1 MiB, not kept); without, only the block headers are read.
    public static func read(path: String, kinds: Bool = true) throws(JACError) -> ArchiveListing {
        if let file = try IndexedArchive.open(path: path) {
            var listing = ArchiveListing(name: path, header: file.header)
            listing.readKinds = kinds
            listing.ndjsonBytes = kinds ? 0 : nil
            listing.archiveBytes = file.size
            listing.headerBytes = file.headerLength
            listing.indexed = file.indexed
            listing.indexProblem = file.indexProblem
            let decoder = BlockDecoder(segmentLimit: file.segmentLimit)
            for i in file.blocks.indices {
                if kinds {
                    try listing.add(try file.block(i), decoder)
                } else {
                    let (header, _) = try file.blockHeader(i)
                    listing.add(number: i, offset: file.blocks[i].offset, size: file.blocks[i].size, header: header, columns: nil)
                }
            }
            return listing
        }
        let reader = try ArchiveReader(source: try ByteSource(path: path))
        let decoder = BlockDecoder(segmentLimit: reader.segmentLimit)
        var listing = ArchiveListing(name: reader.source.name, header: reader.header)
        listing.readKinds = kinds
        listing.ndjsonBytes = kinds ? 0 : nil
        listing.headerBytes = reader.headerLength
        while let block = try reader.next() {
            if kinds {
                try listing.add(block, decoder)
            } else {
                let (header, _) = try JACError.locating("block \(block.number) at offset \(block.offset)") { () throws(JACError) in
                    try decoder.open(block)
                }
                listing.add(number: block.number, offset: block.offset, size: block.bytes.count, header: header, columns: nil)
            }
        }
        listing.archiveBytes = reader.source.offset
        listing.indexed = reader.hasIndex
        listing.indexProblem = reader.indexProblem
        return listing
    }

    /// A whole block decoded: its fields with their value kinds, and its records' NDJSON size.
    private mutating func add(_ block: ArchiveBlock, _ decoder: BlockDecoder) throws(JACError) {
        let (header, columns) = try decoder.decode(block)
        add(number: block.number, offset: block.offset, size: block.bytes.count, header: header, columns: columns)
        var writer = RecordWriter(columns: columns)
        var first = true
        var text: [UInt8] = []
        while writer.record < header.recordCount {
            _ = writer.write(upTo: header.recordCount, layout: .ndjson, first: &first, budget: 1 << 20, to: &text)
            ndjsonBytes? += text.count
            text.removeAll(keepingCapacity: true)
        }
    }

    /// One block's header (and, when decoded, its columns, in directory order) into the totals.
    private mutating func add(number: Int, offset: Int, size: Int, header: BlockHeader, columns: [FieldColumn]?) {
        blocks.append(Block(number: number, offset: offset, size: size, records: header.recordCount, fields: header.fields.count))
        for (j, e) in header.fields.enumerated() {
            if let known = fieldIndex[e.name] {
                Self.count(e, columns?[j], into: &fields[known])
            } else if fields.count < Self.maxListedFields, listedNameBytes + e.name.count <= Self.maxListedNameBytes {
                fieldIndex[e.name] = fields.count
                listedNameBytes += e.name.count
                fields.append(Field(name: e.name))
                Self.count(e, columns?[j], into: &fields[fields.count - 1])
            } else {
                unlistedEntries += 1
                Self.count(e, columns?[j], into: &unlisted)
            }
        }
    }

    /// One directory entry (and its decoded column) into a field's totals.
    private static func count(_ e: FieldDirectoryEntry, _ column: FieldColumn?, into field: inout Field) {
        field.present += e.valueCountPresent
        field.blocks += 1
        if e.usesDictionary { field.dictionaryBlocks += 1 }
        if e.usesDelta { field.deltaBlocks += 1 }
        field.compressed += e.compressedLength
        field.uncompressed += e.uncompressedLength
        // FieldColumn checked the presence and tag byte counts against the entry.
        column?.payload.withUnsafeBytes { p in
            let tags = UnsafeRawBufferPointer(rebasing: p[e.presenceBytes ..< e.presenceBytes + e.tagBytes])
            for (t, n) in BitPacking.tagCounts(tags, count: e.valueCountPresent).enumerated() { field.kinds[t] += n }
        }
    }
}
