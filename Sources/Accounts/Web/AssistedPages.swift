import Core
import Vapor

/// Assisted profiles: a patient partner or coordinator registers someone who has no e-mail
/// (alias, commune, optional phone), with their oral agreement, and can act on their behalf.
enum AssistedPages {
    static let manage = Access.territory(AccountsPolicy.roles(for: .manageAssistedProfiles))

    static func register(_ router: RouteRegistrar) {
        let creators = Access.territory(AccountsPolicy.roles(for: .createAssistedProfile))
        router.get(
            AccountsPaths.assistedList, access: manage,
            scoped: { req, scope in
                let profiles = try await AssistedProfileRow.all(territoryID: scope.territory.id, on: req.db)
                return req.render(listPage(scope: scope, profiles: profiles))
            })
        router.get(
            AccountsPaths.assistedNew, access: creators,
            scoped: { req, scope in
                req.render(newPage(scope: scope, fields: [:], errors: FormErrors()))
            })
        router.post(AccountsPaths.assistedNew, access: creators, member: create)
        router.get(
            AccountsPaths.assistedData, access: manage,
            member: { req, member in
                let personID = try req.pathID("person")
                let outcome = try await ExportAssistedProfile.run(
                    personID: personID, territory: member.territory, modules: req.application.featureModules,
                    territories: req.agora.territories.all, actor: Actor(member), env: req.useCases)
                return try AccountPages.download(outcome, filename: "profil-accompagne-\(personID).json")
            })
        router.post(
            AccountsPaths.assistedDelete, access: manage,
            member: { req, member in
                switch try await EraseAssistedProfile.run(
                    personID: try req.pathID("person"), territory: member.territory,
                    modules: req.application.featureModules, actor: Actor(member), env: req.useCases)
                {
                case .erased:
                    return req.redirect(
                        to: AccountsPaths.assistedList.link(member.slug),
                        flash: Flash(.success, member.t("Le profil a été supprimé.", "The profile was deleted.")))
                case .invalid, .notFound: throw Abort(.notFound)
                case .forbidden: throw Abort(.forbidden)
                }
            })
    }

    static func listPage(scope: TerritoryScope, profiles: [AssistedProfileRow]) -> WebPage {
        let territory = scope.territory, visit = scope.visit
        let rows = profiles.map { row -> [HTML] in
            let commune = territory.commune(code: row.communeCode ?? "")?.name ?? "—"
            return [
                "\(row.alias) <span class=\"badge\">\(visit.t("Profil accompagné", "Assisted profile"))</span>",
                "\(commune)",
                "\(row.phone ?? "—")",
                "\(row.createdBy ?? "—")",
                """
                <a href="\(AccountsPaths.assistedData.link(territory.slug, row.id))">\(visit.t("Données", "Data"))<span class="visually-hidden"> \(row.alias)</span></a> \
                \(Form.button(action: AccountsPaths.assistedDelete.link(territory.slug, row.id),
                              label: visit.t("Supprimer", "Delete") + " " + row.alias, visit: visit, cssClass: "link-button danger"))
                """,
            ]
        }
        let table: HTML =
            rows.isEmpty
            ? "<p>\(visit.t("Aucun profil accompagné pour le moment.", "No assisted profile yet."))</p>"
            : View.table(
                caption: visit.t("Profils accompagnés du territoire", "Assisted profiles of the territory"),
                headers: [
                    visit.t("Prénom ou surnom", "First name or nickname"), visit.t("Commune", "Municipality"),
                    visit.t("Téléphone", "Phone"), visit.t("Créé par", "Created by"), visit.t("Actions", "Actions"),
                ],
                rows: rows)
        let main: HTML = """
            <h1>\(visit.t("Profils accompagnés", "Assisted profiles"))</h1>
            <p>\(visit.t("Pour les personnes sans adresse e-mail : vous les inscrivez, vous saisissez leurs réponses et leurs inscriptions en leur nom, avec leur accord.",
                     "For people without an e-mail address: you register them and enter their answers and registrations on their behalf, with their agreement."))</p>
            <p><a class="button" href="\(AccountsPaths.assistedNew.link(territory.slug))">\(visit.t("Créer un profil accompagné", "Create an assisted profile"))</a></p>
            \(table)
            """
        return WebPage(title: visit.t("Profils accompagnés", "Assisted profiles"), main: main)
    }

    static func newPage(
        scope: TerritoryScope, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let territory = scope.territory, visit = scope.visit
        let main: HTML = """
            <h1>\(visit.t("Créer un profil accompagné", "Create an assisted profile"))</h1>
            <p>\(visit.t("Ne notez que le nécessaire. Aucune information de santé ici.", "Only note what is needed. No health information here."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.assistedNew.link(territory.slug), visit: visit))
            \(Form.input(name: "alias", label: visit.t("Prénom ou surnom", "First name or nickname"), value: fields["alias"], errors: errors, visit: visit,
                     hint: visit.t("Ce qui permet de retrouver la personne, sans son nom complet si elle préfère.", "What lets you find the person again, without their full name if they prefer."),
                     required: true, maxLength: 60))
            \(Form.select(name: "commune", label: visit.t("Commune", "Municipality"), options: territory.communes.map { Form.Option($0.code, $0.name) },
                      selected: fields["commune"], errors: errors, visit: visit, required: true, placeholder: visit.t("Choisir…", "Choose…")))
            \(Form.input(name: "phone", label: visit.t("Téléphone (facultatif)", "Phone (optional)"), value: fields["phone"], errors: errors, visit: visit,
                     type: "tel", hint: visit.t("Pour la prévenir d'une rencontre, par exemple. Exemple : 06 12 34 56 78", "To tell them about a meeting, for instance. Example: 06 12 34 56 78"),
                     autocomplete: "off", inputmode: "tel"))
            \(Form.checkbox(name: "consent", label: "\(visit.t("La personne est d'accord pour que je crée ce profil et que j'agisse en son nom. Je lui ai expliqué qu'elle peut demander à tout moment à voir ou supprimer ses données.", "The person agrees that I create this profile and act on their behalf. I told them they can ask at any time to see or delete their data."))",
                        checked: fields["consent"] != nil, errors: errors, visit: visit))
            <p>\(Form.submit(visit.t("Créer le profil", "Create the profile")))</p>
            </form>
            """
        return WebPage(
            title: visit.t("Créer un profil accompagné", "Create an assisted profile"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func create(_ req: Request, member: MemberScope) async throws -> Response {
        let fields = req.formFields()
        switch try await CreateAssistedProfile.run(
            fields, territory: member.territory, actor: Actor(member), env: req.useCases)
        {
        case .invalid(let errors):
            return req.render(
                newPage(scope: member.scope, fields: fields, errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        case .created(_, let alias):
            return req.redirect(
                to: AccountsPaths.assistedList.link(member.slug),
                flash: Flash(
                    .success,
                    member.t(
                        "Le profil accompagné de \(alias) a été créé.",
                        "The assisted profile of \(alias) was created.")))
        }
    }
}
