import Core
import Fluent
import SQLKit
import Vapor

/// A proposal's page and what people do on it: support, comment, report; staff answer,
/// moderate and record the follow-up.
extension ProposalPages {
    static func registerActions(_ router: RouteRegistrar) {
        router.post(ProposalsPaths.support, access: members, use: toggleSupport)
        router.post(ProposalsPaths.comment, access: members, use: addComment)
        router.post(ProposalsPaths.report, access: members, use: report)
        router.post(ProposalsPaths.status, access: .territory(ProposalsPolicy.roles(for: .answer)), use: changeStatus)
        router.post(ProposalsPaths.moderate, access: .territory(ProposalsPolicy.roles(for: .moderate)), use: moderate)
    }

    struct CommentRow: Decodable {
        let id: Int
        let parent_id: Int?
        let author_id: Int?
        let body: String
        let created_at: Date
        let hidden_reason: String?
        let display_name: String?
    }

    /// What the page shows besides the proposal: a fixed number of queries.
    struct Details {
        var events: [ProposalEvent]
        var comments: [CommentRow]
        var communes: [String]
        /// The actions answering the proposal, with their milestones.
        var actions: [ActionPages.Shown]
        /// The territory's actions it could be linked to (staff who answer only).
        var actionChoices: [(id: Int, title: String)]
        var names: [Int: String]
        var supportedByViewer: Bool
        var openReports: Int
    }

    static func details(of proposal: Proposal, visit: Visit, on db: any Database) async throws -> Details {
        let id = proposal.id!
        let sql = db.sql
        let events = try await ProposalEvent.query(on: db).filter(\.$proposalID == id).sort(\.$id).all()
        let comments = try await sql.raw(
            """
            SELECT c.id, c.parent_id, c.author_id, c.body, c.created_at, c.hidden_reason, p.display_name
            FROM proposal_comments c LEFT JOIN people p ON p.id = c.author_id
            WHERE c.proposal_id = \(bind: id) ORDER BY c.id LIMIT 500
            """
        ).all(decoding: CommentRow.self)
        let communes = try await ProposalStore.communeCodes(of: [id], on: db)[id] ?? []
        let actions = try await ActionPages.shown(forProposal: id, on: db)
        let answering =
            ProposalsPolicy.can(visit.rolesHere, .answer)
            && ProposalStatus(rawValue: proposal.status)?.isAcceptedOrLater == true
        let choices = answering ? try await ActionPages.choices(territoryID: proposal.territoryID, on: db) : []
        let names = try await ProposalStore.names(
            of: [proposal.authorID, proposal.submittedByID].compactMap { $0 }, on: db)
        var supported = false
        if let viewer = visit.viewer {
            supported =
                try await sql.raw(
                    "SELECT 1 AS one FROM proposal_supports WHERE proposal_id = \(bind: id) AND person_id = \(bind: viewer.personID)"
                ).first() != nil
        }
        var reports = 0
        if ProposalsPolicy.can(visit.rolesHere, .moderate) {
            struct Count: Decodable { let n: Int }
            reports =
                try await sql.raw(
                    "SELECT count(*) AS n FROM proposal_reports WHERE proposal_id = \(bind: id) AND resolved_at IS NULL"
                )
                .first(decoding: Count.self)?.n ?? 0
        }
        return Details(
            events: events, comments: comments, communes: communes, actions: actions, actionChoices: choices,
            names: names,
            supportedByViewer: supported, openReports: reports)
    }

    /// Anonymous visitors read from the read model's page cache (no query once cached); signed-in
    /// people get a fresh read, since the page shows them their own support, drafts and tools.
    @Sendable static func show(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territoryID = (try visit.territoryHere()).id
        if visit.viewer == nil, let id = PathID.parse(req.parameters.get("proposal")) {
            let model = req.application.proposalReadModel
            let (cached, version) = try await model.cachedPage(proposalID: id, territoryID: territoryID, on: req.db)
            if let cached {
                // An anonymous visitor's page holds no form and nothing personal: rendered once per language.
                let main = try model.items(
                    territoryID: territoryID,
                    keys: ["page/\(id)/\(visit.lang.rawValue)/\((try visit.territoryHere()).themes.fingerprint)"]
                ) { _ in
                    try page(
                        visit: visit, proposal: cached.proposal, details: cached.details, fields: [:],
                        errors: FormErrors()
                    ).main
                }[0]
                return req.render(WebPage(title: cached.proposal.title, main: main))
            }
            let proposal = try await visible(req)
            let details = try await details(of: proposal, visit: visit, on: req.db)
            if ProposalStatus(rawValue: proposal.status)?.isPublic == true, proposal.hiddenReason == nil {
                model.storePage(
                    ProposalReadModel.CachedPage(proposal: proposal, details: details), territoryID: territoryID,
                    version: version)
            }
            return req.render(
                try page(visit: visit, proposal: proposal, details: details, fields: [:], errors: FormErrors()))
        }
        let proposal = try await visible(req)
        let details = try await details(of: proposal, visit: visit, on: req.db)
        return req.render(
            try page(visit: visit, proposal: proposal, details: details, fields: [:], errors: FormErrors()))
    }

    static func page(
        visit: Visit, proposal: Proposal, details: Details, fields: [String: String], errors: FormErrors,
        status httpStatus: HTTPStatus = .ok
    ) throws -> WebPage {
        let territory = try visit.territoryHere()
        let id = proposal.id!
        let status = ProposalStatus(rawValue: proposal.status) ?? .received
        let roles = visit.rolesHere
        let viewer = visit.viewer?.personID
        let isMember = !roles.isEmpty
        let own = viewer != nil && (proposal.authorID == viewer || proposal.submittedByID == viewer)
        let author = proposal.authorID.flatMap { details.names[$0] } ?? visit.t("compte supprimé", "deleted account")
        let byline: String =
            proposal.isAssisted
            ? visit.t(
                "Proposée par \(author), avec l'aide d'un·e patient·e partenaire",
                "Proposed by \(author), with a patient partner's help")
            : visit.t("Proposée par \(author)", "Proposed by \(author)") + " ("
                + visit.t((Audience(rawValue: proposal.audience) ?? .resident).label) + ")"
        let communes = details.communes.compactMap { territory.commune(code: $0)?.name }

        var notices: [HTML] = []
        if let reason = proposal.hiddenReason {
            notices.append(
                "<div class=\"flash flash-error\"><p>\(visit.t("Cette proposition est masquée par la modération. Raison : ", "This proposal is hidden by moderation. Reason: "))\(reason)</p></div>"
            )
        }
        if status == .draft {
            notices.append(
                "<div class=\"flash\"><p>\(visit.t("Brouillon : vous seul·e le voyez. Envoyez-le depuis « Modifier ».", "Draft: only you can see it. Send it from “Edit”."))</p></div>"
            )
        }

        let answer: HTML =
            proposal.answer.map { text in
                """
                <section aria-labelledby="reponse" class="answer"><h2 id="reponse">\(visit.t("Réponse officielle", "Official answer"))</h2>\
                <p>\(text)</p><p class="meta">\(visit.t(Role(rawValue: proposal.answerRole ?? "")?.label ?? Text("Équipe du territoire", "Territory team")))\
                \(proposal.answeredAt.map { " · " + DateText.day($0, lang: visit.lang) } ?? "")</p></section>
                """
            }
            ?? (status.isPublic
                ? "<p class=\"answer\">\(visit.t("La réponse officielle n'a pas encore été rendue.", "The official answer has not been given yet."))</p>"
                : .empty)

        let timeline = details.events.map { event -> HTML in
            let to = ProposalStatus(rawValue: event.toStatus)?.label ?? Text(event.toStatus, event.toStatus)
            let who = Role(rawValue: event.role)?.label ?? Audience.resident.label
            return
                "<li><strong>\(visit.t(to))</strong> · \(DateText.day(event.createdAt, lang: visit.lang)) · \(visit.t(who))\(event.note.map { HTML("<br>\($0)") } ?? .empty)</li>"
        }

        let supportBlock: HTML
        if status.isPublic, proposal.hiddenReason == nil {
            let count =
                "\(View.number(proposal.supportCount, lang: visit.lang)) "
                + visit.t(
                    proposal.supportCount > 1 ? "soutiens" : "soutien",
                    proposal.supportCount == 1 ? "support" : "supports")
            if isMember {
                supportBlock = """
                    <p>\(count)</p>\
                    \(Form.button(action: ProposalsPaths.support.link(territory.slug, id),
                              label: details.supportedByViewer ? visit.t("Retirer mon soutien", "Withdraw my support") : visit.t("Soutenir cette proposition", "Support this proposal"),
                              visit: visit, cssClass: details.supportedByViewer ? "button secondary" : "button"))
                    """
            } else if visit.viewer == nil {
                supportBlock =
                    "<p>\(count) · <a href=\"\(LoginLink.to(ProposalsPaths.show.link(territory.slug, id)))\">\(visit.t("Connectez-vous pour soutenir", "Log in to support"))</a></p>"
            } else {
                supportBlock = "<p>\(count)</p>"
            }
        } else {
            supportBlock = .empty
        }

        let commentsHTML = try commentsSection(
            visit: visit, proposal: proposal, details: details, fields: fields, errors: errors, isMember: isMember)

        let followUp: HTML =
            status.isAcceptedOrLater ? try ActionPages.followUpSection(details.actions, visit: visit) : .empty

        let editLink: HTML =
            own && status.authorMayEdit
            ? "<p><a href=\"\(ProposalsPaths.edit.link(territory.slug, id))\">\(visit.t("Modifier ma proposition", "Edit my proposal"))</a></p>"
            : .empty
        let attachment: HTML =
            proposal.attachmentName.map {
                "<p><a href=\"\(ProposalsPaths.attachment.link(territory.slug, id))\">\(visit.t("Pièce jointe : ", "Attachment: "))\($0)</a></p>"
            } ?? .empty

        let main: HTML = """
            <p><a href="\(ProposalsPaths.list.link(territory.slug))">\(visit.t("← Toutes les propositions", "← All proposals"))</a></p>
            \(each: notices)
            \(Form.errorSummary(errors, visit: visit))
            <h1>\(proposal.title)</h1>
            <p class="meta"><span class="status status-\(status.rawValue)">\(visit.t(status.label))</span> · \(byline)\
            \(proposal.submittedAt.map { " · " + DateText.day($0, lang: visit.lang) } ?? "")</p>
            <p class="meta">\(visit.t("Thèmes : ", "Themes: "))\(territory.themes.from(mask: proposal.themesMask).map { visit.t($0.label) }.joined(separator: ", "))\
            · \(visit.t("Communes : ", "Municipalities: "))\(communes.isEmpty ? visit.t("tout le territoire", "the whole territory") : communes.joined(separator: ", "))</p>
            \(proposal.originDetail.map { HTML("<p class=\"meta\">\(visit.t("Origine : ", "Origin: "))\($0)</p>") } ?? .empty)
            <div class="proposal-body">\(View.paragraphs(proposal.body))</div>
            \(attachment)\(editLink)
            \(supportBlock)
            \(isMember && !own && status.isPublic && proposal.hiddenReason == nil
            ? "<div class=\"report-proposal\">\(try reportBox(visit: visit, proposalID: id, commentID: nil, hidden: visit.t("cette proposition", "this proposal"), fields: fields, errors: errors))</div>" : .empty)
            \(answer)
            \(followUp)
            \(timeline.isEmpty ? HTML.empty : "<section aria-labelledby=\"historique\"><h2 id=\"historique\">\(visit.t("Historique", "History"))</h2><ol class=\"timeline\">\(each: timeline)</ol></section>")
            \(commentsHTML)
            \(try staffPanel(visit: visit, proposal: proposal, details: details, fields: fields, errors: errors))
            """
        return WebPage(title: proposal.title, main: main, status: httpStatus, hasErrors: !errors.isEmpty)
    }

    static func commentsSection(
        visit: Visit, proposal: Proposal, details: Details, fields: [String: String], errors: FormErrors, isMember: Bool
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let id = proposal.id!
        let moderator = ProposalsPolicy.can(visit.rolesHere, .moderate)
        let byParent = Dictionary(grouping: details.comments, by: { $0.parent_id ?? 0 })
        func render(_ comment: CommentRow) throws -> HTML {
            let name = comment.display_name ?? visit.t("compte supprimé", "deleted account")
            let body: HTML =
                comment.hidden_reason.map {
                    "<p><em>\(visit.t("Commentaire masqué par la modération : ", "Comment hidden by moderation: "))\($0)</em></p>"
                }
                ?? "<p>\(comment.body)</p>"
            let replies = try (byParent[comment.id] ?? []).map(render)
            var actions: [HTML] = []
            if isMember, comment.hidden_reason == nil, comment.parent_id == nil, proposal.hiddenReason == nil {
                actions.append(
                    textBox(
                        visit: visit, summary: visit.t("Répondre", "Reply"), hidden: visit.t("à", "to") + " " + name,
                        action: ProposalsPaths.comment.link(territory.slug, id), targets: ["parent": comment.id],
                        name: "body", key: "reponse-\(comment.id)", label: visit.t("Votre réponse", "Your reply"),
                        value: fields["parent"] == String(comment.id) ? fields["body"] : nil, rows: 3, maxLength: 2000,
                        submit: Form.submit(visit.t("Répondre", "Reply")), errors: errors))
            }
            if isMember, comment.hidden_reason == nil {
                actions.append(
                    try reportBox(
                        visit: visit, proposalID: id, commentID: comment.id,
                        hidden: visit.t("le commentaire de", "the comment by") + " " + name, fields: fields,
                        errors: errors))
            }
            if moderator {
                actions.append(
                    try moderationForm(
                        visit: visit, proposalID: id, commentID: comment.id, hidden: comment.hidden_reason != nil,
                        label: name, fields: fields, errors: errors))
            }
            return """
                <li id="commentaire-\(comment.id)"><p class="meta"><strong>\(name)</strong> · \(DateText.day(comment.created_at, lang: visit.lang))</p>\(body)\
                \(each: actions)\(replies.isEmpty ? HTML.empty : "<ul class=\"comments replies\">\(each: replies)</ul>")</li>
                """
        }
        let top = try (byParent[0] ?? []).map(render)
        let form: HTML
        if isMember, proposal.hiddenReason == nil, ProposalStatus(rawValue: proposal.status)?.isPublic == true {
            form = """
                \(Form.open(action: ProposalsPaths.comment.link(territory.slug, id), visit: visit))
                \(Form.textarea(name: "body", label: visit.t("Votre commentaire", "Your comment"), value: fields["parent"] == nil ? fields["body"] : nil, errors: errors, visit: visit,
                            hint: visit.t("Restez courtois : les commentaires sont publics.", "Be courteous: comments are public."), required: true, rows: 4, maxLength: 2000))
                \(Form.submit(visit.t("Publier mon commentaire", "Post my comment")))
                </form>
                """
        } else {
            form = .empty
        }
        return """
            <section aria-labelledby="commentaires"><h2 id="commentaires">\(visit.t("Commentaires", "Comments")) (\(details.comments.count))</h2>
            \(top.isEmpty ? "<p>\(visit.t("Pas encore de commentaire.", "No comment yet."))</p>" as HTML : "<ul class=\"comments\">\(each: top)</ul>")
            \(form)
            </section>
            """
    }

    /// A form folded under a `<details>` with one text box (reply, report, hide). `key` names the
    /// box, so an error shows next to it and the box opens again with what was typed.
    static func textBox(
        visit: Visit, summary: String, hidden: String, action: String, targets: [String: Int],
        name: String, key: String, label: String, value: String?, rows: Int, maxLength: Int,
        submit: HTML, errors: FormErrors, extra: HTML = .empty
    ) -> HTML {
        let inputs = targets.sorted { $0.key < $1.key }.map {
            HTML("<input type=\"hidden\" name=\"\($0.key)\" value=\"\($0.value)\">")
        }
        return """
            <details\(errors[key] == nil ? "" : " open")><summary>\(summary)<span class="visually-hidden"> \(hidden)</span></summary>\
            \(Form.open(action: action, visit: visit))\(each: inputs)\(extra)\
            \(Form.textarea(name: name, label: label, value: value, errors: errors, visit: visit, rows: rows, maxLength: maxLength, field: key))\
            \(submit)</form></details>
            """
    }

    /// Reporting a comment (`commentID`) or the proposal itself (nil).
    static func reportBox(
        visit: Visit, proposalID: Int, commentID: Int?, hidden: String, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let key = reportKey(commentID)
        return textBox(
            visit: visit, summary: visit.t("Signaler", "Report"), hidden: hidden,
            action: ProposalsPaths.report.link((try visit.territoryHere()).slug, proposalID),
            targets: commentID.map { ["comment": $0] } ?? [:],
            name: "reason", key: key,
            label: commentID == nil
                ? visit.t("Pourquoi cette proposition pose-t-elle problème ?", "Why is this proposal a problem?")
                : visit.t("Pourquoi ce commentaire pose-t-il problème ?", "Why is this comment a problem?"),
            value: errors[key] == nil ? nil : fields["reason"], rows: 2, maxLength: 500,
            submit: Form.submit(visit.t("Signaler", "Report"), secondary: true), errors: errors)
    }

    static func reportKey(_ commentID: Int?) -> String { commentID.map { "signalement-\($0)" } ?? "signalement" }
    static func hideKey(_ commentID: Int?) -> String { commentID.map { "masquage-\($0)" } ?? "masquage" }

    static func moderationForm(
        visit: Visit, proposalID: Int, commentID: Int?, hidden: Bool, label: String,
        fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let targets = commentID.map { ["comment": $0] } ?? [:]
        if hidden {
            return """
                \(Form.open(action: ProposalsPaths.moderate.link(territory.slug, proposalID), visit: visit, cssClass: "inline-form"))\
                \(commentID.map { HTML("<input type=\"hidden\" name=\"comment\" value=\"\($0)\">") } ?? .empty)<input type="hidden" name="action" value="restore">\
                <button type="submit" class="link-button">\(visit.t("Rétablir", "Restore"))<span class="visually-hidden"> \(label)</span></button></form>
                """
        }
        let key = hideKey(commentID)
        return textBox(
            visit: visit, summary: visit.t("Masquer", "Hide"), hidden: label,
            action: ProposalsPaths.moderate.link(territory.slug, proposalID), targets: targets,
            name: "reason", key: key, label: visit.t("Raison, visible par l'auteur", "Reason, shown to the author"),
            value: errors[key] == nil ? nil : fields["reason"], rows: 2, maxLength: 500,
            submit: Form.submit(visit.t("Masquer", "Hide"), secondary: true), errors: errors,
            extra: "<input type=\"hidden\" name=\"action\" value=\"hide\">")
    }

    static func staffPanel(
        visit: Visit, proposal: Proposal, details: Details, fields: [String: String], errors: FormErrors
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let id = proposal.id!
        let roles = visit.rolesHere
        let status = ProposalStatus(rawValue: proposal.status) ?? .received
        var parts: [HTML] = []
        if ProposalsPolicy.can(roles, .answer), !status.next.isEmpty, status != .draft {
            parts.append(
                """
                <h3>\(visit.t("Faire avancer la proposition", "Move the proposal on"))</h3>
                \(Form.open(action: ProposalsPaths.status.link(territory.slug, id), visit: visit))
                \(Form.select(name: "status", label: visit.t("Nouvel état", "New status"), options: status.next.map { Form.Option($0.rawValue, visit.t($0.label)) },
                          selected: fields["status"], errors: errors, visit: visit, required: true))
                \(Form.textarea(name: "answer", label: visit.t("Réponse officielle ou note", "Official answer or note"), value: fields["answer"], errors: errors, visit: visit,
                            hint: visit.t("Obligatoire pour une décision ; la raison est obligatoire si la proposition n'est pas (ou en partie) retenue. Signée par votre rôle.",
                                          "Required for a decision; the reason is required if the proposal is not (or partly) accepted. Signed with your role."), rows: 4, maxLength: 5000))
                \(Form.submit(visit.t("Enregistrer et prévenir l'auteur et les soutiens", "Save and tell the author and supporters")))
                </form>
                """)
        }
        if ProposalsPolicy.can(roles, .answer), status.isAcceptedOrLater {
            parts.append(
                try ActionPages.linkForm(
                    visit: visit, proposal: proposal, choices: details.actionChoices,
                    linked: Set(details.actions.compactMap(\.action.id)), fields: fields, errors: errors))
        }
        if ProposalsPolicy.can(roles, .moderate) {
            parts.append(
                """
                <h3>\(visit.t("Modération", "Moderation"))</h3>
                <p>\(visit.t("Signalements en attente : ", "Open reports: "))\(details.openReports)</p>
                \(try moderationForm(visit: visit, proposalID: id, commentID: nil, hidden: proposal.hiddenReason != nil, label: visit.t("la proposition", "the proposal"), fields: fields, errors: errors))
                """)
        }
        guard !parts.isEmpty else { return .empty }
        return
            "<section aria-labelledby=\"equipe\" class=\"staff\"><h2 id=\"equipe\">\(visit.t("Espace de l'équipe du territoire", "Territory team area"))</h2>\(each: parts)</section>"
    }

    /// Renders the page again with errors (422), nothing saved.
    static func rejected(
        _ req: Request, _ proposal: Proposal, fields: [String: String], errors: FormErrors
    ) async throws -> Response {
        let details = try await details(of: proposal, visit: req.visit, on: req.db)
        return req.render(
            try page(
                visit: req.visit, proposal: proposal, details: details, fields: fields, errors: errors,
                status: .unprocessableEntity))
    }

    // MARK: - Actions

    @Sendable static func toggleSupport(_ req: Request) async throws -> Response {
        let visit = req.visit
        let proposal = try await visible(req)
        let id = proposal.id!
        let person = (try visit.signedInViewer()).personID
        guard ProposalStatus(rawValue: proposal.status)?.isPublic == true, proposal.hiddenReason == nil else {
            var errors = FormErrors()
            errors.add(
                "body", visit.t("Cette proposition ne peut pas être soutenue.", "This proposal cannot be supported."))
            return try await rejected(req, proposal, fields: [:], errors: errors)
        }
        let added = try await write(req) { db -> Bool in
            let sql = db.sql
            let removed = try await sql.raw(
                "DELETE FROM proposal_supports WHERE proposal_id = \(bind: id) AND person_id = \(bind: person) RETURNING person_id"
            ).all()
            var added = false
            if removed.isEmpty {
                // The unique index makes a double support impossible, even from two tabs at once.
                try await sql.raw(
                    """
                    INSERT INTO proposal_supports (proposal_id, person_id, created_at) VALUES (\(bind: id), \(bind: person), \(bind: Date()))
                    ON CONFLICT DO NOTHING
                    """
                ).run()
                added = true
            }
            try await sql.raw(
                "UPDATE proposals SET support_count = (SELECT count(*) FROM proposal_supports WHERE proposal_id = \(bind: id)) WHERE id = \(bind: id)"
            ).run()
            return added
        }
        return req.redirect(
            to: ProposalsPaths.show.link((try visit.territoryHere()).slug, id),
            flash: Flash(
                .success,
                added
                    ? visit.t("Merci pour votre soutien.", "Thank you for your support.")
                    : visit.t("Votre soutien est retiré.", "Your support is withdrawn.")))
    }

    @Sendable static func addComment(_ req: Request) async throws -> Response {
        let visit = req.visit
        let proposal = try await visible(req)
        let id = proposal.id!
        let fields = req.formFields()
        var parentID: Int?
        var parentAuthorFound: Int?
        if let raw = fields["parent"], !raw.isEmpty {
            struct Parent: Decodable { let parent_id: Int?; let hidden_reason: String?; let author_id: Int? }
            guard let parent = Int(raw),
                let row = try await req.db.sql.raw(
                    "SELECT parent_id, hidden_reason, author_id FROM proposal_comments WHERE id = \(bind: parent) AND proposal_id = \(bind: id)"
                ).first(decoding: Parent.self),
                row.parent_id == nil, row.hidden_reason == nil
            else { throw Abort(.notFound) }
            parentID = parent
            parentAuthorFound = row.author_id
        }
        // A reply's error shows under its own box, which opens again with the text typed.
        let key = parentID.map { "reponse-\($0)" } ?? "body"
        var errors = FormErrors()
        let body = TextRule.required(
            ["body": fields["body"] ?? ""], "body", maxLength: 2000, errors: &errors, lang: visit.lang,
            missing: Text("Écrivez votre commentaire.", "Write your comment."))
        if proposal.hiddenReason != nil || ProposalStatus(rawValue: proposal.status)?.isPublic != true {
            errors.add(
                "body",
                visit.t(
                    "On ne peut pas commenter une proposition masquée ou en brouillon.",
                    "You cannot comment on a hidden or draft proposal."))
        }
        guard errors.isEmpty else {
            var shown = FormErrors()
            for item in errors.items { shown.add(key, item.message) }
            return try await rejected(req, proposal, fields: fields, errors: shown)
        }
        let comment = ProposalComment()
        comment.proposalID = id
        comment.parentID = parentID
        comment.authorID = (try visit.signedInViewer()).personID
        comment.body = body
        comment.createdAt = Date()
        let me = (try visit.signedInViewer()).personID
        let parentAuthor = parentAuthorFound
        let recipients = Set([proposal.authorID, proposal.submittedByID, parentAuthor].compactMap { $0 }).subtracting([
            me
        ])
        let baseLink = req.agora.config.baseURL + ProposalsPaths.show.link((try visit.territoryHere()).slug, id)
        try await write(req) { db in
            try await comment.create(on: db)
            try await db.sql.raw(
                "UPDATE proposals SET comment_count = comment_count + 1 WHERE id = \(bind: id)"
            ).run()
            // The author (and the partner who typed it) hear of every comment; a commenter hears of replies to theirs.
            for person in try await ProposalStore.reachable(Array(recipients), on: db) {
                let isReply =
                    person.id == parentAuthor && person.id != proposal.authorID && person.id != proposal.submittedByID
                try await Mailer.enqueue(
                    to: person.email,
                    subject: isReply
                        ? "Réponse à votre commentaire – Agora Santé"
                        : "Nouveau commentaire sur « \(proposal.title) » – Agora Santé",
                    body: """
                        Bonjour \(person.name),

                        \(isReply ? "Quelqu'un a répondu à votre commentaire" : "Un nouveau commentaire a été publié") sur la proposition « \(proposal.title) » :

                        « \(body) »

                        Pour le lire et répondre : \(baseLink)#commentaire-\(comment.id!)

                        —
                        \(isReply ? "Someone replied to your comment" : "A new comment was posted") on the proposal “\(proposal.title)”. Read it at the link above.
                        """, on: db)
            }
        }
        return req.redirect(
            to: ProposalsPaths.show.link((try visit.territoryHere()).slug, id) + "#commentaire-\(comment.id!)",
            flash: Flash(.success, visit.t("Votre commentaire est publié.", "Your comment is posted.")))
    }

    @Sendable static func report(_ req: Request) async throws -> Response {
        let visit = req.visit
        let proposal = try await visible(req)
        let id = proposal.id!
        let fields = req.formFields()
        var errors = FormErrors()
        let reason = TextRule.required(
            fields, "reason", maxLength: 500, errors: &errors, lang: visit.lang,
            missing: Text("Dites en quelques mots ce qui pose problème.", "Say in a few words what the problem is."))
        let commentID = try await targetComment(fields, proposalID: id, on: req.db)
        guard errors.isEmpty else {
            var shown = FormErrors()
            shown.add(reportKey(commentID), errors["reason"] ?? "")
            return try await rejected(req, proposal, fields: fields, errors: shown)
        }
        try await req.db.sql.raw(
            """
            INSERT INTO proposal_reports (proposal_id, comment_id, reporter_id, reason, created_at)
            VALUES (\(bind: id), \(bind: commentID), \(bind: (try visit.signedInViewer()).personID), \(bind: reason), \(bind: Date()))
            """
        ).run()
        return req.redirect(
            to: ProposalsPaths.show.link((try visit.territoryHere()).slug, id),
            flash: Flash(
                .success, visit.t("Merci : la modération va regarder.", "Thank you: the moderators will look into it."))
        )
    }

    @Sendable static func changeStatus(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let proposal = try await visible(req)
        let current = ProposalStatus(rawValue: proposal.status) ?? .received
        let fields = req.formFields()
        let change: StatusChangeInput
        switch StatusChangeInput.validate(fields: fields, from: current, lang: visit.lang) {
        case .failure(let box): return try await rejected(req, proposal, fields: fields, errors: box.errors)
        case .success(let value): change = value
        }
        let role = ProposalsPolicy.signingRole(visit.rolesHere)
        let now = Date()
        proposal.status = change.to.rawValue
        proposal.statusChangedAt = now
        if change.to.isAnswer {
            proposal.answer = change.text
            proposal.answerRole = role.rawValue
            proposal.answeredAt = now
        }
        if change.to == .done { proposal.progress = 100 }
        let link = req.agora.config.baseURL + ProposalsPaths.show.link(territory.slug, proposal.id!)
        try await write(req) { db in
            try await proposal.update(on: db)
            try await ProposalEvent(
                proposalID: proposal.id!, from: current, to: change.to, role: role.rawValue,
                note: change.text.isEmpty ? nil : change.text, actorID: visit.viewer?.personID
            ).create(on: db)
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id, action: "proposal.status",
                subject: "proposal \(proposal.id!) \(current.rawValue) → \(change.to.rawValue)", on: db)
            for follower in try await ProposalStore.followers(of: proposal, on: db) {
                try await Mailer.enqueue(
                    to: follower.email, subject: "Votre proposition : « \(change.to.label.fr) » – Agora Santé",
                    body: """
                        Bonjour \(follower.name),

                        La proposition « \(proposal.title) » est maintenant : \(change.to.label.fr).
                        \(change.text.isEmpty ? "" : "\n" + role.label.fr + " : " + change.text + "\n")
                        Pour la lire et suivre ce qu'elle devient : \(link)

                        —
                        The proposal “\(proposal.title)” is now: \(change.to.label.en). Read it at the link above.
                        """, on: db)
            }
        }
        return req.redirect(
            to: ProposalsPaths.show.link(territory.slug, proposal.id!),
            flash: Flash(
                .success,
                visit.t(
                    "État enregistré ; l'auteur et les soutiens sont prévenus.",
                    "Status saved; the author and supporters are told.")))
    }

    @Sendable static func moderate(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let proposal = try await visible(req)
        let id = proposal.id!
        let fields = req.formFields()
        let hide = fields["action"] == "hide"
        guard hide || fields["action"] == "restore" else { throw Abort(.badRequest) }
        var errors = FormErrors()
        let reason =
            hide
            ? TextRule.required(
                fields, "reason", maxLength: 500, errors: &errors, lang: visit.lang,
                missing: Text("Indiquez la raison : l'auteur la verra.", "Give the reason: the author will see it."))
            : ""
        let commentID = try await targetComment(fields, proposalID: id, on: req.db)
        guard errors.isEmpty else {
            var shown = FormErrors()
            shown.add(hideKey(commentID), errors["reason"] ?? "")
            return try await rejected(req, proposal, fields: fields, errors: shown)
        }
        try await write(req) { db in
            let sql = db.sql
            let value: String? = hide ? reason : nil
            if let commentID {
                try await sql.raw(
                    "UPDATE proposal_comments SET hidden_reason = \(bind: value) WHERE id = \(bind: commentID)"
                ).run()
                try await sql.raw(
                    "UPDATE proposal_reports SET resolved_at = \(bind: Date()) WHERE comment_id = \(bind: commentID) AND resolved_at IS NULL"
                ).run()
            } else {
                try await sql.raw("UPDATE proposals SET hidden_reason = \(bind: value) WHERE id = \(bind: id)").run()
                try await sql.raw(
                    "UPDATE proposal_reports SET resolved_at = \(bind: Date()) WHERE proposal_id = \(bind: id) AND comment_id IS NULL AND resolved_at IS NULL"
                ).run()
            }
            try await AuditEntry.record(
                actor: visit.viewer?.personID, territory: territory.id,
                action: hide ? "proposal.hidden" : "proposal.restored",
                subject: commentID.map { "comment \($0) of proposal \(id)" } ?? "proposal \(id)", on: db)
        }
        let message =
            hide
            ? visit.t(
                "Contenu masqué. La raison est visible par son auteur.",
                "Content hidden. Its author can see the reason.")
            : visit.t("Contenu rétabli.", "Content restored.")
        return req.redirect(to: ProposalsPaths.show.link(territory.slug, id), flash: Flash(.success, message))
    }

    /// The comment a form points at (field `comment`), which must belong to this proposal; nil
    /// when the form is about the proposal itself; a 404 for a tampered id.
    static func targetComment(_ fields: [String: String], proposalID: Int, on db: any Database) async throws -> Int? {
        guard let raw = fields["comment"], !raw.isEmpty else { return nil }
        guard let comment = Int(raw),
            try await ProposalComment.query(on: db).filter(\.$id == comment).filter(\.$proposalID == proposalID).first()
                != nil
        else { throw Abort(.notFound) }
        return comment
    }
}
