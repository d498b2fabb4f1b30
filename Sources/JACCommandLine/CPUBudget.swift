import Foundation

/// How many CPUs this process may use: the affinity mask, lowered by a cgroup CPU quota.
enum CPUBudget {
    static var available: Int {
        var n = ProcessInfo.processInfo.activeProcessorCount
        if let quota = cgroupQuota() { n = min(n, quota) }
        return max(1, n)
    }

    /// CPUs allowed by cgroup v2 `cpu.max` ("max 100000" means no limit).
    private static func cgroupQuota() -> Int? {
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8) else { return nil }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let quota = Double(parts[0]), let period = Double(parts[1]), period > 0 else { return nil }
        return max(1, Int((quota / period).rounded(.up)))
    }
}
