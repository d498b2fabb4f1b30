import CLZ4
import CZstd
import JACWire

/// Compresses field segment payloads. Holds a libzstd context for reuse, so keep one per thread.
///
/// zstd output is one frame made the way the reference does (doc/format.md §6.10): streaming with only
/// the level set, input fed with "continue", closed with an empty "end". The frame therefore has
/// no content size and no checksum, and its bytes depend only on the payload and level.
public final class SegmentCompressor {
    private let zstd: OpaquePointer

    public init() {
        guard let ctx = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
        zstd = ctx
    }

    deinit { ZSTD_freeCCtx(zstd) }

    public func compress(_ payload: UnsafeRawBufferPointer, codec: Codec) throws(JACError) -> [UInt8] {
        switch codec.id {
        case .none: return Array(payload)
        case .zstd: return try compressZstd(payload, level: Int32(codec.level))
        case .lz4: return try compressLZ4(payload, level: Int32(codec.level))
        }
    }

    public func compress(_ payload: [UInt8], codec: Codec) throws(JACError) -> [UInt8] {
        try payload.withBytes { (p) throws(JACError) in try compress(p, codec: codec) }
    }

    private func compressZstd(_ payload: UnsafeRawBufferPointer, level: Int32) throws(JACError) -> [UInt8] {
        ZSTD_CCtx_reset(zstd, ZSTD_reset_session_and_parameters)
        try check(ZSTD_CCtx_setParameter(zstd, ZSTD_c_compressionLevel, level))
        let capacity = ZSTD_compressBound(payload.count) + 64
        var failure: JACError?
        let out = filledBytes(capacity: capacity) { dst in
            var output = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
            var input = ZSTD_inBuffer(src: payload.baseAddress, size: payload.count, pos: 0)
            while input.pos < input.size {
                let r = ZSTD_compressStream2(zstd, &output, &input, ZSTD_e_continue)
                if ZSTD_isError(r) != 0 { failure = zstdError(r); return 0 }
            }
            var empty = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
            while true {
                let r = ZSTD_compressStream2(zstd, &output, &empty, ZSTD_e_end)
                if ZSTD_isError(r) != 0 { failure = zstdError(r); return 0 }
                if r == 0 { return output.pos }
            }
        }
        if let failure { throw failure }
        return out
    }

    private func compressLZ4(_ payload: UnsafeRawBufferPointer, level: Int32) throws(JACError) -> [UInt8] {
        guard payload.count <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw JACError(.limitExceeded, "segment too large for lz4")
        }
        if payload.isEmpty { return [] }
        let capacity = Int(LZ4_compressBound(Int32(payload.count)))
        let out = filledBytes(capacity: capacity) { dst in
            let src = payload.baseAddress!.assumingMemoryBound(to: CChar.self)
            let d = dst.baseAddress!.assumingMemoryBound(to: CChar.self)
            let n = level > 2
                ? LZ4_compress_HC(src, d, Int32(payload.count), Int32(capacity), level)
                : LZ4_compress_default(src, d, Int32(payload.count), Int32(capacity))
            return max(0, Int(n))
        }
        guard !out.isEmpty else { throw JACError(.io, "lz4 compression failed") }
        return out
    }
}

/// Decompresses segments, never producing more than the directory says the payload holds.
/// Holds a libzstd context for reuse: keep one per thread.
public final class SegmentDecompressor {
    private let zstd: OpaquePointer

    public init() {
        guard let ctx = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx: out of memory") }
        zstd = ctx
    }

    deinit { ZSTD_freeDCtx(zstd) }

    /// `compressor` is the raw id byte of a directory entry; ids we do not know are an error here,
    /// only when the field is actually decoded (doc/format.md §4.3).
    public func decompress(_ data: UnsafeRawBufferPointer, compressor: UInt8,
                           expectedLength: Int) throws(JACError) -> [UInt8] {
        switch CompressorID(rawValue: compressor) {
        case .some(.none):
            guard data.count == expectedLength else {
                throw JACError(.corruptBlock, "stored segment is \(data.count) bytes, directory says \(expectedLength)")
            }
            return Array(data)
        case .some(.zstd): return try decompressZstd(data, expectedLength: expectedLength)
        case .some(.lz4): return try decompressLZ4(data, expectedLength: expectedLength)
        case nil:
            let name = compressor == 2 ? " (brotli)" : compressor == 3 ? " (deflate)" : ""
            throw JACError(.unsupportedCompression, "unsupported compressor id \(compressor)\(name)")
        }
    }

    private func decompressZstd(_ data: UnsafeRawBufferPointer, expectedLength: Int) throws(JACError) -> [UInt8] {
        ZSTD_DCtx_reset(zstd, ZSTD_reset_session_only)
        // One spare byte: a frame that produces more than declared fills it and is rejected.
        var failure: JACError?
        let out = filledBytes(capacity: expectedLength + 1) { dst in
            var output = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
            var input = ZSTD_inBuffer(src: data.baseAddress, size: data.count, pos: 0)
            var last = 0
            while input.pos < input.size {
                let before = (input.pos, output.pos)
                last = ZSTD_decompressStream(zstd, &output, &input)
                if ZSTD_isError(last) != 0 { failure = JACError(.decompressError, zstdName(last)); return 0 }
                if output.pos > expectedLength {
                    failure = JACError(.corruptBlock, "segment decompresses to more than the declared \(expectedLength) bytes")
                    return 0
                }
                if before == (input.pos, output.pos) { break }
            }
            if last != 0 || data.isEmpty {
                failure = JACError(.decompressError, "zstd data is truncated")
                return 0
            }
            return output.pos
        }
        if let failure { throw failure }
        guard out.count == expectedLength else {
            throw JACError(.corruptBlock, "segment decompresses to \(out.count) bytes, directory says \(expectedLength)")
        }
        return out
    }

    private func decompressLZ4(_ data: UnsafeRawBufferPointer, expectedLength: Int) throws(JACError) -> [UInt8] {
        if expectedLength == 0, data.isEmpty { return [] }
        guard data.count <= Int(Int32.max), expectedLength <= Int(LZ4_MAX_INPUT_SIZE) else {
            throw JACError(.limitExceeded, "lz4 segment too large")
        }
        let out = filledBytes(capacity: expectedLength) { dst in
            guard let src = data.baseAddress else { return 0 }
            let n = LZ4_decompress_safe(src.assumingMemoryBound(to: CChar.self),
                                        dst.baseAddress!.assumingMemoryBound(to: CChar.self),
                                        Int32(data.count), Int32(expectedLength))
            return n < 0 ? 0 : Int(n)
        }
        guard out.count == expectedLength else {
            throw JACError(.decompressError, "lz4 data is damaged or not \(expectedLength) bytes long")
        }
        return out
    }
}

/// The libzstd version the binary runs with, e.g. 10504 for 1.5.4 (byte identity with the
/// reference vectors holds only for that version).
public var zstdVersionNumber: Int { Int(ZSTD_versionNumber()) }

/// An array of up to `capacity` bytes that `fill` writes, returning how many it wrote. It is not
/// zeroed first: zeroing a segment-sized buffer touches every page the codec may never use.
private func filledBytes(capacity: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: max(capacity, 1)) { buffer, count in
        count = fill(UnsafeMutableRawBufferPointer(start: buffer.baseAddress, count: capacity))
    }
}

private func zstdName(_ code: Int) -> String { "zstd: " + String(cString: ZSTD_getErrorName(code)) }

private func zstdError(_ code: Int) -> JACError { JACError(.io, zstdName(code)) }

private func check(_ code: Int) throws(JACError) {
    if ZSTD_isError(code) != 0 { throw zstdError(code) }
}

/// Memory a zstd compression context takes at `level` for inputs of unknown size, rounded up
/// from libzstd's parameter tables (its exact estimator is not in the stable API).
public func zstdContextBytes(level: Int) -> Int {
    switch level {
    case ...6: 8 << 20
    case ...12: 48 << 20
    case ...19: 160 << 20
    default: 640 << 20
    }
}
