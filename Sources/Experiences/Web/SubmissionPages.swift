import Core
import Fluent
import SQLKit
import Vapor

/// Writing a submission: the form (new, edit), drafts, co-authors, attachments, the answer to a
/// request for information, and the rescue of what was typed when the session had expired.
enum SubmissionPages {
    static func register(_ router: RouteRegistrar) {
        router.get(ExperiencesPaths.contribute, access: .signedIn) { req in
            let context = try await CallContext.load(req)
            if let refused = mayContribute(req, context) { return refused }
            return req.render(
                SubmissionFormPage.render(
                    visit: req.visit, call: context.call, submissionID: nil,
                    form: SubmissionForm(
                        fields: [
                            "contact_name": (try req.visit.signedInViewer()).displayName,
                            "contact_email": (try req.visit.signedInViewer()).email ?? "",
                        ], multi: [:]),
                    errors: FormErrors()))
        }
        // Open to everyone so that a POST whose session expired keeps what was typed (see `rescue`).
        router.post(ExperiencesPaths.contribute, access: .everyone, maxBody: "6mb", use: save)
        router.get(ExperiencesPaths.edit, access: .signedIn) { req in
            let context = try await SubmissionContext.load(req)
            if let refused = editable(req, context) { return refused }
            let files = try await ExperienceStore.attachments(of: context.record.id, on: req.db)
            return req.render(
                SubmissionFormPage.render(
                    visit: req.visit, call: context.call.call, submissionID: context.record.id,
                    form: SubmissionForm(fields: context.record.fields, multi: context.record.multi),
                    errors: FormErrors(),
                    attachments: files.map { ($0.id, $0.name, $0.size) }, canSend: context.status == .draft))
        }
        router.post(ExperiencesPaths.edit, access: .everyone, maxBody: "6mb", use: save)
        router.get(ExperiencesPaths.rescue, access: .signedIn, use: rescue)
        router.get(ExperiencesPaths.submission, access: .signedIn, use: SubmissionShow.show)
        router.post(ExperiencesPaths.invite, access: .signedIn, use: invite)
        router.get(ExperiencesPaths.invitation, access: .signedIn) { req in try await invitation(req, accept: false) }
        router.post(ExperiencesPaths.invitation, access: .signedIn) { req in try await invitation(req, accept: true) }
        router.post(ExperiencesPaths.answer, access: .signedIn, use: answer)
        router.get(ExperiencesPaths.attachment, access: .everyone, use: attachment)
    }

    /// Nil when the viewer may write a new submission to this call, else the page that says why not.
    static func mayContribute(_ req: Request, _ context: CallContext) -> Response? {
        if !context.mayAnswer {
            return req.refusal(
                status: .forbidden, title: Text("Appel réservé", "Call restricted"),
                message: Text(
                    "Cet appel est réservé aux membres de son territoire.",
                    "This call is for members of its territory only."),
                back: ExperiencesPaths.call.link(context.call.id))
        }
        if !context.call.window.isOpen(at: Date()) {
            return req.refusal(
                status: .forbidden, title: Text("Appel clos", "Call closed"),
                message: Text(
                    context.call.window.sentence(at: Date(), lang: .fr) + ".",
                    context.call.window.sentence(at: Date(), lang: .en) + "."),
                back: ExperiencesPaths.call.link(context.call.id))
        }
        return nil
    }

    /// Nil when the viewer may change this submission's text.
    static func editable(_ req: Request, _ context: SubmissionContext) -> Response? {
        guard context.isAuthor else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les auteur·rices d'une contribution la modifient.",
                    "Only the authors of a submission change it."))
        }
        guard context.status.authorsMayEdit else {
            return req.refusal(
                status: .conflict, title: Text("Contribution envoyée", "Submission sent"),
                message: Text(
                    "Cette contribution est envoyée : elle ne se modifie plus, sauf si les organisateurs vous demandent des précisions.",
                    "This submission is sent: it can no longer be changed, unless the organisers ask you for more information."
                ),
                back: ExperiencesPaths.submission.link(context.call.call.id, context.record.id))
        }
        return nil
    }

    // MARK: - Saving

    /// New submission or edit, draft or send. Without a session (it expired while typing), what
    /// was typed is kept server-side and the person is sent to log in, then back to it.
    @Sendable static func save(_ req: Request) async throws -> Response {
        let call = try await CallContext.load(req)
        let form = (try? req.content.decode(SubmissionForm.self)) ?? SubmissionForm()
        let submissionID = Slug.id(req.parameters.get("submission"))
        if req.parameters.get("submission") != nil, submissionID == nil { throw Abort(.notFound) }
        guard let viewer = req.visit.viewer else {
            return try await keepForLater(req, call: call.call, form: form, submissionID: submissionID)
        }
        var existing: SubmissionContext?
        if submissionID != nil {
            let context = try await SubmissionContext.load(req)
            if let refused = editable(req, context) { return refused }
            existing = context
        } else if let refused = mayContribute(req, call) {
            return refused
        }
        return try await store(req, call: call, existing: existing, form: form, viewerID: viewer.personID)
    }

    static func store(
        _ req: Request, call: CallContext, existing: SubmissionContext?, form: SubmissionForm, viewerID: Int,
        notice: HTML = .empty
    ) async throws -> Response {
        let visit = req.visit
        let now = Date()
        let wasDraft = existing.map { $0.status == .draft } ?? true
        let sending = form.sending && wasDraft
        var files: [ExperienceStore.AttachmentRow] = []
        if let existing { files = try await ExperienceStore.attachments(of: existing.record.id, on: req.db) }
        var errors = FormErrors()
        var input: ExperienceInput?
        // A sent submission (more information asked) keeps every field required when its authors change it.
        switch ExperienceInput.validate(
            fields: form.fields, multi: form.multi, sending: sending || !wasDraft, currentYear: Day(now).year,
            lang: visit.lang)
        {
        case .success(let value): input = value
        case .failure(let box): errors = box.errors
        }
        var file: (bytes: [UInt8], kind: AttachmentCheck.Kind, name: String)?
        if let upload = form.attachment, upload.data.readableBytes > 0 {
            let bytes = Array(upload.data.readableBytesView)
            if files.count >= 5 {
                errors.add(
                    "attachment",
                    visit.t("5 pièces jointes au plus par contribution.", "5 attachments at most per submission."))
            } else {
                switch AttachmentCheck.check(bytes, filename: upload.filename) {
                case .success(let checked): file = (bytes, checked.kind, checked.name)
                case .failure(let refusal): errors.add("attachment", visit.t(refusal.message))
                }
            }
        }
        let submissionID = existing?.record.id
        let fileRows = files.map { ($0.id, $0.name, $0.size) }
        guard errors.isEmpty, let input else {
            return req.render(
                SubmissionFormPage.render(
                    visit: visit, call: call.call, submissionID: submissionID, form: form, errors: errors,
                    attachments: fileRows, canSend: wasDraft, notice: notice, status: .unprocessableEntity))
        }
        // After the deadline, nothing is lost: the text is kept as a draft, and the person is told.
        let late = sending && !call.call.window.isOpen(at: now)
        let status: ExperienceStatus =
            existing.map { sending && !late ? .submitted : $0.status } ?? (sending && !late ? .submitted : .draft)
        let callID = call.call.id
        let attachment = file
        let id = try await ExperiencesPages.write(req) { db -> Int in
            let id = try await ExperienceStore.save(
                input, id: submissionID, callID: callID, status: status, by: viewerID, on: db)
            try await ExperienceStore.index(id, input: input, on: db)
            if let attachment {
                try await db.sql.raw(
                    """
                    INSERT INTO experience_attachments (experience_id, name, type, size, bytes, created_at)
                    VALUES (\(bind: id), \(bind: attachment.name), \(bind: attachment.kind.rawValue), \(bind: attachment.bytes.count), \(bind: Data(attachment.bytes)), \(bind: Date()))
                    """
                ).run()
            }
            if status == .submitted, wasDraft {
                try await ExperienceStore.setStatus(id, to: .submitted, on: db)
                try await acknowledge(req, submissionID: id, title: input.title, call: call.call, on: db)
            }
            return id
        }
        if late {
            let again = SubmissionForm(fields: form.fields, multi: form.multi)
            var lateErrors = FormErrors()
            lateErrors.add(
                "title",
                visit.t(
                    "L'appel est clos depuis le \(call.call.window.closesOn.text(.fr)) : votre texte est gardé en brouillon, mais il ne peut plus être envoyé.",
                    "The call closed on \(call.call.window.closesOn.text(.en)): your text is kept as a draft, but it can no longer be sent."
                ))
            let saved = try await ExperienceStore.attachments(of: id, on: req.db).map { ($0.id, $0.name, $0.size) }
            return req.render(
                SubmissionFormPage.render(
                    visit: visit, call: call.call, submissionID: id, form: again, errors: lateErrors,
                    attachments: saved, canSend: false, status: .unprocessableEntity))
        }
        let message =
            status == .submitted && wasDraft
            ? visit.t(
                "Merci ! Votre contribution est envoyée. Un accusé de réception part par e-mail.",
                "Thank you! Your submission is sent. An acknowledgement is on its way by e-mail.")
            : visit.t(
                "Enregistré. Vous pourrez compléter ce brouillon plus tard.",
                "Saved. You can complete this draft later.")
        return req.redirect(to: ExperiencesPaths.submission.link(callID, id), flash: Flash(.success, message))
    }

    /// The acknowledgement to every author with an e-mail address (same transaction as the send).
    static func acknowledge(
        _ req: Request, submissionID: Int, title: String, call: CallRecord, on db: any Database
    ) async throws {
        let link = ExperiencesPages.absolute(req, ExperiencesPaths.submission.link(call.id, submissionID))
        for author in try await ExperienceStore.authors(of: submissionID, on: db) {
            guard let email = author.email else { continue }
            try await Mailer.enqueue(
                to: email, subject: "Contribution reçue : \(title)",
                body: """
                    Bonjour \(author.name),

                    Nous avons bien reçu votre contribution « \(title) » à l'appel « \(call.title) ».
                    Les relecteur·rices vont l'évaluer ; vous serez prévenu·e par e-mail si des précisions sont nécessaires.

                    Suivre votre contribution : \(link)

                    —
                    We have received your submission "\(title)" to the call "\(call.title)". Follow it: \(link)
                    """, on: db)
        }
    }

    // MARK: - A draft is never lost

    static let rescueLifetime: TimeInterval = 7 * 24 * 3600

    static func keepForLater(
        _ req: Request, call: CallRecord, form: SubmissionForm, submissionID: Int?
    ) async throws -> Response {
        let token = Tokens.random()
        // The submission id stays in the payload only: whether it exists (and is the person's) is
        // checked once they are logged in, so this answer says nothing about it.
        let payload = SubmissionForm.Rescued(fields: form.fields, multi: form.multi, submission: submissionID)
        let json = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        try await req.db.sql.raw(
            """
            INSERT INTO experience_rescues (token_hash, call_id, payload, expires_at)
            VALUES (\(bind: Tokens.sha256Hex(token)), \(bind: call.id), \(bind: json), \(bind: Date().addingTimeInterval(rescueLifetime)))
            """
        ).run()
        let visit = req.visit
        let lost =
            form.attachment.map { $0.data.readableBytes > 0 } == true
            ? visit.t(
                " Le fichier joint n'a pas pu être gardé : vous le joindrez à nouveau.",
                " The attached file could not be kept: attach it again.") : ""
        return req.redirect(
            to: LoginLink.to(ExperiencesPaths.rescue.link(call.id, token)),
            flash: Flash(
                .info,
                visit.t(
                    "Votre session a expiré, mais ce que vous avez écrit est gardé. Connectez-vous pour le retrouver.",
                    "Your session expired, but what you wrote is kept. Log in to find it again.") + lost))
    }

    /// After logging in: what was typed goes into the draft (or a new one), then the form opens.
    @Sendable static func rescue(_ req: Request) async throws -> Response {
        let call = try await CallContext.load(req)
        let viewer = try req.visit.signedInViewer()
        struct Row: Decodable { let payload: String; let expires_at: Date; let call_id: Int }
        let hash = Tokens.sha256Hex(req.parameters.get("token") ?? "")
        guard
            let row = try await req.db.sql.raw(
                "SELECT payload, expires_at, call_id FROM experience_rescues WHERE token_hash = \(bind: hash)"
            ).first(decoding: Row.self),
            row.call_id == call.call.id, row.expires_at > Date(),
            let rescued = try? JSONDecoder().decode(SubmissionForm.Rescued.self, from: Data(row.payload.utf8))
        else {
            return req.refusal(
                status: .notFound, title: Text("Texte introuvable", "Text not found"),
                message: Text(
                    "Ce lien de reprise n'est plus valable (il sert une fois, pendant 7 jours). Vos brouillons enregistrés sont sur la page de l'appel.",
                    "This recovery link is no longer valid (it works once, for 7 days). Your saved drafts are on the call's page."
                ),
                back: ExperiencesPaths.call.link(call.call.id))
        }
        var form = SubmissionForm(fields: rescued.fields, multi: rescued.multi)
        form.action = "draft"  // kept as a draft: the person reads it again before sending
        var existing: SubmissionContext?
        if let id = rescued.submission, let record = try await ExperienceStore.experience(id, on: req.db),
            record.call_id == call.call.id
        {
            let authors = try await ExperienceStore.authors(of: id, on: req.db)
            let context = SubmissionContext(call: call, record: record, authors: authors)
            if context.isAuthor, context.status.authorsMayEdit { existing = context }
        }
        let notice: HTML =
            "<p class=\"notice\">\(req.visit.t("Voici ce que vous aviez écrit avant que votre session n'expire.", "Here is what you had written before your session expired."))</p>"
        let response = try await store(
            req, call: call, existing: existing, form: form, viewerID: viewer.personID, notice: notice)
        if response.status == .seeOther {
            try await req.db.sql.raw("DELETE FROM experience_rescues WHERE token_hash = \(bind: hash)")
                .run()
            req.flash(
                .success,
                req.visit.t(
                    "Ce que vous aviez écrit est enregistré en brouillon. Relisez-le, puis envoyez-le.",
                    "What you had written is saved as a draft. Read it again, then send it."))
        }
        return response
    }

    // MARK: - Co-authors

    /// Invites a co-author by e-mail: the mail carries a link that adds whoever opens it, signed
    /// in. The page answers the same whether an account exists for the address or not.
    @Sendable static func invite(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        if let refused = editable(req, context) { return refused }
        let visit = req.visit
        let email = EmailAddress.normalize(req.formFields()["email"] ?? "")
        guard EmailAddress.isValid(email) else {
            var errors = FormErrors()
            errors.add(
                "email",
                visit.t(
                    "Écrivez l'adresse e-mail complète de la personne, par exemple nom@exemple.fr.",
                    "Write the person's full e-mail address, e.g. name@example.org."))
            return try await SubmissionShow.render(
                req, context, errors: errors, fields: ["email": req.formFields()["email"] ?? ""],
                status: .unprocessableEntity)
        }
        let token = Tokens.random()
        let link = ExperiencesPages.absolute(req, ExperiencesPaths.invitation.link(token))
        let record = context.record, inviter = try visit.signedInViewer()
        try await req.db.transaction { db in
            try await db.sql.raw(
                """
                INSERT INTO experience_invitations (token_hash, experience_id, email, invited_by_id, expires_at)
                VALUES (\(bind: Tokens.sha256Hex(token)), \(bind: record.id), \(bind: email), \(bind: inviter.personID), \(bind: Date().addingTimeInterval(14 * 24 * 3600)))
                """
            ).run()
            try await Mailer.enqueue(
                to: email, subject: "Invitation à co-écrire « \(record.title) »",
                body: """
                    Bonjour,

                    \(inviter.displayName) vous invite à co-écrire la contribution « \(record.title) » à l'appel « \(context.call.call.title) ».
                    Pour accepter, ouvrez ce lien (avec votre compte Agora Santé ; créez-en un avec cette adresse si besoin) :
                    \(link)

                    Le lien est valable 14 jours. Si vous ne connaissez pas cette personne, ignorez ce message.
                    """, on: db)
        }
        return req.redirect(
            to: ExperiencesPaths.submission.link(context.call.call.id, record.id),
            flash: Flash(.success, visit.t("Invitation envoyée à \(email).", "Invitation sent to \(email).")))
    }

    static func invitation(_ req: Request, accept: Bool) async throws -> Response {
        struct Row: Decodable { let experience_id: Int; let expires_at: Date; let title: String; let call_id: Int }
        let hash = Tokens.sha256Hex(req.parameters.get("token") ?? "")
        let visit = req.visit
        guard
            let row = try await req.db.sql.raw(
                """
                SELECT i.experience_id, i.expires_at, e.title, e.call_id FROM experience_invitations i JOIN experiences e ON e.id = i.experience_id
                WHERE i.token_hash = \(bind: hash)
                """
            ).first(decoding: Row.self), row.expires_at > Date()
        else {
            return req.refusal(
                status: .notFound, title: Text("Invitation introuvable", "Invitation not found"),
                message: Text(
                    "Cette invitation n'est plus valable : demandez à l'auteur·rice de vous inviter à nouveau.",
                    "This invitation is no longer valid: ask the author to invite you again."))
        }
        guard accept else {
            let main: HTML = """
                <h1>\(visit.t("Co-écrire une contribution", "Co-write a submission"))</h1>
                <p>\(visit.t("Vous êtes invité·e à co-écrire « \(row.title) ». Vous pourrez compléter le brouillon et vous serez nommé·e parmi les auteur·rices.",
                         "You are invited to co-write “\(row.title)”. You will be able to complete the draft and will be named among the authors."))</p>
                \(Form.open(action: ExperiencesPaths.invitation.link(req.parameters.get("token") ?? ""), visit: visit))
                <p class="actions">\(Form.submit(visit.t("Accepter et rejoindre", "Accept and join")))</p>
                </form>
                """
            return req.render(
                WebPage(title: visit.t("Co-écrire une contribution", "Co-write a submission"), main: main))
        }
        let personID = (try visit.signedInViewer()).personID
        try await ExperiencesPages.write(req) { db in
            let sql = db.sql
            try await sql.raw(
                """
                INSERT INTO experience_authors (experience_id, person_id, added_at) VALUES (\(bind: row.experience_id), \(bind: personID), \(bind: Date()))
                ON CONFLICT (experience_id, person_id) DO NOTHING
                """
            ).run()
            try await sql.raw("DELETE FROM experience_invitations WHERE token_hash = \(bind: hash)").run()
        }
        return req.redirect(
            to: ExperiencesPaths.submission.link(row.call_id, row.experience_id),
            flash: Flash(
                .success,
                visit.t("Vous êtes co-auteur·rice de cette contribution.", "You are a co-author of this submission.")))
    }

    // MARK: - Answering a request for information

    @Sendable static func answer(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        let visit = req.visit
        // The call's reviewers and organisers see the submission, but only its authors answer.
        guard context.isAuthor else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les auteur·rices d'une contribution répondent aux questions des organisateurs.",
                    "Only the authors of a submission answer the organisers' questions."),
                back: ExperiencesPaths.submission.link(context.call.call.id, context.record.id))
        }
        guard context.status == .moreInfo else {
            return req.refusal(
                status: .conflict, title: Text("Pas de question en attente", "No pending question"),
                message: Text(
                    "Aucune précision n'est demandée pour cette contribution.",
                    "No information is requested for this submission."),
                back: ExperiencesPaths.submission.link(context.call.call.id, context.record.id))
        }
        let raw = req.formFields()["message"]
        switch MessageRule.validate(
            raw, lang: visit.lang, missing: Text("Écrivez votre réponse.", "Write your answer."))
        {
        case .failure(let box):
            return try await SubmissionShow.render(
                req, context, errors: box.errors, fields: ["message": raw ?? ""], status: .unprocessableEntity)
        case .success(let text):
            let id = context.record.id, person = (try visit.signedInViewer()).personID
            try await ExperiencesPages.write(req) { db in
                try await ExperienceStore.addMessage(id, kind: "answer", body: text, by: person, on: db)
                try await ExperienceStore.setStatus(id, to: .underReview, on: db)
            }
            return req.redirect(
                to: ExperiencesPaths.submission.link(context.call.call.id, id),
                flash: Flash(
                    .success,
                    visit.t(
                        "Merci, votre réponse est transmise aux relecteur·rices.",
                        "Thank you, your answer is passed on to the reviewers.")))
        }
    }

    // MARK: - Attachments

    /// A file of a submission: public once published, else for its authors, reviewers and organisers.
    @Sendable static func attachment(_ req: Request) async throws -> Response {
        guard let callID = Slug.id(req.parameters.get("call")),
            let submissionID = Slug.id(req.parameters.get("submission")),
            let fileID = Slug.id(req.parameters.get("attachment"))
        else { throw Abort(.notFound) }
        struct Row: Decodable {
            let name: String; let type: String; let bytes: Data; let status: String; let call_id: Int;
            let experience_id: Int
        }
        guard
            let row = try await req.db.sql.raw(
                """
                SELECT f.name, f.type, f.bytes, e.status, e.call_id, f.experience_id FROM experience_attachments f JOIN experiences e ON e.id = f.experience_id
                WHERE f.id = \(bind: fileID)
                """
            ).first(decoding: Row.self), row.call_id == callID, row.experience_id == submissionID
        else { throw Abort(.notFound) }
        if row.status != ExperienceStatus.published.rawValue {
            guard req.visit.viewer != nil else { throw Abort(.notFound) }
            _ = try await SubmissionContext.load(req)  // 404 unless author, reviewer or organiser
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: row.type)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(row.name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(data: row.bytes))
    }
}
