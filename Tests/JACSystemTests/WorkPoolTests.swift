import func Glibc.pthread_equal
import func Glibc.pthread_self
import JACSystem
import Testing

struct WorkPoolTests {
    /// A thread starter that starts `working` threads, then fails as a system out of threads does.
    static func starter(working: Int) -> WorkPool.ThreadStarter {
        nonisolated(unsafe) var started = 0
        return { (body) throws(JACError) in
            guard started < working else { throw JACError(.io, "cannot start a thread: injected") }
            started += 1
            try startThread(body)
        }
    }

    /// Every job runs once, on a worker numbered below `workers`.
    @Test func everyJobRunsOnce() throws {
        let pool = try WorkPool(threads: 4, lanes: 2)
        #expect(pool.workers == 4)
        let window = ReorderWindow<Int>()
        for s in 0 ..< 1000 { pool.add(lane: s % 2, kind: .encode) { worker in window.put(s, .success(worker)) } }
        window.finish(count: 1000)
        var count = 0
        while let (_, result) = window.take() {
            #expect(try result.get() < 4)
            count += 1
        }
        pool.stop()
        #expect(count == 1000)
    }

    /// A free thread takes the oldest job of the lowest lane.
    @Test func lanesRunInOrder() throws {
        let pool = try WorkPool(threads: 2, lanes: 2, start: Self.starter(working: 1))
        let gate = Gate()
        let log = EventLog()
        pool.add(lane: 1, kind: .encode) { _ in gate.wait() }
        for name in ["late 1", "late 2"] { pool.add(lane: 1, kind: .encode) { _ in log.add(name) } }
        for name in ["early 1", "early 2"] { pool.add(lane: 0, kind: .encode) { _ in log.add(name) } }
        let done = Gate()
        pool.add(lane: 1, kind: .encode) { _ in done.open() }
        gate.open()
        done.wait()
        pool.stop()
        #expect(log.all == ["early 1", "early 2", "late 1", "late 2"])
    }

    /// With no thread to be had the pool fails with the system's error; with some, it runs on them.
    @Test func threadStartFailure() throws {
        #expect(throws: JACError(.io, "cannot start a thread: injected")) {
            try WorkPool(threads: 4, lanes: 1, start: Self.starter(working: 0))
        }
        let pool = try WorkPool(threads: 4, lanes: 1, start: Self.starter(working: 2))
        #expect(pool.workers == 2)
        let window = ReorderWindow<Int>()
        for s in 0 ..< 100 { pool.add(lane: 0, kind: .encode) { worker in window.put(s, .success(worker)) } }
        window.finish(count: 100)
        var workers = Set<Int>()
        while let (_, result) = window.take() { workers.insert(try result.get()) }
        pool.stop()
        #expect(workers.isSubset(of: [0, 1]))
    }

    /// One thread is inline: `add` runs the job on the caller, as worker 0, before it returns.
    @Test func oneThreadRunsJobsOnTheCaller() throws {
        let pool = try WorkPool(threads: 1, lanes: 2)
        #expect(pool.isInline && pool.workers == 1)
        let caller = pthread_self()
        let log = EventLog()
        pool.add(lane: 1, kind: .encode) { worker in log.add("ran on worker \(worker), caller \(pthread_equal(pthread_self(), caller) != 0)") }
        #expect(log.all == ["ran on worker 0, caller true"])
        pool.stop()
        pool.add(lane: 0, kind: .encode) { _ in log.add("ran after stop") }
        #expect(log.all.count == 1)
    }

    /// Jobs added by an inline job wait for it to return, then run before the outer `add`
    /// returns, lowest lane first (so a job may add while it holds its owner's lock).
    @Test func inlineJobsAddedByAJobRunAfterItInLaneOrder() throws {
        let lock = Monitor()
        let log = EventLog()
        let pool = try WorkPool(threads: 1, lanes: 2)
        pool.add(lane: 1, kind: .open) { _ in
            lock.lock()
            pool.add(lane: 1, kind: .decode) { _ in
                lock.lock()
                log.add("late")
                pool.add(lane: 0, kind: .render) { _ in log.add("late's child") }
                lock.unlock()
            }
            pool.add(lane: 0, kind: .render) { _ in lock.lock(); log.add("early"); lock.unlock() }
            log.add("parent")
            lock.unlock()
        }
        #expect(log.all == ["parent", "early", "late", "late's child"])
        pool.stop()
    }

    /// `stop` waits for the job running, and a job added afterwards never runs.
    @Test func stopWaitsForTheRunningJobAndDropsLaterOnes() throws {
        let pool = try WorkPool(threads: 2, lanes: 1)
        let started = Gate()
        let log = EventLog()
        pool.add(lane: 0, kind: .encode) { _ in
            started.open()
            pause()
            log.add("job done")
        }
        started.wait()
        pool.stop()
        log.add("stopped")
        pool.add(lane: 0, kind: .encode) { _ in log.add("ran after stop") }
        pause()
        #expect(log.all == ["job done", "stopped"])
    }

    /// Items of random sizes go from a producer through the pool to one consumer in order, and
    /// the bytes held never pass the budget (or one item alone).
    @Test(arguments: [1, 3])
    func backpressureByBytes(threads: Int) throws {
        let outcome = try Self.pipeline(threads: threads, items: 200, limit: 100, cost: { 1 + ($0 * 37) % 60 }, fails: { _ in nil })
        #expect(outcome.taken == Array(0 ..< 200))
        #expect(outcome.failure == nil)
        #expect(outcome.mostHeld <= 100)
    }

    /// A failing item stops the rest: the error out is the earliest in sequence order, after the
    /// items before it, and most later items never run.
    @Test(arguments: [1, 3])
    func aFailureStopsTheRest(threads: Int) throws {
        let outcome = try Self.pipeline(threads: threads, items: 1000, limit: 50, cost: { _ in 10 }) { s in
            if s == 30 { pause() }
            return s == 30 || s == 33 ? JACError(.corruptBlock, "item \(s)") : nil
        }
        #expect(outcome.taken == Array(0 ..< 30))
        #expect(outcome.failure?.message == "item 30")
        #expect(outcome.ran < 100)
    }

    struct Outcome {
        var taken: [Int] = []
        var failure: JACError?
        var mostHeld = 0
        var ran = 0
    }

    /// The pools' shape: a reader thread acquires each item's bytes, a job makes its result,
    /// and this thread takes the results in order, releasing their bytes, until a failure.
    static func pipeline(threads: Int, items: Int, limit: Int, cost: @escaping @Sendable (Int) -> Int,
                         fails: @escaping @Sendable (Int) -> JACError?) throws -> Outcome {
        let pool = try WorkPool(threads: threads, lanes: 1)
        let budget = ByteBudget(limit: limit)
        let window = ReorderWindow<Int>()
        let log = EventLog()
        let reader = try onThread {
            for s in 0 ..< items {
                guard budget.acquire(cost(s)) else { return }
                pool.add(lane: 0, kind: .encode) { _ in
                    log.add("ran")
                    window.put(s, fails(s).map { .failure($0) } ?? .success(budget.inUse))
                }
            }
            window.finish(count: items)
        }
        var outcome = Outcome()
        while outcome.failure == nil, let (sequence, result) = window.take() {
            switch result {
            case .success(let held):
                outcome.mostHeld = max(outcome.mostHeld, held)
                outcome.taken.append(sequence)
                budget.release(cost(sequence))
            case .failure(let error):
                outcome.failure = error
            }
        }
        window.close()
        budget.close()
        pool.stop()
        reader.wait()
        outcome.ran = log.all.count
        return outcome
    }
}
