import Core
import Vapor

/// The territory's rule for publishing figures: its coordinators and administrators choose the
/// disclosure threshold (5, or 11 as health-data bodies do), explained in plain words.
enum DisclosurePages {
    static let access = Access.territory(AccountsPolicy.roles(for: .setDisclosure))

    static func register(_ router: RouteRegistrar) {
        router.get(
            AccountsPaths.disclosure, access: access,
            scoped: { req, scope in req.render(page(scope: scope, fields: [:], errors: FormErrors())) })
        router.post(
            AccountsPaths.disclosure, access: access,
            member: { req, member in
                let fields = req.formFields()
                switch try await SetDisclosureThreshold.run(
                    fields, territory: member.territory, actor: Actor(member), env: req.useCases)
                {
                case .invalid(let errors):
                    return req.render(
                        page(scope: member.scope, fields: fields, errors: errors, status: .unprocessableEntity))
                case .forbidden: throw Abort(.forbidden)
                case .saved(let threshold):
                    try await req.agora.territories.reload()
                    return req.redirect(
                        to: AccountsPaths.disclosure.link(member.slug),
                        flash: Flash(
                            .success,
                            member.t(
                                "Seuil enregistré : aucun chiffre ne porte désormais sur moins de \(threshold) personnes.",
                                "Threshold saved: no figure is now about fewer than \(threshold) people.")))
                }
            })
    }

    static func page(
        scope: TerritoryScope, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let territory = scope.territory, visit = scope.visit
        let current = territory.disclosure.threshold
        let options = [
            Form.Option(
                String(DisclosureChoice.standard),
                visit.t(
                    "5 personnes : la règle de la plateforme", "5 people: the platform's rule")),
            Form.Option(
                String(DisclosureChoice.healthData),
                visit.t(
                    "11 personnes : la règle des organismes de données de santé (SNDS, CNIL)",
                    "11 people: the rule of health-data bodies (SNDS, CNIL)")),
        ]
        let title = visit.t("Diffusion des chiffres", "Publishing figures")
        let main: HTML = """
            <h1>\(title)</h1>
            <p class="lead">\(visit.t("Aucun chiffre publié par \(territory.name) ne porte sur moins de \(current) personnes : ni directement, ni en soustrayant deux chiffres publiés. Un nombre trop petit s'écrit « moins de \(current) », un nombre qu'on retrouverait par soustraction s'écrit « masqué ».",
                                  "No figure published by \(territory.name) is about fewer than \(current) people: neither directly, nor by subtracting two published figures. A count too small reads “fewer than \(current)”, a count that could be worked out by subtraction reads “hidden”."))</p>
            <p>\(visit.t("Ce seuil vaut pour les résultats des questionnaires et leurs exports, le croisement, la participation, les chiffres des rencontres et les résultats en direct.",
                     "This threshold holds for questionnaire results and their exports, the cross-analysis, participation, event figures and live results."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.disclosure.link(territory.slug), visit: visit))
            \(Form.radios(name: "seuil", legend: visit.t("Seuil de diffusion", "Disclosure threshold"), options: options, selected: fields["seuil"] ?? String(current), errors: errors, visit: visit,
                      hint: visit.t("Un seuil plus haut protège mieux, mais masque davantage de chiffres dans les petites communes.", "A higher threshold protects better, but hides more figures in small municipalities."), required: true))
            \(Form.submit(visit.t("Enregistrer le seuil", "Save the threshold")))
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }
}
