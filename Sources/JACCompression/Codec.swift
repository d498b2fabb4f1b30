import JACWire

/// What a segment is compressed with: a compressor id of the format and its level.
public struct Codec: Equatable, Sendable, CustomStringConvertible {
    public var id: CompressorID
    public var level: Int

    public init(id: CompressorID, level: Int) {
        self.id = id
        self.level = level
    }

    public static let zstdDefault = Codec(id: .zstd, level: 6)

    /// The level byte stored in directory entries and the file header.
    public var levelByte: UInt8 { id == .none ? 0 : UInt8(clamping: level) }

    public var description: String {
        switch id {
        case .none: "none"
        case .zstd: "zstd level \(level)"
        case .lz4: "lz4 level \(level)"
        }
    }

    /// Levels each codec accepts: zstd 1-22 (negative fast levels too), lz4 0-12 (above 2 is HC).
    public func validated() throws(JACError) -> Codec {
        switch id {
        case .none: return Codec(id: .none, level: 0)
        case .zstd:
            guard (-7 ... 22).contains(level), level != 0 else {
                throw JACError(.usage, "zstd level must be 1 to 22 (or -7 to -1), not \(level)")
            }
        case .lz4:
            guard (0 ... 12).contains(level) else { throw JACError(.usage, "lz4 level must be 0 to 12, not \(level)") }
        }
        return self
    }
}
