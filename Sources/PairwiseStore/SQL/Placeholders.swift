import Foundation

/// Rewrites SQLite placeholders (`?`, `?N`) to PostgreSQL's (`$N`), leaving string
/// literals, quoted identifiers and comments alone. Statements without arguments are not
/// rewritten (so `$$`-quoted function bodies in the schema pass untouched).
enum Placeholders {
    /// `?, ?, …`: `count` placeholders, for an IN list or a row of values.
    static func list(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }

    static func postgres(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var chars = Array(sql.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if SQLText.copyQuotedRun(c, from: &chars, to: &out) { continue }
            switch c {
            case "?":
                var digits = ""
                while let d = chars.first, ("0"..."9").contains(d) {
                    digits.unicodeScalars.append(d)
                    chars.removeFirst()
                }
                if digits.isEmpty {
                    out += "$\(next)"
                    next += 1
                } else {
                    out += "$" + digits
                }
            default:
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}

/// Splits a script into its statements at the semicolons outside quotes, comments and
/// `$$` bodies: PostgreSQL's extended protocol (postgres-nio's only one) runs one statement
/// per message.
enum SQLScript {
    static func statements(_ script: String) -> [String] {
        var statements: [String] = [], current = ""
        var chars = Array(script.unicodeScalars)[...]
        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty && !statement.split(separator: "\n").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }) {
                statements.append(statement)
            }
            current = ""
        }
        while let c = chars.popFirst() {
            if SQLText.copyQuotedRun(c, from: &chars, to: &current) { continue }
            switch c {
            case "$" where chars.first == "$":
                // A dollar-quoted body runs to the next `$$`.
                chars.removeFirst()
                current += "$$"
                while let d = chars.popFirst() {
                    current.unicodeScalars.append(d)
                    if d == "$" && chars.first == "$" {
                        chars.removeFirst()
                        current.unicodeScalars.append("$")
                        break
                    }
                }
            case ";":
                flush()
            default:
                current.unicodeScalars.append(c)
            }
        }
        flush()
        return statements
    }
}

enum SQLText {
    /// When `c` opens a quoted run (`'…'`, `"…"`) or a `--` comment, copies it whole to
    /// `out` (a doubled quote stays inside) and returns true; else copies nothing.
    static func copyQuotedRun(_ c: Unicode.Scalar, from chars: inout ArraySlice<Unicode.Scalar>, to out: inout String) -> Bool {
        let end: Unicode.Scalar
        switch c {
        case "'", "\"": end = c
        case "-" where chars.first == "-": end = "\n"
        default: return false
        }
        out.unicodeScalars.append(c)
        while let d = chars.popFirst() {
            out.unicodeScalars.append(d)
            if d == end { break }
        }
        return true
    }
}
