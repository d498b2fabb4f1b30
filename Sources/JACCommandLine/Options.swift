import ArgumentParser
import JACArchive
import JACCodec
import JACCompression
import JACJSON
import JACPipeline
import JACWire

/// Input kind options shared by `jac pack` and `jac-split`.
struct InputKindOptions: ParsableArguments {
    @Flag(name: .long, help: "Read the input as a sequence of JSON objects (NDJSON, pretty-printed or concatenated).")
    var ndjson = false

    @Flag(name: .long, help: "Read the input as one JSON array of objects.")
    var jsonArray = false

    var mode: InputMode {
        get throws {
            if ndjson && jsonArray { throw ValidationError("--ndjson and --json-array exclude each other") }
            return ndjson ? .ndjson : jsonArray ? .jsonArray : .auto
        }
    }
}

/// Block cutting options shared by `jac pack` and `jac-split`.
struct BlockOptions: ParsableArguments {
    @Option(name: .long, help: "Records per block (1 to 100000).")
    var blockRecords = Limits.maxRecordsPerBlock

    @Option(name: .long, help: "Cut a block before its JSON text exceeds this many bytes (suffixes K, M, G; at most 256M).",
            transform: parseByteSize)
    var blockBytes = 64 << 20

    func splitOptions(mode: InputMode) throws -> SplitOptions {
        guard (1 ... Limits.maxRecordsPerBlock).contains(blockRecords) else {
            throw ValidationError("--block-records must be 1 to 100000 (other JAC readers reject larger blocks)")
        }
        guard (1 ... SplitOptions.maxBlockBytes).contains(blockBytes) else {
            Diagnostics.error("--block-bytes must be 1 to \(SplitOptions.maxBlockBytes >> 20)M (a block holds at most 256 MiB of text)")
            throw ExitCode(2)
        }
        var o = SplitOptions()
        o.mode = mode
        o.blockRecords = blockRecords
        o.blockBytes = blockBytes
        return o
    }
}

/// Index footer options shared by `jac pack` and `jac-assemble`, the two writers of archives.
struct IndexOptions: ParsableArguments {
    @Flag(name: .long, help: "Write no index footer (readers then scan the blocks, and cannot tell an archive cut between blocks).")
    var noIndex = false

    @Flag(name: .long, help: "Write the file header as the reference implementation does (flag bit 5 clear: an archive cut short then reads as a shorter one), for its exact bytes.")
    var referenceHeader = false

    var index: ArchiveWriter.Index { noIndex ? .omitted : referenceHeader ? .reference : .announced }
}

/// Encoding and compression options shared by `jac pack` and `jac-squeeze`.
struct CompressionOptions: ParsableArguments {
    @Option(name: [.long, .customLong("zstd-level")], help: "Compression level (zstd 1-22, default 6; lz4 0-12).")
    var level: Int?

    @Option(name: .long, help: "Segment codec: zstd, lz4 or none. lz4 is a jac extension (id 64) that other JAC v1 readers cannot read.")
    var codec = CodecName.zstd

    @Option(name: .long, help: "Largest dictionary per field and block (0 disables dictionaries; at most 4096).")
    var maxDictEntries = Limits.maxDictionaryEntries

    @Flag(name: .long, help: "Order each block's fields by name instead of first appearance.")
    var canonicalizeKeys = false

    @Option(name: .long, help: "A record repeating a key: 'error' (default) or 'last' (keep the last value, as the reference does).")
    var duplicateKeys = DuplicateKeysName.error

    func squeezeOptions() throws -> SqueezeOptions {
        var o = SqueezeOptions()
        let id: CompressorID
        switch codec {
        case .zstd: id = .zstd
        case .lz4: id = .lz4
        case .none: id = .none
        }
        do {
            o.codec = try Codec(id: id, level: level ?? (id == .lz4 ? 0 : Codec.zstdDefault.level)).validated()
        } catch {
            throw ValidationError(error.message)
        }
        guard (0 ... Limits.maxDictionaryEntries).contains(maxDictEntries) else { throw ValidationError("--max-dict-entries must be 0 to 4096") }
        o.encoding.maxDictEntries = maxDictEntries
        o.encoding.canonicalizeKeys = canonicalizeKeys
        o.encoding.duplicateKeys = duplicateKeys == .last ? .last : .error
        return o
    }
}

/// Output options shared by every tool that writes a file.
struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: "Write to this file instead of the default ('-' for standard output).", completion: .file())
    var output: String?

    @Flag(name: .shortAndLong, help: "Overwrite an existing output file.")
    var force = false

    @Flag(name: .shortAndLong, help: "Print no warnings and no progress line.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Print what was done (sizes, ratio, time) on standard error.")
    var verbose = false
}

/// Parses sizes such as 1048576, 512K, 64M, 1G.
func parseByteSize(_ text: String) throws -> Int {
    let units: [Character: Int] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
    var digits = text.uppercased()
    var scale = 1
    if digits.hasSuffix("IB") { digits.removeLast(2) } else if digits.hasSuffix("B") { digits.removeLast() }
    if let last = digits.last, let unit = units[last] {
        scale = unit
        digits.removeLast()
    }
    guard let n = Int(digits), n >= 0, n <= Int.max / scale else { throw ValidationError("not a size: \(text)") }
    return n * scale
}
