import Foundation

/// Dates written the French way ("12 mars 2026"), in Europe/Paris.
public enum DateText {
    static let months = (
        fr: [
            "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
            "décembre",
        ],
        en: [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
    )
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    /// The name of a month (1–12): "mars", "March".
    public static func monthName(_ month: Int, lang: Lang) -> String {
        (lang == .fr ? months.fr : months.en)[month - 1]
    }

    /// A day typed as YYYY-MM-DD, written the same way ("1er mars 2027"); the text itself when it is not one.
    public static func day(iso: String, lang: Lang) -> String {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1...12).contains(parts[1]) else { return iso }
        let month = (lang == .fr ? months.fr : months.en)[parts[1] - 1]
        return lang == .fr
            ? "\(parts[2])\(parts[2] == 1 ? "er" : "") \(month) \(parts[0])" : "\(month) \(parts[2]), \(parts[0])"
    }

    public static func day(_ date: Date, lang: Lang) -> String {
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        let month = (lang == .fr ? months.fr : months.en)[(parts.month ?? 1) - 1]
        return lang == .fr
            ? "\(parts.day ?? 1)\(parts.day == 1 ? "er" : "") \(month) \(parts.year ?? 2026)"
            : "\(month) \(parts.day ?? 1), \(parts.year ?? 2026)"
    }

    /// The day of `date` in Paris as YYYY-MM-DD.
    public static func isoDay(_ date: Date) -> String {
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
