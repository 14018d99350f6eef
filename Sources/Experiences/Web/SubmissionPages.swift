import Core
import Fluent
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
        // A GET never writes: the link shows what was kept, and a button saves it.
        router.get(ExperiencesPaths.rescue, access: .signedIn, use: rescueOffer)
        router.post(ExperiencesPaths.rescue, access: .signedIn, use: rescue)
        router.get(ExperiencesPaths.submission, access: .signedIn, use: SubmissionShow.show)
        router.post(ExperiencesPaths.invite, access: .signedIn, use: invite)
        router.get(ExperiencesPaths.invitation, access: .signedIn) { req in try await invitation(req, accept: false) }
        router.post(ExperiencesPaths.invitation, access: .signedIn) { req in try await invitation(req, accept: true) }
        router.post(ExperiencesPaths.answer, access: .signedIn, use: answer)
        router.get(ExperiencesPaths.attachment, access: .everyone, use: attachment)
    }

    /// Nil when the viewer may write a new submission to this call, else the page that says why not.
    static func mayContribute(_ req: Request, _ context: CallContext) -> Response? {
        if !context.allows(.answerCall) { return restricted(req, context) }
        if !context.call.window.isOpen(at: req.now) { return callClosed(req, context) }
        return nil
    }

    static func restricted(_ req: Request, _ context: CallContext) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Appel réservé", "Call restricted"),
            message: Text(
                "Cet appel est réservé aux membres de son territoire.",
                "This call is for members of its territory only."),
            back: ExperiencesPaths.call.link(context.call.id))
    }

    static func callClosed(_ req: Request, _ context: CallContext) -> Response {
        let now = req.now
        return req.refusal(
            status: .forbidden, title: Text("Appel clos", "Call closed"),
            message: Text(
                context.call.window.sentence(at: now, lang: .fr) + ".",
                context.call.window.sentence(at: now, lang: .en) + "."),
            back: ExperiencesPaths.call.link(context.call.id))
    }

    /// Nil when the viewer may change this submission's text.
    static func editable(_ req: Request, _ context: SubmissionContext) -> Response? {
        guard context.allows(.edit) else { return notAuthor(req) }
        guard context.status.authorsMayEdit else { return locked(req, context) }
        return nil
    }

    static func notAuthor(_ req: Request) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Accès refusé", "Access denied"),
            message: Text(
                "Seuls les auteur·rices d'une contribution la modifient.",
                "Only the authors of a submission change it."))
    }

    static func locked(_ req: Request, _ context: SubmissionContext) -> Response {
        req.refusal(
            status: .conflict, title: Text("Contribution envoyée", "Submission sent"),
            message: Text(
                "Cette contribution est envoyée : elle ne se modifie plus, sauf si les organisateurs vous demandent des précisions.",
                "This submission is sent: it can no longer be changed, unless the organisers ask you for more information."
            ),
            back: ExperiencesPaths.submission.link(context.call.call.id, context.record.id))
    }

    // MARK: - Saving

    /// New submission or edit, draft or send. Without a session (it expired while typing), what
    /// was typed is kept server-side and the person is sent to log in, then back to it.
    @Sendable static func save(_ req: Request) async throws -> Response {
        let call = try await CallContext.load(req)
        let form = (try? req.content.decode(SubmissionForm.self)) ?? SubmissionForm()
        let submissionID = Slug.id(req.parameters.get("submission"))
        if req.parameters.get("submission") != nil, submissionID == nil { throw Abort(.notFound) }
        guard req.visit.viewer != nil else {
            return try await keepForLater(req, call: call.call, form: form, submissionID: submissionID)
        }
        let existing = submissionID != nil ? try await SubmissionContext.load(req) : nil
        // A recovered text may be late: it is then kept as a draft (never sent).
        let rescued = RecoverText.holds(
            form.reprise_preuve, call: call.call.id, now: req.now, signer: req.useCases.signer)
        return try await store(req, call: call, existing: existing, form: form, rescued: rescued)
    }

    static func store(
        _ req: Request, call: CallContext, existing: SubmissionContext?, form: SubmissionForm, rescued: Bool = false,
        notice: HTML = .empty
    ) async throws -> Response {
        let visit = req.visit
        let upload = form.attachment.flatMap { file -> SubmissionDraft.Upload? in
            file.data.readableBytes > 0
                ? SubmissionDraft.Upload(bytes: Array(file.data.readableBytesView), filename: file.filename) : nil
        }
        let draft = SubmissionDraft(fields: form.fields, multi: form.multi, sending: form.sending, upload: upload)
        let outcome = try await SaveSubmission.run(
            draft, call: call, existing: existing, rescued: rescued, env: req.useCases)
        let callID = call.call.id
        switch outcome {
        case .restricted: return restricted(req, call)
        case .callClosed: return callClosed(req, call)
        case .forbidden: return notAuthor(req)
        case .locked:
            guard let existing else { return notAuthor(req) }
            return locked(req, existing)
        case .invalid(let errors):
            let submissionID = existing?.record.id
            var files: [ExperienceStore.AttachmentRow] = []
            if let submissionID { files = try await ExperienceStore.attachments(of: submissionID, on: req.db) }
            return req.render(
                SubmissionFormPage.render(
                    visit: visit, call: call.call, submissionID: submissionID, form: form, errors: errors,
                    attachments: files.map { ($0.id, $0.name, $0.size) },
                    canSend: existing.map { $0.status == .draft } ?? true, notice: notice,
                    status: .unprocessableEntity))
        case .late(let id):
            ExperiencesPages.changed(req)
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
        case .sent(let id):
            ExperiencesPages.changed(req)
            let message = visit.t(
                "Merci ! Votre contribution est envoyée. Un accusé de réception part par e-mail.",
                "Thank you! Your submission is sent. An acknowledgement is on its way by e-mail.")
            return req.redirect(to: ExperiencesPaths.submission.link(callID, id), flash: Flash(.success, message))
        case .saved(let id):
            ExperiencesPages.changed(req)
            let message = visit.t(
                "Enregistré. Vous pourrez compléter ce brouillon plus tard.",
                "Saved. You can complete this draft later.")
            return req.redirect(to: ExperiencesPaths.submission.link(callID, id), flash: Flash(.success, message))
        }
    }

    // MARK: - A draft is never lost

    /// The cookie that names this browser to its rescued texts (random, HttpOnly, for the calls'
    /// pages only): a rescue link opened in another browser finds nothing.
    static let browserCookie = "agora_reprise"

    static func keepForLater(
        _ req: Request, call: CallRecord, form: SubmissionForm, submissionID: Int?
    ) async throws -> Response {
        let browserKey = BrowserKey.readOrNew(req, cookie: browserCookie).key
        // The submission id stays in the text kept only: whether it exists (and is the person's)
        // is checked once they are logged in, so this answer says nothing about it.
        let token = try await KeepForLater.run(
            RescuedText(fields: form.fields, multi: form.multi, submission: submissionID), browserKey: browserKey,
            call: call, env: req.useCases)
        let visit = req.visit
        let lost =
            form.attachment.map { $0.data.readableBytes > 0 } == true
            ? visit.t(
                " Le fichier joint n'a pas pu être gardé : vous le joindrez à nouveau.",
                " The attached file could not be kept: attach it again.") : ""
        let response = req.redirect(
            to: LoginLink.to(ExperiencesPaths.rescue.link(call.id, token)),
            flash: Flash(
                .info,
                visit.t(
                    "Votre session a expiré, mais ce que vous avez écrit est gardé sur ce navigateur. Connectez-vous pour le retrouver.",
                    "Your session expired, but what you wrote is kept in this browser. Log in to find it again.") + lost
            ))
        BrowserKey.set(
            response, key: browserKey, cookie: browserCookie, path: "/appels", maxAge: Int(KeepForLater.lifetime),
            req: req)
        return response
    }

    /// After logging in: a button recovers the text kept in this browser. Nothing of the text is
    /// shown by this page, and nothing is written.
    @Sendable static func rescueOffer(_ req: Request) async throws -> Response {
        let call = try await CallContext.load(req)
        let visit = req.visit
        guard
            try await RecoverText.exists(
                token: req.parameters.get("token") ?? "", browserKey: req.cookies[browserCookie]?.string, call: call,
                env: req.useCases)
        else { return rescueMissing(req, call) }
        let main: HTML = """
            <h1>\(visit.t("Retrouver ce que vous aviez écrit", "Recover what you had written"))</h1>
            <p>\(visit.t("Votre session avait expiré pendant que vous écriviez. Le texte est gardé : retrouvez-le dans le formulaire, relisez-le, puis enregistrez-le.", "Your session expired while you were writing. The text is kept: find it in the form, read it again, then save it."))</p>
            \(Form.open(action: req.url.path, visit: visit))\(Form.submit(visit.t("Retrouver mon texte", "Recover my text")))</form>
            """
        return req.render(WebPage(title: visit.t("Retrouver mon texte", "Recover my text"), main: main))
    }

    static func rescueMissing(_ req: Request, _ call: CallContext) -> Response {
        req.refusal(
            status: .notFound, title: Text("Texte introuvable", "Text not found"),
            message: Text(
                "Ce lien de reprise n'est pas valable ici : il sert une fois, pendant 7 jours, sur le navigateur où le texte a été écrit. Vos brouillons enregistrés sont sur la page de l'appel.",
                "This recovery link is not valid here: it works once, for 7 days, in the browser where the text was written. Your saved drafts are on the call's page."
            ),
            back: ExperiencesPaths.call.link(call.call.id))
    }

    /// The button of the offer (a POST with its CSRF token): the form opens filled in with what
    /// was typed. Nothing is saved until the author saves it; the form says what it will replace.
    @Sendable static func rescue(_ req: Request) async throws -> Response {
        let call = try await CallContext.load(req)
        let visit = req.visit
        let outcome = try await RecoverText.run(
            token: req.parameters.get("token") ?? "", browserKey: req.cookies[browserCookie]?.string, call: call,
            env: req.useCases)
        guard case .recovered(let text, let replacing, let proof) = outcome else { return rescueMissing(req, call) }
        var form = SubmissionForm(fields: text.fields, multi: text.multi)
        form.action = nil
        let notice: HTML
        if let replacing {
            notice = """
                <div class="notice"><p>\(visit.t("Voici ce que vous aviez écrit avant que votre session n'expire. Il n'est pas encore enregistré.", "Here is what you had written before your session expired. It is not saved yet."))</p>\
                <p><strong>\(visit.t("En l'enregistrant, vous remplacerez le texte actuel de votre contribution « \(replacing.record.title) ».", "Saving it will replace the current text of your submission “\(replacing.record.title)”."))</strong> \
                <a href="\(ExperiencesPaths.submission.link(call.call.id, replacing.record.id))">\(visit.t("Voir le texte actuel", "See the current text"))</a></p></div>
                """
        } else {
            notice =
                "<div class=\"notice\"><p>\(visit.t("Voici ce que vous aviez écrit avant que votre session n'expire. Il n'est pas encore enregistré : enregistrez-le en brouillon, puis relisez-le avant de l'envoyer.", "Here is what you had written before your session expired. It is not saved yet: save it as a draft, then read it again before sending it."))</p></div>"
        }
        var files: [ExperienceStore.AttachmentRow] = []
        if let replacing { files = try await ExperienceStore.attachments(of: replacing.record.id, on: req.db) }
        return req.render(
            SubmissionFormPage.render(
                visit: visit, call: call.call, submissionID: replacing?.record.id, form: form, errors: FormErrors(),
                attachments: files.map { ($0.id, $0.name, $0.size) },
                canSend: replacing.map { $0.status == .draft } ?? true, notice: notice,
                hidden: "<input type=\"hidden\" name=\"reprise_preuve\" value=\"\(proof)\">"))
    }

    // MARK: - Co-authors

    /// Invites a co-author by e-mail: the mail carries a link that adds whoever opens it, signed
    /// in. The page answers the same whether an account exists for the address or not.
    @Sendable static func invite(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        let visit = req.visit
        let raw = req.formFields()["email"] ?? ""
        switch try await InviteCoAuthor.run(email: raw, submission: context, env: req.useCases) {
        case .forbidden: return notAuthor(req)
        case .locked: return locked(req, context)
        case .invalid(let errors):
            return try await SubmissionShow.render(
                req, context, errors: errors, fields: ["email": raw], status: .unprocessableEntity)
        case .invited(let email):
            return req.redirect(
                to: ExperiencesPaths.submission.link(context.call.call.id, context.record.id),
                flash: Flash(.success, visit.t("Invitation envoyée à \(email).", "Invitation sent to \(email).")))
        }
    }

    static func invitation(_ req: Request, accept: Bool) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let visit = req.visit
        let env = req.useCases
        func gone() -> Response {
            req.refusal(
                status: .notFound, title: Text("Invitation introuvable", "Invitation not found"),
                message: Text(
                    "Cette invitation n'est plus valable : demandez à l'auteur·rice de vous inviter à nouveau.",
                    "This invitation is no longer valid: ask the author to invite you again."))
        }
        guard accept else {
            guard let row = try await AcceptInvitation.find(token: token, env: env) else { return gone() }
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
        let viewer = try visit.signedInViewer()
        let actor = Actor(personID: viewer.personID, name: viewer.displayName, email: viewer.email, roles: [])
        guard
            case .joined(let callID, let submissionID) = try await AcceptInvitation.run(
                token: token, actor: actor, env: env)
        else { return gone() }
        ExperiencesPages.changed(req)
        return req.redirect(
            to: ExperiencesPaths.submission.link(callID, submissionID),
            flash: Flash(
                .success,
                visit.t("Vous êtes co-auteur·rice de cette contribution.", "You are a co-author of this submission.")))
    }

    // MARK: - Answering a request for information

    @Sendable static func answer(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        let visit = req.visit
        let raw = req.formFields()["message"]
        let back = ExperiencesPaths.submission.link(context.call.call.id, context.record.id)
        switch try await AnswerQuestion.run(message: raw, submission: context, env: req.useCases) {
        case .forbidden:
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les auteur·rices d'une contribution répondent aux questions des organisateurs.",
                    "Only the authors of a submission answer the organisers' questions."),
                back: back)
        case .noPendingQuestion:
            return req.refusal(
                status: .conflict, title: Text("Pas de question en attente", "No pending question"),
                message: Text(
                    "Aucune précision n'est demandée pour cette contribution.",
                    "No information is requested for this submission."),
                back: back)
        case .invalid(let errors):
            return try await SubmissionShow.render(
                req, context, errors: errors, fields: ["message": raw ?? ""], status: .unprocessableEntity)
        case .answered:
            ExperiencesPages.changed(req)
            return req.redirect(
                to: back,
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
        guard let row = try await ExperienceStore.attachmentFile(fileID, on: req.db), row.call_id == callID,
            row.experience_id == submissionID
        else { throw Abort(.notFound) }
        if row.status != .published {
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
