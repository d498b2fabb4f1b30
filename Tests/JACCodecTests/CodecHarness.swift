import JACCodec
import JACJSON
import JACWire

/// Encodes NDJSON lines the way `jac-squeeze` does: one raw block, then `BlockEncoder`.
func encode(_ lines: [String], options: EncodingOptions = EncodingOptions()) throws -> [BlockPayloads] {
    try encode(bytes: lines.map { Array($0.utf8) }, options: options)
}

func encode(bytes lines: [[UInt8]], options: EncodingOptions = EncodingOptions()) throws -> [BlockPayloads] {
    var raw = RawChunk(block: 0)
    for (i, line) in lines.enumerated() {
        line.withUnsafeBytes { raw.append($0, line: i + 1, column: 1) }
    }
    return try BlockEncoder(options: options).encode([raw]).blocks
}

/// The one field called `name` of a single-block encoding.
func field(_ name: String, of lines: [String], options: EncodingOptions = EncodingOptions()) throws -> FieldPayload? {
    let blocks = try encode(lines, options: options)
    return blocks.first?.fields.first { $0.name == Array(name.utf8) }
}

/// Decodes encoded blocks back to NDJSON text with `FieldColumn` and `RecordWriter`.
func decode(_ blocks: [BlockPayloads]) throws -> [UInt8] {
    var out: [UInt8] = []
    var first = true
    for block in blocks {
        let columns = try block.storedColumns()
        var writer = RecordWriter(columns: columns)
        _ = writer.write(upTo: block.recordCount, layout: .ndjson, first: &first, to: &out)
    }
    return out
}

/// The kind of `JACError` that `body` throws, or nil.
func errorKind(_ body: () throws -> Void) -> JACError.Kind? {
    do {
        try body()
        return nil
    } catch let error as JACError {
        return error.kind
    } catch {
        return .bug
    }
}

func hex(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { UInt8($0, radix: 16)! }
}
