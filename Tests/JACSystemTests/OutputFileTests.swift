import Glibc
import JACSystem
import Testing

/// `OutputFile` on its own (the command-line tests cover `-o` through the tools): the file
/// appears only on commit, with 0644 less the umask, leaves no temporary name behind, and an
/// existing entry or an input is refused.
struct OutputFileTests {
    /// A fresh directory, removed with what is left in it.
    final class Directory {
        let path: String
        init() throws {
            var template = Array("/tmp/jac-outputfile-XXXXXX".utf8CString)
            let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
            try #require(made != nil)
            path = String(cString: made!)
        }
        deinit {
            for name in entries() { unlink(path + "/" + name) }
            rmdir(path)
        }
        func entries() -> [String] {
            guard let d = opendir(path) else { return [] }
            defer { closedir(d) }
            var names: [String] = []
            while let e = readdir(d) {
                let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { names.append(name) }
            }
            return names.sorted()
        }
        func contents(_ name: String) throws -> [UInt8] {
            let source = try ByteSource(path: path + "/" + name)
            try source.fill(Int.max)
            return try source.take(source.available, name)
        }
    }

    @Test func appearsOnlyOnCommit() throws {
        let dir = try Directory()
        let path = dir.path + "/out.jac"
        let file = try OutputFile(path: path, force: false, inputs: [])
        #expect(!file.isStream)
        try file.sink.write(Array("hello".utf8))
        try file.sink.flush()
        #expect(dir.entries().count == 1)
        #expect(!dir.entries().contains("out.jac"))
        try file.commit()
        #expect(dir.entries() == ["out.jac"])
        #expect(try dir.contents("out.jac") == Array("hello".utf8))
        var st = stat()
        #expect(stat(path, &st) == 0)
        let mask = umask(0o022)
        umask(mask)
        #expect(st.st_mode & 0o777 == 0o644 & ~mask)
    }

    @Test func abortLeavesNothing() throws {
        let dir = try Directory()
        let file = try OutputFile(path: dir.path + "/out.jac", force: false, inputs: [])
        try file.sink.write(Array("partial".utf8))
        file.abort()
        #expect(dir.entries().isEmpty)
    }

    @Test func refusesAnExistingEntryWithoutForceAndAnInputEvenWithIt() throws {
        let dir = try Directory()
        let path = dir.path + "/in.json"
        let first = try OutputFile(path: path, force: false, inputs: [])
        try first.sink.write(Array("{}".utf8))
        try first.commit()
        #expect(throws: JACError(.usage, "\(path): already exists (use -f to overwrite)")) {
            _ = try OutputFile(path: path, force: false, inputs: [])
        }
        let input = try #require(FileIdentity(path: path))
        #expect(throws: JACError(.usage, "\(path): output is the same file as the input (refusing, even with -f)")) {
            _ = try OutputFile(path: path, force: true, inputs: [input])
        }
        let replaced = try OutputFile(path: path, force: true, inputs: [])
        try replaced.sink.write(Array("[]".utf8))
        try replaced.commit()
        #expect(try dir.contents("in.json") == Array("[]".utf8))
        #expect(dir.entries() == ["in.json"])
    }
}
