import Foundation

/// The one rule for a person's name, wherever it comes from (`annotators add`, `--as`,
/// `--labels-as`, an imported file's `annotator`): 1 to 63 bytes of UTF-8 (a PostgreSQL
/// login is at most 63 bytes: a longer name would be cut into another), no control or
/// format characters, no space at either end.
public enum PersonName {
    public static let maximumBytes = 63

    /// What is wrong with `name`, or nil when it is a valid name.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "a name may not be empty" }
        if name.utf8.count > maximumBytes { return "a name has at most \(maximumBytes) bytes of UTF-8 (this one has \(name.utf8.count))" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return "a name may not hold control characters"
        }
        if name.trimmingCharacters(in: .whitespaces) != name { return "a name may not start or end with a space" }
        return nil
    }
}
