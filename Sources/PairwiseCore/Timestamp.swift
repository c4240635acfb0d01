import Foundation

/// Timestamps as stored and exported: ISO 8601 in UTC with milliseconds
/// (`2026-11-23T01:02:03.456Z`), which sort as text. Written and read by hand (exports
/// handle hundreds of thousands); other ISO 8601 forms are read with Foundation.
public enum Timestamp {
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    public static func string(_ date: Date) -> String {
        // 10 µs of slack before truncating, so a time parsed from a string (ms / 1000, which
        // may fall a hair below the millisecond in binary) prints as that same millisecond.
        let scaled = (date.timeIntervalSince1970 * 1000 + 0.01).rounded(.down)
        guard scaled.isFinite, abs(scaled) < 9e15 else { return date.formatted(style) }
        let totalMilliseconds = Int64(scaled)
        guard (0..<253_402_300_800_000).contains(totalMilliseconds) else { return date.formatted(style) }
        let days = totalMilliseconds / 86_400_000, inDay = totalMilliseconds % 86_400_000
        let (year, month, day) = civil(fromDays: days)
        var bytes = [UInt8](repeating: 0, count: 24)
        func put(_ value: Int64, at offset: Int, digits: Int) {
            var v = value
            for k in stride(from: offset + digits - 1, through: offset, by: -1) { bytes[k] = UInt8(48 + v % 10); v /= 10 }
        }
        put(year, at: 0, digits: 4); bytes[4] = 45
        put(month, at: 5, digits: 2); bytes[7] = 45
        put(day, at: 8, digits: 2); bytes[10] = 84
        put(inDay / 3_600_000, at: 11, digits: 2); bytes[13] = 58
        put(inDay / 60_000 % 60, at: 14, digits: 2); bytes[16] = 58
        put(inDay / 1000 % 60, at: 17, digits: 2); bytes[19] = 46
        put(inDay % 1000, at: 20, digits: 3); bytes[23] = 90
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func date(_ string: String) -> Date? {
        var text = string
        return text.withUTF8 { fastDate($0) } ?? (try? style.parse(string))
    }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ` exactly, or nil.
    private static func fastDate(_ b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count == 24, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 46, b[23] == 90 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int64? {
            var v: Int64 = 0
            for k in from..<(from + count) {
                guard (48...57).contains(b[k]) else { return nil }
                v = v * 10 + Int64(b[k] - 48)
            }
            return v
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
              let minute = number(14, 2), let second = number(17, 2), let milli = number(20, 3),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let ms = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + milli
        return Date(timeIntervalSince1970: Double(ms) / 1000)
    }

    /// The day (days since 1970-01-01, UTC) of a stored timestamp, from its leading
    /// `YYYY-MM-DD`; nil when it does not start with one.
    public static func dayNumber(_ string: String) -> Int32? {
        var text = string
        return text.withUTF8 { dayNumber(utf8: $0) }
    }

    /// The day of a stored timestamp's UTF-8 bytes (see `dayNumber(_:)`).
    public static func dayNumber(utf8 b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard b.count >= 10, b[4] == 45, b[7] == 45 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for k in from..<(from + count) {
                guard (48...57).contains(b[k]) else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            return v
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2) else { return nil }
        return dayNumber(year: year, month: month, day: day)
    }

    /// The day number of a calendar date, nil when it is not one.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int32? {
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
        return Int32(daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day)))
    }

    /// `YYYY-MM-DD` of a day number.
    public static func dayString(_ day: Int32) -> String {
        let (y, m, d) = civil(fromDays: Int64(day))
        return String(format: "%04lld-%02lld-%02lld", y, m, d)
    }

    /// The Monday starting the week of a day number (1970-01-01 was a Thursday).
    public static func weekStart(_ day: Int32) -> Int32 {
        let sinceMonday = (Int(day) + 3) % 7
        return day - Int32(sinceMonday < 0 ? sinceMonday + 7 : sinceMonday)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The inverse of `daysFromCivil`.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
