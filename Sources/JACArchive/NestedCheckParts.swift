import JACCodec
import JACSystem
import JACWire

/// A decoded field whose nested values are checked in parts on a pool's threads, then handed
/// back whole: `FieldColumn.checkNested` per part, `finishNested` with the parts in order, so
/// the error is the first in the payload's order, as one pass finds it. With one block, what
/// follows a field's decode waits for the slowest field, and checking nested JSON is most of a
/// large array field's decode (geonames' `alternatenames`: 5.6 MB, 0.8 of the block's decode;
/// zeek's `TTLs`: 0.64 MB, a fifth of it, about what each of 4 threads decodes). The one rule
/// for `ParallelDecoder` (unpack, cat) and jac-assemble's `BlockChecker`.
public final class NestedCheckParts: @unchecked Sendable {
    /// A field of at least this many payload bytes is decoded with its nested values left to
    /// parts when a pool has two or more workers.
    public static let minBytes = 256 << 10
    /// Parts per worker, so that the threads finish together.
    static let partsPerWorker = 4

    /// Whether `entry` is decoded with its nested values left to parts on `pool`: one of at
    /// least `minBytes` payload bytes on a pool of two or more workers.
    public static func splits(_ entry: FieldDirectoryEntry, on pool: WorkPool, minBytes: Int = minBytes) -> Bool {
        pool.workers > 1 && entry.uncompressedLength >= minBytes
    }

    public let entry: FieldDirectoryEntry
    /// The nested values each part checks, in order: at most `partsPerWorker` per worker and
    /// one per value (none for a field without nested values: `finish` it at once).
    public let parts: [Range<Int>]
    private let lock = Monitor()
    private var column: FieldColumn?
    private var checks: [FieldColumn.NestedCheck]
    private var left: Int

    public init(_ column: FieldColumn, entry: FieldDirectoryEntry, workers: Int) {
        let n = column.nestedCount
        let count = min(n, NestedCheckParts.partsPerWorker * max(1, workers))
        parts = (0 ..< count).map { k in n * k / count ..< n * (k + 1) / count }
        self.entry = entry
        self.column = column
        checks = Array(repeating: FieldColumn.NestedCheck(), count: count)
        left = count
    }

    /// Checks the parts as jobs on `pool` (in `lane`, traced as `kind` of `group`) and calls
    /// `done` once with the field (`finish`), on the thread whose part ended last; with fewer
    /// than two parts, here and now.
    public func run(on pool: WorkPool, lane: Int, kind: TaskTrace.Kind, group: Int = -1,
                    done: @escaping @Sendable (Result<FieldColumn, JACError>) -> Void) {
        guard parts.count > 1 else { return done(parts.isEmpty ? finish() : check(part: 0)!) }
        let bytes = entry.uncompressedLength / parts.count
        for k in parts.indices {
            pool.add(lane: lane, kind: kind, bytes: bytes, group: group) { [self] _ in
                if let result = check(part: k) { done(result) }
            }
        }
    }

    /// Checks part `k` (on any thread); the last part to finish returns the field (`finish`),
    /// the others nil.
    public func check(part k: Int) -> Result<FieldColumn, JACError>? {
        lock.lock()
        let unchecked = column!
        lock.unlock()
        let result = unchecked.checkNested(parts[k])
        lock.lock()
        checks[k] = result
        left -= 1
        let last = left == 0
        lock.unlock()
        return last ? finish() : nil
    }

    /// The column with its nested values checked, or the first error, named by field: after
    /// the last part, or at once when there are none.
    public func finish() -> Result<FieldColumn, JACError> {
        lock.lock()
        // The parts' copies are gone: the column is finished without copying its payload.
        var column = self.column.take()!
        let checks = self.checks
        lock.unlock()
        let entry = self.entry
        return Result { () throws(JACError) in
            try BlockDecoder.locating(entry) { () throws(JACError) in try column.finishNested(checks) }
            return column
        }
    }
}
