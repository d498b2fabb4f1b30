import Glibc

/// What `--trace FILE` records: every `WorkPool` job (its kind, bytes, the item it works on,
/// the worker and when it was queued, started and ended) and the serial spans around the pool
/// (the reader's reads and the writer's writes), for `scripts/model` to replay on other
/// thread counts. The format is doc/trace.md's.
///
/// A command turns it on (`TaskTrace.current`) before it makes a pool and writes it out at the
/// end; pools look only at whether it is nil, so a run without `--trace` pays one branch per
/// job. Records are kept in memory up to `maxBytes`; those beyond it are counted, not kept.
public final class TaskTrace: @unchecked Sendable {
    /// What a job or span does.
    public enum Kind: String, Sendable {
        case read, write, encode, compress, open, decode, render, check
    }

    /// The trace of this process, set once before any pool starts (nil: no trace).
    nonisolated(unsafe) public static var current: TaskTrace?

    /// The memory the records may take: about a million jobs.
    public static let maxBytes = 64 << 20

    /// Facts about the run for the model: thread count, byte budget, window.
    public var settings: [(String, Int)] = []

    private struct Record {
        var id: Int
        var parent: Int
        var kind: Kind
        var group: Int
        var lane: Int
        var bytes: Int
        /// A worker number, or -1 for the reader and -2 for the writer.
        var thread: Int
        var queued: Int
        var start: Int
        var end: Int
    }

    private let monitor = Monitor()
    private let origin: Int
    private var records: [Record] = []
    private var nextID = 1
    private var dropped = 0
    /// Per thread: the job or span that runs now or ran last there (its id), the parent of
    /// jobs added there.
    private var key = pthread_key_t()

    public init() {
        origin = Self.now()
        pthread_key_create(&key, nil)
    }

    deinit { pthread_key_delete(key) }

    public static let reader = -1, writer = -2

    /// `job` recording itself when it runs: queued now, by the job or span current here.
    func wrap(_ job: @escaping WorkPool.Job, kind: Kind, bytes: Int, group: Int, lane: Int) -> WorkPool.Job {
        let queued = Self.now()
        let parent = runningID
        let id = takeID()
        return { [self] worker in
            let outer = runningID
            setCurrent(id)
            let start = Self.now()
            job(worker)
            add(Record(id: id, parent: parent, kind: kind, group: group, lane: lane, bytes: bytes,
                       thread: worker, queued: queued, start: start, end: Self.now()))
            setCurrent(outer)
        }
    }

    /// Records a serial span of `thread` (`reader` or `writer`) that began at `start` (`now()`)
    /// and ends now; the jobs added on this thread after it are its children. `after` is the
    /// job that made what it writes (0: the span before it on this thread).
    public func record(_ kind: Kind, thread: Int, bytes: Int, group: Int, since start: Int, after: Int = 0) {
        let id = takeID()
        add(Record(id: id, parent: after != 0 ? after : runningID, kind: kind, group: group, lane: -1, bytes: bytes,
                   thread: thread, queued: start, start: start, end: Self.now()))
        setCurrent(id)
    }

    /// Nanoseconds on the trace's clock.
    public static func now() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
    }

    /// The trace as doc/trace.md's text: the settings, a header, one line per record in order
    /// of start.
    public func text() -> [UInt8] {
        monitor.lock()
        let sorted = records.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        let dropped = dropped
        monitor.unlock()
        var out = "# jac trace 1"
        for (name, value) in settings { out += " \(name)=\(value)" }
        out += " dropped=\(dropped)\nid\tparent\tkind\tgroup\tlane\tbytes\tthread\tqueued\tstart\tend\n"
        var bytes = Array(out.utf8)
        for r in sorted {
            let thread = r.thread == Self.reader ? "reader" : r.thread == Self.writer ? "writer" : String(r.thread)
            let line = "\(r.id)\t\(r.parent)\t\(r.kind.rawValue)\t\(r.group)\t\(r.lane)\t\(r.bytes)\t\(thread)\t"
                + "\(r.queued - origin)\t\(r.start - origin)\t\(r.end - origin)\n"
            bytes.append(contentsOf: line.utf8)
        }
        return bytes
    }

    /// The job running on this thread, or the span that ran last on it (0: none).
    public var runningID: Int {
        Int(bitPattern: pthread_getspecific(key))
    }

    private func setCurrent(_ id: Int) {
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: id))
    }

    private func takeID() -> Int {
        monitor.lock()
        defer { monitor.unlock() }
        nextID += 1
        return nextID - 1
    }

    /// Keeps `record` while the records fit in `maxBytes` (the array grown by hand, so that its
    /// doubling cannot pass the bound).
    private func add(_ record: Record) {
        let most = Self.maxBytes / MemoryLayout<Record>.stride
        monitor.lock()
        if records.count < most {
            if records.count == records.capacity { records.reserveCapacity(min(most, max(1024, 2 * records.count))) }
            records.append(record)
        } else {
            dropped += 1
        }
        monitor.unlock()
    }
}
