import Foundation

/// Dates written the French way ("12 mars 2026"), in Europe/Paris.
public enum DateText {
    static let months = (
        fr: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
        en: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"])
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    public static func day(_ date: Date, lang: Lang) -> String {
        let parts = calendar.dateComponents([.day, .month, .year], from: date)
        let month = (lang == .fr ? months.fr : months.en)[(parts.month ?? 1) - 1]
        return lang == .fr ? "\(parts.day ?? 1)\(parts.day == 1 ? "er" : "") \(month) \(parts.year ?? 2026)" : "\(month) \(parts.day ?? 1), \(parts.year ?? 2026)"
    }
}
