extension Array where Element == UInt8 {
    /// `withUnsafeBytes` for bodies that throw `JACError` (the standard one is untyped).
    @inlinable
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(JACError) -> R) throws(JACError) -> R {
        let result: Result<R, JACError> = withUnsafeBytes { p in
            do throws(JACError) { return .success(try body(p)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
