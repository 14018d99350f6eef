import Core
import Fluent
import SQLKit
import Vapor

/// Strategies: drafted together by the members (sections, comments, a version at each change),
/// adopted by a decision of the committee, then public and frozen, with the actions that carry
/// them out.
enum StrategyPages {
    static func register(_ router: RouteRegistrar) {
        router.post(CommitteesPaths.strategies, access: CommitteePages.members, use: create)
        router.get(CommitteesPaths.strategy, access: .everyone, use: show)
        router.post(CommitteesPaths.sections, access: CommitteePages.members, use: addSection)
        router.post(CommitteesPaths.section, access: CommitteePages.members, use: editSection)
        router.post(CommitteesPaths.sectionComments, access: CommitteePages.members, use: comment)
        router.post(CommitteesPaths.adopt, access: CommitteePages.staff, use: adopt)
    }

    /// Members in office and the staff who run committees write drafts.
    static func mayDraft(_ req: Request, committee: Committee) async throws -> Bool {
        if CommitteesPolicy.runs(req.visit.rolesHere) { return true }
        let seats = try await CommitteeStore.seats(of: committee.id!, on: req.db)
        return CommitteeStore.viewerSeat(req.visit, in: seats) != nil
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
            let strategy = try await Strategy.find(id, on: req.db),
            strategy.committeeID == committee.id
        else { throw Abort(.notFound) }
        return strategy
    }

    /// The whole text of a strategy, as kept in each version.
    static func text(_ strategy: Strategy, sections: [StrategySection]) -> String {
        ([strategy.title] + sections.map { "\($0.position). \($0.title)\n\n\($0.body)" }).joined(separator: "\n\n")
    }

    /// Saves the current text as the next version (inside the caller's transaction).
    static func snapshot(_ strategy: Strategy, author: Int?, on db: any Database) async throws {
        let sections = try await StrategySection.query(on: db).filter(\.$strategyID == strategy.id!).sort(\.$position)
            .all()
        strategy.version += 1
        try await strategy.update(on: db)
        try await db.sql.raw(
            """
            INSERT INTO committee_strategy_versions (strategy_id, version, text, author_id, created_at)
            VALUES (\(bind: strategy.id!), \(bind: strategy.version), \(bind: text(strategy, sections: sections)), \(bind: author), \(bind: Date()))
            """
        ).run()
    }

    static func createForm(
        visit: Visit, committee: Committee, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        """
        <h2>\(visit.t("Commencer une stratégie", "Start a strategy"))</h2>
        \(Form.open(action: CommitteesPaths.strategies.link((try visit.territoryHere()).slug, committee.id!), visit: visit))
        \(Form.input(name: "strategy_title", label: visit.t("Titre", "Title"), value: fields["strategy_title"], errors: errors, visit: visit,
                     hint: visit.t("Par exemple : Stratégie de prévention 2027.", "For example: 2027 prevention strategy."), required: true, maxLength: 160))
        \(Form.submit(visit.t("Créer le projet", "Create the draft")))
        </form>
        """
    }

    @Sendable static func create(_ req: Request) async throws -> Response {
        let visit = req.visit
        let committee = try await CommitteeStore.committee(req)
        try await requireDrafter(req, committee: committee)
        let fields = req.formFields()
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "strategy_title", maxLength: 160, errors: &errors, lang: visit.lang,
            missing: Text("Donnez un titre à la stratégie.", "Give the strategy a title."))
        guard errors.isEmpty else {
            return req.render(
                try await CommitteePages.spacePage(
                    req, committee: committee, fields: fields, errors: errors, status: .unprocessableEntity))
        }
        let strategy = Strategy()
        strategy.committeeID = committee.id!
        strategy.title = title
        strategy.version = 0
        strategy.createdAt = Date()
        try await req.db.transaction { db in
            try await strategy.create(on: db)
            try await snapshot(strategy, author: visit.viewer?.personID, on: db)
        }
        return req.redirect(
            to: CommitteesPaths.strategy.link((try visit.territoryHere()).slug, committee.id!, strategy.id!),
            flash: Flash(.success, visit.t("Projet créé : ajoutez ses parties.", "Draft created: add its sections.")))
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let committee = try await CommitteeStore.committee(req)
        let strategy = try await strategy(req, of: committee)
        return req.render(
            try await page(req, committee: committee, strategy: strategy, fields: [:], errors: FormErrors()))
    }

    struct CommentRow: Decodable {
        let section_id: Int; let body: String; let created_at: Date; let display_name: String?
    }
    struct VersionRow: Decodable { let version: Int; let text: String; let created_at: Date; let display_name: String? }

    static func page(
        _ req: Request, committee: Committee, strategy: Strategy, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let cid = committee.id!, sid = strategy.id!
        let drafter = try await mayDraft(req, committee: committee)
        let adopted = strategy.adoptedAt != nil
        guard adopted || drafter else {
            throw Abort(
                .forbidden,
                reason: visit.t(
                    "Les projets de stratégie sont réservés aux membres de l'instance.",
                    "Draft strategies are for the committee's members."))
        }
        let sql = req.db.sql
        let sections = try await StrategySection.query(on: req.db).filter(\.$strategyID == sid).sort(\.$position).all()
        let comments =
            drafter
            ? try await sql.raw(
                """
                SELECT c.section_id, c.body, c.created_at, p.display_name FROM committee_strategy_comments c
                JOIN committee_strategy_sections s ON s.id = c.section_id LEFT JOIN people p ON p.id = c.author_id
                WHERE s.strategy_id = \(bind: sid) ORDER BY c.id LIMIT 500
                """
            ).all(decoding: CommentRow.self) : []
        let versions =
            drafter
            ? try await sql.raw(
                """
                SELECT v.version, v.text, v.created_at, p.display_name FROM committee_strategy_versions v LEFT JOIN people p ON p.id = v.author_id
                WHERE v.strategy_id = \(bind: sid) ORDER BY v.version DESC LIMIT 100
                """
            ).all(decoding: VersionRow.self) : []
        let byComment = Dictionary(grouping: comments, by: \.section_id)
        let editing = drafter && !adopted

        let sectionBlocks = sections.map { section -> HTML in
            let sectionComments = (byComment[section.id!] ?? []).map {
                "<li><p class=\"meta\"><strong>\($0.display_name ?? visit.t("compte supprimé", "deleted account"))</strong> · \(DateText.day($0.created_at, lang: visit.lang))</p><p>\($0.body)</p></li>"
                    as HTML
            }
            let editKey = "partie-\(section.id!)", commentKey = "commentaire-\(section.id!)"
            let editForm: HTML =
                editing
                ? """
                <details\(errors[editKey] == nil ? "" : " open")><summary>\(visit.t("Modifier cette partie", "Edit this section"))<span class="visually-hidden"> : \(section.title)</span></summary>
                \(Form.open(action: CommitteesPaths.section.link(territory.slug, cid, sid, section.id!), visit: visit))
                \(Form.input(name: "section_title", label: visit.t("Titre de la partie", "Section title"), value: errors[editKey] == nil ? section.title : fields["section_title"],
                             errors: errors, visit: visit, maxLength: 160, field: "titre-\(section.id!)"))
                \(Form.textarea(name: "section_body", label: visit.t("Texte", "Text"), value: errors[editKey] == nil ? section.body : fields["section_body"],
                                errors: errors, visit: visit, rows: 8, maxLength: 20000, field: editKey))
                \(Form.submit(visit.t("Enregistrer une nouvelle version", "Save a new version")))
                </form></details>
                """ : .empty
            let commentForm: HTML =
                editing
                ? """
                \(Form.open(action: CommitteesPaths.sectionComments.link(territory.slug, cid, sid, section.id!), visit: visit))
                \(Form.textarea(name: "comment", label: visit.t("Votre commentaire sur cette partie", "Your comment on this section"), value: errors[commentKey] == nil ? nil : fields["comment"],
                                errors: errors, visit: visit, rows: 3, maxLength: 2000, field: commentKey))
                \(Form.submit(visit.t("Commenter", "Comment"), secondary: true))
                </form>
                """ : .empty
            return """
                <section id="partie-\(section.id!)"><h2>\(section.position). \(section.title)</h2>\(View.paragraphs(section.body))\(editForm)\
                \(drafter && !sectionComments.isEmpty ? "<h3>\(visit.t("Commentaires des membres", "Members' comments"))</h3><ul class=\"comments\">\(each: sectionComments)</ul>" as HTML : .empty)\(commentForm)</section>
                """
        }

        var staffBlock: HTML = .empty
        if editing, CommitteesPolicy.runs(visit.rolesHere) {
            struct Decided: Decodable { let id: Int; let title: String; let starts_at: Date }
            let decided = try await sql.raw(
                """
                SELECT i.id, i.title, s.starts_at FROM committee_agenda_items i JOIN committee_meetings s ON s.id = i.meeting_id
                WHERE s.committee_id = \(bind: cid) AND i.adopted = \(bind: true) ORDER BY s.starts_at DESC LIMIT 100
                """
            ).all(decoding: Decided.self)
            staffBlock = """
                <section aria-labelledby="adoption" class="staff"><h2 id="adoption">\(visit.t("Adoption", "Adoption"))</h2>
                <p>\(visit.t("Une stratégie est adoptée par une décision de l'instance : inscrivez-la à l'ordre du jour d'une séance, puis choisissez ici la décision qui l'adopte. Elle devient alors publique et n'est plus modifiable.",
                         "A strategy is adopted by a decision of the committee: put it on a meeting's agenda, then choose here the decision that adopts it. It then becomes public and can no longer be changed."))</p>
                \(Form.open(action: CommitteesPaths.adopt.link(territory.slug, cid, sid), visit: visit))
                \(Form.select(name: "item", label: visit.t("Décision qui l'adopte", "Decision adopting it"),
                          options: decided.map { Form.Option(String($0.id), DateText.day($0.starts_at, lang: visit.lang) + " · " + $0.title) },
                          selected: fields["item"], errors: errors, visit: visit, required: true))
                \(Form.textarea(name: "links", label: visit.t("Actions qui la mettent en œuvre (facultatif) : une adresse par ligne", "Actions carrying it out (optional): one address per line"),
                            value: fields["links"], errors: errors, visit: visit, hint: "/\(territory.slug)/actions/3", rows: 3, maxLength: 2000))
                \(Form.submit(visit.t("Marquer comme adoptée", "Mark as adopted")))
                </form></section>
                """
        }

        let shownVersion = Int(req.queryFields()["version"] ?? "").flatMap { number in
            versions.first { $0.version == number }
        }
        let versionItems = versions.map { v -> HTML in
            "<li><a href=\"\(CommitteesPaths.strategy.link(territory.slug, cid, sid))?version=\(v.version)#versions\">\(visit.t("Version", "Version")) \(v.version)</a> · \(DateText.day(v.created_at, lang: visit.lang))\(v.display_name.map { " · " + $0 } ?? "")</li>"
        }
        let links = TerritoryLinks.shown(strategy.links, territory: territory.slug)
        let main: HTML = """
            <p><a href="\(CommitteesPaths.show.link(territory.slug, cid))">← \(committee.name)</a></p>
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(strategy.title)</h1>
            <p class="meta">\(adopted ? visit.t("Adoptée le ", "Adopted on ") + DateText.day(strategy.adoptedAt!, lang: visit.lang) : visit.t("Projet de travail, visible des seuls membres", "Working draft, visible to members only")) · \(visit.t("version", "version")) \(strategy.version)</p>
            \(sectionBlocks.isEmpty ? "<p>\(visit.t("Aucune partie pour l'instant.", "No section yet."))</p>" as HTML : HTML.join(sectionBlocks))
            \(links.isEmpty ? HTML.empty : "<h2>\(visit.t("Les actions qui la mettent en œuvre", "The actions carrying it out"))</h2><ul>\(each: links.map { "<li><a href=\"\($0)\">\($0)</a></li>" as HTML })</ul>")
            \(editing ? """
            <h2>\(visit.t("Ajouter une partie", "Add a section"))</h2>
            \(Form.open(action: CommitteesPaths.sections.link(territory.slug, cid, sid), visit: visit))
            \(Form.input(name: "section_title", label: visit.t("Titre de la partie", "Section title"), value: fields["new_section"] == nil ? nil : fields["section_title"], errors: errors, visit: visit, required: true, maxLength: 160))
            \(Form.textarea(name: "section_body", label: visit.t("Texte", "Text"), value: fields["new_section"] == nil ? nil : fields["section_body"], errors: errors, visit: visit, rows: 6, maxLength: 20000))
            <input type="hidden" name="new_section" value="1">
            \(Form.submit(visit.t("Ajouter la partie", "Add the section")))
            </form>
            """ as HTML : .empty)
            \(staffBlock)
            \(drafter ? """
            <h2 id="versions">\(visit.t("Versions", "Versions"))</h2>
            <ul>\(each: versionItems)</ul>
            \(shownVersion.map { "<h3>\(visit.t("Texte de la version", "Text of version")) \($0.version)</h3><div class=\"proposal-body\">\(View.paragraphs($0.text))</div>" as HTML } ?? .empty)
            """ as HTML : .empty)
            """
        return WebPage(title: strategy.title, main: main, status: status, hasErrors: !errors.isEmpty)
    }

    static func rejected(
        _ req: Request, _ committee: Committee, _ strategy: Strategy, _ fields: [String: String], _ errors: FormErrors,
        status: HTTPStatus = .unprocessableEntity
    ) async throws -> Response {
        req.render(
            try await page(
                req, committee: committee, strategy: strategy, fields: fields, errors: errors, status: status))
    }

    /// The draft of the URL, for someone who may write it; adopted strategies are frozen.
    static func editable(_ req: Request) async throws -> (Committee, Strategy, [String: String]) {
        let committee = try await CommitteeStore.committee(req)
        let strategy = try await strategy(req, of: committee)
        try await requireDrafter(req, committee: committee)
        return (committee, strategy, req.formFields())
    }

    static func frozen(
        _ req: Request, _ committee: Committee, _ strategy: Strategy, _ fields: [String: String], key: String
    ) async throws -> Response? {
        guard strategy.adoptedAt != nil else { return nil }
        var errors = FormErrors()
        errors.add(
            key,
            req.visit.t(
                "Cette stratégie est adoptée : elle ne peut plus être modifiée.",
                "This strategy is adopted: it can no longer be changed."))
        return try await rejected(req, committee, strategy, fields, errors, status: .conflict)
    }

    @Sendable static func addSection(_ req: Request) async throws -> Response {
        let visit = req.visit
        let (committee, strategy, fields) = try await editable(req)
        if let refused = try await frozen(req, committee, strategy, fields, key: "section_title") { return refused }
        var errors = FormErrors()
        let title = TextRule.required(
            fields, "section_title", maxLength: 160, errors: &errors, lang: visit.lang,
            missing: Text("Donnez un titre à la partie.", "Give the section a title."))
        let body = TextRule.required(
            fields, "section_body", maxLength: 20000, errors: &errors, lang: visit.lang,
            missing: Text("Écrivez le texte de la partie.", "Write the section's text."))
        guard errors.isEmpty else { return try await rejected(req, committee, strategy, fields, errors) }
        let sid = strategy.id!
        try await req.db.transaction { db in
            let count = try await StrategySection.query(on: db).filter(\.$strategyID == sid).count()
            let section = StrategySection()
            section.strategyID = sid
            section.position = count + 1
            section.title = title
            section.body = body
            section.updatedAt = Date()
            try await section.create(on: db)
            try await snapshot(strategy, author: visit.viewer?.personID, on: db)
        }
        return req.redirect(
            to: CommitteesPaths.strategy.link((try visit.territoryHere()).slug, committee.id!, sid),
            flash: Flash(
                .success,
                visit.t(
                    "Partie ajoutée ; une nouvelle version est enregistrée.", "Section added; a new version is saved."))
        )
    }

    static func section(_ req: Request, of strategy: Strategy) async throws -> StrategySection {
        guard let id = PathID.parse(req.parameters.get("section")),
            let section = try await StrategySection.find(id, on: req.db),
            section.strategyID == strategy.id
        else { throw Abort(.notFound) }
        return section
    }

    @Sendable static func editSection(_ req: Request) async throws -> Response {
        let visit = req.visit
        let (committee, strategy, fields) = try await editable(req)
        let section = try await section(req, of: strategy)
        let key = "partie-\(section.id!)"
        if let refused = try await frozen(req, committee, strategy, fields, key: key) { return refused }
        var local = FormErrors()
        let title = TextRule.required(
            fields, "section_title", maxLength: 160, errors: &local, lang: visit.lang,
            missing: Text("Donnez un titre à la partie.", "Give the section a title."))
        let body = TextRule.required(
            fields, "section_body", maxLength: 20000, errors: &local, lang: visit.lang,
            missing: Text("Écrivez le texte de la partie.", "Write the section's text."))
        var errors = FormErrors()
        for item in local.items {
            errors.add(item.field == "section_title" ? "titre-\(section.id!)" : key, item.message)
        }
        guard errors.isEmpty else { return try await rejected(req, committee, strategy, fields, errors) }
        section.title = title
        section.body = body
        section.updatedAt = Date()
        try await req.db.transaction { db in
            try await section.update(on: db)
            try await snapshot(strategy, author: visit.viewer?.personID, on: db)
        }
        return req.redirect(
            to: CommitteesPaths.strategy.link((try visit.territoryHere()).slug, committee.id!, strategy.id!)
                + "#partie-\(section.id!)",
            flash: Flash(
                .success,
                visit.t(
                    "Partie modifiée ; version \(strategy.version) enregistrée.",
                    "Section changed; version \(strategy.version) saved.")))
    }

    @Sendable static func comment(_ req: Request) async throws -> Response {
        let visit = req.visit
        let (committee, strategy, fields) = try await editable(req)
        let section = try await section(req, of: strategy)
        let key = "commentaire-\(section.id!)"
        if let refused = try await frozen(req, committee, strategy, fields, key: key) { return refused }
        var local = FormErrors()
        let body = TextRule.required(
            fields, "comment", maxLength: 2000, errors: &local, lang: visit.lang,
            missing: Text("Écrivez votre commentaire.", "Write your comment."))
        var errors = FormErrors()
        if let message = local["comment"] { errors.add(key, message) }
        guard errors.isEmpty else { return try await rejected(req, committee, strategy, fields, errors) }
        try await req.db.sql.raw(
            """
            INSERT INTO committee_strategy_comments (section_id, author_id, body, created_at)
            VALUES (\(bind: section.id!), \(bind: visit.viewer?.personID), \(bind: body), \(bind: Date()))
            """
        ).run()
        return req.redirect(
            to: CommitteesPaths.strategy.link((try visit.territoryHere()).slug, committee.id!, strategy.id!)
                + "#partie-\(section.id!)",
            flash: Flash(.success, visit.t("Commentaire ajouté.", "Comment added.")))
    }

    @Sendable static func adopt(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let committee = try await CommitteeStore.committee(req)
        let strategy = try await strategy(req, of: committee)
        let fields = req.formFields()
        if let refused = try await frozen(req, committee, strategy, fields, key: "item") { return refused }
        var errors = FormErrors()
        // The decision must be an adopted item of this committee's meetings.
        struct Found: Decodable { let id: Int }
        let itemID = Int(fields["item"] ?? "")
        var found: Found?
        if let itemID {
            found = try await req.db.sql.raw(
                """
                SELECT i.id FROM committee_agenda_items i JOIN committee_meetings s ON s.id = i.meeting_id
                WHERE i.id = \(bind: itemID) AND s.committee_id = \(bind: committee.id!) AND i.adopted = \(bind: true)
                """
            ).first(decoding: Found.self)
        }
        if found == nil {
            errors.add(
                "item",
                visit.t(
                    "Choisissez une décision adoptée de cette instance.",
                    "Choose an adopted decision of this committee."))
        }
        let parsed = TerritoryLinks.parse(fields["links"] ?? "", territory: territory.slug)
        let links = parsed ?? []
        if parsed == nil {
            errors.add(
                "links",
                visit.t(
                    "Les liens sont des adresses de ce territoire, par exemple /\(territory.slug)/actions/3.",
                    "Links are addresses in this territory, e.g. /\(territory.slug)/actions/3."))
        }
        guard errors.isEmpty, let found else { return try await rejected(req, committee, strategy, fields, errors) }
        strategy.adoptedItemID = found.id
        strategy.adoptedAt = Date()
        strategy.links = links.isEmpty ? nil : links.joined(separator: "\n")
        try await req.db.transaction { db in
            try await strategy.update(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "committee.strategy.adopted",
                subject: "strategy \(strategy.id!) by item \(found.id)", on: db)
        }
        return req.redirect(
            to: CommitteesPaths.strategy.link(territory.slug, committee.id!, strategy.id!),
            flash: Flash(
                .success,
                visit.t("Stratégie adoptée : elle est maintenant publique.", "Strategy adopted: it is now public.")))
    }
}
