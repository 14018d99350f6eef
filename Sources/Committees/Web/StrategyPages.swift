import Core
import Fluent
import SQLKit
import Vapor

/// Strategies: drafted together by the members (sections, comments, a version at each change),
/// adopted by a decision of the committee, then public and frozen, with the actions that carry
/// them out.
enum StrategyPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.strategies, access: CommitteePages.members, member: create)
        router.get(CommitteesPaths.strategy, access: .everyone, use: show)
        router.post(CommitteesPaths.sections, access: CommitteePages.members, member: addSection)
        router.post(CommitteesPaths.section, access: CommitteePages.members, member: editSection)
        router.post(CommitteesPaths.sectionComments, access: CommitteePages.members, member: comment)
        router.post(CommitteesPaths.adopt, access: CommitteePages.staff, scoped: adopt)
    }

    /// Members in office and the staff who run committees write drafts.
    static func mayDraft(_ req: Request, committee: Committee) async throws -> Bool {
        try await mayDraft(visit: req.visit, committee: committee, now: req.now, on: req.db)
    }

    /// Whether this visit drafts the committee's strategies: the staff without a query, else a seat in office.
    static func mayDraft(visit: Visit, committee: Committee, now: Date, on db: any Database) async throws -> Bool {
        let actor = visit.committeeActor
        if CommitteesPolicy.allows(actor, .run, on: .committee) { return true }
        let seats = try await CommitteeStore.seats(of: try committee.requireID(), on: db)
        let holdsSeat = CommitteeContext.viewerSeat(visit, in: seats, today: Day.today(now)) != nil
        return CommitteesPolicy.allows(actor, .readMembersArea, on: .seats(holdsSeat: holdsSeat))
    }

    static func requireDrafter(_ req: Request, committee: Committee) async throws {
        guard try await mayDraft(req, committee: committee) else {
            throw Abort(
                .forbidden,
                reason: req.visit.t(
                    "Les projets de stratégie sont réservés aux membres de l'instance.",
                    "Draft strategies are for the committee's members."))
        }
    }

    static func strategy(_ req: Request, of committee: Committee) async throws -> Strategy {
        guard let id = PathID.parse(req.parameters.get("strategy")),
            let strategy = try await StrategyStore.strategy(id, committeeID: try committee.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        return strategy
    }

    static func createForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        """
        <h2>\(visit.t("Commencer une stratégie", "Start a strategy"))</h2>
        \(Form.open(action: CommitteesPaths.strategies.link((try visit.territoryHere()).slug, try committee.requireID()), visit: visit))
        \(Form.input(name: "strategy_title", label: visit.t("Titre", "Title"), value: fields["strategy_title"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : Stratégie de prévention 2027.", "For example: 2027 prevention strategy."), required: true, maxLength: 160))
        \(Form.submit(visit.t("Créer le projet", "Create the draft")))
        </form>
        """
    }

    @Sendable static func create(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let committee = try await CommitteeContext.committee(req)
        let fields = req.formFields()
        let outcome = try await StartStrategy.run(
            fields, committee: committee, actor: Actor(member), env: req.useCases)
        switch outcome {
        case .started(let strategyID):
            return req.redirect(
                to: CommitteesPaths.strategy.link(member.territory.slug, try committee.requireID(), strategyID),
                flash: Flash(
                    .success, visit.t("Projet créé : ajoutez ses parties.", "Draft created: add its sections.")))
        case .invalid(let errors):
            return req.render(
                try await CommitteePages.spacePage(
                    req, committee: committee, fields: fields, errors: errors, status: .unprocessableEntity))
        case .forbidden: throw forbiddenToDraft(visit)
        }
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let committee = try await CommitteeContext.committee(req)
        let strategy = try await strategy(req, of: committee)
        let model = try await load(
            committee: committee, strategy: strategy, version: Int(req.queryFields()["version"] ?? ""),
            visit: req.visit, now: req.now, on: req.db)
        return req.render(try view(model, visit: req.visit, fields: [:], errors: FormErrors()))
    }

    /// A strategy's page, from its model: its sections (with, for drafters, the comments and the
    /// forms), the actions carrying it out, the staff's adoption form, the versions. Pure: the
    /// model, the visit and what was typed (`fields`, `errors`) are all it reads.
    static func view(
        _ model: StrategyPageModel, visit: Visit, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let strategy = model.strategy
        let cid = try model.committee.requireID()
        let sectionBlocks = try model.sections.map {
            try sectionBlock($0, model, visit: visit, fields: fields, errors: errors)
        }
        let links = TerritoryLinks.shown(strategy.links, territory: territory.slug)
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, cid))">← \(model.committee.name)</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(strategy.title)</h1>
            <p class="meta">\(strategy.adoptedAt.map { visit.t("Adoptée le ", "Adopted on ") + DateText.day($0, lang: visit.lang) } ?? visit.t("Projet de travail, visible des seuls membres", "Working draft, visible to members only")) · \(visit.t("version", "version")) \(strategy.version)</p>
            \(sectionBlocks.isEmpty ? "<p>\(visit.t("Aucune partie pour l'instant.", "No section yet."))</p>" as HTML : HTML.join(sectionBlocks))
            \(links.isEmpty ? HTML.empty : "<h2>\(visit.t("Les actions qui la mettent en œuvre", "The actions carrying it out"))</h2><ul>\(each: links.map { "<li><a href=\"\($0)\">\($0)</a></li>" as HTML })</ul>")
            \(try addSectionForm(model, visit: visit, fields: fields, errors: errors))
            \(try adoptionSection(model, visit: visit, fields: fields, errors: errors))
            \(try versionsSection(model, visit: visit))
            """
        return WebPage(title: strategy.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// One section: its text, and for drafters its comments and, on a draft, its edit and comment forms.
    static func sectionBlock(
        _ section: StrategySection, _ model: StrategyPageModel, visit: Visit, fields: [String: String],
        errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), sid = try model.strategy.requireID()
        let sectionID = try section.requireID()
        let sectionComments = model.comments.filter { $0.section_id == sectionID }.map {
            "<li><p class=\"meta\"><strong>\($0.display_name ?? visit.t("compte supprimé", "deleted account"))</strong> · \(DateText.day($0.created_at, lang: visit.lang))</p><p>\($0.body)</p></li>"
                as HTML
        }
        let editKey = "partie-\(sectionID)", commentKey = "commentaire-\(sectionID)"
        let editForm: HTML =
            model.editing
            ? """
            <details\(errors[editKey] == nil ? "" : " open")><summary>\(visit.t("Modifier cette partie", "Edit this section"))<span class="visually-hidden"> : \(section.title)</span></summary>
            \(Form.open(action: CommitteesPaths.section.link(territory.slug, cid, sid, sectionID), visit: visit))
            \(Form.input(name: "section_title", label: visit.t("Titre de la partie", "Section title"), value: errors[editKey] == nil ? section.title : fields["section_title"],
                         errors: errors, visit: visit, maxLength: 160, field: "titre-\(sectionID)"))
            \(Form.textarea(name: "section_body", label: visit.t("Texte", "Text"), value: errors[editKey] == nil ? section.body : fields["section_body"],
                            errors: errors, visit: visit, rows: 8, maxLength: 20000, field: editKey))
            \(Form.submit(visit.t("Enregistrer une nouvelle version", "Save a new version")))
            </form></details>
            """ : .empty
        let commentForm: HTML =
            model.editing
            ? """
            \(Form.open(action: CommitteesPaths.sectionComments.link(territory.slug, cid, sid, sectionID), visit: visit))
            \(Form.textarea(name: "comment", label: visit.t("Votre commentaire sur cette partie", "Your comment on this section"), value: errors[commentKey] == nil ? nil : fields["comment"],
                            errors: errors, visit: visit, rows: 3, maxLength: 2000, field: commentKey))
            \(Form.submit(visit.t("Commenter", "Comment"), secondary: true))
            </form>
            """ : .empty
        return """
            <section id="partie-\(sectionID)"><h2>\(section.position). \(section.title)</h2>\(View.paragraphs(section.body))\(editForm)\
            \(model.drafter && !sectionComments.isEmpty ? "<h3>\(visit.t("Commentaires des membres", "Members' comments"))</h3><ul class=\"comments\">\(each: sectionComments)</ul>" as HTML : .empty)\(commentForm)</section>
            """
    }

    /// The drafters' form to add a section, while the strategy is a draft.
    static func addSectionForm(
        _ model: StrategyPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        guard model.editing else { return .empty }
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), sid = try model.strategy.requireID()
        return """
            <h2>\(visit.t("Ajouter une partie", "Add a section"))</h2>
            \(Form.open(action: CommitteesPaths.sections.link(territory.slug, cid, sid), visit: visit))
            \(Form.input(name: "section_title", label: visit.t("Titre de la partie", "Section title"), value: fields["new_section"] == nil ? nil : fields["section_title"], errors: errors, visit: visit, required: true, maxLength: 160))
            \(Form.textarea(name: "section_body", label: visit.t("Texte", "Text"), value: fields["new_section"] == nil ? nil : fields["section_body"], errors: errors, visit: visit, rows: 6, maxLength: 20000))
            <input type="hidden" name="new_section" value="1">
            \(Form.submit(visit.t("Ajouter la partie", "Add the section")))
            </form>
            """
    }

    /// The staff's adoption form on a draft: the decision that adopts it, the actions carrying it out.
    static func adoptionSection(
        _ model: StrategyPageModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        guard StrategyPageModel.showsAdoption(editing: model.editing, visit: visit) else { return .empty }
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), sid = try model.strategy.requireID()
        return """
            <section aria-labelledby="adoption" class="staff"><h2 id="adoption">\(visit.t("Adoption", "Adoption"))</h2>
            <p>\(visit.t("Une stratégie est adoptée par une décision de l'instance : inscrivez-la à l'ordre du jour d'une séance, puis choisissez ici la décision qui l'adopte. Elle devient alors publique et n'est plus modifiable.",
                     "A strategy is adopted by a decision of the committee: put it on a meeting's agenda, then choose here the decision that adopts it. It then becomes public and can no longer be changed."))</p>
            \(Form.open(action: CommitteesPaths.adopt.link(territory.slug, cid, sid), visit: visit))
            \(Form.select(name: "item", label: visit.t("Décision qui l'adopte", "Decision adopting it"),
                      options: model.decisions.map { Form.Option(String($0.id), DateText.day($0.starts_at, lang: visit.lang) + " · " + $0.title) },
                      selected: fields["item"], errors: errors, visit: visit, required: true))
            \(Form.textarea(name: "links", label: visit.t("Actions qui la mettent en œuvre (facultatif) : une adresse par ligne", "Actions carrying it out (optional): one address per line"),
                        value: fields["links"], errors: errors, visit: visit, hint: "/\(territory.slug)/actions/3", rows: 3, maxLength: 2000))
            \(Form.submit(visit.t("Marquer comme adoptée", "Mark as adopted")))
            </form></section>
            """
    }

    /// The versions of the text, for drafters, and the text of the one the URL asks for.
    static func versionsSection(_ model: StrategyPageModel, visit: Visit) throws -> HTML {
        guard model.drafter else { return .empty }
        let territory = try visit.territoryHere()
        let cid = try model.committee.requireID(), sid = try model.strategy.requireID()
        let shownVersion = model.requestedVersion.flatMap { number in model.versions.first { $0.version == number } }
        let versionItems = model.versions.map { v -> HTML in
            "<li><a href=\"\(CommitteesPaths.strategy.link(territory.slug, cid, sid))?version=\(v.version)#versions\">\(visit.t("Version", "Version")) \(v.version)</a> · \(DateText.day(v.created_at, lang: visit.lang))\(v.display_name.map { " · " + $0 } ?? "")</li>"
        }
        return """
            <h2 id="versions">\(visit.t("Versions", "Versions"))</h2>
            <ul>\(each: versionItems)</ul>
            \(shownVersion.map { "<h3>\(visit.t("Texte de la version", "Text of version")) \($0.version)</h3><div class=\"proposal-body\">\(View.paragraphs($0.text))</div>" as HTML } ?? .empty)
            """
    }

    static func rejected(
        _ req: Request, _ committee: Committee, _ strategy: Strategy, _ fields: [String: String], _ errors: FormErrors,
        status: HTTPStatus = .unprocessableEntity
    ) async throws -> Response {
        let model = try await load(
            committee: committee, strategy: strategy, version: Int(req.queryFields()["version"] ?? ""),
            visit: req.visit, now: req.now, on: req.db)
        return req.render(try view(model, visit: req.visit, fields: fields, errors: errors, status: status))
    }

    /// The draft of the URL, for someone who may write it; adopted strategies are frozen.
    static func editable(_ req: Request) async throws -> (Committee, Strategy, [String: String]) {
        let committee = try await CommitteeContext.committee(req)
        let strategy = try await strategy(req, of: committee)
        try await requireDrafter(req, committee: committee)
        return (committee, strategy, req.formFields())
    }

    /// The page again, 409, when the strategy is adopted: it can no longer be changed.
    static func frozen(
        _ req: Request, _ committee: Committee, _ strategy: Strategy, _ fields: [String: String], key: String
    ) async throws -> Response {
        var errors = FormErrors()
        errors.add(
            key,
            req.visit.t(
                "Cette stratégie est adoptée : elle ne peut plus être modifiée.",
                "This strategy is adopted: it can no longer be changed."))
        return try await rejected(req, committee, strategy, fields, errors, status: .conflict)
    }

    static func forbiddenToDraft(_ visit: Visit) -> Abort {
        Abort(
            .forbidden,
            reason: visit.t(
                "Les projets de stratégie sont réservés aux membres de l'instance.",
                "Draft strategies are for the committee's members."))
    }

    @Sendable static func addSection(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let (committee, strategy, fields) = try await editable(req)
        let outcome = try await SaveSection.run(
            fields, section: nil, strategy: strategy, committee: committee, actor: Actor(member), env: req.useCases)
        switch outcome {
        case .saved:
            return req.redirect(
                to: CommitteesPaths.strategy.link(
                    member.territory.slug, try committee.requireID(), try strategy.requireID()),
                flash: Flash(
                    .success,
                    visit.t(
                        "Partie ajoutée ; une nouvelle version est enregistrée.",
                        "Section added; a new version is saved.")))
        case .frozen: return try await frozen(req, committee, strategy, fields, key: "section_title")
        case .invalid(let errors): return try await rejected(req, committee, strategy, fields, errors)
        case .forbidden: throw forbiddenToDraft(visit)
        case .notFound: throw Abort(.notFound)
        }
    }

    static func section(_ req: Request, of strategy: Strategy) async throws -> StrategySection {
        guard let id = PathID.parse(req.parameters.get("section")),
            let section = try await StrategyStore.section(id, strategyID: try strategy.requireID(), on: req.db)
        else { throw Abort(.notFound) }
        return section
    }

    @Sendable static func editSection(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let (committee, strategy, fields) = try await editable(req)
        let section = try await section(req, of: strategy)
        let sectionID = try section.requireID()
        let key = "partie-\(sectionID)"
        let outcome = try await SaveSection.run(
            fields, section: section, strategy: strategy, committee: committee, actor: Actor(member),
            env: req.useCases)
        switch outcome {
        case .saved(let version):
            return req.redirect(
                to: CommitteesPaths.strategy.link(
                    member.territory.slug, try committee.requireID(), try strategy.requireID())
                    + "#partie-\(sectionID)",
                flash: Flash(
                    .success,
                    visit.t(
                        "Partie modifiée ; version \(version) enregistrée.",
                        "Section changed; version \(version) saved.")
                ))
        case .frozen: return try await frozen(req, committee, strategy, fields, key: key)
        case .invalid(let local):
            // The section's own form: its errors go next to its fields.
            var errors = FormErrors()
            for item in local.items {
                errors.add(item.field == "section_title" ? "titre-\(sectionID)" : key, item.message)
            }
            return try await rejected(req, committee, strategy, fields, errors)
        case .forbidden: throw forbiddenToDraft(visit)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func comment(_ req: Request, member: MemberScope) async throws -> Response {
        let visit = member.visit
        let (committee, strategy, fields) = try await editable(req)
        let section = try await section(req, of: strategy)
        let sectionID = try section.requireID()
        let key = "commentaire-\(sectionID)"
        let outcome = try await CommentSection.run(
            fields, section: section, strategy: strategy, committee: committee, actor: Actor(member),
            env: req.useCases)
        switch outcome {
        case .commented:
            return req.redirect(
                to: CommitteesPaths.strategy.link(
                    member.territory.slug, try committee.requireID(), try strategy.requireID())
                    + "#partie-\(sectionID)",
                flash: Flash(.success, visit.t("Commentaire ajouté.", "Comment added.")))
        case .frozen: return try await frozen(req, committee, strategy, fields, key: key)
        case .invalid(let local):
            // The section's comment form: its error goes next to it.
            var errors = FormErrors()
            if let message = local["comment"] { errors.add(key, message) }
            return try await rejected(req, committee, strategy, fields, errors)
        case .forbidden: throw forbiddenToDraft(visit)
        case .notFound: throw Abort(.notFound)
        }
    }

    @Sendable static func adopt(_ req: Request, scope: TerritoryScope) async throws -> Response {
        let visit = scope.visit
        let committee = try await CommitteeContext.committee(req)
        let strategy = try await strategy(req, of: committee)
        let fields = req.formFields()
        let outcome = try await AdoptStrategy.run(
            fields, strategy: strategy, committee: committee, territory: scope.territory, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .adopted:
            return req.redirect(
                to: CommitteesPaths.strategy.link(
                    scope.territory.slug, try committee.requireID(), try strategy.requireID()),
                flash: Flash(
                    .success,
                    visit.t("Stratégie adoptée : elle est maintenant publique.", "Strategy adopted: it is now public."))
            )
        case .frozen: return try await frozen(req, committee, strategy, fields, key: "item")
        case .invalid(let errors): return try await rejected(req, committee, strategy, fields, errors)
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        }
    }
}
