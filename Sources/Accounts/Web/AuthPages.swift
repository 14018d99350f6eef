import Core
import Vapor

/// Sign-up, e-mail confirmation, login (password or one-time link), password reset, logout.
enum AuthPages {
    static func register(_ router: RouteRegistrar) {
        router.get(AccountsPaths.login, access: .guestsOnly) { req in
            req.render(
                loginPage(
                    visit: req.visit, email: "", next: req.query[String.self, at: "suivant"], errors: FormErrors()))
        }
        router.post(AccountsPaths.login, access: .guestsOnly, use: login)
        router.post(AccountsPaths.logout, access: .everyone) { req in
            let response = req.redirect(
                to: "/", flash: Flash(.success, req.visit.t("Vous êtes déconnecté·e.", "You are logged out.")))
            try await LogOut.run(sessionToken: req.sessionToken, env: req.useCases)
            response.cookies[CookieName.session] = .expired
            return response
        }
        router.get(AccountsPaths.signup, access: .guestsOnly) { req in
            req.render(
                signupPage(
                    visit: req.visit, territories: req.agora.territories.all,
                    fields: [
                        "territory": req.query[String.self, at: "territoire"] ?? "", "role": Role.resident.rawValue,
                    ], errors: FormErrors()))
        }
        router.post(AccountsPaths.signup, access: .guestsOnly, use: signup)
        router.get(AccountsPaths.signupDone, access: .everyone) { req in
            req.render(
                message(
                    visit: req.visit, title: req.visit.t("Vérifiez votre boîte mail", "Check your mailbox"),
                    paragraphs: [
                        req.visit.t(
                            "Nous venons de vous envoyer un e-mail. Cliquez sur le lien qu'il contient pour confirmer votre adresse. Le lien est valable 48 heures.",
                            "We have just sent you an e-mail. Click the link it contains to confirm your address. The link is valid for 48 hours."
                        ),
                        req.visit.t(
                            "Rien reçu ? Regardez dans les courriers indésirables, ou demandez un nouveau lien de confirmation.",
                            "Nothing? Look in your spam folder, or ask for a new confirmation link."),
                    ],
                    link: (
                        AccountsPaths.confirmationRequest.pattern,
                        req.visit.t("Recevoir un nouveau lien de confirmation", "Get a new confirmation link")
                    )))
        }
        router.get(AccountsPaths.confirm, access: .everyone) { req in
            try await tokenLanding(
                req, purpose: .confirmEmail,
                title: req.visit.t("Confirmer votre adresse e-mail", "Confirm your e-mail address"),
                button: req.visit.t("Confirmer mon adresse", "Confirm my address"))
        }
        router.post(AccountsPaths.confirm, access: .everyone, use: confirm)
        router.get(AccountsPaths.loginLinkRequest, access: .guestsOnly) { req in
            req.render(emailRequestPage(visit: req.visit, kind: .login, email: "", errors: FormErrors()))
        }
        router.post(AccountsPaths.loginLinkRequest, access: .guestsOnly) { req in
            try await requestEmailLink(req, kind: .login)
        }
        router.get(AccountsPaths.confirmationRequest, access: .guestsOnly) { req in
            req.render(emailRequestPage(visit: req.visit, kind: .confirmation, email: "", errors: FormErrors()))
        }
        router.post(AccountsPaths.confirmationRequest, access: .guestsOnly) { req in
            try await requestEmailLink(req, kind: .confirmation)
        }
        router.get(AccountsPaths.loginLink, access: .everyone) { req in
            try await tokenLanding(
                req, purpose: .login, title: req.visit.t("Connexion par lien", "Login by link"),
                button: req.visit.t("Me connecter", "Log me in"))
        }
        router.post(AccountsPaths.loginLink, access: .everyone, use: useLoginLink)
        router.get(AccountsPaths.passwordForgotten, access: .everyone) { req in
            req.render(emailRequestPage(visit: req.visit, kind: .reset, email: "", errors: FormErrors()))
        }
        router.post(AccountsPaths.passwordForgotten, access: .everyone) { req in
            try await requestEmailLink(req, kind: .reset)
        }
        router.get(AccountsPaths.passwordReset, access: .everyone) { req in
            let token = req.parameters.get("token") ?? ""
            guard try await EmailTokens.find(token, purpose: .resetPassword, now: req.now, on: req.db) != nil else {
                return req.render(expiredLink(req.visit))
            }
            return req.render(resetPage(visit: req.visit, token: token, errors: FormErrors()))
        }
        router.post(AccountsPaths.passwordReset, access: .everyone, use: resetPassword)
    }

    // MARK: - Login

    static func loginPage(
        visit: Visit, email: String, next: String?, errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let nextField: HTML =
            SafeRedirect.path(next).map { "<input type=\"hidden\" name=\"suivant\" value=\"\($0)\">" } ?? .empty
        let main: HTML = """
            <h1>\(visit.t("Se connecter", "Log in"))</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.login.pattern, visit: visit))\(nextField)
            \(Form.input(name: "email", label: visit.t("Adresse e-mail", "E-mail address"), value: email, errors: errors, visit: visit,
                     type: "email", required: true, autocomplete: "email"))
            \(Form.input(name: "password", label: visit.t("Mot de passe", "Password"), value: nil, errors: errors, visit: visit,
                     type: "password", required: true, autocomplete: "current-password"))
            <p>\(Form.submit(visit.t("Se connecter", "Log in")))</p>
            </form>
            <ul class="links">
            <li><a href="\(AccountsPaths.loginLinkRequest.pattern)">\(visit.t("Se connecter sans mot de passe, par un lien reçu par e-mail", "Log in without a password, with a link sent by e-mail"))</a></li>
            <li><a href="\(AccountsPaths.passwordForgotten.pattern)">\(visit.t("Mot de passe oublié ?", "Forgotten password?"))</a></li>
            <li><a href="\(AccountsPaths.confirmationRequest.pattern)">\(visit.t("Adresse pas encore confirmée ? Recevoir un nouveau lien de confirmation", "Address not confirmed yet? Get a new confirmation link"))</a></li>
            <li><a href="\(AccountsPaths.signup.pattern)">\(visit.t("Pas encore de compte ? Créer un compte", "No account yet? Sign up"))</a></li>
            </ul>
            """
        return WebPage(
            title: visit.t("Se connecter", "Log in"), main: main, status: status, scripts: ["app.js"],
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func login(_ req: Request) async throws -> Response {
        let visit = req.visit
        let fields = req.formFields()
        let email = EmailAddress.normalize(fields["email"] ?? "")
        let next = fields["suivant"]
        let outcome = try await LogIn.run(
            email: email, password: fields["password"] ?? "",
            limits: .init(
                limiter: req.agora.rateLimiter, client: req.clientAddress, perClient: req.agora.config.loginLimit),
            previousSession: req.sessionToken, hasher: req.password.async, actor: req.visitor, env: req.useCases)
        var errors = FormErrors()
        let status: HTTPStatus
        switch outcome {
        case .signedIn(_, let name, let token):
            let response = req.redirect(
                to: SafeRedirect.path(next) ?? AccountsPaths.account.pattern,
                flash: Flash(
                    .success, visit.t("Bonjour \(name), vous êtes connecté·e.", "Hello \(name), you are logged in.")))
            req.setSession(token, on: response)
            return response
        case .rateLimited:
            errors.add(
                "email",
                visit.t(
                    "Trop de tentatives de connexion. Attendez 15 minutes, ou recevez un lien de connexion par e-mail.",
                    "Too many login attempts. Wait 15 minutes, or get a login link by e-mail."))
            status = .tooManyRequests
        case .invalid(let invalid):
            errors = invalid
            status = .unprocessableEntity
        case .wrongCredentials:
            errors.add(
                "email", visit.t("Adresse e-mail ou mot de passe incorrect.", "Wrong e-mail address or password."))
            status = .unauthorized
        case .unconfirmed:
            errors.add(
                "email",
                visit.t(
                    "Confirmez d'abord votre adresse e-mail : nous venons de vous renvoyer le lien.",
                    "Confirm your e-mail address first: we have just sent you the link again."))
            status = .forbidden
        }
        return req.render(loginPage(visit: visit, email: email, next: next, errors: errors, status: status))
    }

    // MARK: - Sign-up

    static func signupPage(
        visit: Visit, territories: [TerritoryInfo], fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let territoryOptions = territories.map { Form.Option($0.slug, $0.name) }
        let roleOptions = [
            Form.Option(
                Role.resident.rawValue, visit.t("Habitant·e, patient·e ou aidant·e", "Resident, patient or carer")),
            Form.Option(Role.professional.rawValue, visit.t("Professionnel·le de santé", "Health professional")),
        ]
        let professionOptions = Profession.all.map { Form.Option($0.code, $0.label) }
        let main: HTML = """
            <h1>\(visit.t("Créer un compte", "Sign up"))</h1>
            <p>\(visit.t("Un compte vous permet de donner votre avis, de proposer des idées et de vous inscrire aux rencontres. Nous ne demandons que le nécessaire.",
                     "An account lets you give your opinion, propose ideas and register for meetings. We only ask for what is needed."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.signup.pattern, visit: visit))
            \(Form.input(name: "display_name", label: visit.t("Nom ou pseudonyme", "Name or nickname"), value: fields["display_name"], errors: errors, visit: visit,
                     hint: visit.t("C'est ce que les autres verront. Un prénom suffit.", "This is what others will see. A first name is enough."),
                     required: true, autocomplete: "nickname", maxLength: 80))
            \(Form.input(name: "email", label: visit.t("Adresse e-mail", "E-mail address"), value: fields["email"], errors: errors, visit: visit,
                     type: "email", hint: visit.t("Nous vous enverrons un lien pour la confirmer.", "We will send you a link to confirm it."),
                     required: true, autocomplete: "email"))
            \(Form.input(name: "password", label: visit.t("Mot de passe", "Password"), value: nil, errors: errors, visit: visit,
                     type: "password", hint: visit.t("Au moins 12 caractères. Une phrase de plusieurs mots est facile à retenir.",
                                                     "At least 12 characters. A phrase of several words is easy to remember."),
                     required: true, autocomplete: "new-password"))
            \(Form.select(name: "territory", label: visit.t("Votre territoire", "Your territory"), options: territoryOptions,
                      selected: fields["territory"], errors: errors, visit: visit, required: true,
                      placeholder: visit.t("Choisir…", "Choose…")))
            \(Form.radios(name: "role", legend: visit.t("Vous êtes", "You are"), options: roleOptions, selected: fields["role"], errors: errors, visit: visit, required: true))
            \(Form.select(name: "profession", label: visit.t("Votre profession (professionnels de santé)", "Your profession (health professionals)"),
                      options: professionOptions, selected: fields["profession"], errors: errors, visit: visit,
                      hint: visit.t("Liste de l'Agence du numérique en santé.", "List of the French digital health agency."),
                      placeholder: visit.t("Choisir…", "Choose…")))
            \(Form.checkbox(name: "accept_terms", label: """
            \(visit.t("J'accepte les", "I accept the")) <a href="\(AccountsPaths.terms.pattern)">\(visit.t("conditions d'utilisation", "terms of use"))</a> \
            \(visit.t("et la", "and the")) <a href="\(AccountsPaths.privacy.pattern)">\(visit.t("politique de confidentialité", "privacy notice"))</a>
            """, checked: fields["accept_terms"] != nil, errors: errors, visit: visit))
            <p>\(Form.submit(visit.t("Créer mon compte", "Create my account")))</p>
            </form>
            <p>\(visit.t("Déjà un compte ?", "Already have an account?")) <a href="\(AccountsPaths.login.pattern)">\(visit.t("Se connecter", "Log in"))</a></p>
            """
        return WebPage(
            title: visit.t("Créer un compte", "Sign up"), main: main, status: status, scripts: ["app.js"],
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func signup(_ req: Request) async throws -> Response {
        let visit = req.visit
        let fields = req.formFields()
        let territories = req.agora.territories.all
        let throttle = Throttle(
            req.agora.rateLimiter, key: "signup-ip:" + req.clientAddress, limit: req.agora.config.signupLimit,
            window: 3600)
        let errors: FormErrors
        let status: HTTPStatus
        switch try await SignUp.run(
            fields, territories: territories, throttle: throttle, hasher: req.password.async, actor: req.visitor,
            env: req.useCases)
        {
        case .created, .emailTaken:
            // The same answer either way: nothing tells whether the address had an account.
            return req.redirect(to: AccountsPaths.signupDone.pattern)
        case .invalid(let invalid):
            errors = invalid
            status = .unprocessableEntity
        case .rateLimited:
            var limited = FormErrors()
            limited.add(
                "email",
                visit.t(
                    "Trop de comptes créés depuis cette connexion. Réessayez dans une heure.",
                    "Too many accounts created from this connection. Try again in an hour."))
            errors = limited
            status = .tooManyRequests
        }
        return req.render(
            signupPage(visit: visit, territories: territories, fields: fields, errors: errors, status: status))
    }

    // MARK: - Links sent by e-mail

    enum LinkKind { case login, reset, confirmation }

    static func emailRequestPage(
        visit: Visit, kind: LinkKind, email: String, errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let title: String
        let intro: String
        let action: String
        switch kind {
        case .login:
            title = visit.t("Recevoir un lien de connexion", "Get a login link")
            intro = visit.t(
                "Indiquez votre adresse e-mail : nous vous envoyons un lien qui vous connecte sans mot de passe. Il est valable 20 minutes et ne sert qu'une fois.",
                "Enter your e-mail address: we send you a link that logs you in without a password. It is valid for 20 minutes, once."
            )
            action = AccountsPaths.loginLinkRequest.pattern
        case .reset:
            title = visit.t("Mot de passe oublié", "Forgotten password")
            intro = visit.t(
                "Indiquez votre adresse e-mail : nous vous envoyons un lien pour choisir un nouveau mot de passe. Il est valable une heure.",
                "Enter your e-mail address: we send you a link to choose a new password. It is valid for one hour.")
            action = AccountsPaths.passwordForgotten.pattern
        case .confirmation:
            title = visit.t("Recevoir un nouveau lien de confirmation", "Get a new confirmation link")
            intro = visit.t(
                "Vous avez créé un compte mais le lien pour confirmer votre adresse n'est pas arrivé, ou n'est plus valable ? Indiquez votre adresse e-mail : si elle attend sa confirmation, nous vous envoyons un nouveau lien, valable 48 heures.",
                "You signed up but the link to confirm your address never came, or has expired? Enter your e-mail address: if it awaits its confirmation, we send you a new link, valid for 48 hours."
            )
            action = AccountsPaths.confirmationRequest.pattern
        }
        let main: HTML = """
            <h1>\(title)</h1>
            <p>\(intro)</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit))
            \(Form.input(name: "email", label: visit.t("Adresse e-mail", "E-mail address"), value: email, errors: errors, visit: visit,
                     type: "email", required: true, autocomplete: "email"))
            <p>\(Form.submit(visit.t("Recevoir un lien", "Send me a link")))</p>
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func requestEmailLink(_ req: Request, kind: LinkKind) async throws -> Response {
        let visit = req.visit
        let raw = req.formFields()["email"] ?? ""
        let limiter = req.agora.rateLimiter
        let outcome: EmailLinkOutcome
        switch kind {
        case .login:
            outcome = try await RequestLoginLink.run(
                email: raw, limiter: limiter, actor: req.visitor, env: req.useCases)
        case .reset:
            outcome = try await RequestPasswordReset.run(
                email: raw, limiter: limiter, actor: req.visitor, env: req.useCases)
        case .confirmation:
            outcome = try await RequestConfirmationLink.run(
                email: raw, limiter: limiter, actor: req.visitor, env: req.useCases)
        }
        switch outcome {
        case .invalid(let errors):
            return req.render(
                emailRequestPage(
                    visit: visit, kind: kind, email: EmailAddress.normalize(raw), errors: errors,
                    status: .unprocessableEntity))
        case .requested(let email):
            let title = visit.t("Vérifiez votre boîte mail", "Check your mailbox")
            return req.render(
                message(
                    visit: visit, title: title,
                    paragraphs: [
                        kind == .confirmation
                            ? visit.t(
                                "Si un compte attend la confirmation de \(email), nous venons de lui envoyer un nouveau lien.",
                                "If an account awaits the confirmation of \(email), we have just sent it a new link.")
                            : visit.t(
                                "Si un compte existe pour \(email), nous venons de lui envoyer un lien.",
                                "If an account exists for \(email), we have just sent it a link."),
                        visit.t(
                            "Rien reçu dans quelques minutes ? Regardez dans les courriers indésirables.",
                            "Nothing within a few minutes? Look in your spam folder."),
                    ], link: nil))
        }
    }

    /// The page a link from an e-mail opens: a button that does the action (a POST with a CSRF token),
    /// so that mail scanners following links do not use the token.
    static func tokenLanding(
        _ req: Request, purpose: AuthToken.Purpose, title: String, button: String
    ) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard try await EmailTokens.find(token, purpose: purpose, now: req.now, on: req.db) != nil else {
            return req.render(expiredLink(req.visit))
        }
        let visit = req.visit
        let main: HTML = """
            <h1>\(title)</h1>
            \(Form.open(action: req.url.path, visit: visit))
            <p>\(Form.submit(button))</p>
            </form>
            """
        return req.render(WebPage(title: title, main: main))
    }

    static func expiredLink(_ visit: Visit) -> WebPage {
        var page = message(
            visit: visit, title: visit.t("Ce lien n'est plus valable", "This link is no longer valid"),
            paragraphs: [
                visit.t(
                    "Il a déjà servi ou il a expiré. Vous pouvez en demander un nouveau.",
                    "It has already been used or it has expired. You can ask for a new one.")
            ],
            link: (
                AccountsPaths.loginLinkRequest.pattern,
                visit.t("Recevoir un nouveau lien de connexion", "Get a new login link")
            ))
        page.status = .gone
        return page
    }

    @Sendable static func confirm(_ req: Request) async throws -> Response {
        let visit = req.visit
        switch try await ConfirmEmail.run(token: req.parameters.get("token") ?? "", env: req.useCases) {
        case .expired:
            return req.render(expiredLink(visit))
        case .done:
            return req.redirect(
                to: AccountsPaths.login.pattern,
                flash: Flash(
                    .success,
                    visit.t(
                        "Votre adresse est confirmée. Vous pouvez vous connecter.",
                        "Your address is confirmed. You can log in.")))
        }
    }

    @Sendable static func useLoginLink(_ req: Request) async throws -> Response {
        let visit = req.visit
        switch try await UseLoginLink.run(
            token: req.parameters.get("token") ?? "", previousSession: req.sessionToken, env: req.useCases)
        {
        case .expired:
            return req.render(expiredLink(visit))
        case .signedIn(_, let name, let token):
            let response = req.redirect(
                to: AccountsPaths.account.pattern,
                flash: Flash(
                    .success, visit.t("Bonjour \(name), vous êtes connecté·e.", "Hello \(name), you are logged in.")))
            req.setSession(token, on: response)
            return response
        }
    }

    static func resetPage(visit: Visit, token: String, errors: FormErrors, status: HTTPStatus = .ok) -> WebPage {
        let main: HTML = """
            <h1>\(visit.t("Choisir un nouveau mot de passe", "Choose a new password"))</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: AccountsPaths.passwordReset.link(token), visit: visit))
            \(Form.input(name: "password", label: visit.t("Nouveau mot de passe", "New password"), value: nil, errors: errors, visit: visit,
                     type: "password", hint: visit.t("Au moins 12 caractères.", "At least 12 characters."), required: true, autocomplete: "new-password"))
            <p>\(Form.submit(visit.t("Changer mon mot de passe", "Change my password")))</p>
            </form>
            """
        return WebPage(
            title: visit.t("Nouveau mot de passe", "New password"), main: main, status: status, scripts: ["app.js"],
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func resetPassword(_ req: Request) async throws -> Response {
        let visit = req.visit
        let secret = req.parameters.get("token") ?? ""
        switch try await ResetPassword.run(
            token: secret, password: req.formFields()["password"] ?? "", hasher: req.password.async,
            actor: req.visitor, env: req.useCases)
        {
        case .expired:
            return req.render(expiredLink(visit))
        case .invalid(let errors):
            return req.render(resetPage(visit: visit, token: secret, errors: errors, status: .unprocessableEntity))
        case .changed:
            return req.redirect(
                to: AccountsPaths.login.pattern,
                flash: Flash(
                    .success,
                    visit.t(
                        "Votre mot de passe a été changé. Connectez-vous avec le nouveau.",
                        "Your password was changed. Log in with the new one.")))
        }
    }

    // MARK: - Shared

    static func message(visit: Visit, title: String, paragraphs: [String], link: (String, String)?) -> WebPage {
        let body = paragraphs.map { p -> HTML in "<p>\(p)</p>" }
        let linkHTML: HTML = link.map { "<p><a href=\"\($0.0)\">\($0.1)</a></p>" } ?? .empty
        return WebPage(title: title, main: "<h1>\(title)</h1>\(each: body)\(linkHTML)")
    }
}
