import JACJSON
import JACPipeline
import JACSystem
import JACWire

extension Verifier {
    /// `jac verify` of one archive: proves `path` whole (and, with `against`, the same records as
    /// that JSON input), passes its warnings to `warn` naming the path, and returns the line
    /// that says so. With `progress`, that label heads a progress line on a terminal.
    public static func check(path: String, against: String?, inputMode: InputMode, progress label: String? = nil,
                             warn: (String) -> Void) throws(JACError) -> String {
        let progress = Progress(label: label ?? "", total: Progress.fileSize(path), quiet: label == nil)
        defer { progress.finish() }
        let report = try run(source: try ByteSource(path: path),
                             against: try against.map { (p) throws(JACError) in try TextInput.open(p) },
                             inputMode: inputMode) { r in
            progress.update(records: r.records, bytesIn: r.archiveBytes, bytes: r.jsonBytes)
        }
        for w in report.warnings { warn("\(path): \(w)") }
        let ratio = report.archiveBytes > 0 ? Double(report.jsonBytes) / Double(report.archiveBytes) : 0
        let compared = against.map { ", same records as \($0)" } ?? ""
        return "\(path): OK, \(report.records) records, \(report.blocks) blocks, \(report.fields) fields, \(report.jsonBytes) -> \(report.archiveBytes) bytes (ratio \(decimal(ratio, places: 2)))\(compared)"
    }
}
