import JACWire

/// Runs a decoder over `bytes` and returns its error kind, or nil when it succeeds.
func errorKind<R>(_ bytes: [UInt8], _ decode: (UnsafeRawBufferPointer) throws(JACError) -> R) -> JACError.Kind? {
    do throws(JACError) {
        _ = try bytes.withBytes { (p) throws(JACError) in try decode(p) }
        return nil
    } catch {
        return error.kind
    }
}

/// Parses hex such as "4a 41 43 01".
func hex(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { UInt8($0, radix: 16)! }
}
