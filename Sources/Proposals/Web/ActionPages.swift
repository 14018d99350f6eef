import Core
import Fluent
import SQLKit
import Vapor

/// Actions: what the territory does in answer to accepted proposals. Public pages (the list and
/// each action with its progress, milestones and the proposals it answers); the staff who answer
/// proposals create actions, link proposals to them and keep their follow-up up to date.
enum ActionPages {
    static let staff = Access.territory(ProposalsPolicy.roles(for: .answer))
    static let perPage = 30

    static func register(_ router: RouteRegistrar) {
        router.get(ProposalsPaths.actions, access: .everyone, use: list)
        router.get(ProposalsPaths.action, access: .everyone) { req in
            let action = try await find(req)
            return req.render(try await page(req, action: action, fields: [:], errors: FormErrors()))
        }
        router.post(ProposalsPaths.action, access: staff, scoped: update)
        router.post(ProposalsPaths.actionMilestones, access: staff, scoped: milestones)
        router.post(ProposalsPaths.actionUnlink, access: staff, scoped: unlink)
        router.post(ProposalsPaths.followUp, access: staff, scoped: link)
    }

    // MARK: - Reading

    /// The action of the URL, in this territory; else 404.
    static func find(_ req: Request) async throws -> HealthAction {
        let scope = try req.scope()
        guard
            let action = try await ProposalStore.action(
                req.pathID("action"), territoryID: scope.territory.id, on: req.db)
        else { throw Abort(.notFound) }
        return action
    }

    // MARK: - Pieces shared with the proposal page

    static func progressBar(_ action: HealthAction, visit: Visit) throws -> HTML {
        let id = "avancement-\(try action.requireID())"
        return """
            <p class="progress"><label for="\(id)">\(visit.t("Avancement", "Progress"))</label> \
            <progress id="\(id)" max="100" value="\(action.progress)">\(action.progress) %</progress> \(action.progress) %</p>
            """
    }

    static func milestoneList(_ milestones: [ActionMilestone], visit: Visit) -> HTML {
        guard !milestones.isEmpty else {
            return "<p>\(visit.t("Les étapes seront publiées ici.", "Milestones will be published here."))</p>"
        }
        let items = milestones.map { m -> HTML in
            let state: HTML =
                m.doneAt.map { "<strong>\(visit.t("Fait", "Done"))</strong> · \(DateText.day($0, lang: visit.lang))" }
                ?? "<strong>\(visit.t("À venir", "To come"))</strong>\(m.dueOn.map { HTML(" · \(visit.t("prévu le ", "due "))\(DateText.day(iso: $0, lang: visit.lang))") } ?? .empty)"
            return "<li class=\"\(m.doneAt == nil ? "todo" : "done")\">\(m.title) — \(state)</li>"
        }
        return "<ol class=\"milestones\">\(each: items)</ol>"
    }

    /// The "what has been done" section of an accepted proposal.
    static func followUpSection(_ actions: [ShownAction], visit: Visit) throws -> HTML {
        let territory = try visit.territoryHere()
        let body: HTML =
            actions.isEmpty
            ? "<p>\(visit.t("Les actions engagées pour cette proposition seront publiées ici.", "The actions taken for this proposal will be published here."))</p>"
            : HTML.join(
                try actions.map { shown in
                    """
                    <article class="action-card"><h3><a href="\(ProposalsPaths.action.link(territory.slug, try shown.action.requireID()))">\(shown.action.title)</a></h3>\
                    \(shown.action.lead.isEmpty ? HTML.empty : "<p class=\"meta\">\(visit.t("Porté par : ", "Led by: "))\(shown.action.lead)</p>")\
                    \(try progressBar(shown.action, visit: visit))\(milestoneList(shown.milestones, visit: visit))</article>
                    """
                })
        return """
            <section aria-labelledby="suivi"><h2 id="suivi">\(visit.t("Ce qui a été fait", "What has been done"))</h2>\(body)</section>
            """
    }

    /// The staff's form on an accepted proposal: answer it by a new action or an existing one.
    static func linkForm(
        visit: Visit, proposal: Proposal, choices: [(id: Int, title: String)], linked: Set<Int>,
        fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let options =
            [Form.Option("new", visit.t("Une nouvelle action", "A new action"))]
            + choices.filter { !linked.contains($0.id) }.map { Form.Option(String($0.id), $0.title) }
        return """
            <h3>\(visit.t("Suivi de la réalisation", "Follow-up"))</h3>
            <p>\(visit.t("Reliez la proposition à l'action qui y répond : son avancement et ses étapes s'afficheront ici. Une action peut répondre à plusieurs propositions.",
                     "Link the proposal to the action that answers it: its progress and milestones will show here. One action may answer several proposals."))</p>
            \(Form.open(action: ProposalsPaths.followUp.link(territory.slug, try proposal.requireID()), visit: visit))
            \(Form.select(name: "action", label: visit.t("Action", "Action"), options: options, selected: fields["action"] ?? "new", errors: errors, visit: visit))
            \(Form.input(name: "new_title", label: visit.t("Titre de la nouvelle action", "Title of the new action"), value: fields["new_title"] ?? proposal.title,
                     errors: errors, visit: visit, hint: visit.t("Seulement pour une nouvelle action.", "Only for a new action."), maxLength: ActionInput.titleMax))
            \(Form.submit(visit.t("Relier à l'action", "Link to the action")))
            </form>
            """
    }

    // MARK: - Pages

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let (rows, total, page) = try await ProposalStore.actions(
            territoryID: territory.id, page: Int(req.queryFields()["page"] ?? "") ?? 1, perPage: perPage, on: req.db)
        let pages = max(1, (total + perPage - 1) / perPage)
        let items = rows.map { row -> HTML in
            """
            <li class="card"><h2><a href="\(ProposalsPaths.action.link(territory.slug, row.id))">\(row.title)</a></h2>\
            <p class="meta">\(row.lead.isEmpty ? "" : visit.t("Porté par ", "Led by ") + row.lead + " · ")\
            \(visit.t(row.proposals > 1 ? "répond à \(row.proposals) propositions" : "répond à \(row.proposals) proposition",
                      row.proposals == 1 ? "answers 1 proposal" : "answers \(row.proposals) proposals")) · \
            \(visit.t("mise à jour le ", "updated "))\(DateText.day(row.updated_at, lang: visit.lang))</p>\
            <p>\(visit.t("Avancement : ", "Progress: "))\(row.progress) %</p></li>
            """
        }
        let main: HTML = """
            <h1>\(visit.t("Les actions engagées", "Actions under way")) · \(territory.name)</h1>
            <p class="lead">\(visit.t("Ce que le territoire fait en réponse à vos propositions, avec l'avancement et les étapes de chaque action.",
                                  "What the territory does in answer to your proposals, with each action's progress and milestones."))</p>
            <p><a href="\(ProposalsPaths.results.link(territory.slug))">\(visit.t("Les chiffres du suivi des propositions", "The proposals follow-up figures"))</a></p>
            \(items.isEmpty ? "<p>\(visit.t("Aucune action n'est encore engagée.", "No action is under way yet."))</p>" as HTML : "<ul class=\"cards\">\(each: items)</ul>")
            \(pages > 1 ? View.pager(page: page, pages: pages, visit: visit) { ProposalsPaths.actions.link(territory.slug) + "?page=\($0)" } : .empty)
            """
        return req.render(
            WebPage(title: visit.t("Les actions engagées", "Actions under way") + " · " + territory.name, main: main))
    }

    static func page(
        _ req: Request, action: HealthAction, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let id = try action.requireID()
        let (milestones, proposals) = try await ProposalStore.actionPage(id, on: req.db)
        let isStaff = ProposalsPolicy.can(visit.rolesHere, .answer)
        let proposalItems = proposals.map { p -> HTML in
            let label = visit.t(p.status.label)
            let unlink: HTML =
                isStaff
                ? """
                 \(Form.open(action: ProposalsPaths.actionUnlink.link(territory.slug, id), visit: visit, cssClass: "inline-form"))\
                <input type="hidden" name="proposal" value="\(p.id)">\
                <button type="submit" class="link-button">\(visit.t("Retirer le lien", "Unlink"))<span class="visually-hidden"> \(p.title)</span></button></form>
                """ : .empty
            return
                "<li><a href=\"\(ProposalsPaths.show.link(territory.slug, p.id))\">\(p.title)</a> <span class=\"status status-\(p.status.rawValue)\">\(label)</span>\(unlink)</li>"
        }
        let main: HTML = """
            <p><a href="\(ProposalsPaths.actions.link(territory.slug))">\(visit.t("← Toutes les actions", "← All actions"))</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(action.title)</h1>
            <p class="meta">\(action.lead.isEmpty ? "" : visit.t("Porté par ", "Led by ") + action.lead + " · ")\
            \(visit.t("mise à jour le ", "updated "))\(DateText.day(action.updatedAt, lang: visit.lang))</p>
            \(try progressBar(action, visit: visit))
            \(action.description.isEmpty ? HTML.empty : "<div class=\"proposal-body\">\(View.paragraphs(action.description))</div>")
            <h2>\(visit.t("Étapes", "Milestones"))</h2>
            \(milestoneList(milestones, visit: visit))
            <h2>\(visit.t("Les propositions auxquelles elle répond", "The proposals it answers"))</h2>
            \(proposalItems.isEmpty ? "<p>\(visit.t("Aucune proposition publique.", "No public proposal."))</p>" as HTML : "<ul>\(each: proposalItems)</ul>")
            \(isStaff ? try staffPanel(visit: visit, action: action, milestones: milestones, fields: fields, errors: errors) : .empty)
            """
        return WebPage(title: action.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func staffPanel(
        visit: Visit, action: HealthAction, milestones: [ActionMilestone], fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let id = try action.requireID()
        let open = milestones.filter { $0.doneAt == nil }
        let doneButtons = try open.map { m -> HTML in
            """
            <li>\(m.title) \(Form.open(action: ProposalsPaths.actionMilestones.link(territory.slug, id), visit: visit, cssClass: "inline-form"))\
            <input type="hidden" name="op" value="done"><input type="hidden" name="milestone_id" value="\(try m.requireID())">\
            <button type="submit" class="link-button">\(visit.t("Marquer comme faite", "Mark as done"))<span class="visually-hidden"> : \(m.title)</span></button></form></li>
            """
        }
        return """
            <section aria-labelledby="equipe" class="staff"><h2 id="equipe">\(visit.t("Espace de l'équipe du territoire", "Territory team area"))</h2>
            <h3>\(visit.t("Modifier l'action", "Edit the action"))</h3>
            \(Form.open(action: ProposalsPaths.action.link(territory.slug, id), visit: visit))
            \(Form.input(name: "title", label: visit.t("Titre", "Title"), value: fields["title"] ?? action.title, errors: errors, visit: visit, required: true, maxLength: ActionInput.titleMax))
            \(Form.input(name: "lead", label: visit.t("Portée par", "Led by"), value: fields["lead"] ?? action.lead, errors: errors, visit: visit,
                     hint: visit.t("Le service, l'association ou le partenaire qui la mène.", "The service, association or partner running it."), maxLength: ActionInput.leadMax))
            \(Form.textarea(name: "description", label: visit.t("Ce qui est fait, en quelques phrases", "What is done, in a few sentences"), value: fields["description"] ?? action.description,
                        errors: errors, visit: visit, rows: 5, maxLength: ActionInput.descriptionMax))
            \(Form.input(name: "progress", label: visit.t("Avancement (en %)", "Progress (%)"), value: fields["progress"] ?? String(action.progress), errors: errors, visit: visit,
                     type: "number", hint: visit.t("Un nombre entier de 0 à 100.", "A whole number from 0 to 100."), inputmode: "numeric"))
            \(Form.submit(visit.t("Enregistrer l'action", "Save the action")))
            </form>
            <h3>\(visit.t("Ajouter une étape", "Add a milestone"))</h3>
            \(Form.open(action: ProposalsPaths.actionMilestones.link(territory.slug, id), visit: visit))
            <input type="hidden" name="op" value="add">
            \(Form.input(name: "milestone", label: visit.t("Étape", "Milestone"), value: fields["milestone"], errors: errors, visit: visit, required: true, maxLength: 200))
            \(Form.input(name: "due_on", label: visit.t("Date prévue (facultatif)", "Due date (optional)"), value: fields["due_on"], errors: errors, visit: visit, type: "date"))
            \(Form.submit(visit.t("Ajouter l'étape", "Add the milestone")))
            </form>
            \(doneButtons.isEmpty ? HTML.empty : "<h3>\(visit.t("Étapes à venir", "Milestones to come"))</h3><ul>\(each: doneButtons)</ul>")
            </section>
            """
    }

    // MARK: - Writes (staff who answer proposals)

    static func rejected(
        _ req: Request, _ action: HealthAction, fields: [String: String], errors: FormErrors
    ) async throws -> Response {
        req.render(try await page(req, action: action, fields: fields, errors: errors, status: .unprocessableEntity))
    }

    @Sendable static func update(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let action = try await find(req)
        let fields = req.formFields()
        switch try await UpdateAction.run(fields, action: action, actor: Actor(scope), env: req.useCases) {
        case .saved:
            return req.redirect(
                to: ProposalsPaths.action.link(scope.slug, try action.requireID()),
                flash: Flash(.success, scope.t("Action enregistrée.", "Action saved.")))
        case .invalid(let errors): return try await rejected(req, action, fields: fields, errors: errors)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func milestones(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let action = try await find(req)
        let fields = req.formFields()
        let step: ActionMilestoneStep.Step
        switch fields["op"] {
        case "add": step = .add(fields: fields)
        case "done": step = .done(milestone: fields["milestone_id"])
        default: throw Abort(.badRequest)
        }
        let back = ProposalsPaths.action.link(scope.slug, try action.requireID())
        switch try await ActionMilestoneStep.run(step, action: action, actor: Actor(scope), env: req.useCases) {
        case .added:
            return req.redirect(to: back, flash: Flash(.success, scope.t("Étape ajoutée.", "Milestone added.")))
        case .done:
            return req.redirect(
                to: back, flash: Flash(.success, scope.t("Étape marquée comme faite.", "Milestone marked as done.")))
        case .invalid(let errors):
            let typed: [String: String]
            if case .add = step { typed = fields } else { typed = [:] }
            return try await rejected(req, action, fields: typed, errors: errors)
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func unlink(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let action = try await find(req)
        let outcome = try await UnlinkProposal.run(
            proposal: req.formFields()["proposal"], action: action, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .unlinked:
            return req.redirect(
                to: ProposalsPaths.action.link(scope.slug, try action.requireID()),
                flash: Flash(
                    .success,
                    scope.t(
                        "La proposition n'est plus reliée à cette action.",
                        "The proposal is no longer linked to this action.")))
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    /// From an accepted proposal's page: link it to an existing action of the territory, or to a new one.
    @Sendable static func link(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await ProposalPages.visible(req)
        let fields = req.formFields()
        switch try await LinkToAction.run(fields, proposal: proposal, actor: Actor(scope), env: req.useCases) {
        case .linked(let actionID):
            return req.redirect(
                to: ProposalsPaths.action.link(scope.slug, actionID),
                flash: Flash(
                    .success,
                    scope.t(
                        "La proposition est reliée à l'action. Complétez ici son avancement et ses étapes.",
                        "The proposal is linked to the action. Fill in its progress and milestones here.")))
        case .invalid(let errors):
            return try await ProposalPages.rejected(req, proposal, fields: fields, errors: errors)
        case .forbidden: throw Abort(.forbidden)
        }
    }
}
