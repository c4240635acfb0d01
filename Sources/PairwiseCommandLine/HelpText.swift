/// Help text for `--help`, written in the source as wrapped paragraphs.
public enum Help {
    /// Joins each paragraph's lines into one, so that the help wraps at the terminal's width
    /// and not twice (mid-sentence) at ours and then its. Indented lines (examples, lists)
    /// and blank lines stay as they are.
    public static func text(_ source: String) -> String {
        var out: [String] = []
        var joinable = false
        for line in source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let plain = !line.isEmpty && !line.hasPrefix(" ") && !line.hasPrefix("- ")
            if plain && joinable && !out.isEmpty && !out[out.count - 1].hasSuffix(":") {
                out[out.count - 1] += " " + line
            } else {
                out.append(line)
            }
            joinable = plain || (line.hasPrefix("- ") && !line.isEmpty)
        }
        return out.joined(separator: "\n")
    }
}

extension String {
    /// The text padded with spaces to `width` characters (as it is when longer), for columns.
    public func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
