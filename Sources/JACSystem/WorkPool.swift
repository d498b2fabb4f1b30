/// A fixed set of threads running closures, as zstd's lib/common/pool.c: jobs wait in lanes,
/// and a free thread takes the oldest job of the lowest lane that has one (lanes are
/// priorities: "most advanced task first"). A job gets the number of the worker running it, so
/// that per-thread state (a codec's context) is an array the owner indexes.
///
/// One thread is no thread, as pool.c built without threads: `add` runs the job on the caller,
/// as worker 0, before it returns, so one thread takes the same code path as many. A job added
/// by a running job waits in its lane until that job returns (so a job may add under its
/// owner's lock), and the caller runs every queued job, lowest lane first, before `add`
/// returns; outside jobs, owners call `add` without holding a lock their jobs take.
///
/// The pool bounds neither memory nor jobs: its owners admit work with a `ByteBudget` (where
/// the memory model is stated) and hand results out through a `ReorderWindow`. With a
/// `TaskTrace` on (`--trace`), every job is recorded with its kind and bytes.
public final class WorkPool: @unchecked Sendable {
    public typealias Job = @Sendable (_ worker: Int) -> Void
    /// Starts a thread running its argument: `startThread`, or a test's that fails on purpose.
    public typealias ThreadStarter = (@escaping @Sendable () -> Void) throws(JACError) -> Void

    /// Workers that run jobs, numbered 0 ..< workers.
    public private(set) var workers = 0
    /// Whether jobs run on the thread that adds them (a pool of one thread).
    public let isInline: Bool

    private let monitor = Monitor()
    private var lanes: [[Job?]]
    private var heads: [Int]
    private var stopping = false
    private var running = 0
    /// An inline pool's caller is running queued jobs.
    private var draining = false
    private let trace = TaskTrace.current

    /// Starts `threads` threads, or as many as the system gives (the output of a pool's owner
    /// never depends on their number); throws only when it gives none. One thread starts none,
    /// unless `inline` is false: an owner whose caller has other work (a reader splitting the
    /// input) then keeps that work beside one worker, as zstd -T1 reads beside its worker.
    public init(threads: Int, lanes: Int, inline: Bool = true, start: ThreadStarter = startThread) throws(JACError) {
        self.lanes = Array(repeating: [], count: max(1, lanes))
        heads = Array(repeating: 0, count: max(1, lanes))
        isInline = inline && threads <= 1
        if isInline {
            workers = 1
            return
        }
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

    /// Queues `job` in `lane` (0 runs first); on an inline pool, runs it (and the jobs it adds)
    /// unless a job is running already. Jobs added once the pool is stopping are dropped.
    /// `kind` and `bytes` name the job in a trace, and `group` says which item (block) it
    /// works on; they cost nothing when no trace is on.
    public func add(lane: Int, kind: TaskTrace.Kind, bytes: Int = 0, group: Int = -1, _ job: @escaping Job) {
        let job = trace.map { $0.wrap(job, kind: kind, bytes: bytes, group: group, lane: lane) } ?? job
        monitor.lock()
        guard !stopping else {
            monitor.unlock()
            return
        }
        lanes[lane].append(job)
        guard isInline else {
            monitor.signal()
            monitor.unlock()
            return
        }
        guard !draining else {
            monitor.unlock()
            return
        }
        draining = true
        while let next = takeJob() {
            monitor.unlock()
            next(0)
            monitor.lock()
        }
        draining = false
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
