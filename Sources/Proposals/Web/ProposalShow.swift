import Core
import Fluent
import SQLKit
import Vapor

/// A proposal's page and what people do on it: support, comment, report; staff answer,
/// moderate and record the follow-up.
extension ProposalPages {
    static func registerActions(_ router: RouteRegistrar) {
        router.post(ProposalsPaths.support, access: members, scoped: toggleSupport)
        router.post(ProposalsPaths.comment, access: members, scoped: addComment)
        router.post(ProposalsPaths.report, access: members, scoped: report)
        router.post(
            ProposalsPaths.status, access: .territory(ProposalsPolicy.roles(for: .answer)), scoped: changeStatus)
        router.post(
            ProposalsPaths.moderate, access: .territory(ProposalsPolicy.roles(for: .moderate)), scoped: moderate)
    }

    typealias Details = ProposalDetails

    static func details(of proposal: Proposal, visit: Visit, on db: any Database) async throws -> Details {
        try await ProposalStore.details(
            of: proposal, personID: visit.viewer?.personID,
            staffAnswers: ProposalsPolicy.can(visit.rolesHere, .answer),
            moderates: ProposalsPolicy.can(visit.rolesHere, .moderate), on: db)
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
            if proposal.status.isPublic, proposal.hiddenReason == nil {
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
        let id = try proposal.requireID()
        let status = proposal.status
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

        let answer = answerBlock(proposal, visit: visit)
        let timeline = details.events.map { timelineItem($0, visit: visit) }
        let support = supportBlock(proposal, details: details, territory: territory, id: id, visit: visit)

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
            \(support)
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

    /// The official answer, or that it has not been given yet. Pure.
    static func answerBlock(_ proposal: Proposal, visit: Visit) -> HTML {
        let status = proposal.status
        let html: HTML =
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
        return html
    }

    /// One step of the proposal's history: the status it went to, when, and by which role. Pure.
    static func timelineItem(_ event: ProposalEvent, visit: Visit) -> HTML {
        let to = ProposalStatus(rawValue: event.toStatus)?.label ?? Text(event.toStatus, event.toStatus)
        let who = Role(rawValue: event.role)?.label ?? Audience.resident.label
        return
            "<li><strong>\(visit.t(to))</strong> · \(DateText.day(event.createdAt, lang: visit.lang)) · \(visit.t(who))\(event.note.map { HTML("<br>\($0)") } ?? .empty)</li>"
    }

    /// The number of supports, with the button to support (or withdraw) for members and a login
    /// link for visitors; nothing while the proposal is not public or is hidden. Pure.
    static func supportBlock(
        _ proposal: Proposal, details: Details, territory: TerritoryInfo, id: Int, visit: Visit
    ) -> HTML {
        let status = proposal.status
        let isMember = !visit.rolesHere.isEmpty
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
        return supportBlock
    }

    static func commentsSection(
        visit: Visit, proposal: Proposal, details: Details, fields: [String: String], errors: FormErrors, isMember: Bool
    ) throws -> HTML {
        let territory = try visit.territoryHere()
        let id = try proposal.requireID()
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
        if isMember, proposal.hiddenReason == nil, proposal.status.isPublic {
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

    static func reportKey(_ commentID: Int?) -> String { ReportContent.key(commentID) }
    static func hideKey(_ commentID: Int?) -> String { ModerateContent.key(commentID) }

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
        let id = try proposal.requireID()
        let roles = visit.rolesHere
        let status = proposal.status
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

    @Sendable static func toggleSupport(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let back = ProposalsPaths.show.link(scope.slug, try proposal.requireID())
        switch try await ToggleSupport.run(proposal: proposal, actor: Actor(scope), env: req.useCases) {
        case .supported:
            return req.redirect(
                to: back, flash: Flash(.success, scope.t("Merci pour votre soutien.", "Thank you for your support.")))
        case .withdrawn:
            return req.redirect(
                to: back, flash: Flash(.success, scope.t("Votre soutien est retiré.", "Your support is withdrawn.")))
        case .refused(let errors): return try await rejected(req, proposal, fields: [:], errors: errors)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func addComment(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let fields = req.formFields()
        let outcome = try await CommentOnProposal.run(
            body: fields["body"] ?? "", replyingTo: fields["parent"], proposal: proposal, territory: scope.territory,
            actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .posted(let commentID):
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, try proposal.requireID()) + "#commentaire-\(commentID)",
                flash: Flash(.success, scope.t("Votre commentaire est publié.", "Your comment is posted.")))
        case .invalid(let errors): return try await rejected(req, proposal, fields: fields, errors: errors)
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func report(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let fields = req.formFields()
        let outcome = try await ReportContent.run(
            reason: fields["reason"] ?? "", comment: fields["comment"], proposal: proposal, actor: Actor(scope),
            env: req.useCases)
        switch outcome {
        case .reported:
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, try proposal.requireID()),
                flash: Flash(
                    .success,
                    scope.t("Merci : la modération va regarder.", "Thank you: the moderators will look into it.")))
        case .invalid(let errors): return try await rejected(req, proposal, fields: fields, errors: errors)
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func changeStatus(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let fields = req.formFields()
        let outcome = try await AnswerProposal.run(
            fields, proposal: proposal, territory: scope.territory, actor: Actor(scope), env: req.useCases)
        switch outcome {
        case .changed:
            return req.redirect(
                to: ProposalsPaths.show.link(scope.slug, try proposal.requireID()),
                flash: Flash(
                    .success,
                    scope.t(
                        "État enregistré ; l'auteur et les soutiens sont prévenus.",
                        "Status saved; the author and supporters are told.")))
        case .invalid(let errors): return try await rejected(req, proposal, fields: fields, errors: errors)
        case .forbidden: throw Abort(.forbidden)
        }
    }

    @Sendable static func moderate(_ req: Request, _ scope: TerritoryScope) async throws -> Response {
        let proposal = try await visible(req)
        let fields = req.formFields()
        let hide = fields["action"] == "hide"
        guard hide || fields["action"] == "restore" else { throw Abort(.badRequest) }
        let outcome = try await ModerateContent.run(
            hide: hide, reason: fields["reason"] ?? "", comment: fields["comment"], proposal: proposal,
            actor: Actor(scope), env: req.useCases)
        let back = ProposalsPaths.show.link(scope.slug, try proposal.requireID())
        switch outcome {
        case .hidden:
            return req.redirect(
                to: back,
                flash: Flash(
                    .success,
                    scope.t(
                        "Contenu masqué. La raison est visible par son auteur.",
                        "Content hidden. Its author can see the reason.")))
        case .restored:
            return req.redirect(to: back, flash: Flash(.success, scope.t("Contenu rétabli.", "Content restored.")))
        case .invalid(let errors): return try await rejected(req, proposal, fields: fields, errors: errors)
        case .notFound: throw Abort(.notFound)
        case .forbidden: throw Abort(.forbidden)
        }
    }
}
