import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// Live participation during a workshop: the organiser opens polls, idea walls (optionally
/// pre-moderated) and rankings; participants join from their phone with a short code, without an
/// account (a participant cookie); the projector shows the results, updated through a WebSocket
/// (or every few seconds without JS). Results stay with the event and can start a proposal.
enum LivePages {
    static let participantCookie = "agora_participant"

    static func register(_ router: RouteRegistrar, app: Application) {
        router.get(EventsPaths.live, access: .territory(EventsPolicy.creators)) { req in
            let context = try await EventContext.managed(req)
            return req.render(
                organiserView(
                    try await LiveOrganiserModel.load(req, context: context), visit: req.visit, fields: [:],
                    lists: [:], errors: FormErrors(), status: .ok))
        }
        router.post(EventsPaths.live, access: .territory(EventsPolicy.creators), use: createActivity)
        router.post(EventsPaths.liveActivity, access: .territory(EventsPolicy.creators), use: changeActivity)
        router.get(EventsPaths.projector, access: .territory(EventsPolicy.creators), use: projector)
        router.get(EventsPaths.join, access: .everyone, use: join)
        router.get(EventsPaths.territoryJoin, access: .everyone, use: join)
        router.get(EventsPaths.participate, access: .everyone) { req in
            let (event, cookie) = try await liveEvent(req)
            if case .valid(let token) = cookie {
                return req.render(
                    participantView(
                        try await LiveParticipantModel.load(req, event: event, participant: Tokens.sha256Hex(token)),
                        visit: req.visit, errors: FormErrors(), fields: [:], lists: [:], posted: nil, status: .ok))
            }
            // No cookie, or one the server did not issue: a new participant, within the address's limit.
            return try await newParticipant(req, event: event, errors: FormErrors(), status: .ok)
        }
        router.post(EventsPaths.contribute, access: .everyone, use: contribute)

        // The projector's WebSocket: it only says "something changed" (the new version number);
        // the page then fetches its results. No data travels on it.
        router.webSocket(RoutePattern(EventsPaths.socket), access: .everyone) { req, ws async in
            guard let code = req.parameters.get("code").flatMap(LiveCode.normalise) else {
                try? await ws.close(); return
            }
            req.application.liveHub.add(ws, code: code)
        }
    }

    // MARK: - Data (the rows are the store's: `LiveStore`)

    typealias Activity = LiveStore.Activity
    typealias Option = LiveStore.Option
    typealias Idea = LiveStore.Idea
    typealias LiveData = LiveStore.LiveData

    static func activities(eventID: Int, on db: any Database) async throws -> LiveData {
        try await LiveStore.activities(eventID: eventID, on: db)
    }

    /// Ideas ranked by votes (then the oldest first).
    static func ranked(_ ideas: [Idea]) -> [Idea] {
        ideas.sorted { $0.votes != $1.votes ? $0.votes > $1.votes : $0.id < $1.id }
    }

    static func bump(_ req: Request, event: EventRecord, on db: any Database) async throws {
        try await LiveStore.bumpVersion(eventID: event.id, on: db)
    }

    // MARK: - From a result to a proposal

    /// What the Proposals room's form needs to start a proposal from a result of this event.
    struct ProposalSource: Sendable {
        let slug: String
        let eventTitle: String
        let eventDay: String
        let themes: [String]
        let commune: String?

        init(event: EventRecord, territory: TerritoryInfo) {
            slug = territory.slug
            eventTitle = event.title
            eventDay = DateText.day(event.starts_at, lang: .fr)
            themes = territory.themes.from(mask: event.themes_mask).map(\.rawValue)
            commune = event.commune_code
        }

        func link(_ text: String, origin: LiveRules.Origin, question: String, visit: Visit) -> HTML {
            let fields = LiveRules.proposalPrefill(
                text: text, origin: origin, question: question, eventTitle: eventTitle, eventDay: eventDay,
                themes: themes, commune: commune)
            let href = "/\(slug)/propositions/nouvelle?" + LiveRules.query(fields)
            return
                "<a href=\"\(href)\">\(visit.t("Transformer en proposition", "Turn into a proposal"))<span class=\"visually-hidden\"> : \(text)</span></a>"
        }
    }

    // MARK: - Results (organiser page, projector, after the event)

    static func results(_ visit: Visit, data: LiveData, onlyOpen: Bool, links: ProposalSource? = nil) -> HTML {
        let shown = data.activities.filter { !onlyOpen || $0.open }
        if shown.isEmpty {
            return onlyOpen
                ? "<p>\(visit.t("Aucune activité ouverte pour le moment.", "No open activity at the moment."))</p>"
                : "<p>\(visit.t("Aucune activité en direct pour cette rencontre.", "No live activity for this event."))</p>"
        }
        return HTML.join(
            shown.map { activity -> HTML in
                "<section class=\"live-result\"><h2>\(activity.question)</h2>\(table(visit, activity: activity, data: data, links: links))</section>"
            }, separator: "")
    }

    /// The results of one activity as a table; with `links`, each visible idea (and each option of
    /// a closed poll or ranking) offers to become a proposal.
    static func table(_ visit: Visit, activity: Activity, data: LiveData, links: ProposalSource?) -> HTML {
        let proposals = links.flatMap { activity.kind == .ideas || !activity.open ? $0 : nil }
        let linkHeader = proposals == nil ? [] : [visit.t("Proposition", "Proposal")]
        // Each table's caption names its question: a page may hold several (unique landmark names).
        let of = visit.t(" — « \(activity.question) »", " — “\(activity.question)”")
        // Live results are figures like any other: under the territory's disclosure control.
        let disclosure = visit.territory?.disclosure ?? .standard
        func cell(_ shown: Disclosure.Cell, _ n: Int) -> HTML { "\(EventsPages.published(shown, visit: visit))" }
        func count(_ n: Int, one: (String, String), many: (String, String)) -> String {
            let words = n == 1 || (visit.lang == .fr && n == 0) ? one : many
            return "\(View.number(n, lang: visit.lang)) \(visit.t(words.0, words.1))"
        }
        switch activity.kind {
        case .ideas:
            let ideas = ranked(data.ideas(of: activity).filter { !$0.hidden })
            let rows = ideas.map { idea -> [HTML] in
                ["\(idea.body)", "\(idea.author_name ?? visit.t("anonyme", "anonymous"))", "\(idea.votes)"]
                    + (proposals.map {
                        [
                            $0.link(
                                idea.body, origin: .idea(votes: idea.votes), question: activity.question, visit: visit)
                        ]
                    } ?? [])
            }
            return View.table(
                caption: visit.t("Idées classées par votes", "Ideas ranked by votes") + of,
                headers: [visit.t("Idée", "Idea"), visit.t("Par", "By"), visit.t("Votes", "Votes")] + linkHeader,
                rows: rows, numericColumns: [2])
        case .ranking:
            let labels = Dictionary(uniqueKeysWithValues: data.options(of: activity).map { ($0.id, $0.label) })
            let participants = data.answers[activity.id] ?? 0
            let scores = data.scores(of: activity)
            let published = LiveFigures.ranking(
                scores, counts: data.rankCounts[activity.id] ?? [], participants: participants,
                disclosure: disclosure)
            let rows = scores.enumerated().map { index, score -> [HTML] in
                let label = labels[score.option] ?? ""
                let shown = published[index]
                return [
                    "\(label)",
                    "\(shown.points.map { View.number($0, lang: visit.lang) } ?? visit.t("masqué", "hidden"))",
                    cell(shown.firsts, score.firsts), cell(shown.mentions, score.mentions),
                ]
                    + (proposals.map {
                        [
                            $0.link(
                                label,
                                origin: .rankingOption(
                                    place: index + 1, points: score.points, participants: participants),
                                question: activity.question, visit: visit)
                        ]
                    } ?? [])
            }
            let who =
                disclosure.isSmall(participants)
                ? visit.t(
                    "moins de \(disclosure.threshold) participant·es", "fewer than \(disclosure.threshold) participants"
                )
                : count(participants, one: ("participant·e", "participant"), many: ("participant·es", "participants"))
            return View.table(
                caption: visit.t(
                    "Classement : \(who) (3 points pour un 1er choix, 2 pour un 2e, 1 pour un 3e)",
                    "Ranking: \(who) (3 points for a first choice, 2 for a second, 1 for a third)"
                ) + of,
                headers: [
                    visit.t("Option", "Option"), visit.t("Points", "Points"), visit.t("1er choix", "First choice"),
                    visit.t("Dans le trio de tête", "In the top 3"),
                ] + linkHeader,
                rows: rows, numericColumns: [1, 2, 3])
        default:
            let options = data.options(of: activity)
            let total = options.reduce(0) { $0 + $1.votes }
            let published = LiveFigures.poll(
                votes: options.map(\.votes),
                participants: activity.kind == .pollMultiple ? data.answers[activity.id] : nil, disclosure: disclosure)
            let rows = options.enumerated().map { i, option -> [HTML] in
                let share = published.shares[i].map { "\($0) %" } ?? (published.options[i].isHidden ? "—" : "0 %")
                return ["\(option.label)", cell(published.options[i], option.votes), "\(share)"]
                    + (proposals.map {
                        [
                            $0.link(
                                option.label, origin: .pollAnswer(votes: option.votes, total: total),
                                question: activity.question, visit: visit)
                        ]
                    } ?? [])
            }
            let votes: String =
                switch published.total {
                case .shown: count(total, one: ("vote", "vote"), many: ("votes", "votes"))
                case .hidden:
                    visit.t("moins de \(disclosure.threshold) votes", "fewer than \(disclosure.threshold) votes")
                }
            return View.table(
                caption: visit.t("Réponses (\(votes))", "Answers (\(votes))") + of,
                headers: [visit.t("Réponse", "Answer"), visit.t("Votes", "Votes"), visit.t("Part", "Share")]
                    + linkHeader,
                rows: rows, numericColumns: [1, 2])
        }
    }

    // MARK: - Organiser

    /// The organiser's live page: the activities with their results and moderation, and the form
    /// that opens a new one. A pure function of its model; `fields`, `lists` and `errors` are what
    /// the organiser sent to open an activity.
    static func organiserView(
        _ model: LiveOrganiserModel, visit: Visit, fields: [String: String], lists: [String: [String]],
        errors: FormErrors, status: HTTPStatus = .ok
    ) -> WebPage {
        let context = model.context
        let event = context.event
        let slug = context.territory.slug
        let list = model.data.activities.map { organiserItem($0, model: model, visit: visit) }
        let qr =
            (try? QRCode.encode(model.joinURL))?.svg(label: visit.t("Code QR pour participer", "QR code to take part"))
            ?? ""
        let walls = rankingWalls(model.data, visit: visit, lists: lists, errors: errors)
        let main: HTML = """
            <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
            <h1>\(visit.t("Participation en direct : \(event.title)", "Live participation: \(event.title)"))</h1>
            <p>\(visit.t("Les participant·es vont sur", "Participants go to")) <strong>\(model.baseURL)/participer</strong> \(visit.t("et tapent le code", "and type the code")) <strong class="live-code">\(event.live_code)</strong>, \(visit.t("ou scannent le code QR.", "or scan the QR code."))</p>
            <div class="qr">\(HTML(unsafeRaw: qr))</div>
            <p><a class="button" href="\(EventsPaths.projector.link(slug, event.id))">\(visit.t("Ouvrir la vue projecteur", "Open the projector view"))</a> \
            <a href="\(EventsPaths.live.link(slug, event.id))">\(visit.t("Actualiser cette page", "Refresh this page"))</a></p>
            <h2>\(visit.t("Activités", "Activities"))</h2>
            \(list.isEmpty ? "<p>\(visit.t("Aucune activité pour le moment.", "No activity yet."))</p>" as HTML : "<ul class=\"plain-list\">\(each: list)</ul>")
            <h2 id="nouvelle-activite">\(visit.t("Ouvrir une activité", "Open an activity"))</h2>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: EventsPaths.live.link(slug, event.id), visit: visit))
            \(Form.radios(name: "kind", legend: visit.t("Type", "Kind"), options: activityKinds(visit), selected: fields["kind"] ?? ActivityKind.poll.rawValue, errors: errors, visit: visit, required: true))
            \(Form.input(name: "question", label: visit.t("Question", "Question"), value: fields["question"], errors: errors, visit: visit, required: true, maxLength: 200))
            \(Form.textarea(name: "options", label: visit.t("Réponses possibles (sondage) ou options à classer (classement)", "Possible answers (poll) or options to rank (ranking)"),
                        value: fields["options"], errors: errors, visit: visit,
                        hint: visit.t("Une par ligne : de 2 à 10 pour un sondage ; pour un classement, de 3 à 10 en tout avec les idées cochées ci-dessous.",
                                      "One a line: 2 to 10 for a poll; for a ranking, 3 to 10 in all with the ideas ticked below."), rows: 4))
            \(HTML.join(walls, separator: ""))
            \(Form.checkbox(name: "moderated", label: "\(visit.t("Mur d'idées : idées affichées après validation", "Idea wall: ideas shown after approval"))", checked: fields["moderated"] != nil,
                        errors: errors, visit: visit,
                        hint: visit.t("Chaque idée envoyée attend que vous l'approuviez avant d'apparaître au projecteur et chez les participant·es.",
                                      "Each idea sent waits for your approval before it shows on the projector and to participants.")))
            \(Form.submit(visit.t("Ouvrir l'activité", "Open the activity")))
            </form>
            """
        return WebPage(
            title: visit.t("Participation en direct", "Live participation"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    /// One activity on the organiser's page: its state, the button that opens or closes it, and
    /// its results (an idea wall's ideas with their moderation).
    static func organiserItem(_ activity: Activity, model: LiveOrganiserModel, visit: Visit) -> HTML {
        let action = EventsPaths.liveActivity.link(model.context.territory.slug, model.context.event.id, activity.id)
        let toggle: HTML = """
            <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="action" value="\(activity.open ? "close" : "open")">\
            <button type="submit" class="button secondary">\(activity.open ? visit.t("Fermer", "Close") : visit.t("Ouvrir", "Open"))<span class="visually-hidden"> : \(activity.question)</span></button></form>
            """
        var meta =
            visit.t(activity.kind.label) + " · "
            + (activity.open ? visit.t("ouvert", "open") : visit.t("fermé", "closed"))
        let ideas = ranked(model.data.ideas(of: activity))
        if activity.moderated {
            meta += " · " + visit.t("idées affichées après validation", "ideas shown after approval")
        }
        let pending = ideas.filter(\.pending).count
        if pending > 0 {
            meta += " · " + visit.t("\(pending) en attente de validation", "\(pending) awaiting approval")
        }
        let body: HTML =
            activity.kind == .ideas
            ? moderationTable(activity, ideas: ideas, action: action, source: model.source, visit: visit)
            : table(visit, activity: activity, data: model.data, links: model.source)
        return "<li><h3>\(activity.question)</h3><p class=\"meta\">\(meta)</p>\(toggle)\(body)</li>"
    }

    /// An idea wall for its organiser: every idea (pending, hidden or shown) with its moderation
    /// button and the link that turns it into a proposal.
    static func moderationTable(
        _ activity: Activity, ideas: [Idea], action: String, source: ProposalSource, visit: Visit
    ) -> HTML {
        let rows = ideas.map { idea -> [HTML] in
            func button(_ value: String, _ label: String) -> HTML {
                """
                <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="action" value="\(value)">\
                <input type="hidden" name="idea" value="\(idea.id)"><button type="submit" class="link-button">\(label)<span class="visually-hidden"> : \(idea.body)</span></button></form>
                """
            }
            let state =
                idea.pending
                ? visit.t("en attente de validation", "awaiting approval")
                : idea.hidden ? visit.t("masquée", "hidden") : visit.t("affichée", "shown")
            let moderation =
                idea.pending
                ? button("show", visit.t("Approuver", "Approve"))
                : idea.hidden
                    ? button("show", visit.t("Afficher à nouveau", "Show again"))
                    : button("hide", visit.t("Masquer", "Hide"))
            return [
                "\(idea.body)", "\(idea.author_name ?? visit.t("anonyme", "anonymous"))", "\(idea.votes)",
                "\(state)", moderation,
                source.link(idea.body, origin: .idea(votes: idea.votes), question: activity.question, visit: visit),
            ]
        }
        guard !rows.isEmpty else { return "<p>\(visit.t("Aucune idée pour le moment.", "No idea yet."))</p>" }
        return View.table(
            caption: visit.t(
                "Idées (\(ideas.count)) — « \(activity.question) »",
                "Ideas (\(ideas.count)) — “\(activity.question)”"),
            headers: [
                visit.t("Idée", "Idea"), visit.t("Par", "By"), visit.t("Votes", "Votes"),
                visit.t("État", "State"), visit.t("Modération", "Moderation"),
                visit.t("Proposition", "Proposal"),
            ],
            rows: rows, numericColumns: [2])
    }

    /// For a ranking: the visible ideas of each wall of this event, to tick.
    static func rankingWalls(
        _ data: LiveData, visit: Visit, lists: [String: [String]], errors: FormErrors
    ) -> [HTML] {
        data.activities.filter { $0.kind == .ideas }.compactMap { wall -> HTML? in
            let ideas = ranked(data.ideas(of: wall).filter { !$0.hidden })
            guard !ideas.isEmpty else { return nil }
            return Form.checkboxes(
                name: "ideas_\(wall.id)",
                legend: visit.t(
                    "Classement : idées du mur « \(wall.question) » à classer",
                    "Ranking: ideas of the wall “\(wall.question)” to rank"),
                options: ideas.map { Form.Option(String($0.id), $0.body) },
                selected: Set(lists["ideas_\(wall.id)"] ?? []), errors: errors, visit: visit)
        }
    }

    /// The kinds of activity an organiser may open, in the order offered.
    static func activityKinds(_ visit: Visit) -> [Form.Option] {
        [
            Form.Option(ActivityKind.poll.rawValue, visit.t("Sondage, un seul choix", "Poll, one choice")),
            Form.Option(
                ActivityKind.pollMultiple.rawValue, visit.t("Sondage, plusieurs choix", "Poll, several choices")),
            Form.Option(
                ActivityKind.ideas.rawValue,
                visit.t("Mur d'idées, avec vote pour classer les idées", "Idea wall, with votes to rank the ideas")),
            Form.Option(
                ActivityKind.ranking.rawValue,
                visit.t(
                    "Classement : chacun·e choisit ses 3 options préférées, dans l'ordre",
                    "Ranking: everyone picks their top 3, in order")),
        ]
    }

    @Sendable static func createActivity(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let (fields, lists) = req.formFieldsAndLists()
        let outcome = try await OpenActivity.run(
            fields, lists: lists, event: context.event, territory: context.territory, actor: Actor(try req.scope()),
            env: req.useCases)
        switch outcome {
        case .opened:
            req.application.liveHub.notify(code: context.event.live_code)
            return req.redirect(
                to: EventsPaths.live.link(context.territory.slug, context.event.id),
                flash: Flash(.success, req.visit.t("L'activité est ouverte.", "The activity is open.")))
        case .invalid(let errors):
            return req.render(
                organiserView(
                    try await LiveOrganiserModel.load(req, context: context), visit: req.visit, fields: fields,
                    lists: lists, errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    /// Opens or closes an activity; hides an idea, or shows it (approves one waiting, or shows again one hidden).
    @Sendable static func changeActivity(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let activityID = try req.pathID("activity")
        let fields = req.formFields()
        let visit = req.visit
        guard let step = SteerActivity.Step(rawValue: fields["action"] ?? "") else { throw Abort(.unprocessableEntity) }
        let outcome = try await SteerActivity.run(
            step, activityID: activityID, idea: fields["idea"], event: context.event, territory: context.territory,
            actor: Actor(try req.scope()), env: req.useCases)
        let message: String
        switch outcome {
        case .approved:
            message = visit.t("L'idée est approuvée : elle est affichée.", "The idea is approved: it is shown.")
        case .shownAgain: message = visit.t("L'idée est de nouveau affichée.", "The idea is shown again.")
        case .hidden: message = visit.t("L'idée est masquée.", "The idea is hidden.")
        case .opened: message = visit.t("L'activité est ouverte.", "The activity is open.")
        case .closed: message = visit.t("L'activité est fermée.", "The activity is closed.")
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
        req.application.liveHub.notify(code: context.event.live_code)
        return req.redirect(
            to: EventsPaths.live.link(context.territory.slug, context.event.id), flash: Flash(.success, message))
    }

    @Sendable static func projector(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let data = try await activities(eventID: context.event.id, on: req.db)
        let joinURL = req.agora.config.baseURL + EventsPaths.participate.link(context.event.live_code)
        let qr =
            (try? QRCode.encode(joinURL))?.svg(
                label: visit.t("Code QR pour participer", "QR code to take part"), pixelsPerModule: 6) ?? ""
        let main: HTML = """
            <div class="projector" data-live-socket="\(EventsPaths.socket.replacingOccurrences(of: ":code", with: context.event.live_code))">
            <h1>\(context.event.title)</h1>
            <p class="live-join">\(visit.t("Participez sur", "Take part at")) <strong>\(req.agora.config.baseURL)/participer</strong> · \(visit.t("code", "code")) <strong class="live-code">\(context.event.live_code)</strong></p>
            <div class="qr">\(HTML(unsafeRaw: qr))</div>
            <div id="resultats" aria-live="polite">\(results(visit, data: data, onlyOpen: true))</div>
            <p class="no-js-refresh"><a href="\(EventsPaths.projector.link(context.territory.slug, context.event.id))">\(visit.t("Actualiser", "Refresh"))</a></p>
            </div>
            """
        let response = req.render(WebPage(title: visit.t("Projection", "Projector"), main: main, scripts: ["live.js"]))
        // Without JavaScript the page reloads itself every 5 s; live.js asks for the page with
        // ?js=1 and uses the WebSocket instead (and fetches every 5 s while it is not open).
        if req.queryFields()["js"] == nil { response.headers.replaceOrAdd(name: "Refresh", value: "5") }
        return response
    }

    // MARK: - Participants

    @Sendable static func join(_ req: Request) async throws -> Response {
        let visit = req.visit
        let query = req.queryFields()
        var errors = FormErrors()
        if let typed = query["code"] {
            if let code = LiveCode.normalise(typed), try await EventStore.event(liveCode: code, on: req.db) != nil {
                return req.redirect(to: EventsPaths.participate.link(code), redirectType: .normal)
            }
            errors.add(
                "code",
                visit.t(
                    "Ce code ne correspond à aucun atelier. Vérifiez les 6 caractères affichés à l'écran.",
                    "This code matches no workshop. Check the 6 characters shown on screen."))
        }
        let main: HTML = """
            <h1>\(visit.t("Participer à un atelier", "Take part in a workshop"))</h1>
            <p>\(visit.t("Tapez le code affiché à l'écran. Pas besoin de compte.", "Type the code shown on screen. No account needed."))</p>
            \(Form.errorSummary(errors, visit: visit))
            <form method="get" action="\(EventsPaths.join.link())" class="form">
            \(Form.input(name: "code", label: visit.t("Code de l'atelier", "Workshop code"), value: query["code"], errors: errors, visit: visit,
                     hint: visit.t("6 lettres ou chiffres, par exemple K7MP2Q.", "6 letters or digits, e.g. K7MP2Q."), required: true, autocomplete: "off", maxLength: 12))
            \(Form.submit(visit.t("Participer", "Take part")))
            </form>
            """
        return req.render(
            WebPage(
                title: visit.t("Participer", "Take part"), main: main,
                status: errors.isEmpty ? .ok : .unprocessableEntity, hasErrors: !errors.isEmpty))
    }

    /// The event of the code (never a draft) and what the participant's cookie is worth.
    static func liveEvent(_ req: Request) async throws -> (EventRecord, LiveRules.CookieState) {
        guard let code = req.parameters.get("code").flatMap(LiveCode.normalise),
            let event = try await EventStore.event(liveCode: code, on: req.db),
            event.status != .draft
        else { throw Abort(.notFound) }
        return (event, LiveRules.cookieState(req.cookies[participantCookie]?.string, signer: req.agora.signer))
    }

    static func setCookie(_ response: Response, _ cookie: String, _ req: Request) {
        response.cookies[participantCookie] = .init(
            string: cookie, maxAge: 60 * 60 * 24 * 2, path: "/participer", isSecure: req.agora.config.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }

    /// The participation page for a new participant: a cookie issued by the server (`JoinLive`),
    /// or, when this address was given too many, the page without one and the reason (429).
    static func newParticipant(
        _ req: Request, event: EventRecord, errors: FormErrors, fields: [String: String] = [:],
        lists: [String: [String]] = [:], posted: Int? = nil, status: HTTPStatus
    ) async throws -> Response {
        let visit = req.visit
        switch JoinLive.run(
            address: req.clientAddress, limit: req.agora.config.liveNewParticipantLimit,
            limiter: req.agora.rateLimiter, env: req.useCases)
        {
        case .issued(let cookie, let participant):
            let response = req.render(
                participantView(
                    try await LiveParticipantModel.load(req, event: event, participant: participant), visit: visit,
                    errors: errors, fields: fields, lists: lists, posted: posted, status: status))
            setCookie(response, cookie, req)
            return response
        case .tooMany:
            return EventsPages.refusal(
                req, status: .tooManyRequests, title: Text("Participation", "Taking part"),
                message: LiveRules.tooManyParticipants)
        }
    }

    static func fieldKey(_ activity: Activity) -> String { LiveFields.key(activity) }
    static func rankFields(_ activity: Activity) -> [String] { LiveFields.ranks(activity) }

    /// The participation page, a pure function of its model. `fields`/`lists` are what was sent to
    /// the activity `posted` (kept in its form after a refusal).
    static func participantView(
        _ model: LiveParticipantModel, visit: Visit, errors: FormErrors, fields: [String: String],
        lists: [String: [String]], posted: Int?, status: HTTPStatus = .ok
    ) -> WebPage {
        let event = model.event
        let closed = model.closed
        let open = closed == nil ? model.data.activities.filter(\.open) : []
        let sections = open.map { activity -> HTML in
            let kept = posted == activity.id ? fields : [:]
            let keptLists = posted == activity.id ? lists : [:]
            switch activity.kind {
            case .ideas: return ideaWallSection(activity, model: model, visit: visit, errors: errors, kept: kept)
            case .ranking: return rankingSection(activity, model: model, visit: visit, errors: errors, kept: kept)
            default:
                return pollSection(
                    activity, model: model, visit: visit, errors: errors, kept: kept, keptLists: keptLists)
            }
        }
        let empty: HTML =
            closed.map { "<p class=\"notice\">\(visit.t($0.message))</p>" }
            ?? "<p>\(visit.t("Aucune question ouverte pour le moment. Actualisez la page quand l'animateur·rice vous le dit.", "No open question at the moment. Refresh the page when the facilitator tells you."))</p>"
        let main: HTML = """
            <h1>\(event.title)</h1>
            <p>\(visit.t("Vous participez sans compte. Vos réponses sont anonymes.", "You take part without an account. Your answers are anonymous."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(sections.isEmpty ? empty : HTML.join(sections))
            <p><a href="\(EventsPaths.participate.link(event.live_code))">\(visit.t("Actualiser", "Refresh"))</a></p>
            """
        return WebPage(title: event.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// An open idea wall for a participant: the form to send an idea, their ideas awaiting
    /// approval, and the visible ideas with a button to support each (once).
    static func ideaWallSection(
        _ activity: Activity, model: LiveParticipantModel, visit: Visit, errors: FormErrors, kept: [String: String]
    ) -> HTML {
        let action = EventsPaths.contribute.link(model.event.live_code, activity.id)
        let voted = model.voted(on: activity)
        let ideas = ranked(model.data.ideas(of: activity).filter { !$0.hidden }).map { idea -> HTML in
            let button: HTML =
                voted.contains(idea.id)
                ? "<em>\(visit.t("vous avez voté", "you voted"))</em>"
                : """
                <form method="post" action="\(action)" class="inline-form">\(Form.csrf(visit))<input type="hidden" name="vote" value="\(idea.id)">\
                <button type="submit" class="link-button">\(visit.t("Je soutiens", "I support"))<span class="visually-hidden"> : \(idea.body)</span></button></form>
                """
            return "<li>\(idea.body) (\(idea.votes)) \(button)</li>"
        }
        let waiting = model.data.ideas(of: activity).filter { $0.pending && $0.participant == model.participant }.map {
            idea -> HTML in "<li>\(idea.body)</li>"
        }
        let moderation: HTML =
            activity.moderated
            ? "<p>\(visit.t("Les idées sont affichées après validation par l'animateur·rice.", "Ideas are shown once the facilitator approves them."))</p>"
            : .empty
        let waitingHTML: HTML =
            waiting.isEmpty
            ? .empty
            : "<div class=\"notice\"><p>\(visit.t("Vos idées en attente de validation par l'animateur·rice :", "Your ideas awaiting the facilitator's approval:"))</p><ul>\(each: waiting)</ul></div>"
        return """
            <section class="panel"><h2>\(activity.question)</h2>\(moderation)\(waitingHTML)\
            \(Form.open(action: action, visit: visit))\
            \(Form.textarea(name: "idea", label: visit.t("Votre idée", "Your idea"), value: kept["idea"], errors: errors, visit: visit,
                        hint: visit.t("\(LiveRules.maxIdeaLength) caractères au plus.", "\(LiveRules.maxIdeaLength) characters at most."), rows: 3,
                        maxLength: LiveRules.maxIdeaLength, field: "idea-\(activity.id)"))\
            \(Form.input(name: "author", label: visit.t("Votre prénom (facultatif : sinon, anonyme)", "Your first name (optional: otherwise anonymous)"), value: kept["author"],
                     errors: errors, visit: visit, autocomplete: "given-name", maxLength: 40, field: "author-\(activity.id)"))\
            \(Form.submit(visit.t("Envoyer mon idée", "Send my idea")))</form>\
            \(ideas.isEmpty ? HTML.empty : "<h3>\(visit.t("Les idées (votez pour celles que vous soutenez)", "The ideas (vote for those you support)"))</h3><ul>\(each: ideas)</ul>")</section>
            """
    }

    /// An open ranking for a participant: three selects for their top 3, or thanks once sent.
    static func rankingSection(
        _ activity: Activity, model: LiveParticipantModel, visit: Visit, errors: FormErrors, kept: [String: String]
    ) -> HTML {
        if !model.voted(on: activity).isEmpty {
            return
                "<section class=\"panel\"><h2>\(activity.question)</h2><p>\(visit.t("Merci, votre classement est enregistré.", "Thank you, your ranking is saved."))</p></section>"
        }
        let action = EventsPaths.contribute.link(model.event.live_code, activity.id)
        let options = model.data.options(of: activity)
        let choices = options.map { Form.Option(String($0.id), $0.label) }
        let names = rankFields(activity)
        let selects = (1...min(LiveRules.rankSize, options.count)).map { rank -> HTML in
            let points = LiveRules.points(rank: rank)
            return Form.select(
                name: "rank_\(rank)",
                label: visit.t(
                    "\(LiveRules.ordinal(rank, lang: .fr)) choix (\(points) point\(points > 1 ? "s" : ""))",
                    "\(LiveRules.ordinal(rank, lang: .en).capitalized) choice (\(points) point\(points > 1 ? "s" : ""))"
                ),
                options: choices, selected: kept["rank_\(rank)"], errors: errors, visit: visit, required: true,
                field: names[rank - 1])
        }
        return """
            <section class="panel"><h2>\(activity.question)</h2>\
            <p>\(visit.t("Choisissez vos 3 options préférées, dans l'ordre, parmi :", "Choose your 3 favourite options, in order, among:"))</p>\
            <ul>\(each: options.map { option -> HTML in "<li>\(option.label)</li>" })</ul>\
            \(Form.open(action: action, visit: visit))<fieldset class="field"><legend>\(visit.t("Votre trio de tête", "Your top 3"))</legend>\(HTML.join(selects, separator: ""))</fieldset>\
            \(Form.submit(visit.t("Envoyer mon classement", "Send my ranking")))</form></section>
            """
    }

    /// An open poll (one choice or several) for a participant, or thanks once answered.
    static func pollSection(
        _ activity: Activity, model: LiveParticipantModel, visit: Visit, errors: FormErrors, kept: [String: String],
        keptLists: [String: [String]]
    ) -> HTML {
        if !model.voted(on: activity).isEmpty {
            return
                "<section class=\"panel\"><h2>\(activity.question)</h2><p>\(visit.t("Merci, votre réponse est enregistrée.", "Thank you, your answer is saved."))</p></section>"
        }
        let action = EventsPaths.contribute.link(model.event.live_code, activity.id)
        let choices = model.data.options(of: activity).map { Form.Option(String($0.id), $0.label) }
        let group =
            activity.kind == .pollMultiple
            ? Form.checkboxes(
                name: "choice-\(activity.id)", legend: activity.question, options: choices,
                selected: Set(keptLists["choice-\(activity.id)"] ?? []),
                errors: errors, visit: visit,
                hint: visit.t("Plusieurs réponses possibles.", "Several answers allowed."))
            : Form.radios(
                name: "choice", legend: activity.question, options: choices, selected: kept["choice"],
                errors: errors, visit: visit, required: true,
                field: "choice-\(activity.id)")
        return
            "<section class=\"panel\"><h2>\(activity.question)</h2>\(Form.open(action: action, visit: visit))\(group)\(Form.submit(visit.t("Répondre", "Answer")))</form></section>"
    }

    @Sendable static func contribute(_ req: Request) async throws -> Response {
        let (event, cookie) = try await liveEvent(req)
        let visit = req.visit
        let activityID = try req.pathID("activity")
        let data = try await activities(eventID: event.id, on: req.db)
        guard let activity = data.activities.first(where: { $0.id == activityID }) else { throw Abort(.notFound) }
        if let closed = LiveRules.closed(status: event.status, endsAt: event.ends_at, now: req.now) {
            return EventsPages.refusal(
                req, status: .conflict, title: Text("Contributions closes", "Contributions closed"),
                message: closed.message)
        }
        let (fields, lists) = req.formFieldsAndLists()
        let key = fieldKey(activity)
        // Without its cookie a participant could answer again and again, and never be limited;
        // with a cookie the server did not issue, a script could invent participants: refused,
        // nothing counted, with a new cookie (within the address's limit) so that sending again
        // from this page works.
        let token: String
        switch cookie {
        case .valid(let value): token = value
        case .none, .forged:
            var errors = FormErrors()
            errors.add(
                key,
                cookie == .forged
                    ? visit.t(LiveRules.forgedCookie)
                    : visit.t(
                        "Votre navigateur n'a pas envoyé le cookie de participation (anonyme, il sert à compter une réponse par personne). Acceptez les cookies de ce site, ou ouvrez d'abord la page de l'atelier, puis envoyez à nouveau votre réponse.",
                        "Your browser did not send the participation cookie (anonymous, it counts one answer per person). Accept this site's cookies, or open the workshop's page first, then send your answer again."
                    ))
            return try await newParticipant(
                req, event: event, errors: errors, fields: fields, lists: lists, posted: activity.id,
                status: cookie == .forged ? .forbidden : .badRequest)
        }
        let participant = Tokens.sha256Hex(token)
        let outcome = try await Contribute.run(
            Contribute.Input(
                fields: fields, lists: lists, participant: participant, address: req.clientAddress,
                addressLimit: req.agora.config.liveAddressLimit, lang: visit.lang),
            activity: activity, data: data, event: event, limiter: req.agora.rateLimiter, env: req.useCases)
        func again(_ status: HTTPStatus, _ errors: FormErrors) async throws -> Response {
            req.render(
                participantView(
                    try await LiveParticipantModel.load(req, event: event, participant: participant), visit: visit,
                    errors: errors, fields: fields, lists: lists, posted: activity.id, status: status))
        }
        func again(_ status: HTTPStatus, _ message: Text) async throws -> Response {
            var errors = FormErrors()
            errors.add(key, visit.t(message))
            return try await again(status, errors)
        }
        switch outcome {
        case .saved(let saved):
            req.application.liveHub.notify(code: event.live_code)
            let message: String =
                switch saved {
                case .idea(pending: true):
                    visit.t(
                        "Merci, votre idée est envoyée : elle attend la validation de l'animateur·rice avant d'être affichée.",
                        "Thank you, your idea is sent: it waits for the facilitator's approval before it is shown.")
                case .idea(pending: false): visit.t("Merci, votre idée est affichée.", "Thank you, your idea is shown.")
                case .ranking: visit.t("Merci, votre classement est enregistré.", "Thank you, your ranking is saved.")
                case .answer, .vote: visit.t("Merci, c'est enregistré.", "Thank you, it is saved.")
                }
            return req.redirect(to: EventsPaths.participate.link(event.live_code), flash: Flash(.success, message))
        case .eventClosed(let message):
            return EventsPages.refusal(
                req, status: .conflict, title: Text("Contributions closes", "Contributions closed"), message: message)
        case .activityClosed:
            return try await again(.conflict, Text("Cette activité est fermée.", "This activity is closed."))
        case .slowDown:
            return try await again(
                .tooManyRequests,
                Text(
                    "Doucement : attendez une minute avant d'envoyer autre chose.",
                    "Slow down: wait a minute before sending more."))
        case .networkBusy:
            return try await again(
                .tooManyRequests,
                Text(
                    "Beaucoup de réponses arrivent de ce réseau en ce moment : attendez une minute avant d'envoyer la vôtre.",
                    "Many answers come from this network right now: wait a minute before sending yours."))
        case .alreadyAnswered: return try await again(.conflict, Contribute.alreadyAnswered)
        case .invalid(let errors): return try await again(.unprocessableEntity, errors)
        case .unknownTarget: throw Abort(.notFound)
        }
    }
}

/// The open WebSockets of projectors, by live code, on this instance. With several instances a
/// projector connected to another one falls back to its periodic refresh (documented).
final class LiveHub: Sendable {
    private let sockets = NIOLockedValueBox<[String: [WebSocket]]>([:])
    private let version = NIOLockedValueBox<Int>(0)

    func add(_ ws: WebSocket, code: String) {
        sockets.withLockedValue { $0[code, default: []].append(ws) }
        ws.onClose.whenComplete { [weak self] _ in
            self?.sockets.withLockedValue { all in all[code]?.removeAll { $0 === ws } }
        }
    }

    func notify(code: String) {
        let next = version.withLockedValue { value -> Int in
            value += 1; return value
        }
        let targets = sockets.withLockedValue { $0[code] ?? [] }
        for ws in targets where !ws.isClosed { ws.send("\(next)") }
    }
}

extension Application {
    private struct LiveHubKey: StorageKey { typealias Value = LiveHub }
    var liveHub: LiveHub {
        get {
            guard let hub = storage[LiveHubKey.self] else { fatalError("LiveHub used before EventsModule.boot") }
            return hub
        }
        set { storage[LiveHubKey.self] = newValue }
    }
}
