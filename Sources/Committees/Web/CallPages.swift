import Core
import Fluent
import Vapor

/// Calls for candidates: open one, apply, then select by hand or draw by lot — reproducibly,
/// from a published seed.
enum CallPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.calls, access: CommitteePages.staff, scoped: create)
        router.get(CommitteesPaths.call, access: .everyone) { req in
            let committee = try await CommitteeContext.committee(req)
            let call = try await CommitteeContext.call(req, of: committee)
            let model = try await load(committee: committee, call: call, now: req.now, on: req.db)
            return req.render(try view(model, visit: req.visit, fields: [:], errors: FormErrors()))
        }
        router.post(CommitteesPaths.apply, access: CommitteePages.members, member: apply)
        router.post(CommitteesPaths.select, access: CommitteePages.staff, scoped: select)
        router.post(CommitteesPaths.draw, access: CommitteePages.staff, scoped: draw)
    }

    static func newCallForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        return """
            <h2 id="nouvel-appel">\(visit.t("Ouvrir un appel à candidatures", "Open a call for candidates"))</h2>
            \(Form.open(action: CommitteesPaths.calls.link(territory.slug, try committee.requireID()), visit: visit))
            \(Form.input(name: "title", label: visit.t("Titre de l'appel", "Title of the call"), value: fields["title"], errors: errors, visit: visit, required: true, maxLength: 160))
            \(Form.textarea(name: "body", label: visit.t("Qui peut candidater, et ce qu'on attend des membres", "Who may apply, and what members do"), value: fields["body"],
                        errors: errors, visit: visit, required: true, rows: 4, maxLength: 3000))
            \(Form.select(name: "call_college", label: visit.t("Collège concerné", "College"), options: College.allCases.map { Form.Option($0.rawValue, visit.t($0.short)) },
                      selected: fields["call_college"], errors: errors, visit: visit, required: true))
            \(Form.input(name: "seats", label: visit.t("Nombre de sièges", "Number of seats"), value: fields["seats"], errors: errors, visit: visit, type: "number", required: true, inputmode: "numeric"))
            \(Form.input(name: "closes_on", label: visit.t("Date limite des candidatures", "Closing date"), value: fields["closes_on"], errors: errors, visit: visit, type: "date", required: true))
            \(Form.submit(visit.t("Ouvrir l'appel", "Open the call")))
            </form>
            """
    }

    @Sendable static func create(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let territory = scope.territory
        let committee = try await CommitteeContext.committee(req)
        let fields = req.formFields()
        let input: CallInput
        switch CallInput.validate(fields: fields, today: Day.today(req.now), lang: visit.lang) {
        case .failure(let box):
            return req.render(
                try await CommitteePages.managePage(
                    req, committee: committee, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let value): input = value
        }
        let outcome = try await OpenCall.run(
            input, committee: committee, territory: territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .opened(let callID):
            return req.redirect(
                to: CommitteesPaths.call.link(territory.slug, try committee.requireID(), callID),
                flash: Flash(
                    .success,
                    visit.t(
                        "Appel ouvert. Partagez le lien de cette page.", "Call opened. Share the link of this page.")))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    /// A call's page, from its model: the call, the count of candidacies, the viewer's way to
    /// apply (or why not), the result once decided, and the coordinators' area. Pure: the model,
    /// the visit and what was typed (`fields`, `errors`) are all it reads.
    static func view(
        _ model: CallPageModel, visit: Visit, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let call = model.call, today = model.today
        let college = College(rawValue: call.college) ?? .users
        let open = model.isOpen
        let daysLeft =
            Day.date(call.closesOn).map { Int(($0.timeIntervalSince(Day.date(today)!) / 86_400).rounded()) } ?? 0
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, try model.committee.requireID()))">\(visit.t("← ", "← "))\(model.committee.name)</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(call.title)</h1>
            <p class="meta">\(visit.t(college.label)) · \(visit.t(Counted.text(call.seats, fr: ("siège", "sièges"), en: ("seat", "seats")))) · \
            \(open ? visit.t(daysLeft == 0 ? Text("dernier jour pour candidater", "last day to apply") : Text("encore " + Counted.text(daysLeft, fr: ("jour", "jours"), en: ("", "")).fr + " pour candidater, jusqu'au ", Counted.text(daysLeft, fr: ("", ""), en: ("day", "days")).en + " left to apply, until ")) + (daysLeft == 0 ? "" : DateText.day(iso: call.closesOn, lang: visit.lang))
               : visit.t("clos", "closed"))</p>
            <div class="proposal-body">\(View.paragraphs(call.body))</div>
            <p>\(visit.t(Counted.text(model.candidates.count, fr: ("candidature reçue", "candidatures reçues"), en: ("application received", "applications received")))).</p>
            \(commitmentNote(call, visit: visit))
            \(try applySection(model, visit: visit, fields: fields, errors: errors))
            \(resultSection(model, visit: visit))
            \(try staffSection(model, visit: visit, fields: fields, errors: errors))
            """
        return WebPage(title: call.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// The viewer's part: their candidacy's number, closed, log in, not their college, or the form.
    static func applySection(
        _ model: CallPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let call = model.call
        let college = College(rawValue: call.college) ?? .users
        let cid = try model.committee.requireID(), callID = try call.requireID()
        if let mine = visit.viewer.flatMap({ viewer in model.candidates.first { $0.person_id == viewer.personID } }) {
            return
                "<p class=\"flash\">\(visit.t("Votre candidature est enregistrée sous le numéro \(mine.number).", "Your application is recorded as number \(mine.number)."))</p>"
        } else if !model.isOpen {
            return "<p>\(visit.t("Les candidatures sont closes.", "Applications are closed."))</p>"
        } else if visit.viewer == nil {
            return
                "<p><a class=\"button\" href=\"\(LoginLink.to(CommitteesPaths.call.link(territory.slug, cid, callID)))\">\(visit.t("Se connecter pour candidater", "Log in to apply"))</a></p>"
        } else if !CommitteesPolicy.allows(visit.committeeActor, .apply, on: .call(college: college)) {
            return
                "<p>\(visit.t("Cet appel s'adresse au \(college.label.fr.lowercased()) ; votre compte sur ce territoire n'en relève pas.", "This call is for the \(college.label.en.lowercased()); your account in this territory is not part of it."))</p>"
        }
        return """
            <h2>\(visit.t("Candidater", "Apply"))</h2>
            \(Form.open(action: CommitteesPaths.apply.link(territory.slug, cid, callID), visit: visit))
            \(Form.textarea(name: "motivation", label: visit.t("Pourquoi souhaitez-vous siéger ?", "Why do you wish to sit on the committee?"), value: fields["motivation"], errors: errors, visit: visit,
                        hint: visit.t("Quelques phrases suffisent. Elles ne sont lues que par les coordinateurs.", "A few sentences are enough. Only the coordinators read them."), required: true, rows: 5, maxLength: 1500))
            \(Form.submit(visit.t("Envoyer ma candidature", "Send my application")))
            </form>
            """
    }

    /// Before a decision: the SHA-256 of the seed the platform fixed when the call opened, so that
    /// anyone can check after a draw that the seed was not chosen once the candidates were known.
    static func commitmentNote(_ call: CandidateCall, visit: Visit) -> HTML {
        guard call.decidedAt == nil, let commitment = call.seedCommitment else { return .empty }
        return """
            <p class="meta">\(visit.t("En cas de tirage au sort, sa graine est fixée depuis l'ouverture de l'appel. Son empreinte SHA-256, publiée dès maintenant : ", "If members are drawn by lot, the seed has been fixed since the call opened. Its SHA-256 fingerprint, published now: "))<code class="fingerprint">\(commitment)</code></p>
            """
    }

    /// Once decided: the numbers chosen, and for a draw its seed, its full order and how to check it.
    static func resultSection(_ model: CallPageModel, visit: Visit) -> HTML {
        let call = model.call, list = model.candidates
        guard call.decidedAt != nil else { return .empty }
        let chosen = list.filter { $0.standing == .selected }.map(\.number)
        let balance = DrawBalance(rawValue: call.balance) ?? .none
        guard let seed = call.seed else {
            return
                "<h2>\(visit.t("Résultat", "Result"))</h2><p>\(visit.t("Candidatures retenues par les coordinateurs : numéros ", "Applications selected by the coordinators: numbers "))\(chosen.map(String.init).joined(separator: ", "))</p>"
        }
        let order = Draw.order(
            list.map { Draw.Candidate(number: $0.number, group: $0.group(balance: balance)) },
            seed: UInt64(seed) ?? 0, balanced: balance != .none)
        return """
            <h2>\(visit.t("Résultat du tirage au sort", "Result of the draw"))</h2>
            <p>\(visit.t("Graine publiée : ", "Published seed: "))<strong>\(seed)</strong>\(balance == .none ? "" : " · " + visit.t("équilibre par ", "balanced by ") + visit.t(balance.by))</p>
            \(call.seedCommitment.map { commitment in
                "<p>\(visit.t("Empreinte SHA-256 publiée à l'ouverture de l'appel : ", "SHA-256 fingerprint published when the call opened: "))<code class=\"fingerprint\">\(commitment)</code>\(Draw.keeps(commitment, seed: seed) ? visit.t(" — c'est bien celle de cette graine.", " — it is indeed this seed's.") : "")</p>" as HTML
            } ?? .empty)
            <p>\(visit.t("Numéros tirés : ", "Numbers drawn: "))\(chosen.map(String.init).joined(separator: ", "))</p>
            <p>\(visit.t("Ordre complet : ", "Full order: "))\(order.map(String.init).joined(separator: ", "))</p>
            <details><summary>\(visit.t("Vérifier le tirage", "Check the draw"))</summary>
            <p>\(visit.t("Les candidatures sont rangées par numéro, puis mélangées par l'algorithme de Fisher–Yates avec le générateur SplitMix64 initialisé par la graine ; les premiers numéros sont tirés. Avec un équilibre, on prend tour à tour un candidat de chaque groupe (groupes par ordre alphabétique). Le code est public : Sources/Committees/Rules/CommitteeRules.swift et Sources/Core/Domain/SplitMix64.swift. Pour vérifier que la graine est celle fixée à l'ouverture, calculez son empreinte, par exemple avec la commande printf '%s' GRAINE | sha256sum : elle doit être égale à l'empreinte publiée.",
                     "Applications are put in the order of their number, then shuffled by Fisher–Yates with the SplitMix64 generator started from the seed; the first numbers are drawn. With a balance, one candidate is taken from each group in turn (groups in alphabetical order). The code is public: Sources/Committees/Rules/CommitteeRules.swift and Sources/Core/Domain/SplitMix64.swift. To check that the seed is the one fixed when the call opened, compute its fingerprint, for example with printf '%s' SEED | sha256sum: it must equal the published one."))</p></details>
            """
    }

    /// The coordinators' area: every candidacy, then (while undecided) the two ways to appoint.
    static func staffSection(
        _ model: CallPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        guard CommitteesPolicy.allows(visit.committeeActor, .run, on: .committee) else { return .empty }
        let territory = try visit.territoryHere()
        let list = model.candidates
        let rows = list.map { c -> [HTML] in
            [
                "\(c.number)", "\(c.display_name)",
                "\(c.commune_code.flatMap { territory.commune(code: $0)?.name } ?? "—")", "\(c.age_band ?? "—")",
                "\(c.motivation)",
                "\(visit.t(c.standing.label))",
            ]
        }
        let decided = model.call.decidedAt != nil
        return """
            <section aria-labelledby="equipe" class="staff"><h2 id="equipe">\(visit.t("Espace des coordinateurs", "Coordinators' area"))</h2>
            \(rows.isEmpty ? "<p>\(visit.t("Aucune candidature pour l'instant.", "No application yet."))</p>" as HTML
            : View.table(caption: visit.t("Candidatures", "Applications"), headers: ["N°", visit.t("Nom", "Name"), visit.t("Commune", "Municipality"), visit.t("Âge", "Age"), visit.t("Motivation", "Motivation"), visit.t("État", "Status")], rows: rows))
            \(decided || list.isEmpty ? HTML.empty : try appointForms(model, visit: visit, fields: fields, errors: errors))
            </section>
            """
    }

    /// The two ways to appoint members: choose the candidacies, or draw by lot from the seed fixed
    /// when the call opened.
    static func appointForms(
        _ model: CallPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let call = model.call, today = model.today
        let cid = try model.committee.requireID(), callID = try call.requireID()
        // Both forms ask for the mandate; the draw's fields get their own ids.
        func mandate(_ suffix: String) -> HTML {
            """
            \(Form.input(name: "mandate_start", label: visit.t("Début du mandat", "Start of the mandate"), value: fields["mandate_start"] ?? today, errors: errors, visit: visit,
                         type: "date", required: true, field: "mandate_start" + suffix))
            \(Form.input(name: "mandate_end", label: visit.t("Fin du mandat", "End of the mandate"), value: fields["mandate_end"] ?? Day.adding(3 * 365, to: today), errors: errors, visit: visit,
                         type: "date", required: true, field: "mandate_end" + suffix))
            """
        }
        return """
            <h3>\(visit.t("Choisir les membres", "Choose the members"))</h3>
            \(Form.open(action: CommitteesPaths.select.link(territory.slug, cid, callID), visit: visit))
            \(Form.checkboxes(name: "selected", legend: visit.t("Candidatures retenues (\(call.seats) sièges au plus)", "Applications selected (\(call.seats) seats at most)"),
                              options: model.candidates.map { Form.Option(String($0.number), "N° \($0.number) · \($0.display_name)") }, selected: [], errors: errors, visit: visit))
            \(mandate(""))
            \(Form.submit(visit.t("Retenir ces candidatures", "Select these applications")))
            </form>
            <h3>\(visit.t("Ou tirer au sort", "Or draw by lot"))</h3>
            \(Form.open(action: CommitteesPaths.draw.link(territory.slug, cid, callID), visit: visit))
            <p class="hint">\(visit.t("La graine du tirage est celle que la plateforme a fixée à l'ouverture de l'appel (son empreinte est publiée ci-dessus) : personne ne la choisit.", "The draw's seed is the one the platform fixed when the call opened (its fingerprint is published above): nobody chooses it."))</p>
            \(Form.select(name: "balance", label: visit.t("Équilibre", "Balance"), options: DrawBalance.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                          selected: fields["balance"], errors: errors, visit: visit))
            \(mandate("_tirage"))
            \(Form.submit(visit.t("Tirer au sort ", "Draw ") + visit.t(Counted.text(call.seats, fr: ("membre", "membres"), en: ("member", "members")))))
            </form>
            """
    }

    @Sendable static func apply(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let committee = try await CommitteeContext.committee(req)
        let call = try await CommitteeContext.call(req, of: committee)
        let fields = req.formFields()
        let outcome = try await ApplyToCall.run(
            motivation: fields, call: call, committee: committee, actor: Actor(member), env: req.useCases)
        switch outcome {
        case .applied:
            return req.redirect(
                to: CommitteesPaths.call.link(member.territory.slug, try committee.requireID(), try call.requireID()),
                flash: Flash(
                    .success,
                    visit.t("Merci : votre candidature est enregistrée.", "Thank you: your application is recorded.")))
        case .invalid(let errors), .closed(let errors), .forbidden(let errors):
            let model = try await load(committee: committee, call: call, now: req.now, on: req.db)
            return req.render(
                try view(model, visit: req.visit, fields: fields, errors: errors, status: .unprocessableEntity))
        case .duplicate:
            var errors = FormErrors()
            errors.add(
                "motivation", visit.t("Vous avez déjà candidaté à cet appel.", "You have already applied to this call.")
            )
            let model = try await load(committee: committee, call: call, now: req.now, on: req.db)
            return req.render(try view(model, visit: req.visit, fields: fields, errors: errors, status: .conflict))
        case .notFound: throw Abort(.notFound)
        }
    }

    /// Runs the appointment and answers: the call's page with the members appointed, or its
    /// form again with the errors (`shown` places them next to the fields of the form used).
    static func appoint(
        _ req: Request, scope: TerritoryScope, _ appointment: Appointment, fields: [String: String],
        parseErrors: FormErrors, mandate: (start: String, end: String)?, shown: (FormErrors) -> FormErrors
    ) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let call = try await CommitteeContext.call(req, of: committee)
        let outcome = try await AppointMembers.run(
            appointment, mandate: mandate, parseErrors: parseErrors, call: call, committee: committee,
            territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .appointed(let numbers):
            return req.redirect(
                to: CommitteesPaths.call.link(scope.territory.slug, try committee.requireID(), try call.requireID()),
                flash: Flash(
                    .success,
                    scope.visit.t(
                        Counted.text(
                            numbers.count, fr: ("membre désigné.", "membres désignés."),
                            en: ("member appointed.", "members appointed.")))))
        case .invalid(let errors):
            let model = try await load(committee: committee, call: call, now: req.now, on: req.db)
            return req.render(
                try view(model, visit: req.visit, fields: fields, errors: shown(errors), status: .unprocessableEntity))
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func select(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let fields = req.formFields()
        var errors = FormErrors()
        var terms = MandateTerms.validate(fields: fields, errors: &errors, lang: scope.visit.lang)
        let numbers = Set((req.formLists(["selected"])["selected"] ?? []).compactMap { Int($0) })
        return try await appoint(
            req, scope: scope, .selection(numbers), fields: fields, parseErrors: errors, mandate: terms.take(),
            shown: { $0 })
    }

    @Sendable static func draw(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let fields = req.formFields()
        var errors = FormErrors()
        var terms = MandateTerms.validate(fields: fields, errors: &errors, lang: visit.lang)
        return try await appoint(
            req, scope: scope, .draw(balance: fields["balance"] ?? ""), fields: fields,
            parseErrors: errors, mandate: terms.take(),
            shown: { errors in
                // The draw form's mandate fields have their own ids: its errors go next to them.
                var shown = FormErrors()
                for item in errors.items {
                    shown.add(item.field.hasPrefix("mandate_") ? item.field + "_tirage" : item.field, item.message)
                }
                return shown
            })
    }
}
