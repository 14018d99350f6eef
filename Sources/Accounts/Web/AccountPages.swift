import Core
import Fluent
import Vapor

/// A person's own account: profile facts, data download, deletion.
enum AccountPages {
    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.account, access: .signedIn) { req in
            let snapshot = try await AccountSnapshot.load(
                personID: (try req.visit.signedInViewer()).personID, on: req.db)
            return req.render(
                profilePage(
                    visit: req.visit, snapshot: snapshot, directory: req.agora.territories,
                    fields: snapshot.formFields, errors: FormErrors()))
        }
        router.post(AccountsPaths.account, access: .signedIn, use: saveProfile)
        router.get(AccountsPaths.accountData, access: .signedIn) { req in
            try await PersonalDataExport.response(
                personID: (try req.visit.signedInViewer()).personID, req: req, filename: "mes-donnees-agora-sante.json")
        }
        router.get(AccountsPaths.accountDelete, access: .signedIn) { req in
            req.render(deletePage(visit: req.visit, errors: FormErrors()))
        }
        router.post(AccountsPaths.accountDelete, access: .signedIn, use: deleteAccount)
    }

    static func communeOptions(for snapshot: AccountSnapshot, directory: TerritoryDirectory) -> [Form.OptionGroup] {
        Set(snapshot.memberships.map(\.territoryID)).compactMap(directory.find(id:)).sorted { $0.name < $1.name }.map {
            territory in
            Form.OptionGroup(territory.name, territory.communes.map { Form.Option($0.code, $0.name) })
        }
    }

    static func profilePage(
        visit: Visit, snapshot: AccountSnapshot, directory: TerritoryDirectory, fields: [String: String],
        errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let person = snapshot.person
        let roleRows = snapshot.memberships.compactMap { membership -> [HTML]? in
            guard let territory = directory.find(id: membership.territoryID), let role = Role(rawValue: membership.role)
            else { return nil }
            var roleText = visit.t(role.label)
            if let code = membership.professionCode, let profession = Profession.find(code) {
                roleText += " (\(profession.label))"
            }
            return [
                "<a href=\"\(AccountsPaths.territoryHome.link(territory.slug))\">\(territory.name)</a>", "\(roleText)",
            ]
        }
        let ageOptions = AgeBand.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) }
        let main: HTML = """
            <h1>\(visit.t("Mon compte", "My account"))</h1>
            <p>\(visit.t("Adresse e-mail :", "E-mail address:")) <strong>\(person.email ?? "—")</strong></p>
            \(roleRows.isEmpty ? HTML("<p>\(visit.t("Vous n'êtes membre d'aucun territoire.", "You are not a member of any territory."))</p>")
            : View.table(caption: visit.t("Mes territoires et mes rôles", "My territories and roles"),
                         headers: [visit.t("Territoire", "Territory"), visit.t("Rôle", "Role")], rows: roleRows))
            <h2>\(visit.t("Mon profil", "My profile"))</h2>
            <p>\(visit.t("La commune et la tranche d'âge sont facultatives. Elles servent seulement à vérifier, en chiffres globaux, que toutes les communes et tous les âges sont entendus.",
                     "Municipality and age band are optional. They are only used, in aggregate, to check that every municipality and age is heard."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.account.pattern, visit: visit))
            \(Form.input(name: "display_name", label: visit.t("Nom ou pseudonyme", "Name or nickname"), value: fields["display_name"],
                     errors: errors, visit: visit, required: true, autocomplete: "nickname", maxLength: 80))
            \(Form.select(name: "commune", label: visit.t("Ma commune", "My municipality"), options: [], selected: fields["commune"],
                      errors: errors, visit: visit, placeholder: visit.t("Je préfère ne pas le dire", "I prefer not to say"),
                      groups: communeOptions(for: snapshot, directory: directory)))
            \(Form.select(name: "age_band", label: visit.t("Ma tranche d'âge", "My age band"), options: ageOptions, selected: fields["age_band"],
                      errors: errors, visit: visit, placeholder: visit.t("Je préfère ne pas le dire", "I prefer not to say")))
            <p>\(Form.submit(visit.t("Enregistrer", "Save")))</p>
            </form>
            <h2>\(visit.t("Mes données", "My data"))</h2>
            <ul class="links">
            <li><a href="\(AccountsPaths.accountData.pattern)" download>\(visit.t("Télécharger mes données", "Download my data"))</a> \
            <span class="hint">\(visit.t("(fichier JSON)", "(JSON file)"))</span></li>
            <li><a href="\(AccountsPaths.passwordForgotten.pattern)">\(visit.t("Changer mon mot de passe", "Change my password"))</a></li>
            <li><a href="\(AccountsPaths.accountDelete.pattern)">\(visit.t("Supprimer mon compte", "Delete my account"))</a></li>
            </ul>
            """
        return WebPage(
            title: visit.t("Mon compte", "My account"), main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func saveProfile(_ req: Request) async throws -> Response {
        let visit = req.visit
        let personID = (try visit.signedInViewer()).personID
        let snapshot = try await AccountSnapshot.load(personID: personID, on: req.db)
        let fields = req.formFields()
        let allowed = Set(
            communeOptions(for: snapshot, directory: req.agora.territories).flatMap { $0.options.map(\.value) })
        switch ProfileInput.validate(fields: fields, allowedCommunes: allowed, lang: visit.lang) {
        case .failure(let box):
            return req.render(
                profilePage(
                    visit: visit, snapshot: snapshot, directory: req.agora.territories, fields: fields,
                    errors: box.errors, status: .unprocessableEntity))
        case .success(let input):
            let person = snapshot.person
            person.displayName = input.displayName
            person.communeCode = input.communeCode
            person.ageBand = input.ageBand?.rawValue
            try await person.update(on: req.db)
            return req.redirect(
                to: AccountsPaths.account.pattern,
                flash: Flash(.success, visit.t("Vos informations ont été enregistrées.", "Your details were saved.")))
        }
    }

    static func deletePage(visit: Visit, errors: FormErrors, status: HTTPStatus = .ok) -> WebPage {
        let main: HTML = """
            <h1>\(visit.t("Supprimer mon compte", "Delete my account"))</h1>
            <p>\(visit.t("Votre compte, votre profil, vos rôles et vos consentements seront effacés. Ce que vous avez publié reste visible sans votre nom. Cette action est définitive.",
                     "Your account, profile, roles and consents will be erased. What you published stays visible without your name. This cannot be undone."))</p>
            <p>\(visit.t("Avant, vous pouvez", "Before that, you can")) <a href="\(AccountsPaths.accountData.pattern)" download>\(visit.t("télécharger vos données", "download your data"))</a>.</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.accountDelete.pattern, visit: visit))
            \(Form.input(name: "password", label: visit.t("Votre mot de passe", "Your password"), value: nil, errors: errors, visit: visit,
                     type: "password", hint: visit.t("Pour vérifier que c'est bien vous.", "To check that it is you."), required: true,
                     autocomplete: "current-password"))
            \(Form.checkbox(name: "confirm", label: "\(visit.t("Je comprends que la suppression est définitive", "I understand that deletion is final"))",
                        checked: false, errors: errors, visit: visit))
            <p>\(Form.submit(visit.t("Supprimer mon compte", "Delete my account")))</p>
            </form>
            """
        return WebPage(
            title: visit.t("Supprimer mon compte", "Delete my account"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func deleteAccount(_ req: Request) async throws -> Response {
        let visit = req.visit
        let personID = (try visit.signedInViewer()).personID
        let fields = req.formFields()
        guard let person = try await Person.find(personID, on: req.db) else { throw Abort(.notFound) }
        var errors = FormErrors()
        let password = fields["password"] ?? ""
        let matches =
            try await person.passwordHash.asyncMap { try await req.password.async.verify(password, created: $0) }
            ?? false
        if !matches { errors.add("password", visit.t("Mot de passe incorrect.", "Wrong password.")) }
        if fields["confirm"] == nil {
            errors.add(
                "confirm",
                visit.t("Cochez la case pour confirmer la suppression.", "Tick the box to confirm the deletion."))
        }
        if !errors.isEmpty { return req.render(deletePage(visit: visit, errors: errors, status: .unprocessableEntity)) }
        try await AccountErasure.erase(
            personID: personID, modules: req.application.featureModules, on: req.db, actor: nil, territory: nil)
        let response = req.redirect(
            to: "/",
            flash: Flash(
                .success,
                visit.t(
                    "Votre compte a été supprimé. Merci d'avoir participé.",
                    "Your account was deleted. Thank you for taking part.")))
        response.cookies[CookieName.session] = .expired
        return response
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

/// A person with their memberships and consents, read in three queries.
struct AccountSnapshot {
    let person: Person
    let memberships: [Membership]
    let consents: [Consent]

    static func load(personID: Int, on db: any Database) async throws -> AccountSnapshot {
        guard let person = try await Person.find(personID, on: db) else { throw Abort(.notFound) }
        let memberships = try await Membership.query(on: db).filter(\.$personID == personID).sort(\.$id).all()
        let consents = try await Consent.query(on: db).filter(\.$personID == personID).sort(\.$id).all()
        return AccountSnapshot(person: person, memberships: memberships, consents: consents)
    }

    var formFields: [String: String] {
        var fields = ["display_name": person.displayName]
        if let commune = person.communeCode { fields["commune"] = commune }
        if let band = person.ageBand { fields["age_band"] = band }
        return fields
    }
}

/// Everything the platform holds about a person, as JSON.
enum PersonalDataExport {
    static func document(
        personID: Int, modules: [any FeatureModule], directory: TerritoryDirectory, on db: any Database
    ) async throws -> [String: PersonalData] {
        let snapshot = try await AccountSnapshot.load(personID: personID, on: db)
        let person = snapshot.person
        var document: [String: PersonalData] = [
            "exported_at": .date(Date()),
            "account": .object([
                "email": .string(person.email),
                "display_name": .string(person.displayName),
                "email_confirmed_at": .date(person.emailConfirmedAt),
                "assisted_profile": .bool(person.isAssisted),
                "phone": .string(person.phone),
                "commune_code": .string(person.communeCode),
                "age_band": .string(person.ageBand),
                "created_at": .date(person.createdAt),
            ]),
            "memberships": .list(
                snapshot.memberships.map { membership in
                    .object([
                        "territory": .string(directory.find(id: membership.territoryID)?.name),
                        "role": .string(membership.role),
                        "profession_code": .string(membership.professionCode),
                        "since": .date(membership.createdAt),
                    ])
                }),
            "consents": .list(
                snapshot.consents.map { consent in
                    .object([
                        "kind": .string(consent.kind), "version": .string(consent.version),
                        "accepted_at": .date(consent.acceptedAt),
                    ])
                }),
        ]
        for module in modules {
            for (key, value) in try await module.personalData(of: personID, on: db) { document[key] = value }
        }
        return document
    }

    static func response(personID: Int, req: Request, filename: String) async throws -> Response {
        let document = try await self.document(
            personID: personID, modules: req.application.featureModules,
            directory: req.agora.territories, on: req.db)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(document)
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(filename)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}

/// Erases a person: every room first, then the account (memberships, consents, sessions and
/// tokens go with it). The audit trail records that an account was erased, not whose.
enum AccountErasure {
    static func erase(
        personID: Int, modules: [any FeatureModule], on db: any Database, actor: Int?, territory: Int?
    ) async throws {
        try await db.transaction { db in
            for module in modules { try await module.erase(personID: personID, on: db) }
            try await Person.query(on: db).filter(\.$createdByID == personID).set(\.$createdByID, to: nil).update()
            try await AuthToken.query(on: db).filter(\.$personID == personID).delete()
            try await SessionRecord.query(on: db).filter(\.$personID == personID).delete()
            try await Consent.query(on: db).filter(\.$personID == personID).delete()
            try await Membership.query(on: db).filter(\.$personID == personID).delete()
            try await Person.query(on: db).filter(\.$id == personID).delete()
            try await AuditEntry.record(
                actor: actor, territory: territory, action: "account.erased",
                subject: actor == nil ? "own account" : "assisted profile", on: db)
        }
    }
}
