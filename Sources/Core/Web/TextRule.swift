import Foundation

/// A required, trimmed, bounded text field: the rule of names, aliases and titles.
public enum TextRule {
    public static func required(
        _ fields: [String: String], _ key: String, maxLength: Int, errors: inout FormErrors,
        lang: Lang, missing: Text
    ) -> String {
        let value = (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            errors.add(key, missing.in(lang))
        } else if value.count > maxLength {
            errors.add(key, Text("\(maxLength) caractères au plus.", "\(maxLength) characters at most.").in(lang))
        }
        return value
    }

    /// An optional text: trimmed, nil when empty, an error when too long.
    public static func optional(
        _ fields: [String: String], _ key: String, maxLength: Int, errors: inout FormErrors, lang: Lang
    ) -> String? {
        let value = (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.count > maxLength {
            errors.add(key, Text("\(maxLength) caractères au plus.", "\(maxLength) characters at most.").in(lang))
        }
        return value.isEmpty ? nil : value
    }

    /// An optional calendar day typed as YYYY-MM-DD (what `<input type="date">` sends): nil when
    /// empty, an error when it is not a real day.
    public static func optionalDay(
        _ fields: [String: String], _ key: String, errors: inout FormErrors, lang: Lang
    ) -> String? {
        let value = (fields[key] ?? "").trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty else { return nil }
        guard isDay(value) else {
            errors.add(
                key,
                Text("Indiquez une date valide, par exemple 2027-03-31.", "Enter a valid date, e.g. 2027-03-31.").in(
                    lang))
            return nil
        }
        return value
    }

    /// Whether `text` is a real calendar day written YYYY-MM-DD.
    public static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1...12).contains(m), d >= 1
        else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }
}

/// Finding bytes in a string by a plain loop over its UTF-8 storage: the generic Swift and
/// Foundation searches cost a third of a page's time where this runs on every request (perf).
public enum ByteSearch {
    /// The UTF-8 offset just past the first occurrence of `needle` in `text`, or nil.
    public static func end(of needle: String, in text: String) -> Int? {
        var text = text, needle = needle
        text.makeContiguousUTF8()
        needle.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { haystack -> Int? in
            needle.utf8.withContiguousStorageIfAvailable { pattern -> Int? in
                let n = haystack.count, m = pattern.count
                guard m > 0, m <= n else { return nil }
                let first = pattern[0]
                var i = 0
                while i <= n - m {
                    if haystack[i] == first {
                        var j = 1
                        while j < m, haystack[i + j] == pattern[j] { j += 1 }
                        if j == m { return i + m }
                    }
                    i += 1
                }
                return nil
            } ?? nil
        } ?? nil
    }
}
