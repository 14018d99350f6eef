import Core
import Foundation

/// A territory's own theme to add, read from the form and checked against its list.
public struct ThemeAddition: Sendable, Equatable {
    public var slug: String
    public var labelFR: String
    public var labelEN: String?
    /// The bit the theme takes (never used before in the territory).
    public var bit: Int

    /// A name: trimmed, inner spaces folded.
    public static func label(_ raw: String?) -> String {
        (raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func tooLong(_ lang: Lang) -> String {
        Text(
            "Le nom fait \(ThemeRules.maxLabel) caractères au plus.",
            "The name is \(ThemeRules.maxLabel) characters at most."
        ).in(lang)
    }

    /// The fields `label_fr` and `label_en`; errors are named after the form's fields
    /// (`add-label_fr`, `add-label_en`).
    public static func parse(
        _ fields: [String: String], themes: ThemeList, lang: Lang
    ) -> Result<ThemeAddition, FormErrorsBox> {
        var errors = FormErrors()
        let fr = label(fields["label_fr"]), en = label(fields["label_en"])
        let slug = ThemeRules.slug(fr)
        let taken = themes.all.contains { $0.slug == slug || $0.label.fr.lowercased() == fr.lowercased() }
        if fr.isEmpty || slug.isEmpty {
            errors.add(
                "add-label_fr",
                Text(
                    "Indiquez le nom du thème, avec au moins une lettre.",
                    "Give the theme's name, with at least one letter."
                ).in(lang))
        } else if fr.count > ThemeRules.maxLabel {
            errors.add("add-label_fr", tooLong(lang))
        } else if taken {
            errors.add(
                "add-label_fr",
                Text("Ce thème existe déjà dans la liste.", "This theme is already in the list.").in(lang))
        }
        if en.count > ThemeRules.maxLabel { errors.add("add-label_en", tooLong(lang)) }
        let bit = themes.nextBit()
        if bit == nil, errors.isEmpty {
            errors.add(
                "add-label_fr",
                Text(
                    "Le territoire a déjà le nombre maximal de thèmes : masquez-en ou renommez-en un.",
                    "The territory already has the most themes allowed: hide or rename one."
                ).in(lang))
        }
        guard errors.isEmpty, let bit else { return .failure(FormErrorsBox(errors)) }
        return .success(ThemeAddition(slug: slug, labelFR: fr, labelEN: en.isEmpty ? nil : en, bit: bit))
    }
}

/// A theme renamed, hidden or offered again, read from the form and checked against the list.
public struct ThemeChange: Sendable, Equatable {
    public var theme: Theme
    public var labelFR: String
    public var labelEN: String?
    public var hidden: Bool

    /// The fields `theme`, `label_fr`, `label_en` (empty: kept) and `state` (`propose` or
    /// `masque`); errors are named after the form's fields (`edit-…`). One theme at least stays
    /// offered.
    public static func parse(
        _ fields: [String: String], themes: ThemeList, lang: Lang
    ) -> Result<ThemeChange, FormErrorsBox> {
        var errors = FormErrors()
        let theme = fields["theme"].flatMap(themes.find)
        let fr = ThemeAddition.label(fields["label_fr"]), en = ThemeAddition.label(fields["label_en"])
        let state = fields["state"]
        if theme == nil {
            errors.add("edit-theme", Text("Choisissez un thème de la liste.", "Choose a theme from the list.").in(lang))
        }
        if fr.count > ThemeRules.maxLabel {
            errors.add("edit-label_fr", ThemeAddition.tooLong(lang))
        } else if let theme, !fr.isEmpty,
            themes.all.contains(where: { $0.slug != theme.slug && $0.label.fr.lowercased() == fr.lowercased() })
        {
            errors.add(
                "edit-label_fr",
                Text("Un autre thème porte déjà ce nom.", "Another theme already has this name.").in(lang))
        }
        if en.count > ThemeRules.maxLabel { errors.add("edit-label_en", ThemeAddition.tooLong(lang)) }
        if state != "propose" && state != "masque" {
            errors.add(
                "edit-state",
                Text("Choisissez si le thème est proposé ou masqué.", "Choose whether the theme is offered or hidden.")
                    .in(lang))
        }
        let hidden = state == "masque"
        if let theme, hidden, !themes.hidden.contains(theme.slug), themes.visible.count <= 1 {
            errors.add(
                "edit-state", Text("Gardez au moins un thème proposé.", "Keep at least one theme offered.").in(lang))
        }
        guard errors.isEmpty, let theme else { return .failure(FormErrorsBox(errors)) }
        let labelFR = fr.isEmpty ? theme.label.fr : fr
        let labelEN = en.isEmpty ? (fr.isEmpty ? theme.label.en : nil) : en
        return .success(ThemeChange(theme: theme, labelFR: labelFR, labelEN: labelEN, hidden: hidden))
    }
}
