import Foundation

/// French full-text search without a search engine: words are lower-cased, stripped of accents,
/// of elisions (l', d') and of the plural marks, and stored as terms; a query matches the
/// proposals that hold every one of its terms. "Médecins" and "medecin" both give "medecin".
public enum SearchTerms {
    static let stopWords: Set<String> = [
        "le", "la", "les", "un", "une", "des", "de", "du", "et", "ou", "a", "au", "aux", "en", "dans", "pour",
        "par", "sur", "avec", "sans", "ce", "ces", "cet", "cette", "que", "qui", "ne", "pas", "plus", "se", "sa",
        "son", "ses", "leur", "leurs", "nos", "notre", "vos", "votre", "il", "elle", "ils", "elles", "on", "nous",
        "vous", "je", "tu", "est", "sont", "etre", "avoir", "the", "of", "and", "to", "in", "for",
    ]

    /// The terms of a text, each once, in order of appearance.
    static let french = Locale(identifier: "fr_FR")

    public static func terms(of text: String, limit: Int = 400) -> [String] {
        guard !text.isEmpty else { return [] }
        // Plain ASCII (most searches) needs no Unicode folding: lower-cased byte by byte.
        let folded =
            text.utf8.allSatisfy({ $0 < 0x80 })
            ? String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
            : text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: french)
                .lowercased()
                .replacingOccurrences(of: "œ", with: "oe").replacingOccurrences(of: "æ", with: "ae")
        var seen = Set<String>()
        var out: [String] = []
        var word = ""
        func flush() {
            defer { word = "" }
            guard let term = stem(word), !seen.contains(term) else { return }
            seen.insert(term)
            out.append(term)
        }
        for scalar in folded.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else {
                flush()
                if out.count >= limit { break }
            }
        }
        flush()
        return Array(out.prefix(limit))
    }

    /// A light French stemmer: plural endings only (médecins → medecin, hôpitaux → hopital).
    static func stem(_ raw: String) -> String? {
        var word = raw
        guard word.count >= 2, !stopWords.contains(word) else { return nil }
        if word.count > 4, word.hasSuffix("aux") {
            word = String(word.dropLast(3)) + "al"
        } else if word.count > 3, word.hasSuffix("eaux") {
            word = String(word.dropLast(1))
        } else if word.count > 3, word.hasSuffix("s") || word.hasSuffix("x") {
            word = String(word.dropLast())
        }
        return String(word.prefix(40))
    }

    /// The common elements of two ascending lists of positions (a search index's postings), in one pass.
    public static func intersect(_ a: [Int32], _ b: [Int32]) -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }
}
