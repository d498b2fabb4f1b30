import CJACScan
import JACWire

/// Cuts streaming input into records without parsing them: it follows only strings (with their
/// escapes) and bracket depth, so the splitter can hand whole records to parallel parsers.
/// Numbers, literals and UTF-8 are checked later by `RecordParser`.
///
/// Feeding: call `scan` with a buffer of input. It reports each complete record in it and
/// returns how many leading bytes it consumed. Keep the rest (the start of an unfinished
/// record, unchanged), append more input after it and call again with that buffer; the scanner
/// remembers how far into the unfinished record it got, so each byte is scanned once. Pass
/// `isFinal: true` with the last buffer (possibly empty).
public struct RecordScanner: Sendable {
    public let mode: InputMode
    /// `.ndjson` or `.jsonArray` once known (for `.auto`, after the first non-whitespace byte).
    public private(set) var detectedMode: InputMode?

    private enum State: Sendable {
        case start, detect, betweenRecords
        case beforeArray, arrayFirst, arrayAfterElement, arrayNeedElement, afterArray
        case inRecord
    }

    private var state = State.start
    private var line = 1
    /// Where the current line starts, as an offset from the first byte of the next buffer
    /// (negative once consumed), so a byte's column is its offset minus this plus one.
    private var lineStart = 0
    // An unfinished record: how much of it was scanned, and the scan state there.
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var recordLine = 0
    private var recordColumn = 0

    public init(mode: InputMode) {
        self.mode = mode
        detectedMode = mode == .auto ? nil : mode
    }

    /// Scans `chunk`, calling `record(start, end, line, column)` for each complete record: the
    /// bytes `chunk[start..<end]` run from its `{` through its matching `}`, which is at the
    /// 1-based `line` and byte `column` of the whole input. Returns the bytes consumed.
    public mutating func scan(
        _ chunk: UnsafeRawBufferPointer, isFinal: Bool,
        record: (_ start: Int, _ end: Int, _ line: Int, _ column: Int) throws(JACError) -> Void
    ) throws(JACError) -> Int {
        var consumed = 0
        if let base = chunk.baseAddress {
            consumed = try scan(base.assumingMemoryBound(to: UInt8.self), count: chunk.count,
                                isFinal: isFinal, record: record)
        }
        if isFinal { try finish(at: chunk.count) }
        lineStart -= consumed
        return consumed
    }

    private mutating func scan(
        _ p: UnsafePointer<UInt8>, count n: Int, isFinal: Bool,
        record: (Int, Int, Int, Int) throws(JACError) -> Void
    ) throws(JACError) -> Int {
        var i = 0
        var recordStart = 0
        if state == .start {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            let prefix = min(n, 3)
            if (0 ..< prefix).allSatisfy({ p[$0] == bom[$0] }) {
                if prefix < 3 && !isFinal { return 0 }
                if prefix == 3 { i = 3 }
            }
            leaveStart()
        } else if state == .inRecord {
            precondition(n >= scanned, "scan must be given the unconsumed bytes again")
            i = scanned
        }
        while i < n {
            let b = p[i]
            if state == .inRecord {
                if scanRecord(p, n, &i) {
                    try record(recordStart, i, recordLine, recordColumn)
                    state = detectedMode == .jsonArray ? .arrayAfterElement : .betweenRecords
                }
                continue
            }
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 {
                if b == 0x0A { newline(at: i) }
                i += 1
                continue
            }
            switch state {
            case .detect:
                detectedMode = b == 0x5B ? .jsonArray : .ndjson
                state = b == 0x5B ? .beforeArray : .betweenRecords
                continue
            case .betweenRecords, .arrayFirst, .arrayNeedElement:
                if b == 0x7B {
                    recordStart = i
                    recordLine = line
                    recordColumn = i - lineStart + 1
                    depth = 1
                    inString = false
                    escaped = false
                    state = .inRecord
                } else if state == .arrayFirst && b == 0x5D {
                    state = .afterArray
                } else if state == .arrayNeedElement && b == 0x5D {
                    throw error(at: i, "trailing comma before ']'")
                } else if state == .betweenRecords {
                    throw error(at: i, "expected '{' (a record must be a JSON object)")
                } else {
                    throw error(at: i, "expected '{' (array elements must be JSON objects)")
                }
            case .beforeArray:
                guard b == 0x5B else { throw error(at: i, "expected '[' (JSON array input)") }
                state = .arrayFirst
            case .arrayAfterElement:
                if b == 0x2C {
                    state = .arrayNeedElement
                } else if b == 0x5D {
                    state = .afterArray
                } else {
                    throw error(at: i, "expected ',' or ']' after a record")
                }
            case .afterArray:
                throw error(at: i, "unexpected text after the array's closing ']'")
            case .start, .inRecord:
                preconditionFailure("handled above")
            }
            i += 1
        }
        if state == .inRecord {
            scanned = n - recordStart
            return recordStart
        }
        return n
    }

    /// Scans record bytes from `i` (`jac_record_scan`, 64 bytes at a time); returns true with
    /// `i` just past the closing `}` if the record ends in the buffer, false with `i == n`
    /// (state saved) otherwise.
    @inline(__always)
    private mutating func scanRecord(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) -> Bool {
        var s = jac_record_scan_state(depth: Int64(depth), newlines: 0, last_newline: -1,
                                      in_string: inString ? 1 : 0, escaped: escaped ? 1 : 0)
        i = jac_record_scan(p, i, n, &s)
        if s.newlines > 0 {
            line += Int(s.newlines)
            lineStart = Int(s.last_newline) + 1
        }
        depth = Int(s.depth)
        inString = s.in_string != 0
        escaped = s.escaped != 0
        return depth == 0
    }

    @inline(__always)
    private mutating func newline(at offset: Int) {
        line += 1
        lineStart = offset + 1
    }

    /// Past the optional BOM at the start of the input.
    private mutating func leaveStart() {
        state = switch mode {
        case .auto: .detect
        case .ndjson: .betweenRecords
        case .jsonArray: .beforeArray
        }
    }

    /// Checks that the input may end here, `n` being the final buffer's length.
    private mutating func finish(at n: Int) throws(JACError) {
        if state == .start { leaveStart() }
        switch state {
        case .inRecord:
            throw JACError(.json, "line \(recordLine), column \(recordColumn): input ends inside a record")
        case .beforeArray:
            throw error(at: n, "expected '[' (JSON array input), found the end of the input")
        case .arrayFirst, .arrayAfterElement, .arrayNeedElement:
            throw error(at: n, "input ends before the array's closing ']'")
        case .start, .detect, .betweenRecords, .afterArray:
            break
        }
    }

    private func error(at offset: Int, _ what: String) -> JACError {
        JACError(.json, "line \(line), column \(offset - lineStart + 1): \(what)")
    }
}
