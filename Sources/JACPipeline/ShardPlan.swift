import JACCompression
import JACJSON
import JACSystem

import Glibc

/// `jac-split --shards N`: byte ranges that cut a file into at most N shards, only where
/// `jac pack` with the same block options starts a block, as even in bytes as those starts
/// allow. A block's bytes depend only on its records and the options (and the encoder's own
/// cuts stay inside a block), so the shards packed one by one, anywhere, and merged in order by
/// `jac-assemble` are exactly the bytes of one `jac pack` of the file.
public enum ShardPlan {
    /// Bytes `offset ..< offset + length` of the file.
    public struct Shard: Equatable, Sendable {
        public var offset: Int
        public var length: Int

        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    /// The most shards a plan makes: a cut per shard is kept until the end.
    public static let maxShards = 1_000_000

    /// Reads `path` (a regular file of uncompressed JSON text: the plan is in its bytes, and the
    /// file is read again shard by shard) once, as jac-split does, and returns the shards in order,
    /// tiling the file. N larger than the number of blocks gives one shard per block.
    public static func make(path: String, shards: Int, options: SplitOptions) throws(JACError) -> [Shard] {
        guard (1 ... maxShards).contains(shards) else {
            throw JACError(.usage, "--shards must be 1 to \(maxShards)")
        }
        guard path != "-" else {
            throw JACError(.usage, "a shard plan needs a file, which is read once for the plan and again shard by shard (for standard input, see jac-split(1): a frame stream to jac-squeeze)")
        }
        let source = try ByteSource(path: path)
        var st = stat()
        guard fstat(source.fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw JACError(.usage, "\(path): a shard plan needs a regular file, which is read once for the plan and again shard by shard")
        }
        let size = Int(st.st_size)
        try source.fill(4096)
        let format = try source.withBuffered { (p) throws(JACError) in DecompressingReader.format(of: p) }
        guard format == .plain else {
            throw JACError(.usage, "\(path): \(format.rawValue) data: a shard plan is in the bytes of the file that the shards are cut from, so it needs uncompressed text (decompress it first)")
        }
        var cutter = Cutter(size: size, shards: shards)
        let splitter = Splitter(source: source, options: options) { cutter.candidate($0) }
        do throws(JACError) {
            guard try splitter.detectMode() != .jsonArray else {
                throw JACError(.usage, "a JSON array cannot be cut into shards that pack on their own: a shard plan needs a sequence of objects (NDJSON)")
            }
            while let chunk = try splitter.next() { splitter.recycle(chunk) }
        } catch {
            throw error.naming(input: path)
        }
        guard splitter.bytesRead == size else {
            throw JACError(.io, "\(path): \(splitter.bytesRead) bytes read, but the file had \(size) when opened (did it change?)")
        }
        return cutter.finish()
    }

    /// Picks cuts from the block starts as they stream by: for each even share `k * size / N`,
    /// the block start nearest to it (at most one cut per block start, none at 0 or the end).
    struct Cutter {
        let size: Int
        let shards: Int
        private(set) var cuts: [Int] = []
        /// The next share to place, from 1, and the block start seen before the current one.
        private var share = 1
        private var previous = 0

        init(size: Int, shards: Int) {
            self.size = size
            self.shards = shards
        }

        /// The byte offset of the share `k` of `shards` (without overflow for any file size).
        private func target(_ k: Int) -> Int { size / shards * k + size % shards * k / shards }

        /// A block starts at `offset` (increasing, inside the file).
        mutating func candidate(_ offset: Int) {
            place(upTo: offset)
            previous = offset
        }

        /// Places every share not after `next` at `previous` or `next`, whichever is nearer.
        private mutating func place(upTo next: Int) {
            while share < shards && target(share) <= next {
                let t = target(share)
                let last = cuts.last ?? 0
                let pick = previous > last && t - previous <= next - t ? previous : next
                if pick > last && pick < size { cuts.append(pick) }
                share += 1
            }
        }

        /// The shards, once every block start was seen: the file's end stands for the next one.
        mutating func finish() -> [Shard] {
            place(upTo: size)
            let bounds = [0] + cuts + [size]
            return (1 ..< bounds.count).map { Shard(offset: bounds[$0 - 1], length: bounds[$0] - bounds[$0 - 1]) }
        }
    }
}
