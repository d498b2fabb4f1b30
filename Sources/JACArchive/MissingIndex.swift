import JACWire

/// An archive whose file header announces an index footer (flag bit 5) but that ends without a
/// valid one after its last whole block: it was cut short (as a killed `jac pack` leaves it,
/// between two blocks or right after the header) or its end is damaged. Readers refuse it;
/// salvage reports it.
public struct MissingIndex: Sendable, Equatable {
    /// What is wrong with the bytes after the last block; nil when there are none.
    public var damage: String?
    /// Whole blocks before the end, and the offset where the last of them (or the header) ends.
    public var blocks: Int
    public var end: Int

    public init(damage: String?, blocks: Int, end: Int) {
        self.damage = damage
        self.blocks = blocks
        self.end = end
    }

    /// Where the archive stops and what is missing there, in words.
    public var description: String {
        let place = blocks == 0 ? "right after the file header (offset \(end)), before any whole block"
            : "after block \(blocks - 1), which ends at offset \(end)"
        guard let damage else { return "cut short \(place): the file header announces an index footer and none follows" }
        return "\(damage) \(place), where the file header announces an index footer"
    }

    /// The error readers give: names the file and how to get the whole blocks back.
    public func error(file: String) -> JACError {
        JACError(damage == nil ? .unexpectedEOF : .corruptIndex,
                 "\(file): \(description); jac unpack --salvage recovers the whole blocks")
    }
}
