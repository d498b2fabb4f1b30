import ArgumentParser

// The closed sets of option values, as enums: --help lists them, ArgumentParser refuses others
// (a usage error), and the generated completions offer them.

/// `--codec` of `jac pack` and `jac-squeeze`.
enum CodecName: String, CaseIterable, ExpressibleByArgument {
    case zstd, lz4, none
}

/// `--duplicate-keys` of `jac pack` and `jac-squeeze`.
enum DuplicateKeysName: String, CaseIterable, ExpressibleByArgument {
    case error, last
}

/// `--format` of `jac unpack`.
enum UnpackFormat: String, CaseIterable, ExpressibleByArgument {
    case ndjson
    case jsonArray = "json-array"
    case auto
}

/// `--format` of `jac cat`.
enum CatFormat: String, CaseIterable, ExpressibleByArgument {
    case ndjson
    case jsonArray = "json-array"
    case csv, values
}

/// `--format` of `jac ls`.
enum ListFormat: String, CaseIterable, ExpressibleByArgument {
    case table, json
}
