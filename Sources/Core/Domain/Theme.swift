/// A health theme a territory works on, shared by every room (proposals, committees,
/// questionnaires, events). Stored as a bit of a mask so that one integer filters a list.
///
/// The platform ships eleven themes (`Theme.builtin`, bits 0 to 15 reserved for them); each
/// territory's coordinators rename or hide them and add their own (`ThemeList`, bits 16 to 62),
/// kept in `territory_themes` and read with the territory into the in-memory directory.
public struct Theme: Sendable, Hashable {
    /// The stable key, used in addresses, forms and stored definitions ("acces-aux-soins").
    public let slug: String
    public let bit: Int
    public let label: Text
    public let builtin: Bool

    public init(slug: String, bit: Int, label: Text, builtin: Bool = false) {
        self.slug = slug; self.bit = bit; self.label = label; self.builtin = builtin
    }

    public var rawValue: String { slug }
    public static func == (a: Theme, b: Theme) -> Bool { a.slug == b.slug }
    public func hash(into hasher: inout Hasher) { hasher.combine(slug) }

    private static func make(_ index: Int, _ slug: String, _ fr: String, _ en: String) -> Theme {
        Theme(slug: slug, bit: 1 << index, label: Text(fr, en), builtin: true)
    }

    public static let access = make(0, "acces-aux-soins", "Accès aux soins", "Access to care")
    public static let prevention = make(1, "prevention", "Prévention", "Prevention")
    public static let mentalHealth = make(2, "sante-mentale", "Santé mentale", "Mental health")
    public static let ageing = make(3, "vieillissement", "Bien vieillir", "Ageing well")
    public static let youth = make(4, "jeunesse", "Jeunesse", "Youth")
    public static let environment = make(5, "environnement", "Santé-environnement", "Environmental health")
    public static let mobility = make(6, "mobilite", "Transports et mobilité", "Transport and mobility")
    public static let rights = make(7, "droits-des-patients", "Droits des usagers", "Patients' and users' rights")
    public static let disability = make(8, "handicap", "Handicap", "Disability")
    public static let information = make(9, "information", "Information en santé", "Health information")
    public static let carePathways = make(10, "parcours-de-soins", "Parcours de soins", "Care pathways")

    /// The platform's themes, in the order forms list them.
    public static let builtin: [Theme] = [
        .access, .prevention, .mentalHealth, .carePathways, .rights, .ageing, .youth,
        .environment, .mobility, .disability, .information,
    ]
    /// The first bit a territory's own themes may take, and the last (an Int64 mask).
    public static let firstCustomBit = 16
    public static let lastCustomBit = 62

    /// The platform's themes, for code that has no territory at hand (demo, bench data, tests).
    public static var allCases: [Theme] { builtin }
    public init?(rawValue: String) {
        guard let theme = Theme.builtin.first(where: { $0.slug == rawValue }) else { return nil }
        self = theme
    }

    public static func mask(_ themes: [Theme]) -> Int { themes.reduce(0) { $0 | $1.bit } }
    public static func from(mask: Int) -> [Theme] { ThemeList.builtin.from(mask: mask) }
}

/// A territory's theme list: the platform's themes (renamed or hidden by the territory) and its
/// own. Hidden themes are no longer offered in forms and filters, but things already filed under
/// them keep their label.
public struct ThemeList: Sendable, Equatable {
    /// Every theme, built-in first (in `Theme.builtin` order), then the territory's own by position.
    public let all: [Theme]
    public let hidden: Set<String>

    /// A number that changes when a name, a bit or a hidden flag changes: part of the keys of
    /// pages kept whole, so a renamed theme shows at once.
    public let fingerprint: Int

    public init(all: [Theme], hidden: Set<String>) {
        self.all = all; self.hidden = hidden
        var hasher = Hasher()
        for theme in all {
            hasher.combine(theme.slug); hasher.combine(theme.bit); hasher.combine(theme.label.fr);
            hasher.combine(theme.label.en)
        }
        for slug in hidden.sorted() { hasher.combine(slug) }
        fingerprint = hasher.finalize()
    }
    public static func == (a: ThemeList, b: ThemeList) -> Bool {
        a.hidden == b.hidden
            && a.all.map { [$0.slug, String($0.bit), $0.label.fr, $0.label.en] }
                == b.all.map { [$0.slug, String($0.bit), $0.label.fr, $0.label.en] }
    }

    public static let builtin = ThemeList(all: Theme.builtin, hidden: [])

    /// A territory's list from its rows: overrides of built-in themes (same slug) and its own.
    public static func territory(_ rows: [Row]) -> ThemeList {
        let bySlug = Dictionary(rows.map { ($0.slug, $0) }, uniquingKeysWith: { a, _ in a })
        let builtin = Theme.builtin.map { theme -> Theme in
            guard let row = bySlug[theme.slug] else { return theme }
            return Theme(
                slug: theme.slug, bit: theme.bit, label: Text(row.labelFR, row.labelEN ?? theme.label.en), builtin: true
            )
        }
        let known = Set(Theme.builtin.map(\.slug))
        let own = rows.filter {
            !known.contains($0.slug) && (Theme.firstCustomBit...Theme.lastCustomBit).contains($0.bitIndex)
        }
        .sorted { ($0.position, $0.bitIndex) < ($1.position, $1.bitIndex) }
        .map { Theme(slug: $0.slug, bit: 1 << $0.bitIndex, label: Text($0.labelFR, $0.labelEN ?? $0.labelFR)) }
        return ThemeList(all: builtin + own, hidden: Set(rows.filter(\.hidden).map(\.slug)))
    }

    /// One row of `territory_themes`, as the directory reads it.
    public struct Row: Sendable, Equatable {
        public let slug: String
        public let labelFR: String
        public let labelEN: String?
        public let bitIndex: Int
        public let hidden: Bool
        public let position: Int
        public init(slug: String, labelFR: String, labelEN: String?, bitIndex: Int, hidden: Bool, position: Int) {
            self.slug = slug; self.labelFR = labelFR; self.labelEN = labelEN; self.bitIndex = bitIndex;
            self.hidden = hidden; self.position = position
        }
    }

    /// The themes offered in forms and filters.
    public var visible: [Theme] { all.filter { !hidden.contains($0.slug) } }
    /// The visible themes and those already chosen (a hidden theme stays on what has it), in list order.
    public func offered(keeping chosen: [String]) -> [Theme] {
        let keep = Set(chosen)
        return all.filter { !hidden.contains($0.slug) || keep.contains($0.slug) }
    }
    /// The options of a form's theme list (checkboxes or select), in the visitor's language.
    public func options(keeping chosen: [String] = [], visit: Visit) -> [Form.Option] {
        offered(keeping: chosen).map { Form.Option($0.slug, visit.t($0.label)) }
    }
    public func find(_ slug: String) -> Theme? { all.first { $0.slug == slug } }
    public func from(mask: Int) -> [Theme] { all.filter { mask & $0.bit != 0 } }
    /// The themes named by a form, in list order; unknown slugs are dropped.
    public func parse(_ slugs: [String]) -> [Theme] {
        let wanted = Set(slugs)
        return all.filter { wanted.contains($0.slug) }
    }
    /// The label of a stored slug, or the slug itself when the theme is unknown here.
    public func label(_ slug: String, _ lang: Lang) -> String { find(slug)?.label.in(lang) ?? slug }

    /// The next free bit for a territory's own theme, or nil when all are taken.
    public func nextBit() -> Int? {
        let used = Set(all.map(\.bit))
        return (Theme.firstCustomBit...Theme.lastCustomBit).first { !used.contains(1 << $0) }
    }
}

/// The rules of a territory's own theme name, and the key made from it.
public enum ThemeRules {
    public static let maxLabel = 60

    /// "Santé des aidants" -> "sante-des-aidants": lowercase ASCII letters and digits joined by hyphens.
    public static func slug(_ label: String) -> String {
        let folded = label.folding(
            options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR")
        ).lowercased()
        var out = "", hyphen = false
        for ch in folded.unicodeScalars {
            if ("a"..."z").contains(ch) || ("0"..."9").contains(ch) {
                if hyphen, !out.isEmpty { out.append("-") }
                out.unicodeScalars.append(ch); hyphen = false
            } else {
                hyphen = true
            }
        }
        return String(out.prefix(40)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
    }
}

import Foundation
