/// A fixed set of threads running closures, as zstd's lib/common/pool.c: jobs wait in lanes,
/// and a free thread takes the oldest job of the lowest lane that has one (lanes are
/// priorities: "most advanced task first"). A job gets the number of the worker running it, so
/// that per-thread state (a codec's context) is an array the owner indexes.
///
/// One thread is a pool like any other (no job runs on the caller's thread): `jac pack -j1`
/// reads on one thread while its worker encodes, which running jobs inline in `add` on the
/// reader gave up (measured: 15% more wall time).
///
/// The pool bounds neither memory nor jobs: its owners admit work with a `ByteBudget` (where
/// the memory model is stated) and hand results out through a `ReorderWindow`.
public final class WorkPool: @unchecked Sendable {
    public typealias Job = @Sendable (_ worker: Int) -> Void
    /// Starts a thread running its argument: `startThread`, or a test's that fails on purpose.
    public typealias ThreadStarter = (@escaping @Sendable () -> Void) throws(JACError) -> Void

    /// Workers that run jobs, numbered 0 ..< workers.
    public private(set) var workers = 0

    private let monitor = Monitor()
    private var lanes: [[Job?]]
    private var heads: [Int]
    private var stopping = false
    private var running = 0

    /// Starts `threads` threads, or as many as the system gives (the output of a pool's owner
    /// never depends on their number); throws only when it gives none.
    public init(threads: Int, lanes: Int, start: ThreadStarter = startThread) throws(JACError) {
        self.lanes = Array(repeating: [], count: max(1, lanes))
        heads = Array(repeating: 0, count: max(1, lanes))
        monitor.lock()
        defer { monitor.unlock() }
        for worker in 0 ..< max(1, threads) {
            do throws(JACError) {
                try start { [self] in work(worker) }
            } catch {
                if running == 0 { throw error }
                break
            }
            running += 1
        }
        workers = running
    }

    /// Queues `job` in `lane` (0 runs first). Jobs added once the pool is stopping are dropped.
    public func add(lane: Int, _ job: @escaping Job) {
        monitor.lock()
        if !stopping {
            lanes[lane].append(job)
            monitor.signal()
        }
        monitor.unlock()
    }

    /// Drops the jobs still queued, waits for those running and for the threads to end. Call
    /// it once the owner is done, never from a job.
    public func stop() {
        monitor.lock()
        stopping = true
        for l in lanes.indices {
            lanes[l] = []
            heads[l] = 0
        }
        monitor.broadcast()
        while running > 0 { monitor.wait() }
        monitor.unlock()
    }

    private func work(_ worker: Int) {
        monitor.lock()
        defer {
            running -= 1
            monitor.broadcast()
            monitor.unlock()
        }
        while !stopping {
            guard let job = takeJob() else {
                monitor.wait()
                continue
            }
            monitor.unlock()
            job(worker)
            monitor.lock()
        }
    }

    /// The oldest job of the first lane that has one (lock held). A lane's array is emptied
    /// once all its jobs are taken, and compacted when the taken ones are most of it.
    private func takeJob() -> Job? {
        for l in lanes.indices where heads[l] < lanes[l].count {
            let job = lanes[l][heads[l]]
            lanes[l][heads[l]] = nil
            heads[l] += 1
            if heads[l] == lanes[l].count {
                lanes[l].removeAll(keepingCapacity: true)
                heads[l] = 0
            } else if heads[l] > 1024 && 2 * heads[l] > lanes[l].count {
                lanes[l].removeFirst(heads[l])
                heads[l] = 0
            }
            return job
        }
        return nil
    }
}
