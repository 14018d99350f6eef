import Core
import Vapor

/// A person's own account: profile facts, data download, deletion.
enum AccountPages {
    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.account, access: .signedIn) { req in
            let snapshot = try await Self.snapshot(req)
            return req.render(
                profilePage(
                    visit: req.visit, snapshot: snapshot, directory: req.agora.territories,
                    fields: snapshot.formFields, errors: FormErrors()))
        }
        router.post(AccountsPaths.account, access: .signedIn, use: saveProfile)
        router.get(AccountsPaths.accountData, access: .signedIn) { req in
            let outcome = try await ExportOwnData.run(
                modules: req.application.featureModules, territories: req.agora.territories.all, actor: req.visitor,
                env: req.useCases)
            return try download(outcome, filename: "mes-donnees-agora-sante.json")
        }
        router.get(AccountsPaths.accountDelete, access: .signedIn) { req in
            req.render(deletePage(visit: req.visit, errors: FormErrors()))
        }
        router.post(AccountsPaths.accountDelete, access: .signedIn, use: deleteAccount)
    }

    /// The signed-in person's account, the model of the profile page (404 when it is gone).
    static func snapshot(_ req: Request) async throws -> AccountSnapshot {
        let personID = (try req.visit.signedInViewer()).personID
        guard let snapshot = try await AccountSnapshot.load(personID: personID, on: req.db) else {
            throw Abort(.notFound)
        }
        return snapshot
    }

    static func communeOptions(for snapshot: AccountSnapshot, directory: TerritoryDirectory) -> [Form.OptionGroup] {
        ProfileInput.communeChoices(territoryIDs: Set(snapshot.memberships.map(\.territoryID)), among: directory.all)
            .map { territory in
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
        let fields = req.formFields()
        switch try await UpdateProfile.run(
            fields, territories: req.agora.territories.all, actor: req.visitor, env: req.useCases)
        {
        case .invalid(let errors):
            return req.render(
                profilePage(
                    visit: visit, snapshot: try await snapshot(req), directory: req.agora.territories, fields: fields,
                    errors: errors, status: .unprocessableEntity))
        case .notFound:
            throw Abort(.notFound)
        case .saved:
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
        let fields = req.formFields()
        switch try await EraseAccount.run(
            password: fields["password"] ?? "", confirmed: fields["confirm"] != nil,
            modules: req.application.featureModules, hasher: req.password.async, actor: req.visitor,
            env: req.useCases)
        {
        case .invalid(let errors):
            return req.render(deletePage(visit: visit, errors: errors, status: .unprocessableEntity))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        case .erased:
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

    /// A personal-data document as a JSON download (never cached).
    static func download(_ outcome: ExportOutcome, filename: String) throws -> Response {
        switch outcome {
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        case .exported(let document):
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
}
