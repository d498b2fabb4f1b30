/// Buffers handed back once used, for the next user to fill instead of faulting in fresh pages
/// (zstd's `ZSTDMT_bufferPool`, counted in bytes). It holds at most its bound in bytes (each item
/// costs what its owner says it holds), so recycling adds at most that to what a pool keeps in
/// flight; what does not fit is dropped. Safe to use from several threads.
public final class FreeList<Item>: @unchecked Sendable {
    private let monitor = Monitor()
    private var items: [(item: Item, bytes: Int)] = []
    private var held = 0
    private var bound: Int

    public init(maxBytes: Int) {
        bound = max(0, maxBytes)
    }

    /// The most bytes it keeps.
    public var maxBytes: Int {
        monitor.lock()
        defer { monitor.unlock() }
        return bound
    }

    /// Changes the bound, dropping the items kept longest until what stays fits it.
    public func setMaxBytes(_ bytes: Int) {
        monitor.lock()
        bound = max(0, bytes)
        var dropped = 0
        while held > bound {
            held -= items[dropped].bytes
            dropped += 1
        }
        items.removeFirst(dropped)
        monitor.unlock()
    }

    /// Keeps `item`, which holds `bytes`, if that fits the bound; returns whether it was kept.
    @discardableResult
    public func put(_ item: consuming Item, bytes: Int) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        guard held + bytes <= bound else { return false }
        items.append((item, bytes))
        held += bytes
        return true
    }

    /// The item put last, or nil when none is kept.
    public func take() -> Item? {
        monitor.lock()
        defer { monitor.unlock() }
        guard let last = items.popLast() else { return nil }
        held -= last.bytes
        return last.item
    }

    /// Bytes kept now.
    public var heldBytes: Int {
        monitor.lock()
        defer { monitor.unlock() }
        return held
    }
}
