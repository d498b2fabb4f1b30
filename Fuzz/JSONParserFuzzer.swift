// libFuzzer target: the JSON side. The input is JSON text (seeds: the NDJSON and JSON-array
// inputs in ../shared/vectors). It is cut into records by jac-split's `Splitter` (its record
// scanner) at two read sizes, which must cut it the same way; each record is parsed by
// `RecordParser` (a fresh one and one reused across records: the same), written back with
// `JSONWriter` and parsed again (same fields), minified
// (idempotently), and encoded into a block and decoded again (same records). The whole input is
// also given to the parser as one record, to the minifier as one value, to the UTF-8
// validator (which must agree with the standard library's), to the decoder's checks of strings
// and nested text (whose SSE2 paths must agree with the portable ones), to the SSE2 copy and
// skips of plain string bytes (which must agree with the byte-at-a-time ones), and to the record
// scanner's SSE2 and AVX2 scans (which must agree with its byte loop). A `JACError` is the expected answer
// to invalid JSON; a crash, a trap, a hang, unbounded memory, or a round trip that changes a
// value is a finding.
import CJACScan
import JACCodec
import JACJSON
import JACPipeline
import JACWire

nonisolated(unsafe) private let input = ScratchFile("json")
/// Kept across records and inputs, as the encoder's parser is: it recognizes keys the record
/// before had by their bytes, and must read every record as a fresh parser does.
nonisolated(unsafe) private var reused = RecordParser()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = [UInt8](fuzzInput: data, size)
    input.store(bytes)

    bytes.withUnsafeBytes { p in
        if UTF8Validator.isValidUTF8(p) != (String(validating: p, as: UTF8.self) != nil) {
            finding("UTF8Validator and the standard library disagree")
        }
        var parser = RecordParser()
        _ = try? parser.parse(p, line: 1, column: 1)
        var minified: [UInt8] = []
        if (try? RecordParser.minify(p, into: &minified)) != nil {
            checkMinified(minified, of: p)
        }
        if p.count <= 4096, UTF8Validator.isValidUTF8(p) { checkString(p) }
        if UTF8Validator.checkString(p) != UTF8Validator.checkStringPortable(p) {
            finding("checkString's vector and portable paths disagree")
        }
        if CanonicalJSON.isCanonical(p) != CanonicalJSON.isCanonicalPortable(p) {
            finding("isCanonical's vector and portable paths disagree")
        }
        checkPlainCopy(p)
        checkRecordScan(p)
    }

    // `jac-split`: the cut must not depend on how the input arrives (in one read, or 61 bytes
    // at a time).
    let cut = split(mode: .auto, chunkSize: size + 1)
    let cutSmall = split(mode: .auto, chunkSize: 61)
    switch (cut, cutSmall) {
    case (.success(let a), .success(let b)):
        if a.chunks != b.chunks { finding("the splitter cuts differently when the input arrives in small reads") }
    case (.failure(let a), .failure(let b)):
        if a != b { finding("the splitter fails differently with small reads: \(a) / \(b)") }
    default:
        finding("the splitter succeeds with one read size and fails with another")
    }
    // The other container mode than the one detected.
    if case .success(let a) = cut {
        _ = split(mode: a.mode == .jsonArray ? .ndjson : .jsonArray, chunkSize: size + 1)
    }

    guard case .success(let split) = cut else { return 0 }
    var block: [RawChunk] = []
    for chunk in split.chunks {
        chunk.text.withUnsafeBytes { text in
            for r in 0 ..< chunk.recordCount {
                checkRecord(UnsafeRawBufferPointer(rebasing: text[chunk.range(of: r)]))
            }
        }
        block.append(chunk)
        if chunk.isLast {
            RoundTrip.check(block, variant: chunk.block)
            block = []
        }
    }
    return 0
}

/// `jac-split`'s chunks of raw blocks (small ones, so that blocks and chunks get cut).
private func split(mode: InputMode, chunkSize: Int) -> Result<(mode: InputMode, chunks: [RawChunk]), JACError> {
    var options = SplitOptions()
    options.mode = mode
    options.blockRecords = 16
    options.chunkBytes = 300
    let splitter = Splitter(source: input.source(chunkSize: chunkSize), options: options)
    do throws(JACError) {
        let detected = try splitter.detectMode()
        var chunks: [RawChunk] = []
        while let chunk = try splitter.next() { chunks.append(chunk) }
        return .success((detected, chunks))
    } catch {
        return .failure(error)
    }
}

/// Minified text is canonical: minifying it again changes nothing, and it equals the original.
private func checkMinified(_ minified: [UInt8], of text: UnsafeRawBufferPointer) {
    var again: [UInt8] = []
    do throws(JACError) {
        try minified.withBytes { (p) throws(JACError) in try RecordParser.minify(p, into: &again) }
        guard again == minified else { finding("minifying minified JSON changes it") }
        guard try minified.withBytes({ (p) throws(JACError) in try JSONEquivalence.equal(p, text) }) else {
            finding("minified JSON is not equivalent to its source")
        }
    } catch {
        finding("minified JSON does not parse: \(error)")
    }
}

/// `record` parsed; a finding when it does not parse (it was written by our own code).
private func parsed(_ record: [UInt8], _ what: String) -> RecordParser {
    var parser = RecordParser()
    do throws(JACError) {
        try record.withBytes { (p) throws(JACError) in try parser.parse(p, line: 1, column: 1) }
    } catch {
        finding("\(what) does not parse: \(error)")
    }
    return parser
}

/// Any valid UTF-8 written as a JSON string by `JSONWriter` parses back to the same bytes.
private func checkString(_ bytes: UnsafeRawBufferPointer) {
    var record: [UInt8] = Array("{\"s\":".utf8)
    JSONWriter.appendString(bytes, to: &record)
    record.append(0x7D)
    let parser = parsed(record, "a string JSONWriter wrote")
    guard parser.fields.count == 1, parser.fields[0].kind == .string,
          parser.scratch[parser.fields[0].payload].elementsEqual(bytes) else {
        finding("a string JSONWriter wrote parses to other bytes")
    }
}

/// One record from the splitter: parsed, written back with `JSONWriter`, parsed again.
private func checkRecord(_ record: UnsafeRawBufferPointer) {
    var parser = RecordParser()
    let fresh = Result { () throws(JACError) in try parser.parse(record, line: 1, column: 1) }
    let second = Result { () throws(JACError) in try reused.parse(record, line: 1, column: 1) }
    switch (fresh, second) {
    case (.success, .success):
        guard parser.fields.count == reused.fields.count,
              zip(parser.fields, reused.fields).allSatisfy({ a, b in
                  parser.scratch[a.key] == reused.scratch[b.key] && a.kind == b.kind && a.bool == b.bool && a.int == b.int
                      && parser.scratch[a.payload] == reused.scratch[b.payload] && a.negative == b.negative && a.exponent == b.exponent
              })
        else { finding("a reused parser reads a record otherwise than a fresh one") }
    case (.failure(let a), .failure(let b)):
        if a != b { finding("a reused parser fails otherwise than a fresh one: \(a) / \(b)") }
    default:
        finding("a reused parser and a fresh one disagree on whether a record parses")
    }
    guard case .success = fresh else { return }
    var minified: [UInt8] = []
    if (try? RecordParser.minify(record, into: &minified)) != nil {
        checkMinified(minified, of: record)
    } else {
        finding("a record the parser accepts does not minify")
    }
    let scratch = parser.scratch
    var rebuilt: [UInt8] = [0x7B]
    scratch.withUnsafeBytes { s in
        for (i, f) in parser.fields.enumerated() {
            if i > 0 { rebuilt.append(0x2C) }
            JSONWriter.appendString(UnsafeRawBufferPointer(rebasing: s[f.key]), to: &rebuilt)
            rebuilt.append(0x3A)
            switch f.kind {
            case .null: rebuilt += Array("null".utf8)
            case .bool: rebuilt += Array((f.bool ? "true" : "false").utf8)
            case .int: JSONWriter.appendInt(f.int, to: &rebuilt)
            case .decimal:
                JSONWriter.appendDecimal(negative: f.negative, digits: UnsafeRawBufferPointer(rebasing: s[f.payload]),
                                         exponent: f.exponent, to: &rebuilt)
            case .string: JSONWriter.appendString(UnsafeRawBufferPointer(rebasing: s[f.payload]), to: &rebuilt)
            case .object, .array: rebuilt += scratch[f.payload]
            }
        }
    }
    rebuilt.append(0x7D)
    let again = parsed(rebuilt, "a record written back by JSONWriter")
    guard again.fields.count == parser.fields.count else { finding("a record written back has other fields") }
    for (a, b) in zip(parser.fields, again.fields) {
        guard scratch[a.key] == again.scratch[b.key] else { finding("a key changed in the round trip") }
        let same: Bool
        switch (a.kind, b.kind) {
        case (.null, .null): same = true
        case (.bool, .bool): same = a.bool == b.bool
        case (.string, .string), (.object, .object), (.array, .array): same = scratch[a.payload] == again.scratch[b.payload]
        case (.int, .int), (.int, .decimal), (.decimal, .int), (.decimal, .decimal):
            same = number(a, scratch) == number(b, again.scratch)
        default: same = false
        }
        guard same else { finding("a value of kind \(a.kind) changed in the round trip") }
    }
}

private func number(_ f: JSONField, _ scratch: [UInt8]) -> JSONEquivalence.ExactNumber {
    if f.kind == .int {
        return JSONEquivalence.ExactNumber(negative: f.int < 0, digits: String(f.int.magnitude).utf8, exponent: 0)
    }
    return JSONEquivalence.ExactNumber(negative: f.negative, digits: scratch[f.payload], exponent: Int(f.exponent))
}

/// `jac_copy_plain` (SSE2 here) stops at the first byte `jac_copy_plain_bytes` stops at, or at
/// the end of the last whole 16 bytes before it, and copies what it passes; the skips agree.
private func checkPlainCopy(_ p: UnsafeRawBufferPointer) {
    guard let base = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    var vector = [UInt8](repeating: 0, count: p.count), bytes = vector
    let v = jac_copy_plain(base, p.count, &vector)
    let b = jac_copy_plain_bytes(base, p.count, &bytes)
    let whole = p.count - p.count % 16
    #if arch(x86_64)
    let expected = min(b, whole)
    #else
    let expected = b
    #endif
    if v != expected || vector[..<v] != bytes[..<v] { finding("jac_copy_plain stopped at \(v), the byte loop at \(b)") }
    // The skips that only look: `jac_skip_plain` stops where the copy stops, and
    // `jac_skip_plain_in` where the byte loop stops, from any place.
    if jac_skip_plain(base, p.count) != v { finding("jac_skip_plain stopped at another byte than jac_copy_plain") }
    for i in Set([0, 1, p.count / 2, max(0, p.count - 15), p.count]) where i <= p.count {
        let expected = jac_skip_plain_bytes(base + i, p.count - i)
        if jac_skip_plain_in(base, i, p.count) != expected { finding("jac_skip_plain_in from \(i) stopped elsewhere than the byte loop") }
    }
}

/// The record scanner's vector scans (`jac_record_scan_sse2`, `jac_record_scan_avx2` where the
/// CPU has it) end where `jac_record_scan_bytes` ends, in the same state, on the input taken as
/// record bytes from each start state, in one call and in two (cut where the first byte says).
private func checkRecordScan(_ p: UnsafeRawBufferPointer) {
    guard let base = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
    let n = p.count
    let cut = Int(base[0]) * n / 256
    for (depth, inString, escaped) in [(1, 0, 0), (3, 0, 0), (1, 1, 0), (2, 1, 1)] {
        let start = jac_record_scan_state(depth: Int64(depth), newlines: 0, last_newline: -1,
                                          in_string: UInt8(inString), escaped: UInt8(escaped))
        var expected = start
        let end = jac_record_scan_bytes(base, 0, n, &expected)
        var scans: [(String, (UnsafePointer<UInt8>, Int, Int, UnsafeMutablePointer<jac_record_scan_state>) -> Int)] = []
        #if arch(x86_64)
        scans.append(("SSE2", jac_record_scan_sse2))
        if jac_record_scan_has_avx2() != 0 { scans.append(("AVX2", jac_record_scan_avx2)) }
        #endif
        for (name, scan) in scans {
            for parts in [[0, n], [0, cut, n]] {
                var state = start
                var at = parts[0]
                for k in 1 ..< parts.count where state.depth != 0 { at = scan(base, at, parts[k], &state) }
                if at != end || state.depth != expected.depth || state.newlines != expected.newlines
                    || state.last_newline != expected.last_newline || state.in_string != expected.in_string
                    || state.escaped != expected.escaped {
                    finding("jac_record_scan_\(name) ends at \(at), the byte loop at \(end) (parts \(parts), start depth \(depth))")
                }
            }
        }
    }
}
