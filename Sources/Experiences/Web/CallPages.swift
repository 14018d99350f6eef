import Core
import Fluent
import Vapor

/// The calls: the list, opening a call (national or local), and a call's page.
enum CallPages {
    static func register(_ router: RouteRegistrar) {
        router.get(ExperiencesPaths.calls, access: .everyone, use: list)
        router.get(ExperiencesPaths.territoryCalls, access: .everyone, use: list)
        router.get(ExperiencesPaths.newNationalCall, access: .signedIn) { req in
            guard try await nationalOrganiser(req) else { return notOrganiser(req) }
            return req.render(
                form(req.visit, target: Target(territory: nil, call: nil), fields: defaults, errors: FormErrors()))
        }
        router.post(ExperiencesPaths.newNationalCall, access: .signedIn) { req in
            let viewer = try req.visit.signedInViewer()
            let actor = Actor(
                personID: viewer.personID, name: viewer.displayName, email: viewer.email, roles: [],
                lang: req.visit.lang)
            let subject = ExperiencesPolicy.Subject(
                national: true, isNationalOrganiser: try await nationalOrganiser(req))
            return try await save(req, target: Target(territory: nil, call: nil), subject: subject, actor: actor)
        }
        router.get(
            ExperiencesPaths.newLocalCall, access: .territory(ExperiencesPolicy.localOrganisers),
            member: { req, member in
                req.render(
                    form(
                        req.visit, target: Target(territory: member.territory, call: nil), fields: defaults,
                        errors: FormErrors()))
            })
        router.post(
            ExperiencesPaths.newLocalCall, access: .territory(ExperiencesPolicy.localOrganisers),
            member: { req, member in
                try await save(
                    req, target: Target(territory: member.territory, call: nil),
                    subject: ExperiencesPolicy.Subject(national: false), actor: Actor(member))
            })
        router.get(ExperiencesPaths.editCall, access: .signedIn) { req in
            let context = try await CallContext.load(req)
            guard context.organises else { return notCallOrganiser(req) }
            return req.render(
                form(
                    req.visit, target: Target(territory: context.territory, call: context.call),
                    fields: try await fields(of: context.call, on: req.db),
                    errors: FormErrors()))
        }
        router.post(ExperiencesPaths.editCall, access: .signedIn) { req in
            let context = try await CallContext.load(req)
            return try await save(
                req, target: Target(territory: context.territory, call: context.call), subject: context.subject,
                actor: context.actor)
        }
        router.get(ExperiencesPaths.call, access: .everyone, use: show)
    }

    static func nationalOrganiser(_ req: Request) async throws -> Bool {
        try await ExperienceStore.isNationalOrganiser(personID: (try req.visit.signedInViewer()).personID, on: req.db)
    }

    static func notOrganiser(_ req: Request) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Accès refusé", "Access denied"),
            message: Text(
                "Seuls les organisateurs nationaux de la plateforme ouvrent un appel national.",
                "Only the platform's national organisers open a national call."))
    }

    static func notCallOrganiser(_ req: Request) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Accès refusé", "Access denied"),
            message: Text("Seuls les organisateurs de l'appel le modifient.", "Only the call's organisers change it."))
    }

    /// Where the call form leads: a new call (national or of a territory) or an existing one.
    struct Target { let territory: TerritoryInfo?; let call: CallRecord? }

    /// The form's fields for an existing call.
    static func fields(of call: CallRecord, on db: any Database) async throws -> [String: String] {
        let criteria = try await ExperienceStore.criteria(callID: call.id, on: db)
        let emails = try await ExperienceStore.reviewerEmails(callID: call.id, on: db)
        return [
            "title": call.title, "body": call.body, "opens_on": call.opens_on, "closes_on": call.closes_on,
            "audience": call.audience.rawValue,
            "reviewers": emails.joined(separator: "\n"),
            "criteria": criteria.map { "\($0.label) ; \($0.weight)" }.joined(separator: "\n"),
            "max_score": String(call.max_score), "required_reviews": String(call.required_reviews),
        ]
    }

    // MARK: - List

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = visit.territory
        let calls = try await ExperienceStore.calls(territoryID: territory?.id, on: req.db)
        let now = req.now
        let items = calls.map { call -> HTML in
            let scope =
                call.territory_id.flatMap { req.agora.territories.find(id: $0)?.name }.map {
                    visit.t("Appel local · \($0)", "Local call · \($0)")
                }
                ?? visit.t("Appel national", "National call")
            return """
                <li><h2><a href="\(ExperiencesPaths.call.link(call.id))">\(call.title)</a></h2>\
                <p class="meta">\(scope) · \(call.window.sentence(at: now, lang: visit.lang))</p></li>
                """
        }
        var actions: [HTML] = []
        if let territory, !visit.rolesHere.isDisjoint(with: ExperiencesPolicy.localOrganisers) {
            actions.append(
                "<a class=\"button\" href=\"\(ExperiencesPaths.newLocalCall.link(territory.slug))\">\(visit.t("Ouvrir un appel sur le territoire", "Open a call on the territory"))</a>"
            )
        }
        if territory == nil, let viewer = visit.viewer,
            try await ExperienceStore.isNationalOrganiser(personID: viewer.personID, on: req.db)
        {
            actions.append(
                "<a class=\"button\" href=\"\(ExperiencesPaths.newNationalCall.link())\">\(visit.t("Ouvrir un appel national", "Open a national call"))</a>"
            )
        }
        actions.append(
            "<a href=\"\(ExperiencesPaths.catalogue.link())\">\(visit.t("Le catalogue des expériences publiées", "The catalogue of published experiences"))</a>"
        )
        let title =
            territory.map { visit.t("Appels à expériences · \($0.name)", "Calls for experiences · \($0.name)") }
            ?? visit.t("Appels à expériences", "Calls for experiences")
        let main: HTML = """
            <h1>\(title)</h1>
            <p class="lead">\(visit.t("Vous menez ou avez mené une démarche où patients, personnes accompagnées ou leurs représentants travaillent avec des professionnels ? Racontez-la : les expériences remarquables sont publiées pour que d'autres s'en inspirent.",
                                  "Do you run a project where patients, people supported or their representatives work with professionals? Tell us about it: remarkable experiences are published so that others can learn from them."))</p>
            <p class="actions">\(HTML.join(actions, separator: " "))</p>
            \(items.isEmpty ? "<p>\(visit.t("Aucun appel pour le moment.", "No call at the moment."))</p>" as HTML : "<ul class=\"proposal-list\">\(each: items)</ul>")
            """
        return req.render(WebPage(title: title, main: main))
    }

    // MARK: - Opening a call

    static let defaults: [String: String] = [
        "criteria":
            "Participation réelle des usagers ; 3\nRésultats et évaluation ; 2\nTransférabilité ailleurs ; 2\nClarté de la description ; 1",
        "max_score": "4", "required_reviews": "2", "audience": CallAudience.anyone.rawValue,
    ]

    static func form(
        _ visit: Visit, target: Target, fields: [String: String], errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let territory = target.territory
        let action =
            target.call.map { ExperiencesPaths.editCall.link($0.id) }
            ?? territory.map { ExperiencesPaths.newLocalCall.link($0.slug) } ?? ExperiencesPaths.newNationalCall.link()
        let title =
            target.call.map { visit.t("Modifier l'appel « \($0.title) »", "Edit the call “\($0.title)”") }
            ?? territory.map {
                visit.t("Ouvrir un appel à expériences · \($0.name)", "Open a call for experiences · \($0.name)")
            }
            ?? visit.t("Ouvrir un appel national à expériences", "Open a national call for experiences")
        let audience: HTML =
            territory == nil
            ? .empty
            : Form.radios(
                name: "audience", legend: visit.t("Qui peut répondre ?", "Who may answer?"),
                options: CallAudience.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                selected: fields["audience"], errors: errors, visit: visit)
        // Dates say "obligatoire" in their label: the suite's Nu checker (2020) refuses aria-required on date inputs.
        let main: HTML = """
            <h1>\(title)</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit))
            \(Form.input(name: "title", label: visit.t("Titre de l'appel", "Title of the call"), value: fields["title"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : « Participez au recueil d'expériences des usagers »", "For example: “Share users' experiences”"), required: true, maxLength: 150))
            \(Form.textarea(name: "body", label: visit.t("Présentation", "Presentation"), value: fields["body"], errors: errors, visit: visit,
                        hint: visit.t("Ce que vous cherchez, pourquoi, et ce que deviendront les expériences. Une ligne vide sépare les paragraphes.",
                                      "What you are looking for, why, and what will become of the experiences. A blank line separates paragraphs."),
                        required: true, rows: 8, maxLength: 8000))
            \(Form.input(name: "opens_on", label: visit.t("Ouverture (obligatoire)", "Opens on (required)"), value: fields["opens_on"], errors: errors, visit: visit, type: "date",
                     hint: visit.t("Format 2026-03-01.", "Format 2026-03-01.")))
            \(Form.input(name: "closes_on", label: visit.t("Date limite, incluse (obligatoire)", "Deadline, included (required)"), value: fields["closes_on"], errors: errors, visit: visit,
                     type: "date", hint: visit.t("Les contributions sont reçues jusqu'à minuit ce jour-là, heure de Paris.", "Submissions are accepted until midnight that day, Paris time.")))
            \(audience)
            \(Form.textarea(name: "reviewers", label: visit.t("Relecteur·rices", "Reviewers"), value: fields["reviewers"], errors: errors, visit: visit,
                        hint: visit.t("Les adresses e-mail de leurs comptes, une par ligne.", "The e-mail addresses of their accounts, one a line."), rows: 4))
            \(Form.textarea(name: "criteria", label: visit.t("Grille d'évaluation", "Review grid"), value: fields["criteria"], errors: errors, visit: visit,
                        hint: visit.t("Un critère par ligne, suivi de son poids de 1 à 5 : « Participation réelle des usagers ; 3 ».",
                                      "One criterion a line, followed by its weight from 1 to 5: “Real participation of users ; 3”."), required: true, rows: 5))
            \(Form.input(name: "max_score", label: visit.t("Note maximale de chaque critère", "Maximum score of each criterion"), value: fields["max_score"], errors: errors, visit: visit,
                     type: "number", hint: visit.t("De 2 à 10 ; chaque critère est noté de 0 à cette note.", "From 2 to 10; each criterion is scored from 0 to it."), required: true, inputmode: "numeric"))
            \(Form.radios(name: "required_reviews", legend: visit.t("Évaluations par contribution", "Reviews per submission"),
                      options: [Form.Option("1", visit.t("Une", "One")), Form.Option("2", visit.t("Deux (les désaccords sont signalés)", "Two (disagreements are shown)"))],
                      selected: fields["required_reviews"], errors: errors, visit: visit, required: true))
            <p class="actions">\(Form.submit(target.call == nil ? visit.t("Ouvrir l'appel", "Open the call") : visit.t("Enregistrer l'appel", "Save the call")))</p>
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// Opens a call, or saves the changes of an existing one (its grid only while nobody has scored).
    static func save(
        _ req: Request, target: Target, subject: ExperiencesPolicy.Subject, actor: Actor
    ) async throws -> Response {
        let visit = req.visit
        let fields = req.formFields()
        let outcome = try await SaveCall.run(
            fields: fields, territory: target.territory, call: target.call, subject: subject, actor: actor,
            env: req.useCases)
        switch outcome {
        case .forbidden: return target.call == nil ? notOrganiser(req) : notCallOrganiser(req)
        case .invalid(let errors):
            return req.render(form(visit, target: target, fields: fields, errors: errors, status: .unprocessableEntity))
        case .opened(let callID):
            ExperiencesPages.changed(req)
            return req.redirect(
                to: ExperiencesPaths.call.link(callID),
                flash: Flash(.success, visit.t("L'appel est ouvert.", "The call is open.")))
        case .saved(let callID):
            ExperiencesPages.changed(req)
            return req.redirect(
                to: ExperiencesPaths.call.link(callID),
                flash: Flash(.success, visit.t("L'appel est enregistré.", "The call is saved.")))
        }
    }

    // MARK: - A call's page

    /// A call's page: the call as its reader may act on it, its grid, and the reader's own
    /// submissions to it.
    struct CallModel: Sendable {
        let context: CallContext
        let criteria: [Criterion]
        let mine: [ExperienceRecord]
        let now: Date
    }

    static func load(_ req: Request) async throws -> CallModel {
        let context = try await CallContext.load(req)
        let criteria = try await ExperienceStore.criteria(callID: context.call.id, on: req.db)
        var mine: [ExperienceRecord] = []
        if let viewerID = context.viewerID {
            mine = try await ExperienceStore.mine(personID: viewerID, callID: context.call.id, on: req.db)
        }
        return CallModel(context: context, criteria: criteria, mine: mine, now: req.now)
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        req.render(view(try await load(req), visit: req.visit))
    }

    /// The call's page. Pure.
    static func view(_ model: CallModel, visit: Visit) -> WebPage {
        let context = model.context, call = context.call, window = call.window, now = model.now
        let mineList: HTML =
            model.mine.isEmpty
            ? .empty
            : """
            <h2>\(visit.t("Vos contributions", "Your submissions"))</h2>
            <ul>\(each: model.mine.map { record -> HTML in "<li><a href=\"\(ExperiencesPaths.submission.link(call.id, record.id))\">\(record.title)</a> — <span class=\"status\">\(visit.t(record.status.label))</span></li>" })</ul>
            """
        let staff = staffLinks(context, visit: visit)
        let grid = model.criteria.map {
            "<li>\($0.label) <span class=\"meta\">(\(visit.t("poids", "weight")) \($0.weight))</span></li>" as HTML
        }
        let main: HTML = """
            <p class="meta">\(visit.t(context.scopeName))</p>
            <h1>\(call.title)</h1>
            <p class="lead"><strong>\(window.sentence(at: now, lang: visit.lang))</strong></p>
            \(callAction(context, now: now, visit: visit))
            \(View.paragraphs(call.body))
            <h2>\(visit.t("Qui peut répondre ?", "Who may answer?"))</h2>
            <p>\(visit.t(call.isNational ? CallAudience.anyone.label : call.audience.label)).</p>
            <h2>\(visit.t("Les contextes possibles", "The possible contexts"))</h2>
            <ul>\(each: ExperienceContext.allCases.map { "<li>\(visit.t($0.label))</li>" as HTML })</ul>
            <h2>\(visit.t("Comment les contributions sont évaluées", "How submissions are reviewed"))</h2>
            <p>\(visit.t("Chaque critère est noté de 0 à \(call.max_score), pondéré par son poids ; \(call.required_reviews == 2 ? "deux relecteur·rices évaluent chaque contribution" : "un·e relecteur·rice évalue chaque contribution").",
                     "Each criterion is scored from 0 to \(call.max_score), weighted; \(call.required_reviews == 2 ? "two reviewers review each submission" : "one reviewer reviews each submission")."))</p>
            <ul>\(each: grid)</ul>
            \(mineList)
            \(staff.isEmpty ? HTML.empty : "<h2>\(visit.t("Organisation", "Organisation"))</h2><ul>\(each: staff.map { "<li>\($0)</li>" as HTML })</ul>")
            """
        return WebPage(title: call.title, main: main)
    }

    /// What the reader can do with the call: contribute, log in first, or why not.
    static func callAction(_ context: CallContext, now: Date, visit: Visit) -> HTML {
        let call = context.call
        let contribute = ExperiencesPaths.contribute.link(call.id)
        if !call.window.isOpen(at: now) {
            return "<p class=\"notice\">\(call.window.sentence(at: now, lang: visit.lang)).</p>"
        } else if visit.viewer == nil {
            return
                "<p><a class=\"button\" href=\"\(LoginLink.to(contribute))\">\(visit.t("Se connecter pour contribuer", "Log in to contribute"))</a></p>"
        } else if context.mayAnswer {
            return
                "<p><a class=\"button\" href=\"\(contribute)\">\(visit.t("Proposer une expérience", "Submit an experience"))</a></p>"
        }
        return
            "<p class=\"notice\">\(visit.t("Cet appel est réservé aux membres du territoire.", "This call is for members of the territory only."))</p>"
    }

    /// The organisers' and reviewers' links, as the policy lets them.
    static func staffLinks(_ context: CallContext, visit: Visit) -> [HTML] {
        let call = context.call
        var staff: [HTML] = []
        if context.reviews || context.organises {
            staff.append(
                "<a href=\"\(ExperiencesPaths.review.link(call.id))\">\(visit.t("Évaluer et classer les contributions", "Review and rank the submissions"))</a>"
            )
        }
        if context.organises {
            staff.append(
                "<a href=\"\(ExperiencesPaths.editCall.link(call.id))\">\(visit.t("Modifier l'appel (dates, texte, relecteur·rices, grille)", "Edit the call (dates, text, reviewers, grid)"))</a>"
            )
        }
        if context.seesFigures {
            staff.append(
                "<a href=\"\(ExperiencesPaths.figures.link(call.id))\">\(visit.t("Chiffres de l'appel", "Figures of the call"))</a>"
            )
        }
        return staff
    }
}
