import Core
import Fluent
import SQLKit
import Vapor

/// Calls for candidates: open one, apply, then select by hand or draw by lot — reproducibly,
/// from a published seed.
enum CallPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.calls, access: CommitteePages.staff, use: create)
        router.get(CommitteesPaths.call, access: .everyone) { req in
            let committee = try await CommitteeStore.committee(req)
            let call = try await CommitteeStore.call(req, of: committee)
            return req.render(try await page(req, committee: committee, call: call, fields: [:], errors: FormErrors()))
        }
        router.post(CommitteesPaths.apply, access: CommitteePages.members, use: apply)
        router.post(CommitteesPaths.select, access: CommitteePages.staff, use: select)
        router.post(CommitteesPaths.draw, access: CommitteePages.staff, use: draw)
    }

    static func newCallForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        return """
            <h2 id="nouvel-appel">\(visit.t("Ouvrir un appel à candidatures", "Open a call for candidates"))</h2>
            \(Form.open(action: CommitteesPaths.calls.link(territory.slug, committee.id!), visit: visit))
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

    @Sendable static func create(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let committee = try await CommitteeStore.committee(req)
        let fields = req.formFields()
        let input: CallInput
        switch CallInput.validate(fields: fields, today: Day.today(), lang: visit.lang) {
        case .failure(let box):
            return req.render(
                try await CommitteePages.managePage(
                    req, committee: committee, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let value): input = value
        }
        let call = CandidateCall()
        call.committeeID = committee.id!
        call.title = input.title
        call.body = input.body
        call.college = input.college.rawValue
        call.closesOn = input.closesOn
        call.seats = input.seats
        call.balance = ""
        call.createdAt = Date()
        try await req.db.transaction { db in
            try await call.create(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "committee.call.opened",
                subject: "committee \(committee.id!) call \(call.id!)", on: db)
        }
        return req.redirect(
            to: CommitteesPaths.call.link(territory.slug, committee.id!, call.id!),
            flash: Flash(
                .success,
                visit.t("Appel ouvert. Partagez le lien de cette page.", "Call opened. Share the link of this page.")))
    }

    struct CandidateRow: Decodable {
        let id: Int
        let person_id: Int
        let number: Int
        let motivation: String
        let commune_code: String?
        let age_band: String?
        let status: String
        let display_name: String
    }

    static func candidates(of callID: Int, on db: any Database) async throws -> [CandidateRow] {
        try await db.sql.raw(
            """
            SELECT c.id, c.person_id, c.number, c.motivation, c.commune_code, c.age_band, c.status, p.display_name
            FROM committee_candidacies c JOIN people p ON p.id = c.person_id WHERE c.call_id = \(bind: callID) ORDER BY c.number LIMIT 1000
            """
        ).all(decoding: CandidateRow.self)
    }

    static func page(
        _ req: Request, committee: Committee, call: CandidateCall, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let today = Day.today()
        let college = College(rawValue: call.college) ?? .users
        let open = call.decidedAt == nil && call.closesOn >= today
        let runs = CommitteesPolicy.runs(visit.rolesHere)
        let list = try await candidates(of: call.id!, on: req.db)
        let mine = visit.viewer.flatMap { viewer in list.first { $0.person_id == viewer.personID } }
        let daysLeft =
            Day.date(call.closesOn).map { Int(($0.timeIntervalSince(Day.date(today)!) / 86_400).rounded()) } ?? 0

        let applyBlock: HTML
        if let mine {
            applyBlock =
                "<p class=\"flash\">\(visit.t("Votre candidature est enregistrée sous le numéro \(mine.number).", "Your application is recorded as number \(mine.number)."))</p>"
        } else if !open {
            applyBlock = "<p>\(visit.t("Les candidatures sont closes.", "Applications are closed."))</p>"
        } else if visit.viewer == nil {
            applyBlock =
                "<p><a class=\"button\" href=\"\(LoginLink.to(CommitteesPaths.call.link(territory.slug, committee.id!, call.id!)))\">\(visit.t("Se connecter pour candidater", "Log in to apply"))</a></p>"
        } else if !CommitteesPolicy.colleges(for: visit.rolesHere).contains(college) {
            applyBlock =
                "<p>\(visit.t("Cet appel s'adresse au \(college.label.fr.lowercased()) ; votre compte sur ce territoire n'en relève pas.", "This call is for the \(college.label.en.lowercased()); your account in this territory is not part of it."))</p>"
        } else {
            applyBlock = """
                <h2>\(visit.t("Candidater", "Apply"))</h2>
                \(Form.open(action: CommitteesPaths.apply.link(territory.slug, committee.id!, call.id!), visit: visit))
                \(Form.textarea(name: "motivation", label: visit.t("Pourquoi souhaitez-vous siéger ?", "Why do you wish to sit on the committee?"), value: fields["motivation"], errors: errors, visit: visit,
                            hint: visit.t("Quelques phrases suffisent. Elles ne sont lues que par les coordinateurs.", "A few sentences are enough. Only the coordinators read them."), required: true, rows: 5, maxLength: 1500))
                \(Form.submit(visit.t("Envoyer ma candidature", "Send my application")))
                </form>
                """
        }

        var result: HTML = .empty
        if call.decidedAt != nil {
            let chosen = list.filter { $0.status == "selected" }.map(\.number)
            if let seed = call.seed {
                let order = Draw.order(
                    list.map { Draw.Candidate(number: $0.number, group: group($0, balance: call.balance)) },
                    seed: UInt64(seed) ?? 0, balanced: !call.balance.isEmpty)
                result = """
                    <h2>\(visit.t("Résultat du tirage au sort", "Result of the draw"))</h2>
                    <p>\(visit.t("Graine publiée : ", "Published seed: "))<strong>\(seed)</strong>\(call.balance.isEmpty ? "" : " · " + visit.t("équilibre par ", "balanced by ") + (call.balance == "commune" ? visit.t("commune", "municipality") : visit.t("tranche d'âge", "age band")))</p>
                    <p>\(visit.t("Numéros tirés : ", "Numbers drawn: "))\(chosen.map(String.init).joined(separator: ", "))</p>
                    <p>\(visit.t("Ordre complet : ", "Full order: "))\(order.map(String.init).joined(separator: ", "))</p>
                    <details><summary>\(visit.t("Vérifier le tirage", "Check the draw"))</summary>
                    <p>\(visit.t("Les candidatures sont rangées par numéro, puis mélangées par l'algorithme de Fisher–Yates avec le générateur SplitMix64 initialisé par la graine ; les premiers numéros sont tirés. Avec un équilibre, on prend tour à tour un candidat de chaque groupe (groupes par ordre alphabétique). Le code est public : Sources/Committees/Rules/CommitteeRules.swift et Sources/Core/Domain/SplitMix64.swift.",
                             "Applications are put in the order of their number, then shuffled by Fisher–Yates with the SplitMix64 generator started from the seed; the first numbers are drawn. With a balance, one candidate is taken from each group in turn (groups in alphabetical order). The code is public: Sources/Committees/Rules/CommitteeRules.swift and Sources/Core/Domain/SplitMix64.swift."))</p></details>
                    """
            } else {
                result =
                    "<h2>\(visit.t("Résultat", "Result"))</h2><p>\(visit.t("Candidatures retenues par les coordinateurs : numéros ", "Applications selected by the coordinators: numbers "))\(chosen.map(String.init).joined(separator: ", "))</p>"
            }
        }

        var staff: HTML = .empty
        if runs {
            let rows = list.map { c -> [HTML] in
                [
                    "\(c.number)", "\(c.display_name)",
                    "\(c.commune_code.flatMap { territory.commune(code: $0)?.name } ?? "—")", "\(c.age_band ?? "—")",
                    "\(c.motivation)",
                    "\(c.status == "selected" ? visit.t("retenue", "selected") : c.status == "not_selected" ? visit.t("non retenue", "not selected") : visit.t("en attente", "pending"))",
                ]
            }
            // Both forms ask for the mandate; the draw's fields get their own ids.
            func mandate(_ suffix: String) -> HTML {
                """
                \(Form.input(name: "mandate_start", label: visit.t("Début du mandat", "Start of the mandate"), value: fields["mandate_start"] ?? today, errors: errors, visit: visit,
                             type: "date", required: true, field: "mandate_start" + suffix))
                \(Form.input(name: "mandate_end", label: visit.t("Fin du mandat", "End of the mandate"), value: fields["mandate_end"] ?? Day.adding(3 * 365, to: today), errors: errors, visit: visit,
                             type: "date", required: true, field: "mandate_end" + suffix))
                """
            }
            let selectMandate = mandate(""), drawMandate = mandate("_tirage")
            let decided = call.decidedAt != nil
            staff = """
                <section aria-labelledby="equipe" class="staff"><h2 id="equipe">\(visit.t("Espace des coordinateurs", "Coordinators' area"))</h2>
                \(rows.isEmpty ? "<p>\(visit.t("Aucune candidature pour l'instant.", "No application yet."))</p>" as HTML
                : View.table(caption: visit.t("Candidatures", "Applications"), headers: ["N°", visit.t("Nom", "Name"), visit.t("Commune", "Municipality"), visit.t("Âge", "Age"), visit.t("Motivation", "Motivation"), visit.t("État", "Status")], rows: rows))
                \(decided || list.isEmpty ? HTML.empty : """
                <h3>\(visit.t("Choisir les membres", "Choose the members"))</h3>
                \(Form.open(action: CommitteesPaths.select.link(territory.slug, committee.id!, call.id!), visit: visit))
                \(Form.checkboxes(name: "selected", legend: visit.t("Candidatures retenues (\(call.seats) sièges au plus)", "Applications selected (\(call.seats) seats at most)"),
                                  options: list.map { Form.Option(String($0.number), "N° \($0.number) · \($0.display_name)") }, selected: [], errors: errors, visit: visit))
                \(selectMandate)
                \(Form.submit(visit.t("Retenir ces candidatures", "Select these applications")))
                </form>
                <h3>\(visit.t("Ou tirer au sort", "Or draw by lot"))</h3>
                \(Form.open(action: CommitteesPaths.draw.link(territory.slug, committee.id!, call.id!), visit: visit))
                \(Form.input(name: "seed", label: visit.t("Graine (facultatif)", "Seed (optional)"), value: fields["seed"], errors: errors, visit: visit,
                             hint: visit.t("Un nombre public choisi d'avance (par exemple les numéros d'un tirage connu). Vide : un nombre au hasard, publié.", "A public number chosen beforehand (for example a known lottery draw). Empty: a random number, published."),
                             inputmode: "numeric", maxLength: 18))
                \(Form.select(name: "balance", label: visit.t("Équilibre", "Balance"), options: [Form.Option("", visit.t("Aucun", "None")), Form.Option("commune", visit.t("Par commune", "By municipality")), Form.Option("age", visit.t("Par tranche d'âge", "By age band"))],
                              selected: fields["balance"], errors: errors, visit: visit))
                \(drawMandate)
                \(Form.submit(visit.t("Tirer au sort \(call.seats) membre(s)", "Draw \(call.seats) member(s)")))
                </form>
                """)
                </section>
                """
        }

        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, committee.id!))">\(visit.t("← ", "← "))\(committee.name)</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(call.title)</h1>
            <p class="meta">\(visit.t(college.label)) · \(visit.t("\(call.seats) siège(s)", "\(call.seats) seat(s)")) · \
            \(open ? visit.t(daysLeft == 0 ? "dernier jour pour candidater" : "encore \(daysLeft) jour(s) pour candidater, jusqu'au ", daysLeft == 0 ? "last day to apply" : "\(daysLeft) day(s) left to apply, until ") + (daysLeft == 0 ? "" : DateText.day(iso: call.closesOn, lang: visit.lang))
               : visit.t("clos", "closed"))</p>
            <div class="proposal-body">\(View.paragraphs(call.body))</div>
            <p>\(visit.t("\(list.count) candidature(s) reçue(s).", "\(list.count) application(s) received."))</p>
            \(applyBlock)
            \(result)
            \(staff)
            """
        return WebPage(title: call.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func group(_ candidate: CandidateRow, balance: String) -> String? {
        switch balance {
        case "commune": candidate.commune_code ?? "?"
        case "age": candidate.age_band ?? "?"
        default: nil
        }
    }

    @Sendable static func apply(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let committee = try await CommitteeStore.committee(req)
        let call = try await CommitteeStore.call(req, of: committee)
        let fields = req.formFields()
        var errors = FormErrors()
        let motivation = TextRule.required(
            fields, "motivation", maxLength: 1500, errors: &errors, lang: visit.lang,
            missing: Text(
                "Dites en quelques phrases pourquoi vous souhaitez siéger.",
                "Say in a few sentences why you wish to sit."))
        let person = (try visit.signedInViewer()).personID
        let college = College(rawValue: call.college) ?? .users
        if call.decidedAt != nil || call.closesOn < Day.today() {
            errors.add(
                "motivation",
                visit.t(
                    "Les candidatures sont closes depuis le \(DateText.day(iso: call.closesOn, lang: .fr)).",
                    "Applications closed on \(DateText.day(iso: call.closesOn, lang: .en))."))
        } else if !CommitteesPolicy.colleges(for: visit.rolesHere).contains(college) {
            errors.add(
                "motivation",
                visit.t(
                    "Cet appel s'adresse à un autre collège que le vôtre.",
                    "This call is for another college than yours."))
        }
        guard errors.isEmpty else {
            return req.render(
                try await page(
                    req, committee: committee, call: call, fields: fields, errors: errors, status: .unprocessableEntity)
            )
        }
        struct Facts: Decodable { let commune_code: String?; let age_band: String? }
        let facts = try await req.db.sql.raw(
            "SELECT commune_code, age_band FROM people WHERE id = \(bind: person)"
        ).first(decoding: Facts.self)
        let callID = call.id!
        let added = try await req.db.transaction { db -> Bool in
            let sql = db.sql
            struct N: Decodable { let n: Int }
            let next =
                (try await sql.raw(
                    "SELECT coalesce(max(number), 0) + 1 AS n FROM committee_candidacies WHERE call_id = \(bind: callID)"
                ).first(decoding: N.self)?.n) ?? 1
            // The unique (call, person) index refuses a second application, even from two tabs.
            let rows = try await sql.raw(
                """
                INSERT INTO committee_candidacies (call_id, person_id, number, motivation, commune_code, age_band, status, created_at)
                VALUES (\(bind: callID), \(bind: person), \(bind: next), \(bind: motivation), \(bind: facts?.commune_code), \(bind: facts?.age_band), 'pending', \(bind: Date()))
                ON CONFLICT (call_id, person_id) DO NOTHING RETURNING id
                """
            ).all()
            return !rows.isEmpty
        }
        guard added else {
            errors.add(
                "motivation", visit.t("Vous avez déjà candidaté à cet appel.", "You have already applied to this call.")
            )
            return req.render(
                try await page(req, committee: committee, call: call, fields: fields, errors: errors, status: .conflict)
            )
        }
        return req.redirect(
            to: CommitteesPaths.call.link(territory.slug, committee.id!, callID),
            flash: Flash(
                .success,
                visit.t("Merci : votre candidature est enregistrée.", "Thank you: your application is recorded.")))
    }

    /// Seats the chosen candidates (all in one transaction) and marks the others not selected.
    static func seat(
        _ req: Request, committee: Committee, call: CandidateCall, chosen: Set<Int>, seed: String?, balance: String,
        mandate: (start: String, end: String)
    ) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let list = try await candidates(of: call.id!, on: req.db)
        let seats = try await CommitteeStore.seats(of: committee.id!, on: req.db)
        let college = call.college
        let callID = call.id!
        try await req.db.transaction { db in
            let sql = db.sql
            for candidate in list {
                let selected = chosen.contains(candidate.number)
                try await sql.raw(
                    "UPDATE committee_candidacies SET status = \(bind: selected ? "selected" : "not_selected") WHERE id = \(bind: candidate.id)"
                ).run()
                guard selected,
                    !seats.contains(where: { $0.person_id == candidate.person_id && $0.mandate_end >= mandate.start })
                else { continue }
                let member = CommitteeMember()
                member.committeeID = committee.id!
                member.personID = candidate.person_id
                member.college = college
                member.function = MemberFunction.member.rawValue
                member.mandateStart = mandate.start
                member.mandateEnd = mandate.end
                member.named = college != College.users.rawValue
                member.createdAt = Date()
                try await member.create(on: db)
            }
            call.seed = seed
            call.balance = balance
            call.decidedAt = Date()
            try await call.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id,
                action: seed == nil ? "committee.call.selected" : "committee.call.drawn",
                subject:
                    "committee \(committee.id!) call \(callID): \(chosen.sorted().map(String.init).joined(separator: ","))\(seed.map { " seed \($0)" } ?? "")",
                on: db)
        }
        return req.redirect(
            to: CommitteesPaths.call.link(territory.slug, committee.id!, callID),
            flash: Flash(
                .success, visit.t("\(chosen.count) membre(s) désigné(s).", "\(chosen.count) member(s) appointed.")))
    }

    /// The mandate of the members a call appoints, and a refusal if they are already appointed.
    static func decidable(
        _ req: Request, _ call: CandidateCall, fields: [String: String], errors: inout FormErrors
    ) -> (start: String, end: String)? {
        var terms = MandateTerms.validate(fields: fields, errors: &errors, lang: req.visit.lang)
        if call.decidedAt != nil {
            errors.add(
                "selected",
                req.visit.t(
                    "Les membres de cet appel sont déjà désignés.", "The members of this call are already appointed."))
        }
        return terms.take()
    }

    @Sendable static func select(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let call = try await CommitteeStore.call(req, of: committee)
        let fields = req.formFields()
        var errors = FormErrors()
        let mandate = decidable(req, call, fields: fields, errors: &errors)
        let numbers = Set((req.formLists(["selected"])["selected"] ?? []).compactMap { Int($0) })
        let known = Set(try await candidates(of: call.id!, on: req.db).map(\.number))
        if numbers.isEmpty || !numbers.isSubset(of: known) {
            errors.add(
                "selected",
                visit.t("Cochez au moins une candidature de la liste.", "Tick at least one application from the list."))
        } else if numbers.count > call.seats {
            errors.add(
                "selected",
                visit.t(
                    "\(call.seats) siège(s) au plus : décochez-en \(numbers.count - call.seats).",
                    "\(call.seats) seat(s) at most: untick \(numbers.count - call.seats)."))
        }
        guard errors.isEmpty, let mandate else {
            return req.render(
                try await page(
                    req, committee: committee, call: call, fields: fields, errors: errors, status: .unprocessableEntity)
            )
        }
        return try await seat(
            req, committee: committee, call: call, chosen: numbers, seed: nil, balance: "", mandate: mandate)
    }

    @Sendable static func draw(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        let call = try await CommitteeStore.call(req, of: committee)
        let fields = req.formFields()
        var errors = FormErrors()
        let mandate = decidable(req, call, fields: fields, errors: &errors)
        let typed = (fields["seed"] ?? "").trimmingCharacters(in: .whitespaces)
        var seed: UInt64 = UInt64.random(in: 1...999_999_999_999)
        if !typed.isEmpty {
            if let parsed = Draw.parseSeed(typed) {
                seed = parsed
            } else {
                errors.add(
                    "seed",
                    visit.t(
                        "La graine est un nombre de 18 chiffres au plus.", "The seed is a number of 18 digits at most.")
                )
            }
        }
        let balance = fields["balance"] ?? ""
        if !["", "commune", "age"].contains(balance) {
            errors.add("balance", visit.t("Choisissez un équilibre dans la liste.", "Choose a balance from the list."))
        }
        let list = try await candidates(of: call.id!, on: req.db)
        if list.isEmpty {
            errors.add(
                "seed", visit.t("Il n'y a aucune candidature à tirer au sort.", "There is no application to draw."))
        }
        guard errors.isEmpty, let mandate else {
            // The draw form's mandate fields have their own ids: its errors go next to them.
            var shown = FormErrors()
            for item in errors.items {
                shown.add(item.field.hasPrefix("mandate_") ? item.field + "_tirage" : item.field, item.message)
            }
            return req.render(
                try await page(
                    req, committee: committee, call: call, fields: fields, errors: shown, status: .unprocessableEntity))
        }
        let drawn = Draw.draw(
            list.map { Draw.Candidate(number: $0.number, group: group($0, balance: balance)) }, seats: call.seats,
            seed: seed, balanced: !balance.isEmpty)
        return try await seat(
            req, committee: committee, call: call, chosen: Set(drawn), seed: String(seed), balance: balance,
            mandate: mandate)
    }
}
