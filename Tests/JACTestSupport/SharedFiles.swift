import Foundation

/// Where the tests find data that lives outside the package: the shared vectors and corpus
/// (`$JAC_SHARED`, else `../shared` beside the package root), and scratch files.
public enum SharedFiles {
    /// The package root, from this file's path (Tests/JACTestSupport/SharedFiles.swift).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The shared directory, or nil when it is not there (tests that need it are skipped).
    public static let root: String? = {
        let candidates = [ProcessInfo.processInfo.environment["JAC_SHARED"], packageRoot + "/../shared"]
        for case let path? in candidates where FileManager.default.fileExists(atPath: path + "/vectors/MANIFEST.tsv") {
            return URL(fileURLWithPath: path).standardizedFileURL.path
        }
        return nil
    }()

    public static var isAvailable: Bool {
        if root == nil { print("notice: shared vectors not found (set JAC_SHARED); skipping tests that need them") }
        return root != nil
    }

    public static var vectors: String { (root ?? "/nonexistent") + "/vectors" }
    public static var corpus: String { (root ?? "/nonexistent") + "/corpus" }

    /// The whole file, read to its end: `Data(contentsOf:)` stops after one read of a file that
    /// reports no size (/proc's), about a page.
    public static func read(_ path: String) throws -> [UInt8] {
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? file.close() }
        return Array(try file.readToEnd() ?? Data())
    }

    /// A fresh empty directory, removed by the caller with `removeDirectory`.
    public static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "jac-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    public static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// One row of vectors/MANIFEST.tsv.
public struct VectorEntry: Sendable, CustomStringConvertible {
    public var name: String
    public var input: String
    public var options: [String]
    public var expect: String
    public var identical: Bool

    public var description: String { name }

    /// Rows of the manifest; empty when the shared directory is absent.
    public static func all() -> [VectorEntry] {
        guard SharedFiles.root != nil,
              let text = try? String(contentsOfFile: SharedFiles.vectors + "/MANIFEST.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { return nil }
            return VectorEntry(name: f[0], input: f[1], options: f[2].split(separator: " ").map(String.init),
                               expect: f[3], identical: f[4] == "yes")
        }
    }
}
