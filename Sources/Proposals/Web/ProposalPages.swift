import Core
import Fluent
import SQLKit
import Vapor

/// The list, the form and the page of a proposal.
enum ProposalPages {
    static let members = Access.territory(ProposalsPolicy.roles(for: .takePart))
    static let proposers = Access.territory(
        ProposalsPolicy.roles(for: .propose).union(ProposalsPolicy.roles(for: .proposeOnBehalf)))

    static func register(_ router: RouteRegistrar) {
        router.get(ProposalsPaths.list, access: .everyone, use: list)
        router.get(ProposalsPaths.new, access: proposers) { req in
            let assisted = try await assistedChoices(req)
            return req.render(
                try formPage(
                    visit: req.visit, proposal: nil, form: ProposalForm(prefill: req.queryFields()), assisted: assisted,
                    errors: FormErrors()))
        }
        router.post(ProposalsPaths.new, access: proposers, maxBody: "6mb", scoped: create)
        router.get(ProposalsPaths.show, access: .everyone, use: show)
        router.get(ProposalsPaths.edit, access: members) { req in
            let proposal = try await editable(req)
            let id = try proposal.requireID()
            let communes = try await ProposalStore.communeCodes(of: [id], on: req.db)[id] ?? []
            return req.render(
                try formPage(
                    visit: req.visit, proposal: proposal,
                    form: ProposalForm(proposal, communes: communes, themes: (try req.visit.territoryHere()).themes),
                    assisted: [],
                    errors: FormErrors()))
        }
        router.post(ProposalsPaths.edit, access: members, scoped: update)
        router.get(ProposalsPaths.attachment, access: .everyone) { req in
            let proposal = try await visible(req)
            guard let name = proposal.attachmentName, let type = proposal.attachmentType,
                let bytes = try await ProposalStore.attachment(of: try proposal.requireID(), on: req.db)
            else { throw Abort(.notFound) }
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: type)
            headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
            headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
            return Response(status: .ok, headers: headers, body: .init(data: bytes))
        }
    }

    // MARK: - Loading with the visibility rules

    /// The proposal of the URL, in this territory, that this visitor may see; else 404.
    static func visible(_ req: Request) async throws -> Proposal {
        let scope = try req.scope()
        guard
            let proposal = try await ProposalStore.proposal(
                req.pathID("proposal"), territoryID: scope.territory.id, on: req.db),
            ProposalsPolicy.allows(Actor(scope), .see, on: proposal.facts)
        else { throw Abort(.notFound) }
        return proposal
    }

    /// The proposal of the URL if the viewer may still edit it: 403 when it is not theirs, 409
    /// once its text is frozen.
    static func editable(_ req: Request) async throws -> Proposal {
        let proposal = try await visible(req)
        let actor = Actor(try req.scope())
        guard proposal.facts.isOwn(actor.personID) else { throw Abort(.forbidden) }
        guard ProposalsPolicy.allows(actor, .edit, on: proposal.facts) else {
            throw Abort(.conflict, reason: "no longer editable")
        }
        return proposal
    }

    static func assistedChoices(_ req: Request) async throws -> [(id: Int, name: String)] {
        guard ProposalsPolicy.can(req.visit.rolesHere, .proposeOnBehalf), let territory = req.visit.territory else {
            return []
        }
        return try await ProposalStore.assistedProfiles(territoryID: territory.id, on: req.db)
    }

    // MARK: - List

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let raw = req.queryFields()
        let query = ProposalQuery(query: raw, communes: Set(territory.communes.map(\.code)), themes: territory.themes)
        let title = visit.t("Propositions", "Proposals") + " · " + territory.name
        // An anonymous visitor's list holds nothing personal (the filter form is a GET without a
        // token): the whole page is kept per language and canonical query until the next change.
        var anonymousKey: (key: String, version: Int)?
        if visit.viewer == nil {
            let key =
                "list-page/\(visit.lang.rawValue)/\(territory.themes.fingerprint)/\(query.queryString(page: query.page))"
            let (cached, version) = try await req.application.proposalReadModel.cachedList(
                key: key, territoryID: territory.id, on: req.db)
            if let cached { return req.render(WebPage(title: title, main: cached)) }
            anonymousKey = (key, version)
        }
        let (rows, total) = try await req.application.proposalReadModel.list(
            query, territoryID: territory.id, themes: territory.themes, on: req.db)
        let pages = max(1, (total + ProposalQuery.pageSize - 1) / ProposalQuery.pageSize)
        let base = ProposalsPaths.list.link(territory.slug)
        let canPropose =
            ProposalsPolicy.can(visit.rolesHere, .propose) || ProposalsPolicy.can(visit.rolesHere, .proposeOnBehalf)

        // Items depend only on the proposal and the language: rendered once per version of the list.
        let items = req.application.proposalReadModel.items(
            territoryID: territory.id,
            keys: rows.map { "\($0.id)/\(visit.lang.rawValue)/\(territory.themes.fingerprint)" }
        ) { index in listItem(rows[index], territory: territory, visit: visit) }
        // The option lists are the same for every visitor in a language: rendered once, the
        // chosen option marked afterwards.
        let options = { (name: String, values: [(String, String)], selected: String?) -> HTML in
            let all = req.agora.territories.fragment("proposal-filter/\(territory.id)/\(visit.lang.rawValue)/\(name)") {
                HTML.join(values.map { "<option value=\"\($0.0)\">\($0.1)</option>" })
            }
            return Form.selecting(selected, in: all)
        }
        let filters = filtersForm(query, territory: territory, action: base, visit: visit, options: options)
        let main: HTML = """
            <h1>\(visit.t("Propositions", "Proposals")) · \(territory.name)</h1>
            <p class="lead">\(visit.t("Vos idées pour la santé du territoire. Chaque proposition reçoit une réponse officielle, et vous pouvez suivre ce qu'elle devient.",
                                  "Your ideas for the territory's health. Every proposal gets an official answer, and you can follow what becomes of it."))</p>
            <p class="actions">\(canPropose ? "<a class=\"button\" href=\"\(ProposalsPaths.new.link(territory.slug))\">\(visit.t("Faire une proposition", "Make a proposal"))</a>" as HTML
            : visit.viewer == nil ? "<a class=\"button\" href=\"\(LoginLink.to(ProposalsPaths.new.link(territory.slug)))\">\(visit.t("Se connecter pour proposer", "Log in to propose"))</a>" as HTML : .empty) \
            <a href="\(ProposalsPaths.results.link(territory.slug))">\(visit.t("Voir ce que sont devenues les propositions", "See what became of the proposals"))</a></p>
            \(filters)
            <h2 class="visually-hidden">\(visit.t("Résultats", "Results"))</h2>
            <p role="status">\(visit.t("\(View.number(total, lang: visit.lang)) proposition\(total > 1 ? "s" : "")", "\(total) proposal\(total == 1 ? "" : "s")"))</p>
            \(rows.isEmpty ? "<p>\(visit.t("Aucune proposition ne correspond à ces critères.", "No proposal matches these criteria."))</p>" as HTML : "<ul class=\"proposal-list\">\(each: items)</ul>")
            \(View.pager(page: query.page, pages: pages, visit: visit) { base + query.queryString(page: $0) })
            """
        if let anonymousKey {
            req.application.proposalReadModel.storeList(
                main, key: anonymousKey.key, territoryID: territory.id, version: anonymousKey.version)
        }
        return req.render(WebPage(title: title, main: main))
    }

    /// A proposal in the list: its title, status, audience, date, themes, communes and counts. Pure.
    static func listItem(_ row: ProposalSummary, territory: TerritoryInfo, visit: Visit) -> HTML {
        let communes = row.communes.compactMap { territory.commune(code: $0)?.name }
        return """
            <li><h2><a href="\(ProposalsPaths.show.link(territory.slug, row.id))">\(row.title)</a></h2>\
            <p class="meta"><span class="status status-\(row.status.rawValue)">\(visit.t(row.status.label))</span> \
            · \(visit.t((Audience(rawValue: row.audience) ?? .resident).label)) · \(dateText(row.submittedAt, visit))</p>\
            <p class="meta">\(row.themes.map { visit.t($0.label) }.joined(separator: ", "))\
            \(communes.isEmpty ? "" : " · " + communes.joined(separator: ", "))</p>\
            <p class="meta">\(View.number(row.supportCount, lang: visit.lang)) \(visit.t(row.supportCount > 1 ? "soutiens" : "soutien", row.supportCount == 1 ? "support" : "supports")) \
            · \(View.number(row.commentCount, lang: visit.lang)) \(visit.t(row.commentCount > 1 ? "commentaires" : "commentaire", row.commentCount == 1 ? "comment" : "comments"))</p></li>
            """
    }

    /// The search and filter form of the list; `options` renders one select's options with the
    /// chosen one marked.
    static func filtersForm(
        _ query: ProposalQuery, territory: TerritoryInfo, action base: String, visit: Visit,
        options: (String, [(String, String)], String?) -> HTML
    ) -> HTML {
        return """
            <form method="get" action="\(base)" class="filters" role="search" aria-label="\(visit.t("Chercher et filtrer les propositions", "Search and filter proposals"))">
            <div class="field"><label for="recherche">\(visit.t("Mots-clés", "Keywords"))</label>\
            <input id="recherche" name="q" type="search" value="\(query.text)"></div>
            <div class="field"><label for="filtre-theme">\(visit.t("Thème", "Theme"))</label><select id="filtre-theme" name="theme">\
            <option value="">\(visit.t("Tous les thèmes", "All themes"))</option>\(options("theme", territory.themes.visible.map { ($0.rawValue, visit.t($0.label)) }, query.theme?.rawValue))</select></div>
            <div class="field"><label for="filtre-commune">\(visit.t("Commune", "Municipality"))</label><select id="filtre-commune" name="commune">\
            <option value="">\(visit.t("Toutes les communes", "All municipalities"))</option>\(options("commune", territory.communes.map { ($0.code, $0.name) }, query.commune))</select></div>
            <div class="field"><label for="filtre-etat">\(visit.t("État", "Status"))</label><select id="filtre-etat" name="etat">\
            <option value="">\(visit.t("Tous les états", "All statuses"))</option>\(options("status", ProposalStatus.allCases.filter(\.isPublic).map { ($0.rawValue, visit.t($0.label)) }, query.status?.rawValue))</select></div>
            <div class="field"><label for="filtre-public">\(visit.t("Proposée par", "Proposed by"))</label><select id="filtre-public" name="public">\
            <option value="">\(visit.t("Tout le monde", "Everyone"))</option>\(options("audience", ProposalsPolicy.audiences.map { ($0.rawValue, visit.t($0.label)) }, query.audience))</select></div>
            <div class="field"><label for="filtre-tri">\(visit.t("Ordre", "Order"))</label><select id="filtre-tri" name="tri">\
            \(options("sort", ProposalQuery.Sort.allCases.map { ($0.rawValue, visit.t($0.label)) }, query.sort.rawValue))</select></div>
            \(Form.submit(visit.t("Afficher", "Show")))
            </form>
            """
    }

    static func dateText(_ date: Date?, _ visit: Visit) -> String {
        guard let date else { return visit.t("non envoyée", "not sent") }
        return DateText.day(date, lang: visit.lang)
    }

    // MARK: - Form

    /// The submitted proposal form (multipart: it may carry a file).
    struct ProposalForm: Decodable {
        var title: String?
        var body: String?
        var themes: [String]?
        var communes: [String]?
        var origin: String?
        var origin_detail: String?
        var on_behalf_of: String?
        var action: String?
        var attachment: File?

        init() {}
        /// A new proposal started from elsewhere (an idea of a workshop): `?titre=…&texte=…&themes=a,b&communes=35360`
        /// `&origine=rencontre&origine_nom=…`; each value cut to its field's limit (the form is checked when sent).
        init(prefill query: [String: String]) {
            title = query["titre"].map { String($0.prefix(ProposalInput.titleMax)) }
            body = query["texte"].map { String($0.prefix(ProposalInput.bodyMax)) }
            themes = query["themes"].map { $0.split(separator: ",").prefix(20).map { String($0.prefix(60)) } }
            communes = query["communes"].map {
                $0.split(separator: ",").prefix(ProposalInput.communesMax).map { String($0.prefix(10)) }
            }
            origin = query["origine"].flatMap(ProposalOrigin.init(rawValue:))?.rawValue
            origin_detail = query["origine_nom"].map { String($0.prefix(200)) }
        }
        init(_ proposal: Proposal, communes: [String], themes list: ThemeList) {
            title = proposal.title; body = proposal.body
            themes = list.from(mask: proposal.themesMask).map(\.rawValue)
            self.communes = communes; origin = proposal.origin; origin_detail = proposal.originDetail
        }

        var fields: [String: String] {
            var out: [String: String] = [:]
            out["title"] = title; out["body"] = body; out["origin"] = origin; out["origin_detail"] = origin_detail
            out["action"] = action; out["on_behalf_of"] = on_behalf_of
            return out
        }
        var multi: [String: [String]] { ["themes": themes ?? [], "communes": communes ?? []] }
    }

    static func formPage(
        visit: Visit, proposal: Proposal?, form: ProposalForm, assisted: [(id: Int, name: String)],
        errors: FormErrors, status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let editing = proposal != nil
        let action =
            try proposal.map { ProposalsPaths.edit.link(territory.slug, try $0.requireID()) }
            ?? ProposalsPaths.new.link(territory.slug)
        let title =
            editing
            ? visit.t("Modifier ma proposition", "Edit my proposal")
            : visit.t("Faire une proposition", "Make a proposal")
        let behalf: HTML =
            assisted.isEmpty
            ? .empty
            : Form.select(
                name: "on_behalf_of", label: visit.t("Au nom de", "On behalf of"),
                // "Myself" only for those who may propose in their own name (staff type for someone).
                options: (ProposalsPolicy.can(visit.rolesHere, .propose)
                    ? [Form.Option("", visit.t("Moi-même", "Myself"))] : [])
                    + assisted.map {
                        Form.Option(String($0.id), $0.name + " " + visit.t("(profil accompagné)", "(assisted profile)"))
                    },
                selected: form.on_behalf_of, errors: errors, visit: visit,
                hint: visit.t(
                    "Vous saisissez la proposition d'une personne que vous accompagnez, avec son accord.",
                    "You type the proposal of someone you support, with their agreement."),
                required: !ProposalsPolicy.can(visit.rolesHere, .propose))
        let main: HTML = """
            <h1>\(title)</h1>
            <p>\(visit.t("Écrivez simplement, comme vous l'expliqueriez à un voisin. Une proposition envoyée est publique ; vous pourrez la modifier tant qu'elle n'est pas à l'étude.",
                     "Write simply, as you would explain it to a neighbour. A sent proposal is public; you can edit it until it is under study."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit, multipart: true))
            \(behalf)
            \(Form.input(name: "title", label: visit.t("Titre", "Title"), value: form.title, errors: errors, visit: visit,
                     hint: visit.t("En une phrase : ce que vous proposez. Exemple : « Un bus vers la maison de santé le mardi ».", "In one sentence: what you propose."),
                     required: true, maxLength: ProposalInput.titleMax))
            \(Form.textarea(name: "body", label: visit.t("Votre proposition", "Your proposal"), value: form.body, errors: errors, visit: visit,
                        hint: visit.t("Quel est le problème ? Qui est concerné ? Que proposez-vous ?", "What is the problem? Who is concerned? What do you propose?"),
                        required: true, rows: 8, maxLength: ProposalInput.bodyMax))
            \(Form.checkboxes(name: "themes", legend: visit.t("Thèmes", "Themes"), options: territory.themes.options(keeping: form.themes ?? [], visit: visit),
                          selected: Set(form.themes ?? []), errors: errors, visit: visit, required: true))
            \(Form.checkboxes(name: "communes", legend: visit.t("Communes concernées", "Municipalities concerned"),
                          options: territory.communes.map { Form.Option($0.code, $0.name) }, selected: Set(form.communes ?? []), errors: errors, visit: visit,
                          hint: visit.t("Si tout le territoire est concerné, n'en cochez aucune.", "If the whole territory is concerned, tick none.")))
            \(Form.select(name: "origin", label: visit.t("D'où vient cette idée ?", "Where does this idea come from?"),
                      options: ProposalOrigin.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) }, selected: form.origin ?? ProposalOrigin.spontaneous.rawValue,
                      errors: errors, visit: visit))
            \(Form.input(name: "origin_detail", label: visit.t("Laquelle ? (facultatif)", "Which one? (optional)"), value: form.origin_detail, errors: errors, visit: visit,
                     hint: visit.t("Par exemple : « Forum santé de Vitré, mars 2026 ».", "For instance: “Vitré health forum, March 2026”."), maxLength: 200))
            \(editing ? HTML.empty : Form.input(name: "attachment", label: visit.t("Une image ou un document (facultatif)", "An image or a document (optional)"), value: nil,
                     errors: errors, visit: visit, type: "file", hint: visit.t("Photo (JPEG, PNG) ou PDF, 5 Mo au plus.", "Photo (JPEG, PNG) or PDF, 5 MB at most."),
                     accept: "image/jpeg,image/png,application/pdf"))
            <p class="actions">\(Form.submit(editing ? visit.t("Enregistrer", "Save") : visit.t("Envoyer ma proposition", "Send my proposal"), name: "action", value: "send")) \
            \(editing ? HTML.empty : Form.submit(visit.t("Garder en brouillon", "Keep as a draft"), secondary: true, name: "action", value: "draft"))</p>
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func create(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let form = (try? req.content.decode(ProposalForm.self)) ?? ProposalForm()
        let upload = form.attachment.flatMap { file -> (bytes: [UInt8], filename: String)? in
            file.data.readableBytes > 0 ? (Array(file.data.readableBytesView), file.filename) : nil
        }
        let submission = ProposalSubmission(
            fields: form.fields, multi: form.multi, onBehalfOf: form.on_behalf_of, attachment: upload)
        let outcome = try await Propose.run(
            submission, territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .published(let id):
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, id),
                flash: Flash(
                    .success,
                    scope.t(
                        "Merci ! Votre proposition est publiée. Vous serez prévenu·e par e-mail de la réponse.",
                        "Thank you! Your proposal is published. You will be told of the answer by e-mail.")))
        case .drafted(let id):
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, id),
                flash: Flash(
                    .success,
                    scope.t("Brouillon enregistré. Il n'est visible que par vous.", "Draft saved. Only you can see it.")
                ))
        case .invalid(let errors):
            return req.render(
                try formPage(
                    visit: req.visit, proposal: nil, form: form, assisted: try await assistedChoices(req),
                    errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    @Sendable static func update(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let form = (try? req.content.decode(ProposalForm.self)) ?? ProposalForm()
        let outcome = try await EditProposal.run(
            form.fields, multi: form.multi, send: form.action == "send", proposal: proposal,
            territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .saved:
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, try proposal.requireID()),
                flash: Flash(.success, scope.t("Votre proposition est enregistrée.", "Your proposal is saved.")))
        case .invalid(let errors):
            return req.render(
                try formPage(
                    visit: req.visit, proposal: proposal, form: form, assisted: [], errors: errors,
                    status: .unprocessableEntity))
        case .forbidden: throw Abort(.forbidden)
        case .frozen: throw Abort(.conflict, reason: "no longer editable")
        }
    }
}
