import Core
import Fluent
import SQLKit
import Vapor

/// A territory's administrators find members and grant or withdraw roles.
enum MembersPages {
    static let access = Access.territory(AccountsPolicy.roles(for: .manageMembers))
    static let pageSize = 50

    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.members, access: access) { req in
            let query = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
            let rows = try await MemberRow.search(
                territoryID: (try req.visit.territoryHere()).id, text: query, limit: pageSize, on: req.db)
            return req.render(try page(visit: req.visit, query: query, rows: rows, fields: [:], errors: FormErrors()))
        }
        router.post(AccountsPaths.memberRoles, access: access, use: changeRole)
    }

    static func page(
        visit: Visit, query: String, rows: [MemberRow], fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let tableRows = rows.map { row -> [HTML] in
            let roles = row.roles.sorted { $0.rawValue < $1.rawValue }.map { visit.t($0.label) }.joined(separator: ", ")
            return ["\(row.name)", "\(row.email ?? visit.t("profil accompagné", "assisted profile"))", "\(roles)"]
        }
        let roleOptions = AccountsPolicy.grantable.map { Form.Option($0.rawValue, visit.t($0.label)) }
        let main: HTML = """
            <h1>\(visit.t("Membres et rôles", "Members and roles"))</h1>
            <form method="get" action="\(AccountsPaths.members.link(territory.slug))" class="search" role="search">
            <label for="recherche-membre">\(visit.t("Chercher un membre (nom ou e-mail)", "Find a member (name or e-mail)"))</label>
            <input id="recherche-membre" name="q" type="search" value="\(query)">
            \(Form.submit(visit.t("Chercher", "Search"), secondary: true))
            </form>
            \(tableRows.isEmpty ? HTML("<p>\(visit.t("Aucun membre trouvé.", "No member found."))</p>")
            : View.table(caption: visit.t("Membres (\(rows.count) au plus \(pageSize) affichés)", "Members (at most \(pageSize) shown)"),
                         headers: [visit.t("Nom", "Name"), visit.t("E-mail", "E-mail"), visit.t("Rôles", "Roles")], rows: tableRows))
            <h2>\(visit.t("Attribuer ou retirer un rôle", "Grant or withdraw a role"))</h2>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.memberRoles.link(territory.slug), visit: visit))
            \(Form.input(name: "email", label: visit.t("Adresse e-mail du compte", "Account e-mail address"), value: fields["email"], errors: errors,
                     visit: visit, type: "email", required: true))
            \(Form.select(name: "role", label: visit.t("Rôle", "Role"), options: roleOptions, selected: fields["role"], errors: errors, visit: visit, required: true))
            <p class="actions">\(Form.submit(visit.t("Attribuer le rôle", "Grant the role"), name: "action", value: "grant")) \
            \(Form.submit(visit.t("Retirer le rôle", "Withdraw the role"), secondary: true, name: "action", value: "revoke"))</p>
            </form>
            """
        return WebPage(
            title: visit.t("Membres et rôles", "Members and roles"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func changeRole(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let fields = req.formFields()
        var errors = FormErrors()
        let email = EmailAddress.normalize(fields["email"] ?? "")
        let role = Role(rawValue: fields["role"] ?? "")
        let action = fields["action"]
        let person = email.isEmpty ? nil : try await Person.query(on: req.db).filter(\.$email == email).first()
        if person == nil {
            errors.add(
                "email", visit.t("Aucun compte n'a cette adresse e-mail.", "No account has this e-mail address."))
        }
        if role == nil { errors.add("role", visit.t("Choisissez un rôle.", "Choose a role.")) }
        if action != "grant" && action != "revoke" {
            errors.add("role", visit.t("Choisissez d'attribuer ou de retirer.", "Choose to grant or withdraw."))
        }
        if let person, let role, action == "revoke", person.id == visit.viewer?.personID, role == .admin {
            errors.add(
                "role",
                visit.t(
                    "Vous ne pouvez pas retirer votre propre rôle d'administrateur.",
                    "You cannot withdraw your own administrator role."))
        }
        guard errors.isEmpty, let person, let personID = person.id, let role else {
            let rows = try await MemberRow.search(territoryID: territory.id, text: "", limit: pageSize, on: req.db)
            return req.render(
                try page(
                    visit: visit, query: "", rows: rows, fields: fields, errors: errors, status: .unprocessableEntity))
        }
        try await req.db.transaction { db in
            let existing = try await Membership.query(on: db).filter(\.$personID == personID)
                .filter(\.$territoryID == territory.id).filter(\.$role == role.rawValue).first()
            if action == "grant", existing == nil {
                try await Membership(personID: personID, territoryID: territory.id, role: role).create(on: db)
            } else if action == "revoke", let existing {
                try await existing.delete(on: db)
            }
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id,
                action: action == "grant" ? "role.granted" : "role.revoked",
                subject: "person \(personID) \(role.rawValue)", on: db)
        }
        let message =
            action == "grant"
            ? visit.t(
                "Rôle « \(visit.t(role.label)) » attribué à \(person.displayName).",
                "Role “\(role.label.en)” granted to \(person.displayName).")
            : visit.t(
                "Rôle « \(visit.t(role.label)) » retiré à \(person.displayName).",
                "Role “\(role.label.en)” withdrawn from \(person.displayName).")
        return req.redirect(to: AccountsPaths.members.link(territory.slug), flash: Flash(.success, message))
    }
}

/// One member with their roles, from one query (people × memberships), at most `limit` people.
struct MemberRow {
    let id: Int
    let name: String
    let email: String?
    var roles: Set<Role>

    static func search(territoryID: Int, text: String, limit: Int, on db: any Database) async throws -> [MemberRow] {
        let sql = db.sql
        let pattern =
            "%" + text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            + "%"
        let rows = try await sql.raw(
            """
            SELECT p.id, p.display_name, p.email, m.role FROM people p
            JOIN memberships m ON m.person_id = p.id AND m.territory_id = \(bind: territoryID)
            WHERE p.id IN (
                SELECT p2.id FROM people p2 JOIN memberships m2 ON m2.person_id = p2.id AND m2.territory_id = \(bind: territoryID)
                WHERE lower(p2.display_name) LIKE \(bind: pattern) OR lower(coalesce(p2.email, '')) LIKE \(bind: pattern)
                GROUP BY p2.id ORDER BY p2.id DESC LIMIT \(bind: limit))
            ORDER BY p.id DESC
            """
        ).all()
        var result: [MemberRow] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            if let last = result.last, last.id == id {
                if let role { result[result.count - 1].roles.insert(role) }
            } else {
                result.append(
                    MemberRow(
                        id: id, name: try row.decode(column: "display_name", as: String.self),
                        email: try row.decode(column: "email", as: String?.self), roles: role.map { [$0] } ?? []))
            }
        }
        return result
    }
}
