import Core
import Vapor

/// A territory's coordinators and administrators edit its theme list: rename a platform theme,
/// hide one the territory does not work on, add their own. Every room offers that list.
enum ThemesPages {
    static let access = Access.territory(AccountsPolicy.roles(for: .editThemes))

    static func register(_ router: RouteRegistrar) {
        router.get(
            AccountsPaths.themes, access: access,
            scoped: { req, scope in
                req.render(
                    page(
                        scope: scope, addFields: [:], addErrors: FormErrors(), editFields: [:], editErrors: FormErrors()
                    ))
            })
        router.post(
            AccountsPaths.themesAdd, access: access,
            member: { req, member in
                let fields = req.formFields()
                switch try await AddTheme.run(
                    fields, territory: member.territory, actor: Actor(member), env: req.useCases)
                {
                case .invalid(let errors):
                    return req.render(
                        page(
                            scope: member.scope, addFields: fields, addErrors: errors, editFields: [:],
                            editErrors: FormErrors(), status: .unprocessableEntity))
                case .forbidden: throw Abort(.forbidden)
                case .saved(let label):
                    try await req.agora.territories.reload()
                    return req.redirect(
                        to: AccountsPaths.themes.link(member.slug),
                        flash: Flash(.success, member.t("Thème « \(label) » ajouté.", "Theme “\(label)” added.")))
                }
            })
        router.post(
            AccountsPaths.themesEdit, access: access,
            member: { req, member in
                let fields = req.formFields()
                switch try await ChangeTheme.run(
                    fields, territory: member.territory, actor: Actor(member), env: req.useCases)
                {
                case .invalid(let errors):
                    return req.render(
                        page(
                            scope: member.scope, addFields: [:], addErrors: FormErrors(), editFields: fields,
                            editErrors: errors, status: .unprocessableEntity))
                case .forbidden: throw Abort(.forbidden)
                case .saved(let label):
                    try await req.agora.territories.reload()
                    return req.redirect(
                        to: AccountsPaths.themes.link(member.slug),
                        flash: Flash(.success, member.t("Thème « \(label) » enregistré.", "Theme “\(label)” saved.")))
                }
            })
    }

    static func page(
        scope: TerritoryScope, addFields: [String: String], addErrors: FormErrors, editFields: [String: String],
        editErrors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let territory = scope.territory, visit = scope.visit
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
            <p><a href="\(AccountsPaths.disclosure.link(territory.slug))">\(visit.t("Diffusion des chiffres : le seuil sous lequel aucun chiffre n'est publié (aujourd'hui \(territory.disclosure.threshold) personnes)", "Publishing figures: the threshold under which no figure is published (now \(territory.disclosure.threshold) people)"))</a></p>
            """
        return WebPage(
            title: visit.t("Thèmes du territoire", "The territory's themes"), main: main, status: status,
            hasErrors: !addErrors.isEmpty || !editErrors.isEmpty)
    }
}
