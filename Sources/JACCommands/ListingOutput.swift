import JACArchive
import JACJSON
import JACSystem
import JACWire

/// `jac ls`: the listing as tables for people (sizes in binary units unless `exactBytes`, at
/// most 100 columns but for long names) or as one JSON object per archive for programs.
extension ArchiveListing {
    /// `jac ls`: lists each archive of `paths` to `sink`. One archive: its summary row, blocks
    /// and fields; several: one summary row each and a total line (as `zstd -l`); JSON: one
    /// object per archive, one per line. `warn` hears that a damaged index was passed over;
    /// `fail` hears an archive that cannot be listed, and the rest are listed, as zstd -l does
    /// (the total then counts those listed). Only writing the listing can throw.
    public static func run(paths: [String], json: Bool, kinds: Bool, exactBytes: Bool = false, sink: ByteSink,
                           warn: (String) -> Void, fail: (JACError) -> Void) throws(JACError) {
        var listed = 0
        var total = SummaryRow(name: "")
        for path in paths {
            let listing: ArchiveListing
            do throws(JACError) {
                listing = try read(path: path, kinds: kinds)
            } catch {
                fail(error.naming(file: ByteSource.displayName(of: path)))
                continue
            }
            // The table's header comes with its first row: nothing is printed when nothing is listed.
            if !json && listed == 0 { try sink.write(Array((summaryHeader(exactBytes) + "\n").utf8)) }
            listed += 1
            if let problem = listing.indexProblem, problem != "no index footer", !listing.indexed {
                warn("\(listing.name): \(problem); found the blocks by scanning")
            }
            if json {
                try sink.write(listing.json())
            } else if paths.count == 1 {
                try sink.write(Array(listing.table(exactBytes: exactBytes, withHeader: false).utf8))
            } else {
                let row = listing.summary
                total.add(row)
                try sink.write(Array((row.text(exactBytes) + "\n").utf8))
            }
            try sink.flush()
        }
        if !json && paths.count > 1 && listed > 0 {
            total.name = "total (\(listed) archives)"
            try sink.write(Array((total.text(exactBytes) + "\n").utf8))
        }
        try sink.flush()
    }

    /// One archive's line in the summary table.
    struct SummaryRow {
        var name: String
        var blocks = 0, records = 0, fields = 0, archiveBytes = 0
        var ndjsonBytes: Int? = 0
        var index = "-"

        mutating func add(_ row: SummaryRow) {
            blocks += row.blocks
            records += row.records
            fields += row.fields
            archiveBytes += row.archiveBytes
            ndjsonBytes = row.ndjsonBytes.flatMap { n in ndjsonBytes.map { $0 + n } }
        }

        func text(_ exact: Bool) -> String {
            let w = exact ? 12 : 10
            let ratio = ndjsonBytes.map { archiveBytes > 0 ? decimal(Double($0) / Double(archiveBytes), places: 2) : "-" } ?? "-"
            return [pad("\(blocks)", 7), pad("\(records)", 11), pad("\(fields)", 6), pad(size(archiveBytes, exact), w),
                    pad(ndjsonBytes.map { size($0, exact) } ?? "-", w), pad(ratio, 6), pad(index, 5, right: false), name]
                .joined(separator: " ")
        }
    }

    static func summaryHeader(_ exact: Bool) -> String {
        let w = exact ? 12 : 10
        return [pad("blocks", 7), pad("records", 11), pad("fields", 6), pad("archive", w), pad("NDJSON", w), pad("ratio", 6),
                pad("index", 5, right: false), "name"].joined(separator: " ")
    }

    /// The archive's summary row: the NDJSON ratio is NDJSON bytes over archive bytes, as
    /// `jac pack -v` prints for minified NDJSON input.
    var summary: SummaryRow {
        SummaryRow(name: name, blocks: blocks.count, records: records, fields: fields.count, archiveBytes: archiveBytes,
                   ndjsonBytes: ndjsonBytes,
                   index: indexed ? "yes" : indexProblem == nil || indexProblem == "no index footer" ? "no" : "bad")
    }

    private var indexDescription: String {
        indexed ? "index footer" : indexProblem == nil || indexProblem == "no index footer"
            ? "no index footer (blocks found by scanning)" : "index not used: \(indexProblem!) (blocks found by scanning)"
    }

    /// The tables: the summary row (after its header unless `withHeader` is false), the blocks,
    /// the fields (types last, as the widest), and where the bytes go.
    public func table(exactBytes exact: Bool = false, withHeader: Bool = true) -> String {
        var lines: [String] = withHeader ? [Self.summaryHeader(exact)] : []
        lines.append(summary.text(exact))
        lines.append("\(name): \(indexDescription)")
        lines.append("")
        let w = exact ? 12 : 10
        lines.append([pad("block", 7), pad("offset", 12), pad("records", 8), pad("bytes", w), pad("fields", 6)].joined(separator: " "))
        for b in blocks {
            lines.append([pad("\(b.number)", 7), pad("\(b.offset)", 12), pad("\(b.records)", 8), pad(size(b.size, exact), w),
                          pad("\(b.fields)", 6)].joined(separator: " "))
        }
        lines.append("")
        let nameWidth = min(24, max(5, fields.map { $0.nameString.count }.max() ?? 0))
        lines.append([pad("field", nameWidth, right: false), pad("present", 9), pad("encoding", 8), pad("delta", 5),
                      pad("compressed", w), pad("uncompr.", w), pad("share", 6), "types"].joined(separator: " "))
        // What is left of 100 columns for the types, the last column: names cut to three
        // letters when all of them do not fit.
        let room = 100 - (nameWidth + 9 + 8 + 5 + 2 * w + 6 + 7)
        for (f, name) in fields.map({ ($0, $0.nameString) }) + (unlistedEntries > 0 ? [(unlisted, "(others)")] : []) {
            let share = archiveBytes > 0 ? Double(f.compressed) * 100 / Double(archiveBytes) : 0
            var types = readKinds ? f.kindNames.joined(separator: ",") : "-"
            if types.count > room { types = f.kindNames.map { String($0.prefix(3)) }.joined(separator: ",") }
            lines.append([pad(name, nameWidth, right: false), pad("\(f.present)", 9), pad(f.encoding, 8), pad(f.delta, 5),
                          pad(size(f.compressed, exact), w), pad(size(f.uncompressed, exact), w),
                          pad(decimal(share, places: 1) + "%", 6), types]
                .joined(separator: " "))
        }
        if unlistedEntries > 0 {
            lines.append("(others): \(unlistedEntries) directory entries of fields past the first \(fields.count) listed")
        }
        lines.append("")
        let ratio = compressed > 0 ? Double(uncompressed) / Double(compressed) : 0
        lines.append("segments: \(size(uncompressed, exact)) decompressed in \(size(compressed, exact)) (ratio \(decimal(ratio, places: 2)))")
        lines.append("overhead: file header \(size(headerBytes, exact)), block headers and CRCs \(size(blockBytes - compressed, exact)), "
            + "index \(size(max(0, archiveBytes - headerBytes - blockBytes), exact))")
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
        key("ratio"); o.append(contentsOf: decimal(compressed > 0 ? Double(uncompressed) / Double(compressed) : 0, places: 3).utf8)
        key("ndjson_bytes")
        if let ndjsonBytes { num(ndjsonBytes) } else { o.append(contentsOf: "null".utf8) }
        key("ndjson_ratio")
        if let ndjsonBytes, archiveBytes > 0 {
            o.append(contentsOf: decimal(Double(ndjsonBytes) / Double(archiveBytes), places: 3).utf8)
        } else {
            o.append(contentsOf: "null".utf8)
        }
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
        func fieldTotals(_ f: ArchiveListing.Field) {
            key("types")
            if readKinds {
                o.append(UInt8(ascii: "{"))
                for t in f.kinds.indices where f.kinds[t] > 0 {
                    key(TypeTag.names[t]); num(f.kinds[t])
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
            key("share"); o.append(contentsOf: decimal(archiveBytes > 0 ? Double(f.compressed) / Double(archiveBytes) : 0, places: 4).utf8)
        }
        key("fields")
        o.append(UInt8(ascii: "["))
        for (i, f) in fields.enumerated() {
            if i > 0 { o.append(UInt8(ascii: ",")) }
            o.append(UInt8(ascii: "{"))
            key("name"); f.name.withUnsafeBytes { JSONWriter.appendString($0, to: &o) }
            fieldTotals(f)
            o.append(UInt8(ascii: "}"))
        }
        o.append(UInt8(ascii: "]"))
        // Fields past those listed (`ArchiveListing.maxListedFields`), counted together.
        key("unlisted_fields")
        if unlistedEntries > 0 {
            o.append(UInt8(ascii: "{"))
            key("entries"); num(unlistedEntries)
            fieldTotals(unlisted)
            o.append(UInt8(ascii: "}"))
        } else {
            o.append(contentsOf: "null".utf8)
        }
        o.append(contentsOf: "}\n".utf8)
        return o
    }

}

/// `s` padded with spaces to `width` columns (right-aligned unless `right` is false).
private func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    let n = s.count
    guard n < width else { return s }
    let fill = String(repeating: " ", count: width - n)
    return right ? fill + s : s + fill
}

/// `n` bytes for people: "523 B", "11.4 KiB", "1.2 MiB" (binary units, one decimal), or the
/// exact count when `exact`.
func size(_ n: Int, _ exact: Bool) -> String {
    if exact || n < 1024 { return exact ? "\(n)" : "\(n) B" }
    var v = Double(n) / 1024
    var unit = 0
    let units = ["KiB", "MiB", "GiB", "TiB", "PiB"]
    while v >= 1023.95 && unit < units.count - 1 {
        v /= 1024
        unit += 1
    }
    return decimal(v, places: 1) + " " + units[unit]
}
