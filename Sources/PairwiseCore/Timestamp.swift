import Foundation

/// Timestamps as stored and exported: ISO 8601 in UTC with milliseconds, which sort as text.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func string(_ date: Date) -> String { date.formatted(style) }

    public static func date(_ string: String) -> Date? { try? style.parse(string) }
}
