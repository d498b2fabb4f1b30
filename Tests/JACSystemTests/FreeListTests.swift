import JACSystem
import Testing

struct FreeListTests {
    /// Whatever is put, it never holds more than its bound: an item that does not fit is
    /// refused, and what it hands back comes out last in, first out.
    @Test func itNeverHoldsMoreThanItsBound() {
        let list = FreeList<[UInt8]>(maxBytes: 1000)
        var kept: [Int] = []
        for (i, size) in [300, 500, 400, 200, 1, 1001, 0].enumerated() {
            if list.put(Array(repeating: UInt8(i), count: size), bytes: size) { kept.append(i) }
            #expect(list.heldBytes <= 1000)
        }
        #expect(kept == [0, 1, 3, 6])
        #expect(list.heldBytes == 1000)
        var out: [UInt8] = []
        while let item = list.take() { out.append(item.first ?? 6) }
        #expect(out == [6, 3, 1, 0])
        #expect(list.heldBytes == 0)
    }

    /// Lowering the bound drops the items kept longest until the rest fits.
    @Test func loweringTheBoundDropsTheOldest() {
        let list = FreeList<Int>(maxBytes: 100)
        for i in 0 ..< 5 { list.put(i, bytes: 20) }
        list.setMaxBytes(50)
        #expect(list.maxBytes == 50 && list.heldBytes == 40)
        #expect(list.take() == 4 && list.take() == 3 && list.take() == nil)
        #expect(!list.put(9, bytes: 51))
    }
}
