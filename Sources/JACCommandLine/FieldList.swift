import JACWire

/// The value of `jac cat -F`: field names separated by commas, where `\,` is a comma inside a
/// name and `\\` a backslash, so every name (commas, dots, brackets, the empty name) can be
/// written. A list of n unescaped commas names n + 1 fields; `-F ''` is the empty name.
enum FieldList {
    static func names(_ value: String) throws(JACError) -> [[UInt8]] {
        var names: [[UInt8]] = []
        var name: [UInt8] = []
        var escaped = false
        for b in value.utf8 {
            if escaped {
                guard b == UInt8(ascii: ",") || b == UInt8(ascii: "\\") else {
                    throw JACError(.usage, "--field \"\(value)\": a backslash must be followed by ',' or '\\' (write '\\\\' for a backslash)")
                }
                name.append(b)
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else if b == UInt8(ascii: ",") {
                names.append(name)
                name.removeAll()
            } else {
                name.append(b)
            }
        }
        guard !escaped else {
            throw JACError(.usage, "--field \"\(value)\": ends with a lone backslash (write '\\\\' for a backslash)")
        }
        names.append(name)
        return names
    }
}
