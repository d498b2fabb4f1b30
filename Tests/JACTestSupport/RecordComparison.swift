/// Compares decoded records with expected ones and names the first difference, so a failing
/// test on thousands of records says which record and why instead of dumping both sides.
public func firstDifference(actual: [JSONValue], expected: [JSONValue]) -> String? {
    for (n, (a, e)) in zip(actual, expected).enumerated() where a != e {
        return "record \(n + 1) differs:\n  got      \(a)\n  expected \(e)"
    }
    guard actual.count == expected.count else {
        return "got \(actual.count) records, expected \(expected.count)"
    }
    return nil
}

/// `firstDifference` of two texts, each NDJSON or one JSON array; a text that does not parse
/// is a difference too. Two NDJSON texts are compared a line at a time, so memory stays at
/// one record's tree even for the largest corpus files.
public func firstDifference(actualText: [UInt8], expectedText: [UInt8]) -> String? {
    do {
        if JSONValue.isArrayText(actualText) || JSONValue.isArrayText(expectedText) {
            return firstDifference(actual: try JSONValue.parseRecords(actualText),
                                   expected: try JSONValue.parseRecords(expectedText))
        }
        let actual = JSONValue.recordLines(actualText)
        let expected = JSONValue.recordLines(expectedText)
        for (n, (a, e)) in zip(actual, expected).enumerated() {
            let av = try JSONValue.parse(a)
            let ev = try JSONValue.parse(e)
            if av != ev { return "record \(n + 1) differs:\n  got      \(av)\n  expected \(ev)" }
        }
        guard actual.count == expected.count else {
            return "got \(actual.count) records, expected \(expected.count)"
        }
        return nil
    } catch {
        return "text does not parse: \(error)"
    }
}
