/// A word as a POSIX shell reads it back unchanged: as it is when it holds only characters
/// no shell treats specially, else in single quotes (a quote inside written `'\''`).
public enum ShellWord {
    static let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:@%+=-,")

    public static func quoted(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy(plain.contains) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
