import Foundation
import Testing

/// Exit status 2 and one line for usage errors (not ArgumentParser's 64), and the exit status
/// table in every tool's --help.
struct ExitStatusTests {
    static let usageErrors = [
        "jac --no-such-option", "jac unpack --no-such-option", "jac pack --zstd-level 99 in.ndjson",
        "jac-split --no-such-option", "jac-squeeze -j", "jac-assemble --no-such-option",
        "jac-verify --against in.ndjson a.jac b.jac",
    ]

    @Test(arguments: usageErrors)
    func usageErrorIsStatusTwoInOneLine(command: String) throws {
        let w = try Workspace()
        try w.write("in.ndjson", "{\"a\":1}\n")
        let result = try w.shell(command + " < /dev/null > out")
        let tool = String(command.prefix { $0 != " " })
        #expect(result.status == 2, "\(command): \(result.stderr)")
        #expect(result.stderr.hasPrefix("\(tool): "), "\(command): \(result.stderr)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(command): \(result.stderr)")
    }

    @Test(arguments: ["jac", "jac pack", "jac unpack", "jac-split", "jac-squeeze", "jac-assemble", "jac-verify"])
    func helpListsTheExitStatuses(command: String) throws {
        let result = try Workspace().shell(command + " --help")
        #expect(result.status == 0)
        let help = String(decoding: result.stdout, as: UTF8.self)
        for code in ["0 ", "1 ", "2 ", "130 ", "143 "] { #expect(help.contains("\n  " + code), "\(command): \(code)") }
    }
}
