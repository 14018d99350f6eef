import Core
import Fluent
import SQLKit
import Vapor

/// Assisted profiles: a patient partner or coordinator registers someone who has no e-mail
/// (alias, commune, optional phone), with their oral agreement, and can act on their behalf.
enum AssistedPages {
    static let manage = Access.territory(AccountsPolicy.roles(for: .manageAssistedProfiles))

    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.assistedList, access: manage) { req in
            try await req.render(
                listPage(
                    visit: req.visit, profiles: AssistedProfileRow.all(in: (try req.visit.territoryHere()), on: req.db))
            )
        }
        router.get(AccountsPaths.assistedNew, access: .territory(AccountsPolicy.roles(for: .createAssistedProfile))) {
            req in
            req.render(try newPage(visit: req.visit, fields: [:], errors: FormErrors()))
        }
        router.post(
            AccountsPaths.assistedNew, access: .territory(AccountsPolicy.roles(for: .createAssistedProfile)),
            use: create)
        router.get(AccountsPaths.assistedData, access: manage) { req in
            let person = try await findAssisted(req)
            try await AuditEntry.record(
                actor: req.visit.viewer?.personID, territory: req.visit.territory?.id,
                action: "assisted.exported", subject: "person \(person.id ?? 0)", on: req.db)
            return try await PersonalDataExport.response(
                personID: person.requireID(), req: req, filename: "profil-accompagne-\(person.id ?? 0).json")
        }
        router.post(AccountsPaths.assistedDelete, access: manage) { req in
            let person = try await findAssisted(req)
            let territory = try req.visit.territoryHere()
            try await AccountErasure.erase(
                personID: person.requireID(), modules: req.application.featureModules, on: req.db,
                actor: req.visit.viewer?.personID, territory: territory.id)
            return req.redirect(
                to: AccountsPaths.assistedList.link(territory.slug),
                flash: Flash(.success, req.visit.t("Le profil a été supprimé.", "The profile was deleted.")))
        }
    }

    /// An assisted profile of this territory, or 404 (a tampered id, another territory's profile).
    static func findAssisted(_ req: Request) async throws -> Person {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("person")),
            let person = try await Person.find(id, on: req.db), person.isAssisted,
            try await Membership.query(on: req.db).filter(\.$personID == id).filter(\.$territoryID == territory.id)
                .first() != nil
        else { throw Abort(.notFound) }
        return person
    }

    static func listPage(visit: Visit, profiles: [AssistedProfileRow]) throws -> WebPage {
        let territory = try visit.territoryHere()
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
        visit: Visit, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
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

    @Sendable static func create(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let viewerID = (try visit.signedInViewer()).personID
        let fields = req.formFields()
        switch AssistedProfileInput.validate(
            fields: fields, allowedCommunes: Set(territory.communes.map(\.code)), lang: visit.lang)
        {
        case .failure(let box):
            return req.render(
                try newPage(visit: visit, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let input):
            try await req.db.transaction { db in
                let person = Person(email: nil, passwordHash: nil, displayName: input.alias, isAssisted: true)
                person.communeCode = input.communeCode
                person.phone = input.phone
                person.createdByID = viewerID
                try await person.create(on: db)
                let id = try person.requireID()
                try await Membership(personID: id, territoryID: territory.id, role: .resident).create(on: db)
                try await Consent(
                    personID: id, kind: .assistedOral, version: LegalDocument.privacy.currentVersion,
                    collectedByID: viewerID
                ).create(on: db)
                try await AuditEntry.record(
                    actor: viewerID, territory: territory.id, action: "assisted.created", subject: "person \(id)",
                    on: db)
            }
            return req.redirect(
                to: AccountsPaths.assistedList.link(territory.slug),
                flash: Flash(
                    .success,
                    visit.t(
                        "Le profil accompagné de \(input.alias) a été créé.",
                        "The assisted profile of \(input.alias) was created.")))
        }
    }
}

/// One line of the assisted-profiles list, read in a single query with its creator's name.
struct AssistedProfileRow {
    let id: Int
    let alias: String
    let communeCode: String?
    let phone: String?
    let createdBy: String?

    static func all(in territory: TerritoryInfo, on db: any Database) async throws -> [AssistedProfileRow] {
        let sql = db.sql
        let rows = try await sql.raw(
            """
            SELECT p.id, p.display_name, p.commune_code, p.phone, c.display_name AS creator
            FROM people p JOIN memberships m ON m.person_id = p.id AND m.territory_id = \(bind: territory.id)
            LEFT JOIN people c ON c.id = p.created_by_id
            WHERE p.is_assisted = \(bind: true)
            ORDER BY p.display_name LIMIT 500
            """
        ).all()
        return try rows.map { row in
            AssistedProfileRow(
                id: try row.decode(column: "id", as: Int.self),
                alias: try row.decode(column: "display_name", as: String.self),
                communeCode: try row.decode(column: "commune_code", as: String?.self),
                phone: try row.decode(column: "phone", as: String?.self),
                createdBy: try row.decode(column: "creator", as: String?.self))
        }
    }
}
