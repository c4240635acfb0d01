/// Rewrites SQLite placeholders (`?`, `?N`) to PostgreSQL's (`$N`), leaving string
/// literals, quoted identifiers and comments alone. Statements without arguments are not
/// rewritten (so `$$`-quoted function bodies in the schema pass untouched).
enum Placeholders {
    static func postgres(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var next = 1
        var chars = Array(sql.unicodeScalars)[...]
        while let c = chars.popFirst() {
            switch c {
            case "'", "\"":
                // A quoted run ends at the same quote (a doubled quote stays inside).
                out.unicodeScalars.append(c)
                while let d = chars.popFirst() {
                    out.unicodeScalars.append(d)
                    if d == c { break }
                }
            case "-" where chars.first == "-":
                out.unicodeScalars.append(c)
                while let d = chars.popFirst() {
                    out.unicodeScalars.append(d)
                    if d == "\n" { break }
                }
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
