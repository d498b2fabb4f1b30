import JACArchive
import JACJSON
import JACSystem
import JACWire

/// `jac ls`: the listing as a table for people or as one JSON object for programs.
extension ArchiveListing {
    /// `jac ls`: lists the archive at `path` to `sink`, as one JSON object or as a table; `warn`
    /// hears that a damaged index was passed over for a scan.
    public static func run(path: String, json: Bool, kinds: Bool, sink: ByteSink, warn: (String) -> Void) throws(JACError) {
        let listing = try read(path: path, kinds: kinds)
        if let problem = listing.indexProblem, problem != "no index footer", !listing.indexed {
            warn("\(listing.name): \(problem); found the blocks by scanning")
        }
        try sink.write(json ? listing.json() : Array(listing.table().utf8))
        try sink.flush()
    }

    private var indexDescription: String {
        indexed ? "index footer" : indexProblem == nil || indexProblem == "no index footer"
            ? "no index footer (blocks found by scanning)" : "index not used: \(indexProblem!) (blocks found by scanning)"
    }

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
