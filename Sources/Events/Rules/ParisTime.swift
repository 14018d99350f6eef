import Core
import Foundation

/// A wall-clock time in Paris, as people type it and read it.
public struct LocalDateTime: Sendable, Equatable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int, hour: Int, minute: Int
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute
    }

    /// "2027-03-28" and "14:30", as `<input type="date">` and `<input type="time">` send them.
    public init?(day: String, time: String) {
        let d = day.split(separator: "-", omittingEmptySubsequences: false)
        let t = time.split(separator: ":", omittingEmptySubsequences: false)
        guard d.count == 3, d[0].count == 4, t.count >= 2, t[0].count <= 2, t[1].count == 2,
            let y = Int(d[0]), let m = Int(d[1]), let dd = Int(d[2]), let h = Int(t[0]), let mi = Int(t[1]),
            (1...12).contains(m), dd >= 1, dd <= ParisTime.daysIn(year: y, month: m), (0...23).contains(h),
            (0...59).contains(mi)
        else { return nil }
        self.init(year: y, month: m, day: dd, hour: h, minute: mi)
    }

    public var dayText: String { String(format: "%04d-%02d-%02d", year, month, day) }
    public var timeText: String { String(format: "%02d:%02d", hour, minute) }
    public var description: String { dayText + " " + timeText }
}

/// Europe/Paris by the EU rule, without the system's time-zone database: UTC+1 in winter, UTC+2
/// from the last Sunday of March at 01:00 UTC to the last Sunday of October at 01:00 UTC.
/// Events are stored in UTC; these pure functions convert both ways and say when a typed time does
/// not exist (the hour skipped in March) — the hour repeated in October is read as its first pass.
public enum ParisTime {
    public enum Failure: Error, Equatable { case skipped }

    /// Days since 1970-01-01 of a civil date (proleptic Gregorian).
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public static func daysIn(year: Int, month: Int) -> Int {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// 0 = Monday … 6 = Sunday.
    public static func weekday(year: Int, month: Int, day: Int) -> Int {
        let days = daysFromCivil(year, month, day)
        return ((days % 7) + 7 + 3) % 7  // 1970-01-01 was a Thursday
    }

    /// The day of the month of the last Sunday of `month`.
    static func lastSunday(year: Int, month: Int) -> Int {
        let last = daysIn(year: year, month: month)
        return last - (weekday(year: year, month: month, day: last) + 1) % 7
    }

    /// Seconds since 1970 of the summer-time changes of a year (both at 01:00 UTC).
    static func changes(year: Int) -> (start: Int, end: Int) {
        let start = daysFromCivil(year, 3, lastSunday(year: year, month: 3)) * 86400 + 3600
        let end = daysFromCivil(year, 10, lastSunday(year: year, month: 10)) * 86400 + 3600
        return (start, end)
    }

    /// The offset from UTC in seconds at an instant: 3600 in winter, 7200 in summer.
    public static func offset(at date: Date) -> Int {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let year = civil(fromDays: Int((Double(seconds) / 86400).rounded(.down))).year
        let change = changes(year: year)
        return seconds >= change.start && seconds < change.end ? 7200 : 3600
    }

    /// The instant of a Paris wall time; `.skipped` for a time that does not exist (02:00–02:59
    /// on the last Sunday of March). A time that happens twice (October) is its first, summer, pass.
    public static func utc(_ local: LocalDateTime) -> Result<Date, Failure> {
        let naive = daysFromCivil(local.year, local.month, local.day) * 86400 + local.hour * 3600 + local.minute * 60
        for offset in [7200, 3600] {
            let candidate = Date(timeIntervalSince1970: TimeInterval(naive - offset))
            if Self.offset(at: candidate) == offset { return .success(candidate) }
        }
        return .failure(.skipped)
    }

    /// The Paris wall time of an instant.
    public static func local(_ date: Date) -> LocalDateTime {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset(at: date)
        let days = Int((Double(seconds) / 86400).rounded(.down))
        let rest = seconds - days * 86400
        let c = civil(fromDays: days)
        return LocalDateTime(year: c.year, month: c.month, day: c.day, hour: rest / 3600, minute: (rest % 3600) / 60)
    }

    /// Midnight starting a Paris day (never skipped: the changes happen at 02:00 and 03:00).
    public static func startOfDay(year: Int, month: Int, day: Int) -> Date {
        (try? utc(LocalDateTime(year: year, month: month, day: day, hour: 0, minute: 0)).get())
            ?? Date(timeIntervalSince1970: 0)
    }

    static let weekdays = (
        fr: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
        en: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    )
    public static func monthName(_ month: Int, french: Bool) -> String {
        DateText.monthName(month, lang: french ? .fr : .en)
    }

    /// "mardi 14 avril 2026, 18 h 30" / "Tuesday, April 14, 2026, 6:30 PM" would be the English way;
    /// we keep the 24-hour clock in both for clarity: "Tuesday 14 April 2026, 18:30".
    public static func longText(_ date: Date, french: Bool) -> String {
        let l = local(date)
        let wd = weekday(year: l.year, month: l.month, day: l.day)
        let time = french ? "\(l.hour) h \(String(format: "%02d", l.minute))" : l.timeText
        if french {
            return
                "\(weekdays.fr[wd]) \(l.day)\(l.day == 1 ? "er" : "") \(monthName(l.month, french: true)) \(l.year), \(time)"
        }
        return "\(weekdays.en[wd]) \(l.day) \(monthName(l.month, french: false)) \(l.year), \(time)"
    }

    public static func timeText(_ date: Date, french: Bool) -> String {
        let l = local(date)
        return french ? "\(l.hour) h \(String(format: "%02d", l.minute))" : l.timeText
    }
}
