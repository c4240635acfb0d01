import Foundation

/// The Markdown people write in prompts and responses, shown as a terminal can: headings
/// without their `#`s (heading style), `**strong**` without its asterisks, list bullets as
/// `•`, pipe tables with aligned columns. Code blocks (between ``` fences) are left as they
/// are (`PanelText` styles them). Only what reads unambiguously is changed: a lone `*` or `_`
/// (arithmetic, identifiers) stays.
enum MarkdownLines {
    /// Logical lines out, each with the style it asks for (nil: the text's own).
    static func render(_ text: String) -> [(text: String, style: Style?)] {
        var out: [(text: String, style: Style?)] = []
        var inCode = false
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var i = 0
        while i < lines.count {
            let line = lines[i]
            let trimmed = line.drop { $0 == " " }
            if trimmed.hasPrefix("```") {
                inCode.toggle()
                out.append((line, nil))
                i += 1
                continue
            }
            if inCode { out.append((line, nil)); i += 1; continue }
            // A pipe table: a row, a separator row, rows.
            if trimmed.hasPrefix("|"), i + 1 < lines.count, isSeparator(lines[i + 1]) {
                var rows = [cells(line)]
                var j = i + 2
                while j < lines.count, lines[j].drop(while: { $0 == " " }).hasPrefix("|") { rows.append(cells(lines[j])); j += 1 }
                let columns = rows.map(\.count).max() ?? 0
                let widths = (0..<columns).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
                func format(_ row: [String]) -> String {
                    (0..<columns).map { c in
                        let cell = c < row.count ? row[c] : ""
                        return c == columns - 1 ? cell : cell + String(repeating: " ", count: widths[c] - cell.count)
                    }.joined(separator: " │ ")
                }
                out.append((format(rows[0]), .bold))
                out.append((widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─"), .dim))
                for row in rows.dropFirst() { out.append((format(row), nil)) }
                lines.replaceSubrange(i..<j, with: [])
                continue
            }
            if let heading = heading(trimmed) {
                out.append((heading, .heading))
            } else {
                out.append((strong(bullet(line)), nil))
            }
            i += 1
        }
        return out
    }

    /// "## Title" → "Title" (ATX headings, levels 1–6).
    static func heading(_ line: Substring) -> String? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        var text = line.dropFirst(hashes).drop { $0 == " " }
        while text.hasSuffix("#") || text.hasSuffix(" ") { text = text.dropLast() }
        return String(text)
    }

    /// "- item", "* item", "+ item" → "• item", indentation kept.
    static func bullet(_ line: String) -> String {
        let indent = line.prefix { $0 == " " }
        let rest = line.dropFirst(indent.count)
        guard let marker = rest.first, "-*+".contains(marker), rest.dropFirst().first == " " else { return line }
        return indent + "•" + rest.dropFirst()
    }

    /// `**text**` and `__text__` without their markers, when they pair up on the line.
    static func strong(_ line: String) -> String {
        var line = line
        for marker in ["**", "__"] {
            let parts = line.components(separatedBy: marker)
            guard parts.count >= 3, parts.count % 2 == 1 else { continue }
            // Only pairs around text (not "** " openers followed by space).
            let paired = stride(from: 1, to: parts.count, by: 2).allSatisfy { !parts[$0].isEmpty && parts[$0].first != " " && parts[$0].last != " " }
            if paired { line = parts.joined() }
        }
        return line
    }

    static func isSeparator(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.contains("-"), trimmed.contains("|") else { return false }
        return trimmed.allSatisfy { "|-: ".contains($0) }
    }

    static func cells(_ line: String) -> [String] {
        var trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("|") { trimmed.removeFirst() }
        if trimmed.hasSuffix("|") { trimmed.removeLast() }
        return trimmed.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
