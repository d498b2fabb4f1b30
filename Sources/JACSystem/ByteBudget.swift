/// Bytes in flight: a producer acquires an item's cost before handing it to a pool and the
/// consumer releases it once the item's result is out, so reading cannot outrun writing by
/// more than `limit` bytes (pigz's input pool, zstd's round buffer, counted in bytes).
///
/// The memory model of jac's pools, stated here once: in flight are one item per thread and
/// `itemsBeyondThreads` being read (`inFlightBytes(threads:itemBytes:)`); `ThreadBudget`
/// chooses the thread count from it. An item that comes alone may exceed the limit (it is let
/// in when nothing else is held), so the bound is `max(limit, one item)`.
public final class ByteBudget: @unchecked Sendable {
    /// The limit it was made with, which `setLimit` never exceeds.
    public let maxLimit: Int

    private let monitor = Monitor()
    private var limit: Int
    private var used = 0
    private var closed = false

    public init(limit: Int) {
        maxLimit = max(1, limit)
        self.limit = maxLimit
    }

    /// Sets the limit to `bytes`, held within 1 and the limit it was made with: a producer that
    /// learns how large its items really are bounds them by that instead of the largest possible.
    public func setLimit(_ bytes: Int) {
        monitor.lock()
        limit = min(maxLimit, max(1, bytes))
        monitor.broadcast()
        monitor.unlock()
    }

    /// Items in flight besides one per thread: the one being read.
    public static let itemsBeyondThreads = 1

    /// What a pool of `threads` threads holds in flight with items of up to `itemBytes`.
    public static func inFlightBytes(threads: Int, itemBytes: Int) -> Int {
        (max(1, threads) + itemsBeyondThreads) * itemBytes
    }

    /// Waits until `bytes` more fit under the limit, or until everything held is the caller's
    /// own `holding` bytes (so an item larger than the limit still goes through), then takes
    /// them. False once closed, taking nothing.
    public func acquire(_ bytes: Int, holding: Int = 0) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        while !closed && used + bytes > limit && used > holding { monitor.wait() }
        guard !closed else { return false }
        used += bytes
        return true
    }

    public func release(_ bytes: Int) {
        monitor.lock()
        used -= bytes
        monitor.broadcast()
        monitor.unlock()
    }

    /// Bytes held now.
    public var inUse: Int {
        monitor.lock()
        defer { monitor.unlock() }
        return used
    }

    /// Wakes the waiters for good: `acquire` returns false from now on.
    public func close() {
        monitor.lock()
        closed = true
        monitor.broadcast()
        monitor.unlock()
    }
}
