import Core
import Vapor

/// A territory's administrators find members and grant or withdraw roles.
enum MembersPages {
    static let access = Access.territory(AccountsPolicy.roles(for: .manageMembers))
    static let pageSize = 50

    static func register(_ router: RouteRegistrar) {
        router.get(
            AccountsPaths.members, access: access,
            scoped: { req, scope in
                let query = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
                let rows = try await MemberRow.search(
                    territoryID: scope.territory.id, text: query, limit: pageSize, on: req.db)
                return req.render(page(scope: scope, query: query, rows: rows, fields: [:], errors: FormErrors()))
            })
        router.post(AccountsPaths.memberRoles, access: access, member: changeRole)
    }

    static func page(
        scope: TerritoryScope, query: String, rows: [MemberRow], fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let territory = scope.territory, visit = scope.visit
        let tableRows = rows.map { row -> [HTML] in
            let roles = row.roles.sorted { $0.rawValue < $1.rawValue }.map { visit.t($0.label) }.joined(separator: ", ")
            return ["\(row.name)", "\(row.email ?? visit.t("profil accompagné", "assisted profile"))", "\(roles)"]
        }
        let roleOptions = AccountsPolicy.grantable.map { Form.Option($0.rawValue, visit.t($0.label)) }
        let main: HTML = """
            <h1>\(visit.t("Membres et rôles", "Members and roles"))</h1>
            <p><a href="\(AccountsPaths.outboxTrouble.pattern)">\(visit.t("E-mails non distribués de la plateforme", "The platform's undelivered e-mails"))</a></p>
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

    @Sendable static func changeRole(_ req: Request, member: MemberScope) async throws -> Response {
        let fields = req.formFields()
        let message: String
        switch try await ChangeRole.run(
            RoleChangeForm.parse(fields), territory: member.territory, actor: Actor(member), env: req.useCases)
        {
        case .forbidden:
            throw Abort(.forbidden)
        case .invalid(let errors):
            let rows = try await MemberRow.search(
                territoryID: member.territory.id, text: "", limit: pageSize, on: req.db)
            return req.render(
                page(
                    scope: member.scope, query: "", rows: rows, fields: fields, errors: errors,
                    status: .unprocessableEntity))
        case .granted(let name, let role):
            message = member.t(
                "Rôle « \(member.t(role.label)) » attribué à \(name).", "Role “\(role.label.en)” granted to \(name).")
        case .withdrawn(let name, let role):
            message = member.t(
                "Rôle « \(member.t(role.label)) » retiré à \(name).",
                "Role “\(role.label.en)” withdrawn from \(name).")
        }
        return req.redirect(to: AccountsPaths.members.link(member.slug), flash: Flash(.success, message))
    }
}
