import JACArchive

import Glibc

/// What the shells offer after `jac cat -F`: the field names of the first archive named on the
/// command line, written as `-F` reads them (`\,` and `\\` escaped), each after the names the
/// word already lists. Only a regular file is opened (a pipe or a terminal would wait), and
/// only its block headers are read.
enum FieldCompletion {
    static func offers(words: [String], prefix: String) -> [String] {
        // bash passes the word as typed and puts the offers through `compgen -W` (which removes
        // one level of quoting) into the line as they are: unquote the word, quote the offers
        // twice (a word typed with backslashes or quotes matches nothing, as compgen compares
        // the offers with it unquoted). zsh and fish quote the offers themselves.
        guard getenv("SAP_SHELL").map({ String(cString: $0) }) == "bash" else { return offers(words: words, typed: prefix) }
        return offers(words: words, typed: unquoted(prefix)).map { bashWord(bashWord($0)) }
    }

    private static func offers(words: [String], typed prefix: String) -> [String] {
        guard let names = words.dropFirst().lazy.compactMap(fieldNames).first else { return [] }
        // The names listed before the last unescaped comma stay as they are.
        var head = prefix.startIndex
        var escaped = false
        for i in prefix.indices {
            if escaped {
                escaped = false
            } else if prefix[i] == "\\" {
                escaped = true
            } else if prefix[i] == "," {
                head = prefix.index(after: i)
            }
        }
        let partial = prefix[head...]
        return names.map(escape).filter { $0.hasPrefix(partial) }.map { String(prefix[..<head]) + $0 }
    }

    /// The field names of the archive `word` names, or nil when it names no regular file that
    /// is an archive.
    private static func fieldNames(_ word: String) -> [[UInt8]]? {
        let path = unquoted(word)
        var st = stat()
        guard !path.hasPrefix("-"), stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        return try? ArchiveListing.read(path: path, kinds: false).fields.map(\.name)
    }

    /// A shell word as the command sees it: quotes removed, backslash escapes resolved (the
    /// shells pass words as typed; an unfinished quote counts as closed).
    private static func unquoted(_ word: String) -> String {
        var out = ""
        var quote: Character?
        var escaped = false
        for c in word {
            if escaped {
                out.append(c)
                escaped = false
            } else if let q = quote {
                if c == q { quote = nil } else if c == "\\" && q == "\"" { escaped = true } else { out.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// `text` as one bash word: each character the shell treats specially behind a backslash.
    private static func bashWord(_ text: String) -> String {
        var out = ""
        for c in text {
            if " \t\n'\"\\$`!&;|<>()*?[]{}~#".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    private static func escape(_ name: [UInt8]) -> String {
        var out = ""
        for c in String(decoding: name, as: UTF8.self) {
            if c == "," || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
