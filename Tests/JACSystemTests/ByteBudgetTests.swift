import JACSystem
import Testing

struct ByteBudgetTests {
    /// A producer over the limit waits until the consumer releases bytes.
    @Test func acquireWaitsForARelease() throws {
        let budget = ByteBudget(limit: 100)
        let log = EventLog()
        #expect(budget.acquire(60))
        let done = try onThread {
            #expect(budget.acquire(60))
            log.add("acquired")
        }
        pause()
        log.add("releasing")
        budget.release(60)
        done.wait()
        #expect(log.all == ["releasing", "acquired"])
        #expect(budget.inUse == 60)
    }

    /// A lowered limit holds producers to it, and the limit never rises above the first.
    @Test func theLimitMayBeLoweredAndRaisedBackOnly() throws {
        let budget = ByteBudget(limit: 100)
        budget.setLimit(10)
        #expect(budget.acquire(10))
        let done = try onThread { #expect(budget.acquire(10)) }
        pause()
        #expect(budget.inUse == 10)
        budget.setLimit(1000)
        done.wait()
        #expect(budget.inUse == 20 && budget.maxLimit == 100)
        let late = try onThread { #expect(budget.acquire(90)) }
        pause()
        #expect(budget.inUse == 20)
        budget.release(20)
        late.wait()
        #expect(budget.inUse == 90)
    }

    /// An item larger than the limit goes through when nothing else is held, and an item's
    /// next part when all that is held is the item's own.
    @Test func anItemAloneMayExceedTheLimit() {
        let budget = ByteBudget(limit: 100)
        #expect(budget.acquire(500))
        #expect(budget.acquire(500, holding: 500))
        #expect(budget.inUse == 1000)
    }

    /// Closing wakes a waiting producer, which gets nothing, and refuses from then on.
    @Test func closeWakesAndRefuses() throws {
        let budget = ByteBudget(limit: 10)
        #expect(budget.acquire(10))
        let done = try onThread { #expect(!budget.acquire(5)) }
        pause()
        budget.close()
        done.wait()
        #expect(!budget.acquire(0))
        #expect(budget.inUse == 10)
    }

    /// The model: one item per thread and one being read.
    @Test func inFlightBytesCountsOneItemPerThreadAndOneMore() {
        #expect(ByteBudget.inFlightBytes(threads: 4, itemBytes: 1000) == 5000)
        #expect(ByteBudget.inFlightBytes(threads: 0, itemBytes: 1000) == 2000)
    }
}
