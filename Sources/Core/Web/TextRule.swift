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
