import Core
import Fluent
import Foundation

/// What the authors typed in the submission form, and the file they joined (if any).
struct SubmissionDraft: Sendable {
    var fields: [String: String]
    var multi: [String: [String]]
    /// "Send" rather than "keep as a draft".
    var sending: Bool
    var upload: Upload?

    struct Upload: Sendable {
        let bytes: [UInt8]
        let filename: String
    }
}

/// What became of a submission saved.
enum SaveSubmissionOutcome: Sendable, Equatable {
    /// Kept (as a draft, or the changes of a sent submission).
    case saved(id: Int)
    /// Sent: its authors were sent an acknowledgement.
    case sent(id: Int)
    /// Sent after the deadline: kept as a draft, it can no longer be sent.
    case late(id: Int)
    /// Something typed (or the file) is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// The call is for members of its territory only.
    case restricted
    /// The call is closed: no new submission.
    case callClosed
    /// Only the authors of a submission change it.
    case forbidden
    /// The submission is sent: its authors no longer change it (unless information is asked).
    case locked
}

/// Writing a new submission or changing one, as a draft or sent. A sent submission (more
/// information asked) keeps every field required; after the deadline nothing is lost: the text is
/// kept as a draft. The acknowledgement to every author is written in the same transaction as
/// the send, and the catalogue's version with it.
enum SaveSubmission {
    static let maxAttachments = 5

    /// `rescued`: the text was typed before the session expired and is being recovered; it is
    /// kept as a draft, even after the deadline, if its author may answer the call.
    static func run(
        _ draft: SubmissionDraft, call: CallContext, existing: SubmissionContext?, rescued: Bool = false,
        env: UseCaseEnvironment
    ) async throws -> SaveSubmissionOutcome {
        let actor = call.actor
        guard let personID = actor.personID else { return .forbidden }
        let now = env.now
        if let existing {
            guard existing.allows(.edit) else { return .forbidden }
            guard existing.status.authorsMayEdit else { return .locked }
        } else {
            // A rescued text may arrive after the deadline (it is then kept as a draft), but never
            // into a call its author may not answer.
            guard call.allows(.answerCall) else { return .restricted }
            if !rescued { guard call.call.window.isOpen(at: now) else { return .callClosed } }
        }
        let wasDraft = existing.map { $0.status == .draft } ?? true
        let sending = draft.sending && wasDraft
        var files: [ExperienceStore.AttachmentRow] = []
        if let existing { files = try await ExperienceStore.attachments(of: existing.record.id, on: env.db) }
        var errors = FormErrors()
        var input: ExperienceInput?
        switch ExperienceInput.validate(
            fields: draft.fields, multi: draft.multi, sending: sending || !wasDraft, currentYear: Day(now).year,
            lang: actor.lang)
        {
        case .success(let value): input = value
        case .failure(let box): errors = box.errors
        }
        var file: (bytes: [UInt8], kind: AttachmentCheck.Kind, name: String)?
        if let upload = draft.upload, !upload.bytes.isEmpty {
            if files.count >= maxAttachments {
                errors.add(
                    "attachment",
                    actor.t(Text("5 pièces jointes au plus par contribution.", "5 attachments at most per submission."))
                )
            } else {
                switch AttachmentCheck.check(upload.bytes, filename: upload.filename) {
                case .success(let checked): file = (upload.bytes, checked.kind, checked.name)
                case .failure(let refusal): errors.add("attachment", actor.t(refusal.message))
                }
            }
        }
        guard errors.isEmpty, let input else { return .invalid(errors) }

        let late = sending && !call.call.window.isOpen(at: now)
        let status: ExperienceStatus = sending && !late ? .submitted : (existing?.status ?? .draft)
        let record = call.call, submissionID = existing?.record.id, attachment = file
        let mails = AcknowledgementMail(env: env)
        let id = try await env.catalogueWrite { db -> Int in
            let id = try await ExperienceStore.save(
                input, id: submissionID, callID: record.id, status: status, by: personID, now: now, on: db)
            try await ExperienceStore.index(id, input: input, on: db)
            if let attachment {
                try await ExperienceStore.insertAttachment(
                    experienceID: id, name: attachment.name, type: attachment.kind.rawValue, bytes: attachment.bytes,
                    now: now, on: db)
            }
            if status == .submitted, wasDraft {
                try await ExperienceStore.setStatus(id, to: .submitted, now: now, on: db)
                try await mails.send(submissionID: id, title: input.title, call: record, on: db)
            }
            return id
        }
        if late { return .late(id: id) }
        return status == .submitted && wasDraft ? .sent(id: id) : .saved(id: id)
    }
}

/// The acknowledgement of a submission sent, to every author with an e-mail address.
struct AcknowledgementMail: Sendable {
    let env: UseCaseEnvironment

    func send(submissionID: Int, title: String, call: CallRecord, on db: any Database) async throws {
        let link = env.absolute(ExperiencesPaths.submission.link(call.id, submissionID))
        for author in try await ExperienceStore.authors(of: submissionID, on: db) {
            guard let email = author.email else { continue }
            let body = """
                Bonjour \(author.name),

                Nous avons bien reçu votre contribution « \(title) » à l'appel « \(call.title) ».
                Les relecteur·rices vont l'évaluer ; vous serez prévenu·e par e-mail si des précisions sont nécessaires.

                Suivre votre contribution : \(link)

                —
                We have received your submission "\(title)" to the call "\(call.title)". Follow it: \(link)
                """
            try await Mailer.enqueue(to: email, subject: "Contribution reçue : \(title)", body: body, on: db)
        }
    }
}

/// What became of an answer to the organisers' question.
enum AnswerOutcome: Sendable, Equatable {
    /// Passed on: the submission is under review again.
    case answered
    case invalid(FormErrors)
    /// Only the authors answer (the call's reviewers and organisers see the submission too).
    case forbidden
    /// No information is asked for this submission.
    case noPendingQuestion
}

/// The authors answer a request for information: the answer is kept with the submission, which
/// goes back to its reviewers.
enum AnswerQuestion {
    static func run(
        message raw: String?, submission context: SubmissionContext, env: UseCaseEnvironment
    )
        async throws -> AnswerOutcome
    {
        guard context.allows(.answerQuestion), let personID = context.call.viewerID else { return .forbidden }
        guard context.status == .moreInfo else { return .noPendingQuestion }
        switch MessageRule.validate(
            raw, lang: context.call.actor.lang, missing: Text("Écrivez votre réponse.", "Write your answer."))
        {
        case .failure(let box): return .invalid(box.errors)
        case .success(let text):
            let id = context.record.id, now = env.now
            try await env.catalogueWrite { db in
                try await ExperienceStore.addMessage(id, kind: "answer", body: text, by: personID, now: now, on: db)
                try await ExperienceStore.setStatus(id, to: .underReview, now: now, on: db)
            }
            return .answered
        }
    }
}

/// What became of an invitation to co-write.
enum InvitationOutcome: Sendable, Equatable {
    /// The mail with the link is written (whether an account has the address or not).
    case invited(email: String)
    case invalid(FormErrors)
    /// Only the authors invite.
    case forbidden
    /// The submission is sent: its authors no longer change it.
    case locked
}

/// An author invites a co-author by e-mail: the mail carries a link, valid 14 days, that adds
/// whoever opens it, signed in.
enum InviteCoAuthor {
    static let lifetime: TimeInterval = 14 * 24 * 3600

    static func run(
        email raw: String, submission context: SubmissionContext, env: UseCaseEnvironment
    )
        async throws -> InvitationOutcome
    {
        let actor = context.call.actor
        guard context.allows(.edit), let inviterID = actor.personID else { return .forbidden }
        guard context.status.authorsMayEdit else { return .locked }
        let email = EmailAddress.normalize(raw)
        guard EmailAddress.isValid(email) else {
            var errors = FormErrors()
            errors.add(
                "email",
                actor.t(
                    Text(
                        "Écrivez l'adresse e-mail complète de la personne, par exemple nom@exemple.fr.",
                        "Write the person's full e-mail address, e.g. name@example.org.")))
            return .invalid(errors)
        }
        let token = Tokens.random()
        let link = env.absolute(ExperiencesPaths.invitation.link(token))
        let record = context.record, callTitle = context.call.call.title
        let inviter = actor.name ?? ""
        let expires = env.now.addingTimeInterval(lifetime)
        try await env.db.transaction { db in
            try await ExperienceStore.insertInvitation(
                tokenHash: Tokens.sha256Hex(token), experienceID: record.id, email: email, by: inviterID,
                expiresAt: expires, on: db)
            let body = """
                Bonjour,

                \(inviter) vous invite à co-écrire la contribution « \(record.title) » à l'appel « \(callTitle) ».
                Pour accepter, ouvrez ce lien (avec votre compte Agora Santé ; créez-en un avec cette adresse si besoin) :
                \(link)

                Le lien est valable 14 jours. Si vous ne connaissez pas cette personne, ignorez ce message.
                """
            try await Mailer.enqueue(
                to: email, subject: "Invitation à co-écrire « \(record.title) »", body: body, on: db)
        }
        return .invited(email: email)
    }
}

/// What became of an invitation opened.
enum AcceptInvitationOutcome: Sendable, Equatable {
    /// The person is one of the authors (they may have been already).
    case joined(callID: Int, submissionID: Int)
    /// Unknown, spent or expired.
    case notFound
}

/// Whoever opens an invitation's link, signed in, joins the authors; the link is spent.
enum AcceptInvitation {
    /// The invitation of a token while it is valid.
    static func find(token: String, env: UseCaseEnvironment) async throws -> ExperienceStore.InvitationRow? {
        guard let row = try await ExperienceStore.invitation(tokenHash: Tokens.sha256Hex(token), on: env.db),
            row.expires_at > env.now
        else { return nil }
        return row
    }

    static func run(token: String, actor: Actor, env: UseCaseEnvironment) async throws -> AcceptInvitationOutcome {
        guard let personID = actor.personID, let row = try await find(token: token, env: env) else { return .notFound }
        let hash = Tokens.sha256Hex(token), now = env.now
        try await env.catalogueWrite { db in
            try await ExperienceStore.acceptInvitation(
                tokenHash: hash, experienceID: row.experience_id, personID: personID, now: now, on: db)
        }
        return .joined(callID: row.call_id, submissionID: row.experience_id)
    }
}
