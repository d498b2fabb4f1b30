import JACSystem
import Testing

struct ReorderWindowTests {
    /// Results put in any order by several threads come out in sequence order, then nil.
    @Test func resultsComeOutInSequenceOrder() throws {
        let window = ReorderWindow<Int>()
        let pool = try WorkPool(threads: 4, lanes: 1)
        defer { pool.stop() }
        var order = Array(0 ..< 300)
        var rng = SystemRandomNumberGenerator()
        order.shuffle(using: &rng)
        for s in order { pool.add(lane: 0, kind: .encode) { _ in window.put(s, .success(s * s)) } }
        window.finish(count: 300)
        var taken: [Int] = []
        while let (sequence, result) = window.take() {
            #expect(try result.get() == sequence * sequence)
            taken.append(sequence)
        }
        #expect(taken == Array(0 ..< 300))
    }

    /// The failure that comes out is the earliest in sequence order, after every result before it,
    /// whichever was put first.
    @Test func theEarliestFailureComesOutAfterEverythingBeforeIt() {
        let window = ReorderWindow<Int>()
        window.put(9, .failure(JACError(.corruptBlock, "nine")))
        for s in [3, 0, 4, 2, 1] { window.put(s, .success(s)) }
        window.put(5, .failure(JACError(.corruptBlock, "five")))
        var successes: [Int] = []
        var failure: JACError?
        while failure == nil, let (_, result) = window.take() {
            switch result {
            case .success(let s): successes.append(s)
            case .failure(let error): failure = error
            }
        }
        #expect(successes == [0, 1, 2, 3, 4])
        #expect(failure?.message == "five")
    }

    /// A sequence past the capacity waits until the one before the window is taken.
    @Test func admitWaitsForRoom() throws {
        let window = ReorderWindow<Int>(capacity: 2)
        let log = EventLog()
        #expect(window.admit(0) && window.admit(1))
        let done = try onThread {
            #expect(window.admit(2))
            log.add("admitted 2")
        }
        window.put(0, .success(0))
        pause()
        log.add("taking 0")
        #expect(window.take()?.sequence == 0)
        done.wait()
        #expect(log.all == ["taking 0", "admitted 2"])
    }

    /// Closing wakes the waiters: admit says no, take ends.
    @Test func closeWakesTheWaiters() throws {
        let window = ReorderWindow<Int>(capacity: 1)
        let admitted = try onThread { #expect(!window.admit(1)) }
        let taken = try onThread { #expect(window.take() == nil) }
        pause()
        window.close()
        admitted.wait()
        taken.wait()
        window.put(0, .success(0))
        #expect(window.take() == nil)
    }
}
