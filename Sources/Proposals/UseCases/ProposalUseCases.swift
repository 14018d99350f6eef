import Core
import Fluent
import Foundation

/// The room's name in the `ChangeFeed`: a change drops the read model and the anonymous pages.
public enum ProposalsChange {
    public static let room = "proposals"
}

/// What a person sends to propose: the form's fields as typed, and the attached file if any.
public struct ProposalSubmission: Sendable {
    public var fields: [String: String]
    public var multi: [String: [String]]
    /// The assisted profile proposed for (its id as typed), nil or empty for oneself.
    public var onBehalfOf: String?
    public var attachment: (bytes: [UInt8], filename: String)?

    public init(
        fields: [String: String], multi: [String: [String]], onBehalfOf: String? = nil,
        attachment: (bytes: [UInt8], filename: String)? = nil
    ) {
        self.fields = fields
        self.multi = multi
        self.onBehalfOf = onBehalfOf
        self.attachment = attachment
    }
}

/// Propose: in one's own name, or for an assisted person of the territory (a patient partner or
/// a coordinator typing it); published at once, or kept as a draft only its author sees.
public enum Propose {
    public enum Outcome: Sendable, Equatable {
        case published(Int)
        case drafted(Int)
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ submission: ProposalSubmission, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard let me = actor.personID,
            ProposalsPolicy.can(actor.roles, .propose) || ProposalsPolicy.can(actor.roles, .proposeOnBehalf)
        else { return .forbidden }
        var errors = FormErrors()
        let input: ProposalInput?
        switch ProposalInput.validate(
            fields: submission.fields, multi: submission.multi, allowedCommunes: Set(territory.communes.map(\.code)),
            themes: territory.themes, lang: actor.lang)
        {
        case .success(let value): input = value
        case .failure(let box): errors = box.errors; input = nil
        }
        // On whose behalf: oneself (if one may propose) or an assisted profile of this territory.
        var authorID = me
        var isAssisted = false
        if let raw = submission.onBehalfOf, !raw.isEmpty {
            let choices =
                ProposalsPolicy.can(actor.roles, .proposeOnBehalf)
                ? try await ProposalStore.assistedProfiles(territoryID: territory.id, on: env.db) : []
            if let id = PathID.parse(raw), choices.contains(where: { $0.id == id }) {
                authorID = id
                isAssisted = true
            } else {
                errors.add(
                    "on_behalf_of",
                    actor.t(Text("Choisissez une personne de la liste.", "Choose a person from the list.")))
            }
        } else if !ProposalsPolicy.can(actor.roles, .propose) {
            errors.add(
                "on_behalf_of",
                actor.t(
                    Text("Choisissez la personne au nom de qui vous proposez.", "Choose the person you propose for.")))
        }
        var file: (bytes: [UInt8], kind: AttachmentCheck.Kind, name: String)?
        if let upload = submission.attachment, !upload.bytes.isEmpty {
            switch AttachmentCheck.check(upload.bytes, filename: upload.filename) {
            case .success(let checked): file = (upload.bytes, checked.kind, checked.name)
            case .failure(let refusal): errors.add("attachment", actor.t(refusal.message))
            }
        }
        guard errors.isEmpty, let input else { return .invalid(errors) }
        let audience = Audience.of(actor.roles, assisted: isAssisted)
        let now = env.now
        let proposal = Proposal()
        proposal.territoryID = territory.id
        proposal.authorID = authorID
        proposal.submittedByID = isAssisted ? me : nil
        proposal.isAssisted = isAssisted
        proposal.audience = audience.rawValue
        proposal.title = input.title
        proposal.body = input.body
        proposal.themesMask = Theme.mask(input.themes)
        proposal.origin = input.origin.rawValue
        proposal.originDetail = input.originDetail
        proposal.status = input.asDraft ? .draft : .received
        proposal.createdAt = now
        proposal.submittedAt = input.asDraft ? nil : now
        proposal.statusChangedAt = now
        proposal.supportCount = 0
        proposal.commentCount = 0
        proposal.progress = 0
        proposal.attachmentName = file?.name
        proposal.attachmentType = file?.kind.rawValue
        let attachment = file.map { Data($0.bytes) }
        let signer = isAssisted ? Role.patientPartner.rawValue : audience.rawValue
        let id = try await ProposalStore.write(territoryID: territory.id, on: env.db) { db -> Int in
            try await proposal.create(on: db)
            let id = try proposal.requireID()
            try await ProposalStore.index(proposal, communes: input.communes, on: db)
            if let attachment { try await ProposalStore.insertAttachment(attachment, proposalID: id, on: db) }
            if !input.asDraft {
                try await ProposalEvent(
                    proposalID: id, from: nil, to: .received, role: signer, note: nil, actorID: me, at: now
                ).create(on: db)
            }
            return id
        }
        env.changed(ProposalsChange.room, territoryID: territory.id)
        return input.asDraft ? .drafted(id) : .published(id)
    }
}

/// The author changes the text of their proposal (while a draft or just received), or sends
/// their draft.
public enum EditProposal {
    public enum Outcome: Sendable, Equatable {
        case saved
        case invalid(FormErrors)
        case forbidden
        /// Under study or decided: the text is frozen.
        case frozen
    }

    public static func run(
        _ fields: [String: String], multi: [String: [String]], send: Bool, proposal: Proposal,
        territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard proposal.facts.isOwn(actor.personID) else { return .forbidden }
        guard ProposalsPolicy.allows(actor, .edit, on: proposal.facts) else { return .frozen }
        let input: ProposalInput
        switch ProposalInput.validate(
            fields: fields, multi: multi, allowedCommunes: Set(territory.communes.map(\.code)),
            themes: territory.themes, lang: actor.lang)
        {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): input = value
        }
        let now = env.now
        let wasDraft = proposal.status == .draft
        proposal.title = input.title
        proposal.body = input.body
        proposal.themesMask = Theme.mask(input.themes)
        proposal.origin = input.origin.rawValue
        proposal.originDetail = input.originDetail
        let sent = wasDraft && send
        if sent {
            proposal.status = .received
            proposal.submittedAt = now
            proposal.statusChangedAt = now
        }
        let id = try proposal.requireID()
        try await ProposalStore.write(territoryID: territory.id, on: env.db) { db in
            try await proposal.update(on: db)
            try await ProposalStore.index(proposal, communes: input.communes, on: db)
            if sent {
                try await ProposalEvent(
                    proposalID: id, from: .draft, to: .received, role: proposal.audience, note: nil,
                    actorID: actor.personID, at: now
                ).create(on: db)
            }
        }
        env.changed(ProposalsChange.room, territoryID: territory.id)
        return .saved
    }
}

/// Support a proposal, or withdraw one's support.
public enum ToggleSupport {
    public enum Outcome: Sendable, Equatable {
        case supported
        case withdrawn
        /// A draft or a hidden proposal: nobody supports it.
        case refused(FormErrors)
        case forbidden
    }

    public static func run(proposal: Proposal, actor: Actor, env: UseCaseEnvironment) async throws -> Outcome {
        guard let me = actor.personID, ProposalsPolicy.can(actor.roles, .takePart) else { return .forbidden }
        guard ProposalsPolicy.allows(actor, .support, on: proposal.facts) else {
            var errors = FormErrors()
            errors.add(
                "body",
                actor.t(Text("Cette proposition ne peut pas être soutenue.", "This proposal cannot be supported.")))
            return .refused(errors)
        }
        let id = try proposal.requireID()
        let now = env.now
        let added = try await ProposalStore.write(territoryID: proposal.territoryID, on: env.db) { db in
            try await ProposalStore.toggleSupport(proposalID: id, personID: me, at: now, on: db)
        }
        env.changed(ProposalsChange.room, territoryID: proposal.territoryID)
        return added ? .supported : .withdrawn
    }
}

/// Comment on a proposal, or reply to a comment (one level). The author (and the partner who
/// typed it) hear of every comment; a commenter hears of the replies to theirs; nobody hears of
/// their own.
public enum CommentOnProposal {
    public enum Outcome: Sendable, Equatable {
        case posted(commentID: Int)
        /// The errors under the box the text came from (`body`, or `reponse-<parent>` for a reply).
        case invalid(FormErrors)
        /// The comment replied to is not one of this proposal's visible top-level comments.
        case notFound
        case forbidden
    }

    public static func run(
        body raw: String, replyingTo parent: String?, proposal: Proposal, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard let me = actor.personID, ProposalsPolicy.can(actor.roles, .takePart) else { return .forbidden }
        let id = try proposal.requireID()
        var parentID: Int?
        var parentAuthor: Int?
        if let parent, !parent.isEmpty {
            guard let candidate = PathID.parse(parent),
                let row = try await ProposalStore.comment(candidate, of: id, on: env.db),
                row.parentID == nil, !row.hidden
            else { return .notFound }
            parentID = candidate
            parentAuthor = row.authorID
        }
        // A reply's error shows under its own box, which opens again with the text typed.
        let key = parentID.map { "reponse-\($0)" } ?? "body"
        var errors = FormErrors()
        let body = TextRule.required(
            ["body": raw], "body", maxLength: 2000, errors: &errors, lang: actor.lang,
            missing: Text("Écrivez votre commentaire.", "Write your comment."))
        if !ProposalsPolicy.allows(actor, .comment, on: proposal.facts) {
            errors.add(
                "body",
                actor.t(
                    Text(
                        "On ne peut pas commenter une proposition masquée ou en brouillon.",
                        "You cannot comment on a hidden or draft proposal.")))
        }
        guard errors.isEmpty else {
            var shown = FormErrors()
            for item in errors.items { shown.add(key, item.message) }
            return .invalid(shown)
        }
        let comment = ProposalComment()
        comment.proposalID = id
        comment.parentID = parentID
        comment.authorID = me
        comment.body = body
        comment.createdAt = env.now
        let recipients = Set([proposal.authorID, proposal.submittedByID, parentAuthor].compactMap { $0 })
            .subtracting([me])
        let link = env.baseURL + ProposalsPaths.show.link(territory.slug, id)
        let title = proposal.title
        let owners = [proposal.authorID, proposal.submittedByID]
        let repliedTo = parentAuthor
        let commentID = try await ProposalStore.write(territoryID: territory.id, on: env.db) { db -> Int in
            try await ProposalStore.insertComment(comment, on: db)
            let commentID = try comment.requireID()
            for person in try await ProposalStore.reachable(Array(recipients), on: db) {
                let isReply = person.id == repliedTo && !owners.contains(person.id)
                let mail = ProposalMails.comment(
                    to: person.name, isReply: isReply, title: title, body: body,
                    link: link + "#commentaire-\(commentID)")
                try await Mailer.enqueue(to: person.email, subject: mail.subject, body: mail.body, on: db)
            }
            return commentID
        }
        env.changed(ProposalsChange.room, territoryID: territory.id)
        return .posted(commentID: commentID)
    }
}

/// Report a proposal or one of its comments to the moderators.
public enum ReportContent {
    public enum Outcome: Sendable, Equatable {
        case reported
        case invalid(FormErrors)
        /// The comment is not this proposal's.
        case notFound
        case forbidden
    }

    /// The field a report's error shows under: the report box of the comment or of the proposal.
    public static func key(_ commentID: Int?) -> String { commentID.map { "signalement-\($0)" } ?? "signalement" }

    public static func run(
        reason raw: String, comment: String?, proposal: Proposal, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard let me = actor.personID, ProposalsPolicy.allows(actor, .report, on: proposal.facts) else {
            return .forbidden
        }
        let id = try proposal.requireID()
        guard let target = try await target(comment, of: id, on: env.db) else { return .notFound }
        let commentID = target.commentID
        var errors = FormErrors()
        let reason = TextRule.required(
            ["reason": raw], "reason", maxLength: 500, errors: &errors, lang: actor.lang,
            missing: Text("Dites en quelques mots ce qui pose problème.", "Say in a few words what the problem is."))
        guard errors.isEmpty else {
            var shown = FormErrors()
            shown.add(key(commentID), errors["reason"] ?? "")
            return .invalid(shown)
        }
        try await ProposalStore.insertReport(
            proposalID: id, commentID: commentID, reporterID: me, reason: reason, at: env.now, on: env.db)
        return .reported
    }

    /// What a report or a moderation is about: the proposal itself or one of its comments.
    enum Target: Equatable {
        case proposal
        case comment(Int)
        var commentID: Int? {
            if case .comment(let id) = self { return id }
            return nil
        }
    }

    /// The target a form points at (field `comment`, which must be this proposal's comment);
    /// nil for a comment that is not this proposal's.
    static func target(_ raw: String?, of proposalID: Int, on db: any Database) async throws -> Target? {
        guard let raw, !raw.isEmpty else { return .proposal }
        guard let id = PathID.parse(raw), try await ProposalStore.comment(id, of: proposalID, on: db) != nil else {
            return nil
        }
        return .comment(id)
    }
}

/// Hide a proposal or a comment, with the reason its author will read, or restore it.
public enum ModerateContent {
    public enum Outcome: Sendable, Equatable {
        case hidden
        case restored
        case invalid(FormErrors)
        case notFound
        case forbidden
    }

    /// The field a moderation's error shows under.
    public static func key(_ commentID: Int?) -> String { commentID.map { "masquage-\($0)" } ?? "masquage" }

    public static func run(
        hide: Bool, reason raw: String, comment: String?, proposal: Proposal, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard ProposalsPolicy.allows(actor, .moderate, on: proposal.facts) else { return .forbidden }
        let id = try proposal.requireID()
        guard let target = try await ReportContent.target(comment, of: id, on: env.db) else { return .notFound }
        let commentID = target.commentID
        var errors = FormErrors()
        let reason =
            hide
            ? TextRule.required(
                ["reason": raw], "reason", maxLength: 500, errors: &errors, lang: actor.lang,
                missing: Text("Indiquez la raison : l'auteur la verra.", "Give the reason: the author will see it."))
            : ""
        guard errors.isEmpty else {
            var shown = FormErrors()
            shown.add(key(commentID), errors["reason"] ?? "")
            return .invalid(shown)
        }
        let now = env.now
        let territoryID = proposal.territoryID
        try await ProposalStore.write(territoryID: territoryID, on: env.db) { db in
            try await ProposalStore.setHidden(
                proposalID: id, commentID: commentID, reason: hide ? reason : nil, at: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: hide ? "proposal.hidden" : "proposal.restored",
                subject: commentID.map { "comment \($0) of proposal \(id)" } ?? "proposal \(id)", on: db)
        }
        env.changed(ProposalsChange.room, territoryID: territoryID)
        return hide ? .hidden : .restored
    }
}

/// The staff move a proposal to another status, with the official answer when it is a decision;
/// the author and the supporters are told by e-mail.
public enum AnswerProposal {
    public enum Outcome: Sendable, Equatable {
        case changed(ProposalStatus)
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ fields: [String: String], proposal: Proposal, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard ProposalsPolicy.allows(actor, .answer, on: proposal.facts) else { return .forbidden }
        let current = proposal.status
        let change: StatusChangeInput
        switch StatusChangeInput.validate(fields: fields, from: current, lang: actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let value): change = value
        }
        let role = ProposalsPolicy.signingRole(actor.roles)
        let now = env.now
        proposal.status = change.to
        proposal.statusChangedAt = now
        if change.to.isAnswer {
            proposal.answer = change.text
            proposal.answerRole = role.rawValue
            proposal.answeredAt = now
        }
        if change.to == .done { proposal.progress = 100 }
        let id = try proposal.requireID()
        let link = env.baseURL + ProposalsPaths.show.link(territory.slug, id)
        try await ProposalStore.write(territoryID: territory.id, on: env.db) { db in
            try await proposal.update(on: db)
            try await ProposalEvent(
                proposalID: id, from: current, to: change.to, role: role.rawValue,
                note: change.text.isEmpty ? nil : change.text, actorID: actor.personID, at: now
            ).create(on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "proposal.status",
                subject: "proposal \(id) \(current.rawValue) → \(change.to.rawValue)", on: db)
            for follower in try await ProposalStore.followers(of: proposal, on: db) {
                let mail = ProposalMails.status(
                    to: follower.name, title: proposal.title, status: change.to, signer: role, text: change.text,
                    link: link)
                try await Mailer.enqueue(to: follower.email, subject: mail.subject, body: mail.body, on: db)
            }
        }
        env.changed(ProposalsChange.room, territoryID: territory.id)
        return .changed(change.to)
    }
}

/// The mails of the room, composed once.
enum ProposalMails {
    static func comment(
        to name: String, isReply: Bool, title: String, body: String, link: String
    ) -> (subject: String, body: String) {
        let subject =
            isReply
            ? "Réponse à votre commentaire – Agora Santé" : "Nouveau commentaire sur « \(title) » – Agora Santé"
        let what = isReply ? "Quelqu'un a répondu à votre commentaire" : "Un nouveau commentaire a été publié"
        let whatEN = isReply ? "Someone replied to your comment" : "A new comment was posted"
        let text = """
            Bonjour \(name),

            \(what) sur la proposition « \(title) » :

            « \(body) »

            Pour le lire et répondre : \(link)

            —
            \(whatEN) on the proposal “\(title)”. Read it at the link above.
            """
        return (subject, text)
    }

    static func status(
        to name: String, title: String, status: ProposalStatus, signer: Role, text: String, link: String
    ) -> (subject: String, body: String) {
        let answer = text.isEmpty ? "" : "\n" + signer.label.fr + " : " + text + "\n"
        let body = """
            Bonjour \(name),

            La proposition « \(title) » est maintenant : \(status.label.fr).
            \(answer)
            Pour la lire et suivre ce qu'elle devient : \(link)

            —
            The proposal “\(title)” is now: \(status.label.en). Read it at the link above.
            """
        return ("Votre proposition : « \(status.label.fr) » – Agora Santé", body)
    }
}
