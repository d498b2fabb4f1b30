import CLZMA
import CZlib
import CZstd
import JACWire

import Glibc

/// Reads JSON input that may arrive compressed: gzip (multi-member too), zstd (concatenated
/// frames too) or xz, recognised by its first bytes (never by its name), is decompressed on the
/// fly; anything else passes through as read(2) gives it. Memory is fixed in bytes: a 256 KiB
/// input buffer and the decoder's state (zstd windows up to 128 MiB, xz up to a 128 MiB
/// memory limit; larger ones are refused). Used as `ByteSource`'s read function.
public final class DecompressingReader {
    public enum Format: String, Sendable {
        case plain, gzip, zstd, xz
    }

    /// The input's name in messages.
    public let name: String
    /// Known from the first read on.
    public private(set) var format: Format?
    private let input: UnsafeMutableRawPointer
    private static let inputBytes = 256 << 10
    private var inStart = 0
    private var inEnd = 0
    private var inputEnded = false
    /// A gzip member, a zstd frame or the xz streams just ended: a clean place for the input to end.
    private var streamEnded = false
    private var gzip: UnsafeMutablePointer<z_stream>?
    private var zstd: OpaquePointer?
    private var xz: UnsafeMutablePointer<lzma_stream>?
    /// zstd's window and xz's memory limit.
    static let maxDecoderBytes = 128 << 20

    public init(name: String) {
        self.name = name
        input = UnsafeMutableRawPointer.allocate(byteCount: DecompressingReader.inputBytes, alignment: 16)
    }

    deinit {
        if let gzip {
            inflateEnd(gzip)
            gzip.deallocate()
        }
        if let zstd { ZSTD_freeDCtx(zstd) }
        if let xz {
            lzma_end(xz)
            xz.deallocate()
        }
        input.deallocate()
    }

    /// The format that `bytes`, the first bytes of an input, announce.
    public static func format(of bytes: UnsafeRawBufferPointer) -> Format {
        func starts(_ magic: [UInt8]) -> Bool { bytes.count >= magic.count && bytes.prefix(magic.count).elementsEqual(magic) }
        if starts([0x1f, 0x8b]) { return .gzip }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        // A zstd skippable frame: 0x184D2A50 to 0x184D2A5F, little-endian.
        if bytes.count >= 4 && bytes[0] & 0xf0 == 0x50 && bytes[1] == 0x2a && bytes[2] == 0x4d && bytes[3] == 0x18 { return .zstd }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        return .plain
    }

    /// Whether the regular file at `path` starts like gzip, zstd or xz (so its size says little
    /// about its text's).
    public static func isCompressed(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 6)
        let n = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 6) }
        return n > 0 && head.withUnsafeBytes { format(of: UnsafeRawBufferPointer(rebasing: $0[..<n])) } != .plain
    }

    /// Reads up to `count` bytes of text from `fd` into `buffer`; 0 at the end of the text.
    public func read(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws(JACError) -> Int {
        if format == nil { try start(fd) }
        if format == .plain {
            guard inStart == inEnd else {
                let n = min(count, inEnd - inStart)
                buffer.copyMemory(from: input + inStart, byteCount: n)
                inStart += n
                return n
            }
            return try rawRead(fd, buffer, count)
        }
        var produced = 0
        while produced == 0 {
            if inStart == inEnd && !inputEnded {
                inStart = 0
                inEnd = try rawRead(fd, input, DecompressingReader.inputBytes)
                inputEnded = inEnd == 0
            }
            let atEnd = inStart == inEnd && inputEnded
            if streamEnded {
                if atEnd { return 0 }
                streamEnded = false
                if let gzip { inflateReset(gzip) }
            }
            let (used, made) = try step(input + inStart, inEnd - inStart, buffer + produced, count - produced, finish: atEnd)
            inStart += used
            produced += made
            if !streamEnded && used == 0 && made == 0 {
                if atEnd { throw JACError(.unexpectedEOF, "\(name): \(format!.rawValue) input is cut short (truncated)") }
                if inStart < inEnd { throw corrupt("no progress") }
            }
        }
        return produced
    }

    /// Reads the first bytes, picks the format and sets up its decoder.
    private func start(_ fd: Int32) throws(JACError) {
        while inEnd < 6 {
            let n = try rawRead(fd, input + inEnd, DecompressingReader.inputBytes - inEnd)
            if n == 0 {
                inputEnded = true
                break
            }
            inEnd += n
        }
        let detected = DecompressingReader.format(of: UnsafeRawBufferPointer(start: input, count: inEnd))
        switch detected {
        case .plain: break
        case .gzip:
            let z = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
            z.initialize(to: z_stream())
            gzip = z
            // 15 + 16: a 32 KiB window, gzip wrapper only.
            guard inflateInit2_(z, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw JACError(.decompressError, "\(name): cannot start the gzip decoder")
            }
        case .zstd:
            zstd = ZSTD_createDCtx()
            // 2^27 bytes: `maxDecoderBytes`.
            guard let zstd, ZSTD_isError(ZSTD_DCtx_setParameter(zstd, ZSTD_d_windowLogMax, 27)) == 0 else {
                throw JACError(.decompressError, "\(name): cannot start the zstd decoder")
            }
        case .xz:
            let x = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
            x.initialize(to: lzma_stream())
            xz = x
            // LZMA_CONCATENATED (0x08): a file of several .xz streams, as xz(1) reads it.
            guard lzma_stream_decoder(x, UInt64(DecompressingReader.maxDecoderBytes), 0x08) == LZMA_OK else {
                throw JACError(.decompressError, "\(name): cannot start the xz decoder")
            }
        }
        format = detected
    }

    /// One call of the decoder: input bytes used and text bytes made; sets `streamEnded`.
    private func step(_ src: UnsafeMutableRawPointer, _ srcCount: Int, _ dst: UnsafeMutableRawPointer, _ dstCount: Int,
                      finish: Bool) throws(JACError) -> (used: Int, made: Int) {
        if let gzip {
            gzip.pointee.next_in = src.assumingMemoryBound(to: Bytef.self)
            gzip.pointee.avail_in = UInt32(srcCount)
            gzip.pointee.next_out = dst.assumingMemoryBound(to: Bytef.self)
            gzip.pointee.avail_out = UInt32(min(dstCount, Int(UInt32.max)))
            let r = inflate(gzip, Z_NO_FLUSH)
            let used = srcCount - Int(gzip.pointee.avail_in), made = min(dstCount, Int(UInt32.max)) - Int(gzip.pointee.avail_out)
            switch r {
            case Z_STREAM_END: streamEnded = true
            case Z_OK, Z_BUF_ERROR: break
            default: throw corrupt(gzip.pointee.msg.map { String(cString: $0) } ?? "error \(r)")
            }
            return (used, made)
        }
        if let zstd {
            var inBuffer = ZSTD_inBuffer(src: src, size: srcCount, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: dst, size: dstCount, pos: 0)
            let r = ZSTD_decompressStream(zstd, &outBuffer, &inBuffer)
            if ZSTD_isError(r) != 0 { throw corrupt(String(cString: ZSTD_getErrorName(r))) }
            // 0: a frame is decoded and flushed whole.
            if r == 0 { streamEnded = true }
            return (inBuffer.pos, outBuffer.pos)
        }
        let x = xz!
        x.pointee.next_in = UnsafePointer(src.assumingMemoryBound(to: UInt8.self))
        x.pointee.avail_in = srcCount
        x.pointee.next_out = dst.assumingMemoryBound(to: UInt8.self)
        x.pointee.avail_out = dstCount
        let r = lzma_code(x, finish ? LZMA_FINISH : LZMA_RUN)
        let used = srcCount - x.pointee.avail_in, made = dstCount - x.pointee.avail_out
        switch r {
        case LZMA_OK, LZMA_BUF_ERROR: break
        case LZMA_STREAM_END: streamEnded = true
        case LZMA_MEMLIMIT_ERROR: throw corrupt("needs more than \(DecompressingReader.maxDecoderBytes >> 20) MiB to decode")
        case LZMA_FORMAT_ERROR, LZMA_OPTIONS_ERROR: throw corrupt("unsupported xz format or options")
        case LZMA_DATA_ERROR: throw corrupt("compressed data is corrupt")
        default: throw corrupt("error \(r.rawValue)")
        }
        return (used, made)
    }

    private func corrupt(_ detail: String) -> JACError {
        JACError(.decompressError, "\(name): corrupt \(format?.rawValue ?? "compressed") input (\(detail))")
    }

    private func rawRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) throws(JACError) -> Int {
        var got: Int
        repeat { got = Glibc.read(fd, buffer, count) } while got < 0 && errno == EINTR
        if got < 0 { throw JACError(.io, "\(name): read failed: \(String(cString: strerror(errno)))") }
        return got
    }
}
