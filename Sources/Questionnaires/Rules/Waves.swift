import Core
import Foundation

/// Waves are named periods that never overlap. An answer belongs to the wave running on the day
/// it was given (in Paris); on a day no wave covers (before the first, between two, after the
/// last) it belongs to none: "hors vague". Pure: unit-tested without a server.
public enum Waves {
    /// The wave running on `day` (YYYY-MM-DD), if any.
    public static func running(on day: String, in waves: [WaveRecord]) -> WaveRecord? {
        waves.first { $0.contains(day: day) }
    }

    /// A wave (other than `excluding`) whose period shares at least one day with `starts`…`ends`.
    public static func overlapping(
        starts: String, ends: String, excluding id: Int?, in waves: [WaveRecord]
    ) -> WaveRecord? {
        waves.first { $0.id != id && $0.starts_on <= ends && starts <= $0.ends_on }
    }

    /// A day typed YYYY-MM-DD or DD/MM/YYYY, as YYYY-MM-DD; nil when it is not a real day.
    public static func day(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespaces)
        if TextRule.isDay(value) { return value }
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
            let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        let iso = String(format: "%04d-%02d-%02d", y, m, d)
        return TextRule.isDay(iso) ? iso : nil
    }

    /// The wave a cell of the `vague` column names: by its name (case and accents ignored), else by
    /// its number; `.failure` with the French message when none or several match.
    public static func named(_ text: String, in waves: [WaveRecord]) -> Result<WaveRecord, WaveNameError> {
        let fold = { (s: String) in
            s.trimmingCharacters(in: .whitespaces).folding(
                options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        }
        let wanted = fold(text)
        let byName = waves.filter { fold($0.name) == wanted }
        if byName.count == 1 { return .success(byName[0]) }
        if byName.count > 1 {
            return .failure(
                WaveNameError(
                    message:
                        "Plusieurs vagues s'appellent « \(text) » : écrivez plutôt le numéro de la vague (voir le livre de codes)."
                ))
        }
        if let id = Int(wanted), let wave = waves.first(where: { $0.id == id }) { return .success(wave) }
        let names = waves.map { "« \($0.name) »" }.joined(separator: ", ")
        return .failure(
            WaveNameError(
                message: waves.isEmpty
                    ? "Vague inconnue « \(text) » : ce questionnaire n'a aucune vague, laissez la colonne vide."
                    : "Vague inconnue « \(text) » : écrivez le nom ou le numéro d'une vague du questionnaire (\(names)), ou laissez vide."
            ))
    }

    /// Noon (UTC) of a YYYY-MM-DD day: the same day in Paris, summer or winter.
    public static func noon(_ day: String) -> Date? {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, TextRule.isDay(day) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: 12))
    }

    public struct WaveNameError: Error, Equatable, Sendable { public let message: String }
}
