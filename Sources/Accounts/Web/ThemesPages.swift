import Core
import Vapor

/// A territory's coordinators and administrators edit its theme list: rename a platform theme,
/// hide one the territory does not work on, add their own. Every room offers that list.
enum ThemesPages {
    static let access = Access.territory(AccountsPolicy.roles(for: .editThemes))

    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.themes, access: access) { req in
            req.render(
                try page(
                    visit: req.visit, addFields: [:], addErrors: FormErrors(), editFields: [:], editErrors: FormErrors()
                ))
        }
        router.post(AccountsPaths.themesAdd, access: access, use: add)
        router.post(AccountsPaths.themesEdit, access: access, use: edit)
    }

    static func page(
        visit: Visit, addFields: [String: String], addErrors: FormErrors, editFields: [String: String],
        editErrors: FormErrors,
        status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let themes = territory.themes
        let rows = themes.all.map { theme -> [HTML] in
            [
                "\(theme.label.fr)", "\(theme.label.en)",
                "\(theme.builtin ? visit.t("plateforme", "platform") : visit.t("ce territoire", "this territory"))",
                "\(themes.hidden.contains(theme.slug) ? visit.t("masqué", "hidden") : visit.t("proposé", "offered"))",
            ]
        }
        let options = themes.all.map { Form.Option($0.slug, visit.t($0.label)) }
        let states = [
            Form.Option(
                "propose", visit.t("Proposé dans les formulaires et les filtres", "Offered in forms and filters")),
            Form.Option(
                "masque",
                visit.t(
                    "Masqué (ce qui y est déjà classé le garde)", "Hidden (what is already filed under it keeps it)")),
        ]
        let main: HTML = """
            <h1>\(visit.t("Thèmes du territoire", "The territory's themes"))</h1>
            <p class="lead">\(visit.t("Ces thèmes classent les propositions, les instances, les questions des questionnaires et les rencontres de \(territory.name). Le croisement des questionnaires compare les thèmes communs aux deux publics.",
                                  "These themes file the proposals, committees, questionnaire questions and events of \(territory.name). The cross-analysis of questionnaires compares the themes both audiences share."))</p>
            \(View.table(caption: visit.t("Les \(themes.all.count) thèmes", "The \(themes.all.count) themes"),
                     headers: [visit.t("Nom", "Name"), visit.t("Nom en anglais", "English name"), visit.t("Origine", "Origin"), visit.t("État", "State")], rows: rows))
            <section aria-labelledby="ajouter"><h2 id="ajouter">\(visit.t("Ajouter un thème", "Add a theme"))</h2>
            \(Form.errorSummary(addErrors, visit: visit))
            \(Form.open(action: AccountsPaths.themesAdd.link(territory.slug), visit: visit))
            \(Form.input(name: "label_fr", label: visit.t("Nom du thème", "Theme name"), value: addFields["label_fr"], errors: addErrors, visit: visit,
                     hint: visit.t("Par exemple : Santé des aidants. \(ThemeRules.maxLabel) caractères au plus.", "For example: Carers' health. \(ThemeRules.maxLabel) characters at most."),
                     required: true, maxLength: ThemeRules.maxLabel, field: "add-label_fr"))
            \(Form.input(name: "label_en", label: visit.t("Nom en anglais (facultatif)", "English name (optional)"), value: addFields["label_en"], errors: addErrors, visit: visit,
                     maxLength: ThemeRules.maxLabel, field: "add-label_en"))
            \(Form.submit(visit.t("Ajouter le thème", "Add the theme")))
            </form></section>
            <section aria-labelledby="modifier"><h2 id="modifier">\(visit.t("Renommer, masquer ou proposer à nouveau un thème", "Rename, hide or offer a theme again"))</h2>
            \(Form.errorSummary(editErrors, visit: visit))
            \(Form.open(action: AccountsPaths.themesEdit.link(territory.slug), visit: visit))
            \(Form.select(name: "theme", label: visit.t("Thème", "Theme"), options: options, selected: editFields["theme"], errors: editErrors, visit: visit, required: true, field: "edit-theme"))
            \(Form.input(name: "label_fr", label: visit.t("Nouveau nom (laisser vide pour le garder)", "New name (leave empty to keep it)"), value: editFields["label_fr"],
                     errors: editErrors, visit: visit, maxLength: ThemeRules.maxLabel, field: "edit-label_fr"))
            \(Form.input(name: "label_en", label: visit.t("Nouveau nom en anglais (facultatif)", "New English name (optional)"), value: editFields["label_en"],
                     errors: editErrors, visit: visit, maxLength: ThemeRules.maxLabel, field: "edit-label_en"))
            \(Form.radios(name: "state", legend: visit.t("État", "State"), options: states, selected: editFields["state"] ?? "propose", errors: editErrors, visit: visit, field: "edit-state"))
            \(Form.submit(visit.t("Enregistrer", "Save")))
            </form></section>
            """
        return WebPage(
            title: visit.t("Thèmes du territoire", "The territory's themes"), main: main, status: status,
            hasErrors: !addErrors.isEmpty || !editErrors.isEmpty)
    }

    /// A name: trimmed, inner spaces folded (its length is checked by the caller).
    static func label(_ raw: String?) -> String {
        (raw ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Sendable static func add(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let fields = req.formFields()
        var errors = FormErrors()
        let fr = label(fields["label_fr"]), en = label(fields["label_en"])
        let slug = ThemeRules.slug(fr)
        let taken = territory.themes.all.contains { $0.slug == slug || $0.label.fr.lowercased() == fr.lowercased() }
        if fr.isEmpty || slug.isEmpty {
            errors.add(
                "add-label_fr",
                visit.t(
                    "Indiquez le nom du thème, avec au moins une lettre.",
                    "Give the theme's name, with at least one letter."))
        } else if fr.count > ThemeRules.maxLabel {
            errors.add(
                "add-label_fr",
                visit.t(
                    "Le nom fait \(ThemeRules.maxLabel) caractères au plus.",
                    "The name is \(ThemeRules.maxLabel) characters at most."))
        } else if taken {
            errors.add(
                "add-label_fr", visit.t("Ce thème existe déjà dans la liste.", "This theme is already in the list."))
        }
        if en.count > ThemeRules.maxLabel {
            errors.add(
                "add-label_en",
                visit.t(
                    "Le nom fait \(ThemeRules.maxLabel) caractères au plus.",
                    "The name is \(ThemeRules.maxLabel) characters at most."))
        }
        let bit = territory.themes.nextBit()
        if bit == nil, errors.isEmpty {
            errors.add(
                "add-label_fr",
                visit.t(
                    "Le territoire a déjà le nombre maximal de thèmes : masquez-en ou renommez-en un.",
                    "The territory already has the most themes allowed: hide or rename one."))
        }
        guard errors.isEmpty, let bit else {
            return req.render(
                try page(
                    visit: visit, addFields: fields, addErrors: errors, editFields: [:], editErrors: FormErrors(),
                    status: .unprocessableEntity))
        }
        try await req.db.transaction { db in
            try await TerritoryThemes.add(
                territoryID: territory.id, slug: slug, labelFR: fr, labelEN: en.isEmpty ? nil : en, bitIndex: bit,
                on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "theme.added", subject: "theme \(slug)",
                on: db)
        }
        try await req.agora.territories.reload()
        return req.redirect(
            to: AccountsPaths.themes.link(territory.slug),
            flash: Flash(.success, visit.t("Thème « \(fr) » ajouté.", "Theme “\(fr)” added.")))
    }

    @Sendable static func edit(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let fields = req.formFields()
        var errors = FormErrors()
        let theme = fields["theme"].flatMap(territory.themes.find)
        let fr = label(fields["label_fr"]), en = label(fields["label_en"])
        let state = fields["state"]
        if theme == nil {
            errors.add("edit-theme", visit.t("Choisissez un thème de la liste.", "Choose a theme from the list."))
        }
        if fr.count > ThemeRules.maxLabel {
            errors.add(
                "edit-label_fr",
                visit.t(
                    "Le nom fait \(ThemeRules.maxLabel) caractères au plus.",
                    "The name is \(ThemeRules.maxLabel) characters at most."))
        } else if let theme, !fr.isEmpty,
            territory.themes.all.contains(where: {
                $0.slug != theme.slug && $0.label.fr.lowercased() == fr.lowercased()
            })
        {
            errors.add(
                "edit-label_fr", visit.t("Un autre thème porte déjà ce nom.", "Another theme already has this name."))
        }
        if en.count > ThemeRules.maxLabel {
            errors.add(
                "edit-label_en",
                visit.t(
                    "Le nom fait \(ThemeRules.maxLabel) caractères au plus.",
                    "The name is \(ThemeRules.maxLabel) characters at most."))
        }
        if state != "propose" && state != "masque" {
            errors.add(
                "edit-state",
                visit.t(
                    "Choisissez si le thème est proposé ou masqué.", "Choose whether the theme is offered or hidden."))
        }
        let hidden = state == "masque"
        if let theme, hidden, !territory.themes.hidden.contains(theme.slug), territory.themes.visible.count <= 1 {
            errors.add("edit-state", visit.t("Gardez au moins un thème proposé.", "Keep at least one theme offered."))
        }
        guard errors.isEmpty, let theme else {
            return req.render(
                try page(
                    visit: visit, addFields: [:], addErrors: FormErrors(), editFields: fields, editErrors: errors,
                    status: .unprocessableEntity))
        }
        let newFR = fr.isEmpty ? theme.label.fr : fr
        let newEN = en.isEmpty ? (fr.isEmpty ? theme.label.en : nil) : en
        try await req.db.transaction { db in
            try await TerritoryThemes.change(
                territoryID: territory.id, theme: theme, labelFR: newFR, labelEN: newEN, hidden: hidden, on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id,
                action: hidden ? "theme.hidden" : "theme.changed",
                subject: "theme \(theme.slug)", on: db)
        }
        try await req.agora.territories.reload()
        return req.redirect(
            to: AccountsPaths.themes.link(territory.slug),
            flash: Flash(.success, visit.t("Thème « \(newFR) » enregistré.", "Theme “\(newFR)” saved.")))
    }
}
