import Foundation

/// A required, trimmed, bounded text field: the rule of names, aliases and titles.
public enum TextRule {
    public static func required(_ fields: [String: String], _ key: String, maxLength: Int, errors: inout FormErrors,
                                lang: Lang, missing: Text) -> String {
        let value = (fields[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if value.isEmpty {
            errors.add(key, missing.in(lang))
        } else if value.count > maxLength {
            errors.add(key, Text("\(maxLength) caractères au plus.", "\(maxLength) characters at most.").in(lang))
        }
        return value
    }
}
