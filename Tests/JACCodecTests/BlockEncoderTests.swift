import JACCodec
import JACJSON
import JACWire
import Testing

/// Payload bytes and directory values against doc/format.md's worked examples (§10) and encoder rules.
struct BlockEncoderTests {
    /// doc/format.md §10's sample with keys already sorted per record (our encoder keeps input key
    /// order), so the field order is the reference's `level, msg, ts, user, error`.
    static let sample = [
        #"{"level":"INFO","msg":"Started","ts":1623000000,"user":"alice"}"#,
        #"{"level":"INFO","msg":"Step1","ts":1623000005,"user":"alice"}"#,
        #"{"level":"WARN","msg":"Low disk","ts":1623000010,"user":"bob"}"#,
        #"{"error":"Disk failure","ts":1623000020,"user":"carol"}"#,
    ]

    @Test func workedExamplePayloads() throws {
        let blocks = try encode(Self.sample)
        try #require(blocks.count == 1)
        let b = blocks[0]
        #expect(b.recordCount == 4)
        #expect(b.fields.map { String(decoding: $0.name, as: UTF8.self) } == ["level", "msg", "ts", "user", "error"])
        let expected: [(flags: UInt64, dict: Int, vcp: Int, tagBytes: Int, payload: String)] = [
            (1, 2, 3, 2, "07 24 01 04 49 4e 46 4f 04 57 41 52 4e 00 00 01"),
            (0, 0, 3, 2, "07 24 01 07 53 74 61 72 74 65 64 05 53 74 65 70 31 08 4c 6f 77 20 64 69 73 6b"),
            (2, 0, 4, 2, "0f 92 04 80 8f e8 8b 0c 0a 0a 14"),
            (0, 0, 4, 2, "0f 24 09 05 61 6c 69 63 65 05 61 6c 69 63 65 03 62 6f 62 05 63 61 72 6f 6c"),
            (1, 1, 1, 1, "08 04 0c 44 69 73 6b 20 66 61 69 6c 75 72 65 00"),
        ]
        for (f, e) in zip(b.fields, expected) {
            let name = String(decoding: f.name, as: UTF8.self)
            #expect(f.encodingFlags == e.flags, "\(name)")
            #expect(f.dictEntryCount == e.dict, "\(name)")
            #expect(f.valueCountPresent == e.vcp, "\(name)")
            #expect(f.presenceBytes == 1, "\(name)")
            #expect(f.tagBytes == e.tagBytes, "\(name)")
            #expect(f.bytes == hex(e.payload), "\(name)")
        }
    }

    /// doc/format.md §6.2: canonicalize-keys sorts the directory.
    @Test func canonicalKeysSortTheDirectory() throws {
        var options = EncodingOptions()
        options.canonicalizeKeys = true
        let names = try encode(Self.sample, options: options)[0].fields.map { String(decoding: $0.name, as: UTF8.self) }
        #expect(names == ["error", "level", "msg", "ts", "user"])
    }

    /// doc/format.md §10.7: part order, dictionary of strings only, objects then arrays. Nested
    /// values are given with sorted keys and `2.5` since we keep nested text as written.
    @Test func mixedColumnPayload() throws {
        let values = [#"{"a":1,"b":2}"#, #"[1,2.5,"x"]"#, #""s""#, #"{"z":{"y":[true,null]}}"#, "[]", "true",
                      "false", "null", nil, "7", #""s""#]
        let lines = values.map { v in v.map { #"{"v":\#($0)}"# } ?? "{}" }
        let f = try #require(try field("v", of: lines))
        #expect(f.encodingFlags == 1)
        #expect(f.dictEntryCount == 1)
        #expect(f.valueCountPresent == 10)
        #expect(f.bytes == hex("""
            ff 06 35 eb 04 22 01 73 01 0e 00 00 \
            0d 7b 22 61 22 3a 31 2c 22 62 22 3a 32 7d \
            17 7b 22 7a 22 3a 7b 22 79 22 3a 5b 74 72 75 65 2c 6e 75 6c 6c 5d 7d 7d \
            0b 5b 31 2c 32 2e 35 2c 22 78 22 5d 02 5b 5d
            """))
    }

    /// Values of every length to 17 and of lengths whose varints take one, two and three bytes
    /// (the column buffers' counted appends, and their growth past several times their first
    /// capacity), and booleans across byte boundaries, laid out exactly as doc/format.md §5 says.
    @Test func longValuesAndBooleansLayOut() throws {
        let lengths = Array(0 ... 17) + [127, 128, 300, 16383, 16384, 70000, 5]
        let bools = lengths.map { $0 % 3 == 1 || $0 > 100 }
        let strings = lengths.enumerated().map { i, n in
            String((0 ..< n).map { Character(Unicode.Scalar(UInt8(0x41 + (i + $0) % 26))) })
        }
        let lines = zip(strings, bools).map { #"{"s":"\#($0)","b":\#($1),"a":["\#($0)"]}"# }
        let blocks = try encode(lines)
        let fields = try #require(blocks.first?.fields)
        #expect(fields.map(\.encodingFlags) == [0, 0, 0])
        func varint(_ n: Int) -> [UInt8] {
            var v = n
            var out: [UInt8] = []
            while v >= 0x80 {
                out.append(UInt8(v & 0x7F) | 0x80)
                v >>= 7
            }
            return out + [UInt8(v)]
        }
        /// `bits` packed LSB first.
        func pack(_ bits: [Bool]) -> [UInt8] {
            (0 ..< (bits.count + 7) / 8).map { b in
                (0 ..< 8).reduce(UInt8(0)) { byte, j in 8 * b + j < bits.count && bits[8 * b + j] ? byte | 1 << j : byte }
            }
        }
        /// One 3-bit tag `t` per value.
        func tags(_ t: Int) -> [UInt8] { pack(lengths.flatMap { _ in (0 ..< 3).map { t >> $0 & 1 == 1 } }) }
        let presence = pack(lengths.map { _ in true })
        #expect(fields[0].bytes == presence + tags(4) + strings.flatMap { varint($0.utf8.count) + Array($0.utf8) })
        #expect(fields[1].bytes == presence + tags(1) + pack(bools))
        #expect(fields[2].bytes == presence + tags(6) + strings.flatMap { varint($0.utf8.count + 4) + Array("[\"\($0)\"]".utf8) })
    }

    /// doc/format.md §6.6: dictionary iff U ≤ min(L, max(2, floor(S/8))), strings only.
    @Test(arguments: [
        (["a", "b", "a"], 4096, true), (["a", "b", "c"], 4096, false),
        (Array(repeating: ["a", "b", "c", "a", "a", "a", "a", "a"], count: 2).flatMap { $0 }, 4096, false),
        (Array(repeating: ["a", "b", "c", "a", "a", "a", "a", "a"], count: 3).flatMap { $0 }, 4096, true),
        (Array(repeating: ["a", "b", "c", "a", "a", "a", "a", "a"], count: 3).flatMap { $0 }, 2, false),
        (["only"], 4096, true), (["a", "a"], 0, false),
    ])
    func dictionaryThreshold(strings: [String], maxDictEntries: Int, dictionary: Bool) throws {
        var options = EncodingOptions()
        options.maxDictEntries = maxDictEntries
        // Non-string values in between must not count towards S.
        let lines = strings.flatMap { [#"{"f":"\#($0)"}"#, #"{"f":1}"#, #"{"f":[1]}"#] }
        let f = try #require(try field("f", of: lines, options: options))
        #expect((f.encodingFlags & 1 != 0) == dictionary)
        #expect(f.dictEntryCount == (dictionary ? Set(strings).count : 0))
        #expect(try decode(encode(lines, options: options)) == Array(lines.joined(separator: "\n").utf8) + [0x0A])
    }

    /// doc/format.md §6.7: strictly increasing with delta spread under half the range; an
    /// overflowing difference means plain.
    @Test(arguments: [
        ([Int64(1), 2, 3], true), ([1, 2, 4], true), ([1, 2, 3, 5], true), ([1, 2, 100], false),
        ([10, 10], false), ([5, 4], false), ([7], false), ([-9_000_000_000_000_000_000, 9_000_000_000_000_000_000], false),
        ([Int64.min, -1, Int64.max], false),
    ])
    func deltaRule(ints: [Int64], delta: Bool) throws {
        let lines = ints.flatMap { [#"{"n":\#($0)}"#, #"{"n":"x"}"#] }
        let f = try #require(try field("n", of: lines))
        #expect((f.encodingFlags & 2 != 0) == delta)
        #expect(try decode(encode(lines)) == Array(lines.joined(separator: "\n").utf8) + [0x0A])
    }

    @Test func duplicateKeysAreAnErrorByDefault() throws {
        let lines = [#"{"a":1,"b":2,"a":3}"#]
        #expect(errorKind { _ = try encode(lines) } == .json)
        var options = EncodingOptions()
        options.duplicateKeys = .last
        #expect(try decode(encode(lines, options: options)) == Array(#"{"a":3,"b":2}"#.utf8) + [0x0A])
    }

    /// The reference reader refuses blocks with more than 4,096 fields (doc/format.md §8).
    @Test func aRecordWithTooManyKeysFailsClearly() throws {
        let record = "{" + (0 ... 4096).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        do {
            _ = try encode([#"{"a":1}"#, record])
            Issue.record("a record with 4097 keys was accepted")
        } catch let error as JACError {
            #expect(error.kind == .limitExceeded)
            #expect(error.message.contains("4096"))
            #expect(error.message.contains("line 2"))
        }
    }

    @Test func blocksAreCutBeforeExceeding4096Fields() throws {
        let lines = (0 ..< 3).map { r in "{" + (0 ..< 2000).map { #""r\#(r)k\#($0)":\#($0)"# }.joined(separator: ",") + "}" }
        let blocks = try encode(lines)
        #expect(blocks.map(\.recordCount) == [2, 1])
        #expect(blocks.allSatisfy { $0.fields.count <= 4096 })
        #expect(try decode(blocks) == Array(lines.joined(separator: "\n").utf8) + [0x0A])
    }

    @Test func recordsPerBlockOptionCutsBlocks() throws {
        var options = EncodingOptions()
        options.maxRecordsPerBlock = 2
        let lines = (0 ..< 5).map { #"{"i":\#($0)}"# }
        #expect(try encode(lines, options: options).map(\.recordCount) == [2, 2, 1])
    }

    /// Values over 16 MiB are refused (doc/format.md §8), naming the record's line.
    @Test func oversizedStringFails() throws {
        let big = Array(#"{"s":""#.utf8) + [UInt8](repeating: 0x78, count: 17 << 20) + Array(#""}"#.utf8)
        do {
            _ = try encode(bytes: [Array(#"{"a":1}"#.utf8), big])
            Issue.record("a 17 MiB string was accepted")
        } catch let error as JACError {
            #expect(error.kind == .limitExceeded)
            #expect(error.message.contains("line 2"))
        }
    }
}

/// The encoder stays inside every limit its readers check (Limits.swift), whatever the options
/// ask: at a limit a block is written, past it the block is cut or the record refused.
struct EncoderLimitTests {
    /// 128 distinct strings, then the empty string (dictionary entry 128: a 2-byte index where
    /// the raw string takes 1 byte) many times: the laid-out payload outgrows the projection.
    static let lines: [String] = (0 ..< 2000).map { i in i < 128 ? #"{"s":"x\#(i)"}"# : #"{"s":""}"# }

    @Test func aSegmentOverTheLimitAfterLayoutIsCut() throws {
        let whole = try encode(Self.lines)
        try #require(whole.count == 1 && whole[0].fields[0].encodingFlags == FieldDirectoryEntry.dictionaryFlag)
        let actual = whole[0].fields[0].bytes.count
        var options = EncodingOptions()
        options.segmentMaxBytes = actual
        #expect(try encode(Self.lines, options: options).count == 1)
        options.segmentMaxBytes = actual - 1
        let cut = try encode(Self.lines, options: options)
        #expect(cut.count == 2 && cut.map(\.recordCount) == [1000, 1000])
        #expect(cut.allSatisfy { $0.limitProblem(segmentLimit: actual - 1) == nil })
        #expect(try decode(cut) == Array(Self.lines.joined(separator: "\n").utf8) + [0x0A])
        // Encoded in chunks and joined (jac-squeeze's way), the same blocks.
        let encoder = BlockEncoder(options: options)
        let chunks = ChunkedEncodingTests.chunks(Self.lines, chunkBytes: 700)
        #expect(ChunkedEncodingTests.flatten(try ChunkedEncodingTests.chunked(chunks, encoder: encoder)) == ChunkedEncodingTests.flatten(cut))
    }

    /// A dictionary never has more than 4,096 entries, even when the option asks for more.
    @Test(arguments: [(4096, true), (4097, false)])
    func dictionaryEntriesStayInsideTheLimit(distinct: Int, dictionary: Bool) throws {
        var options = EncodingOptions()
        options.maxDictEntries = 10_000
        let lines = (0 ..< 40_000).map { #"{"s":"v\#($0 % distinct)"}"# }
        let blocks = try encode(lines, options: options)
        try #require(blocks.count == 1)
        let f = blocks[0].fields[0]
        #expect((f.encodingFlags & FieldDirectoryEntry.dictionaryFlag != 0) == dictionary)
        #expect(f.dictEntryCount == (dictionary ? distinct : 0))
        #expect(blocks[0].limitProblem(segmentLimit: Limits.defaultSegmentMaxBytes) == nil)
    }

    /// A block never holds more than 100,000 records, even when the option asks for more.
    @Test func recordsPerBlockStayInsideTheLimit() throws {
        var options = EncodingOptions()
        options.maxRecordsPerBlock = 200_000
        let lines = [String](repeating: #"{"a":1}"#, count: Limits.maxRecordsPerBlock + 1)
        #expect(try encode(lines, options: options).map(\.recordCount) == [Limits.maxRecordsPerBlock, 1])
    }

    /// A field name of 16 MiB is stored; one byte more is refused, naming the record's line.
    @Test func fieldNameLimit() throws {
        func record(_ n: Int) -> [UInt8] { Array(#"{""#.utf8) + [UInt8](repeating: 0x6b, count: n) + Array(#"":1}"#.utf8) }
        let ok = try encode(bytes: [Array(#"{"a":1}"#.utf8), record(Limits.maxFieldNameBytes)])
        #expect(ok.count == 1 && ok[0].fields[1].name.count == Limits.maxFieldNameBytes)
        do {
            _ = try encode(bytes: [Array(#"{"a":1}"#.utf8), record(Limits.maxFieldNameBytes + 1)])
            Issue.record("a field name over 16 MiB was accepted")
        } catch let error as JACError {
            #expect(error.kind == .limitExceeded)
            #expect(error.message == "line 2, column 1: field name of 16777217 bytes exceeds the limit 16777216")
        }
    }

    /// The check on laid-out blocks, at the real limits: segment length, and the 256 MiB of
    /// payload per block (two fields of 128 MiB, and one byte more).
    @Test func laidOutBlocksAreCheckedAtTheLimits() {
        func field(_ name: String, _ bytes: Int) -> FieldPayload {
            FieldPayload(name: Array(name.utf8), valueCountPresent: 1, encodingFlags: 0, dictEntryCount: 0,
                         presenceBytes: 1, tagBytes: 1, bytes: [UInt8](repeating: 0, count: bytes))
        }
        let half = Limits.maxBlockUncompressedBytes / 2
        #expect(BlockPayloads(recordCount: 1, fields: [field("a", 1000)]).limitProblem(segmentLimit: 1000) == nil)
        #expect(BlockPayloads(recordCount: 1, fields: [field("a", 1001)]).limitProblem(segmentLimit: 1000)?.contains("segment limit 1000") == true)
        #expect(BlockPayloads(recordCount: 1, fields: [field("a", half), field("b", half)]).limitProblem(segmentLimit: half) == nil)
        let over = BlockPayloads(recordCount: 1, fields: [field("a", half), field("b", half + 1)])
        #expect(over.limitProblem(segmentLimit: half + 1) == "a block of 268435457 payload bytes exceeds the limit 268435456")
        #expect(BlockPayloads(recordCount: 100_001, fields: []).limitProblem(segmentLimit: 1000) != nil)
    }
}
