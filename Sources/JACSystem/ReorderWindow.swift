/// Results numbered 0, 1, 2, ... put in any order by workers and taken in order by one
/// consumer, like pigz's write list and zstd's `doneJobID`. A failure waits for its turn like
/// a result, so the error that comes out is the earliest in sequence order, after everything
/// before it. At most `capacity` sequences are admitted past the one to be taken next.
public final class ReorderWindow<T>: @unchecked Sendable {
    public let capacity: Int

    private let monitor = Monitor()
    private var results: [Int: Result<T, JACError>] = [:]
    private var next = 0
    private var end = Int.max
    private var closed = false

    public init(capacity: Int = Int.max) {
        self.capacity = max(1, capacity)
    }

    /// Waits until `sequence` is within `capacity` of the next to be taken; false once closed.
    public func admit(_ sequence: Int) -> Bool {
        monitor.lock()
        defer { monitor.unlock() }
        while !closed && sequence - next >= capacity { monitor.wait() }
        return !closed
    }

    public func put(_ sequence: Int, _ result: Result<T, JACError>) {
        monitor.lock()
        if !closed { results[sequence] = result }
        if sequence == next { monitor.broadcast() }
        monitor.unlock()
    }

    /// No sequence at or after `count` will be put: `take` returns nil once it gets there.
    public func finish(count: Int) {
        monitor.lock()
        end = min(end, count)
        monitor.broadcast()
        monitor.unlock()
    }

    /// Waits for the next result in order; nil after the last one, or once closed.
    public func take() -> (sequence: Int, result: Result<T, JACError>)? {
        monitor.lock()
        defer { monitor.unlock() }
        while !closed && next < end {
            if let result = results.removeValue(forKey: next) {
                next += 1
                monitor.broadcast()
                return (next - 1, result)
            }
            monitor.wait()
        }
        return nil
    }

    /// Stops the window: waiters return, results put from now on are dropped.
    public func close() {
        monitor.lock()
        closed = true
        results = [:]
        monitor.broadcast()
        monitor.unlock()
    }
}
