import JACCodec
import JACWire
import Testing

/// A column's nested values checked in parts (`checkNested`, then `finishNested`), as
/// `jac unpack` does for a large field on several threads, give what the one-pass decode
/// gives: the same text, and for damaged values the same first error.
struct NestedCheckTests {
    /// One field over `values.count` records, each present with its object or array text.
    static func column(_ values: [String], trailing: [UInt8] = [], checkingNested: Bool) throws(JACError) -> FieldColumn {
        let texts = values.map { Array($0.utf8) }
        let isObject = texts.map { $0.first == UInt8(ascii: "{") }
        var payload = [UInt8](repeating: 0, count: (values.count + 7) / 8)
        for r in values.indices { payload[r >> 3] |= 1 << UInt8(r & 7) }
        BitPacking.appendTags(isObject.map { $0 ? TypeTag.object.rawValue : TypeTag.array.rawValue }, to: &payload)
        for wanted in [true, false] {
            for (text, object) in zip(texts, isObject) where object == wanted {
                Varint.append(text.count, to: &payload)
                payload += text
            }
        }
        payload += trailing
        let entry = FieldDirectoryEntry(
            name: Array("f".utf8), compressor: 0, level: 0, presenceBytes: (values.count + 7) / 8,
            tagBytes: (3 * values.count + 7) / 8, valueCountPresent: values.count, encodingFlags: 0, dictEntryCount: 0,
            uncompressedLength: payload.count, compressedLength: payload.count, segmentOffset: 0)
        return try FieldColumn(entry: entry, recordCount: values.count, payload: payload, checkingNested: checkingNested)
    }

    static func text(_ column: FieldColumn) -> String {
        var writer = RecordWriter(columns: [column])
        var out: [UInt8] = []
        var first = true
        _ = writer.write(upTo: column.recordCount, layout: .ndjson, first: &first, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Cuts of `n` values: one part, three uneven ones, one per value.
    static func cuts(_ n: Int) -> [[Range<Int>]] {
        [[0 ..< n], [0 ..< 1, 1 ..< 70, 70 ..< n], (0 ..< n).map { $0 ..< $0 + 1 }]
    }

    /// Objects and arrays, some stored with whitespace (another writer's), over more than two
    /// 64-value words of a part's bits.
    @Test func partsGiveTheOnePassText() throws {
        let values = (0 ..< 150).map { r in
            let spaced = r % 4 == 1
            return r % 3 == 0 ? (spaced ? "[ \(r) , [ ] ]" : "[\(r),[]]") : (spaced ? "{ \"v\" : \(r) }" : "{\"v\":\(r)}")
        }
        let whole = NestedCheckTests.text(try NestedCheckTests.column(values, checkingNested: true))
        let expected = values.indices.map { r in r % 3 == 0 ? "{\"f\":[\(r),[]]}\n" : "{\"f\":{\"v\":\(r)}}\n" }.joined()
        #expect(whole == expected)
        for cut in NestedCheckTests.cuts(values.count) {
            var column = try NestedCheckTests.column(values, checkingNested: false)
            #expect(column.nestedCount == values.count)
            try column.finishNested(cut.map(column.checkNested))
            #expect(NestedCheckTests.text(column) == expected, "\(cut.count) parts")
        }
    }

    /// The first damaged value in payload order fails, whichever part holds it; bytes left
    /// over after the values fail only when no value does.
    @Test(arguments: [
        ([10: "{1}", 100: "[\u{1}]"], false),
        ([10: "{1}", 100: "[\u{1}]"], true),
        ([120: "[1,]", 20: "{\"a\" 1}"], false),
        ([:], true),
    ])
    func firstErrorIsTheOnePassError(damage: [Int: String], leftover: Bool) throws {
        var values = (0 ..< 150).map { $0 % 2 == 0 ? "[\($0)]" : "{\"v\":\($0)}" }
        for (r, text) in damage { values[r] = text }
        let trailing: [UInt8] = leftover ? [0x00] : []
        func failure(_ body: () throws(JACError) -> Void) -> String? {
            do throws(JACError) {
                try body()
                return nil
            } catch {
                return "\(error.kind) \(error.message)"
            }
        }
        let onePass = failure { () throws(JACError) in
            _ = try NestedCheckTests.column(values, trailing: trailing, checkingNested: true)
        }
        #expect(onePass != nil)
        for cut in NestedCheckTests.cuts(values.count) {
            #expect(failure { () throws(JACError) in
                var column = try NestedCheckTests.column(values, trailing: trailing, checkingNested: false)
                try column.finishNested(cut.map(column.checkNested))
            } == onePass, "\(cut.count) parts")
        }
    }
}
