import Core
import Fluent
import Foundation
import Vapor

/// Answering: online (public link, QR code, save and resume), on paper, and typed in by a
/// patient partner or a coordinator (assisted entry).
enum AnswerPages {
    static func register(_ router: RouteRegistrar) {
        router.get(QuestionnairePaths.show, access: .everyone, use: show)
        router.get(QuestionnairePaths.answer, access: .everyone) { req in
            let context = try await QContext.load(req, recent: true)
            guard context.record.status == .published else { return closed(req, context) }
            let actor = actor(req)
            guard AnswerAudience.mayAnswerOnline(context.record.audience, roles: actor.roles) else {
                return professionalsOnly(req, context)
            }
            let waves = try await req.application.questionnaireForms.waves(context.id, on: req.db)
            // A signed-in person who answered this wave sees their answer, to change it.
            if let own = try await OwnAnswer.find(questionnaire: context, waves: waves, actor: actor, env: req.useCases)
            {
                return req.render(
                    answerPage(req, context, typed: own, errors: FormErrors(), resumeToken: nil, modifying: true))
            }
            var typed = TypedAnswers()
            if req.queryFields()["reprendre"] != nil,
                let draft = try await FindOwnDraft.run(
                    questionnaire: context, browserKey: BrowserKey.read(req, cookie: draftCookie), actor: actor,
                    env: req.useCases)
            {
                typed = draft
            }
            return req.render(answerPage(req, context, typed: typed, errors: FormErrors(), resumeToken: nil))
        }
        router.post(QuestionnairePaths.answer, access: .everyone, use: submit)
        router.get(QuestionnairePaths.resume, access: .everyone) { req in
            let context = try await QContext.load(req)
            let token = req.parameters.get("token") ?? ""
            guard
                let typed = try await QuestionnaireStore.draft(
                    questionnaireID: context.id, tokenHash: Tokens.sha256Hex(token), on: req.db)
            else {
                return req.refusal(
                    status: .notFound, title: Text("Lien de reprise inconnu", "Unknown resume link"),
                    message: Text(
                        "Ce lien ne correspond à aucune réponse en cours : elle a peut-être déjà été envoyée.",
                        "This link matches no answer in progress: it may have been sent already."),
                    back: context.link(QuestionnairePaths.show))
            }
            guard context.record.status == .published else { return closed(req, context) }
            return req.render(answerPage(req, context, typed: typed, errors: FormErrors(), resumeToken: token))
        }
        router.get(QuestionnairePaths.preview, access: .territory(QuestionnairesPolicy.builders)) { req in
            let context = try await QContext.load(req)
            let visit = req.visit
            let main: HTML = """
                <p class="notice">\(visit.t("Aperçu : voici le questionnaire tel que les répondants le verront. Rien n'est envoyé depuis cette page.",
                                         "Preview: this is the questionnaire as respondents will see it. Nothing is sent from this page."))</p>
                <h1>\(context.record.title)</h1>\(View.paragraphs(context.record.intro))
                <div class="form">\(QuestionView.fields(context.definition, communes: context.territory.communes, typed: TypedAnswers(), errors: FormErrors(), visit: visit))</div>
                <p><a href="\(context.link(QuestionnairePaths.builder))">\(visit.t("Retour à la construction", "Back to the builder"))</a></p>
                """
            return req.render(
                WebPage(
                    title: visit.t("Aperçu · \(context.record.title)", "Preview · \(context.record.title)"), main: main,
                    scripts: ["questionnaire.js"]))
        }
        router.get(QuestionnairePaths.paper, access: .everyone) { req in
            let context = try await QContext.load(req)
            let visit = req.visit
            let address = req.agora.config.baseURL + context.link(QuestionnairePaths.answer)
            let main: HTML = """
                <div class="paper">
                <h1>\(context.record.title)</h1>\(View.paragraphs(context.record.intro))
                <p class="hint">\(visit.t("Version papier. Vos réponses sont anonymes. Vous pouvez aussi répondre en ligne : ", "Paper version. Your answers are anonymous. You can also answer online: "))\(address)</p>
                <p class="no-print"><a href="\(context.link(QuestionnairePaths.show))">\(visit.t("Retour au questionnaire", "Back to the questionnaire"))</a></p>
                \(QuestionView.paper(context.definition, communes: context.territory.communes, visit: visit))
                </div>
                """
            return req.render(
                WebPage(
                    title: visit.t(
                        "Version papier · \(context.record.title)", "Paper version · \(context.record.title)"),
                    main: main))
        }
        router.get(QuestionnairePaths.qr, access: .everyone) { req in
            let context = try await QContext.load(req, recent: true)
            let address = req.agora.config.baseURL + context.link(QuestionnairePaths.answer)
            let code = try QRCode.encode(address)
            let response = Response(
                status: .ok,
                body: .init(
                    string: code.svg(
                        label: req.visit.t("Code QR vers le questionnaire", "QR code to the questionnaire"))))
            response.headers.contentType = HTTPMediaType(type: "image", subType: "svg+xml")
            response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=3600")
            return response
        }
        router.get(QuestionnairePaths.assisted, access: .territory(QuestionnairesPolicy.assistants)) { req in
            let context = try await QContext.load(req)
            guard context.record.status != .draft else { return notOpen(req, context) }
            guard context.record.status != .closed else { return closedToEntry(req, context) }
            let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
            var typed = TypedAnswers()
            typed.fields["_canal"] = req.queryFields()["canal"] ?? Channel.paper.rawValue
            typed.fields["_vague"] =
                req.queryFields()["vague"] ?? QPages.wave(on: QPages.today(req), in: waves).map { String($0.id) } ?? ""
            typed.fields["_evenement"] = req.queryFields()["evenement"]
            return req.render(assistedPage(req, context, waves: waves, typed: typed, errors: FormErrors()))
        }
        router.post(
            QuestionnairePaths.assisted, access: .territory(QuestionnairesPolicy.assistants), use: assistedSubmit)
    }

    static func closed(_ req: Request, _ context: QContext) -> Response {
        req.refusal(
            status: .conflict, title: Text("Questionnaire clos", "Questionnaire closed"),
            message: Text(
                "Ce questionnaire ne reçoit plus de réponses. Merci de votre intérêt.",
                "This questionnaire no longer takes answers. Thank you for your interest."),
            back: context.link(QuestionnairePaths.show))
    }

    /// The cookie naming this browser to its anonymous drafts (random, HttpOnly, see `BrowserKey`).
    static let draftCookie = "agora_brouillon"
    static let draftCookieAge = 90 * 24 * 3600

    static func professionalsOnly(_ req: Request, _ context: QContext) -> Response {
        req.refusal(
            status: .forbidden, title: Text("Questionnaire des professionnel·les", "Professionals' questionnaire"),
            message: AnswerAudience.professionalsOnly, back: context.link(QuestionnairePaths.show))
    }

    static let closedEntryMessage = Text(
        "Ce questionnaire est clos : il ne reçoit plus de réponses, et celle-ci n'a pas été enregistrée. Rouvrez-le depuis la page « Construire » pour saisir des réponses.",
        "This questionnaire is closed: it takes no more answers, and this one was not saved. Reopen it from the “Build” page to type answers."
    )

    static func closedToEntry(_ req: Request, _ context: QContext) -> Response {
        req.refusal(
            status: .conflict, title: Text("Questionnaire clos", "Questionnaire closed"),
            message: Text(
                "Ce questionnaire est clos : il ne reçoit plus de réponses. Rouvrez-le depuis la page « Construire » pour saisir des réponses.",
                "This questionnaire is closed: it takes no more answers. Reopen it from the “Build” page to type answers."
            ),
            back: context.link(QuestionnairePaths.show))
    }

    static func notOpen(_ req: Request, _ context: QContext) -> Response {
        req.refusal(
            status: .conflict, title: Text("Questionnaire pas encore publié", "Questionnaire not published yet"),
            message: Text(
                "Publiez le questionnaire avant d'y saisir des réponses.",
                "Publish the questionnaire before typing answers into it."),
            back: context.link(QuestionnairePaths.builder))
    }

    // MARK: Presentation

    @Sendable static func show(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req, recent: true)
        let visit = req.visit
        let record = context.record
        let status = record.status
        let address = req.agora.config.baseURL + context.link(QuestionnairePaths.answer)
        let questions = context.definition.questions.count
        let answer: HTML
        switch status {
        case .published:
            let actor = actor(req)
            let waves = try await req.application.questionnaireForms.waves(context.id, on: req.db)
            let answered =
                try await OwnAnswer.find(questionnaire: context, waves: waves, actor: actor, env: req.useCases) != nil
            let hasDraft =
                try await FindOwnDraft.run(
                    questionnaire: context, browserKey: BrowserKey.read(req, cookie: draftCookie), actor: actor,
                    env: req.useCases) != nil
            let link = context.link(QuestionnairePaths.answer)
            let action: HTML
            if !AnswerAudience.mayAnswerOnline(record.audience, roles: actor.roles) {
                action = "<p class=\"notice\">\(visit.t(AnswerAudience.professionalsOnly))</p>"
            } else if answered {
                action = """
                    <p class="notice">\(visit.t("Vous avez déjà répondu à ce questionnaire pour cette vague.", "You already answered this questionnaire for this wave."))</p>
                    <p><a class="button" href="\(link)">\(visit.t("Vous avez déjà répondu — modifier ma réponse", "You already answered — change my answer"))</a></p>
                    """
            } else if hasDraft {
                action = """
                    <p><a class="button" href="\(link)?reprendre=1">\(visit.t("Reprendre mon questionnaire", "Continue my questionnaire"))</a></p>
                    <p><a href="\(link)">\(visit.t("Recommencer avec un formulaire vide", "Start again with an empty form"))</a></p>
                    """
            } else {
                action =
                    "<p><a class=\"button\" href=\"\(link)\">\(visit.t("Répondre au questionnaire", "Answer the questionnaire"))</a></p>"
            }
            answer = """
                \(action)
                <p>\(visit.t("\(questions) questions. Vos réponses sont anonymes : elles ne sont reliées à aucun compte.", "\(questions) questions. Your answers are anonymous: they are not linked to any account."))</p>
                """
        case .closed:
            answer = "<p class=\"notice\">\(visit.t("Ce questionnaire est clos.", "This questionnaire is closed."))</p>"
        case .draft:
            answer =
                "<p class=\"notice\">\(visit.t("Brouillon : seuls les coordinateurs le voient.", "Draft: only coordinators see it."))</p>"
        }
        let share: HTML =
            status == .draft
            ? .empty
            : """
            <section aria-labelledby="diffuser"><h2 id="diffuser">\(visit.t("Le diffuser", "Share it"))</h2>
            <p>\(visit.t("Adresse à partager :", "Address to share:")) <a href="\(context.link(QuestionnairePaths.answer))">\(address)</a></p>
            <figure class="qr"><img src="\(context.link(QuestionnairePaths.qr))" width="220" height="220" alt="\(visit.t("Code QR menant au questionnaire", "QR code leading to the questionnaire"))">
            <figcaption>\(visit.t("Code QR à imprimer sur une affiche : il ouvre le questionnaire sur un téléphone.", "QR code to print on a poster: it opens the questionnaire on a phone."))</figcaption></figure>
            <p><a href="\(context.link(QuestionnairePaths.paper))">\(visit.t("Version papier à imprimer", "Printable paper version"))</a></p>
            </section>
            """
        let main: HTML = """
            <h1>\(record.title)</h1>
            <p class="meta">\(visit.t(record.audience.label)) · \(visit.t(status.label))</p>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.show))
            \(View.paragraphs(record.intro))
            \(answer)
            \(share)
            """
        return req.render(WebPage(title: record.title, main: main))
    }

    // MARK: Online answer

    static func answerPage(
        _ req: Request, _ context: QContext, typed: TypedAnswers, errors: FormErrors, resumeToken: String?,
        modifying: Bool = false, status: HTTPStatus = .ok
    ) -> WebPage {
        let visit = req.visit
        let record = context.record
        // A new single-use token with every page of the form (also after a refusal: the answers
        // typed are kept, and sending them again works once).
        let token = FormToken.issue(questionnaireID: record.id, now: req.now, signer: req.agora.signer)
        let once: HTML =
            "<input type=\"hidden\" name=\"\(FormToken.field)\" value=\"\(token)\">"
            + (modifying ? "<input type=\"hidden\" name=\"_modifier\" value=\"1\">" : "")
        let modifyNotice: HTML =
            modifying
            ? "<p class=\"notice\">\(visit.t("Vous avez déjà répondu : voici votre réponse. En l'envoyant à nouveau, vous la remplacez (elle reste comptée une fois).", "You already answered: here is your answer. Sending it again replaces it (it still counts once)."))</p>"
            : .empty
        let questions: HTML
        if typed == TypedAnswers() && errors.isEmpty {
            questions = req.application.questionnaireForms.form(record, lang: visit.lang) {
                QuestionView.fields(
                    context.definition, communes: context.territory.communes, typed: typed, errors: errors, visit: visit
                )
            }
        } else {
            questions = QuestionView.fields(
                context.definition, communes: context.territory.communes, typed: typed, errors: errors, visit: visit)
        }
        let resume: HTML =
            resumeToken.map { token in
                let link = req.agora.config.baseURL + QuestionnairePaths.resume.link(context.slug, record.id, token)
                return """
                    <div class="notice"><p>\(visit.t("Vos réponses en cours sont gardées. Pour revenir plus tard, gardez ce lien (ajoutez-le à vos favoris) :",
                                                "Your answers so far are kept. To come back later, keep this link (bookmark it):"))</p><p><a href="\(link)">\(link)</a></p></div>\
                    <input type="hidden" name="_reprise" value="\(token)">
                    """
            } ?? .empty
        let audience: HTML =
            record.audience == .all
            ? Form.radios(
                name: "_public", legend: visit.t("Vous répondez en tant que", "You answer as"),
                options: [
                    Form.Option(
                        QAudience.users.rawValue,
                        visit.t("Usager, patient, proche ou habitant", "User, patient, relative or resident")),
                    Form.Option(
                        QAudience.professionals.rawValue,
                        visit.t("Professionnel de santé ou du social", "Health or social care professional")),
                ],
                selected: typed.fields["_public"], errors: errors, visit: visit, required: true) : .empty
        let link: HTML =
            record.link_accounts && visit.viewer != nil
            ? Form.checkbox(
                name: "_lier",
                label:
                    "\(visit.t("Relier ma réponse à mon compte (facultatif)", "Link my answer to my account (optional)"))",
                checked: typed.fields["_lier"] == "on",
                errors: errors, visit: visit,
                hint: visit.t(
                    "Sans cette case, votre réponse reste anonyme. Avec elle, vous pourrez la retrouver dans l'export de vos données.",
                    "Without this box your answer stays anonymous. With it, you will find it in the export of your data."
                )) : .empty
        let main: HTML = """
            <h1>\(record.title)</h1>
            \(Form.errorSummary(errors, visit: visit))
            \(View.paragraphs(record.intro))
            <p class="hint">\(visit.t("Les questions marquées « obligatoire » demandent une réponse ; les autres sont facultatives. Vos réponses sont anonymes.",
                                   "Questions marked “required” need an answer; the others are optional. Your answers are anonymous."))</p>
            \(modifyNotice)
            \(Form.open(action: context.link(QuestionnairePaths.answer), visit: visit))\(once)
            \(QPages.formProblem(errors))\(resume)\(eventField(typed.fields["_evenement"] ?? req.queryFields()["evenement"]))\(audience)\(questions)\(link)
            <div class="actions">\(Form.submit(visit.t("Envoyer mes réponses", "Send my answers")))\
            \(Form.submit(visit.t("Enregistrer et reprendre plus tard", "Save and continue later"), secondary: true, name: "_plus_tard", value: "1"))</div>
            </form>
            """
        return WebPage(
            title: record.title, main: main, status: status, scripts: ["questionnaire.js", "app.js"],
            hasErrors: !errors.isEmpty)
    }

    static func typedAnswers(_ req: Request, _ definition: Definition) -> TypedAnswers {
        let form = req.formFieldsAndLists()
        return TypedAnswers(fields: form.fields, lists: form.lists.filter { !$0.value.isEmpty })
    }

    static func actor(_ req: Request) -> Actor {
        let visit = req.visit
        return Actor(
            personID: visit.viewer?.personID, name: visit.viewer?.displayName, email: visit.viewer?.email,
            roles: visit.rolesHere, lang: visit.lang)
    }

    @Sendable static func submit(_ req: Request) async throws -> Response {
        // A copy read within the last second: the writer checks that it is still open when it writes.
        let context = try await QContext.load(req, recent: true)
        let actor = actor(req)
        guard QuestionnairesPolicy.allows(actor, .answer, on: context.record) else { return closed(req, context) }
        guard AnswerAudience.mayAnswerOnline(context.record.audience, roles: actor.roles) else {
            return professionalsOnly(req, context)
        }
        let visit = req.visit
        let typed = typedAnswers(req, context.definition)
        let resumeToken = typed.fields["_reprise"].flatMap { $0.isEmpty ? nil : $0 }
        let modifying = typed.fields["_modifier"] == "1"
        if typed.fields["_plus_tard"] != nil {
            // Signed in, the draft is the person's (keyed hash); else this browser's (a cookie).
            let browser = actor.isSignedIn ? nil : BrowserKey.readOrNew(req, cookie: draftCookie)
            switch try await SaveAnswerDraft.run(
                typed, questionnaire: context, resumeToken: resumeToken, browserKey: browser?.key, actor: actor,
                env: req.useCases)
            {
            case .closed: return closed(req, context)
            case .kept(let token):
                let response = req.redirect(
                    to: QuestionnairePaths.resume.link(context.slug, context.id, token),
                    flash: Flash(
                        .success,
                        visit.t(
                            "Vos réponses sont enregistrées. Gardez le lien de cette page pour reprendre plus tard.",
                            "Your answers are saved. Keep this page's link to continue later.")))
                if let browser, browser.isNew {
                    BrowserKey.set(
                        response, key: browser.key, cookie: draftCookie, path: "/", maxAge: draftCookieAge, req: req)
                }
                return response
            }
        }
        let waves = try await req.application.questionnaireForms.waves(context.id, on: req.db)
        let safeguards = AnswerSafeguards(
            formToken: typed.fields[FormToken.field], address: req.clientAddress,
            addressLimit: req.agora.config.answerAddressLimit, limiter: req.agora.rateLimiter, replacing: modifying,
            browserKey: BrowserKey.read(req, cookie: draftCookie))
        func again(_ status: HTTPStatus, _ message: Text) -> Response {
            var errors = FormErrors()
            errors.add("_formulaire", visit.t(message))
            return req.render(
                answerPage(
                    req, context, typed: typed, errors: errors, resumeToken: resumeToken, modifying: modifying,
                    status: status))
        }
        switch try await SubmitAnswer.run(
            typed, questionnaire: context, waves: waves, resumeToken: resumeToken, safeguards: safeguards,
            actor: actor, env: req.useCases)
        {
        case .closed: return closed(req, context)
        case .professionalsOnly: return professionalsOnly(req, context)
        case .invalid(let errors):
            return req.render(
                answerPage(
                    req, context, typed: typed, errors: errors, resumeToken: resumeToken, modifying: modifying,
                    status: .unprocessableEntity))
        case .badToken(let problem): return again(problem == .missing ? .badRequest : .forbidden, problem.message)
        case .tokenUsed: return again(.conflict, FormToken.used)
        case .alreadyAnswered:
            return req.refusal(
                status: .conflict, title: Text("Vous avez déjà répondu", "You already answered"),
                message: Text(
                    "Vous avez déjà répondu à ce questionnaire pour cette vague : cette réponse n'a pas été comptée une seconde fois. Pour changer votre réponse, ouvrez « Vous avez déjà répondu — modifier ma réponse » sur la page du questionnaire.",
                    "You already answered this questionnaire for this wave: this answer was not counted a second time. To change your answer, open “You already answered — change my answer” on the questionnaire's page."
                ),
                back: context.link(QuestionnairePaths.show))
        case .tooMany:
            return again(
                .tooManyRequests,
                Text(
                    "Beaucoup de réponses arrivent de ce réseau en ce moment : vos réponses n'ont pas été enregistrées. Elles sont gardées ci-dessous : envoyez-les à nouveau dans quelques minutes.",
                    "Many answers come from this network right now: your answers were not saved. They are kept below: send them again in a few minutes."
                ))
        case .saved:
            return req.redirect(
                to: context.link(QuestionnairePaths.show),
                flash: Flash(
                    .success, visit.t("Merci ! Votre réponse est enregistrée.", "Thank you! Your answer is saved.")))
        case .replaced:
            return req.redirect(
                to: context.link(QuestionnairePaths.show),
                flash: Flash(
                    .success,
                    visit.t(
                        "Votre réponse est modifiée : elle remplace la précédente.",
                        "Your answer is changed: it replaces the previous one.")))
        }
    }

    // MARK: Assisted entry

    static func assistedPage(
        _ req: Request, _ context: QContext, waves: [WaveRecord], typed: TypedAnswers, errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let visit = req.visit
        let record = context.record
        let audience: HTML =
            record.audience == .all
            ? Form.radios(
                name: "_public", legend: visit.t("La personne répond en tant que", "The person answers as"),
                options: [
                    Form.Option(QAudience.users.rawValue, visit.t("Usager", "User")),
                    Form.Option(QAudience.professionals.rawValue, visit.t("Professionnel", "Professional")),
                ],
                selected: typed.fields["_public"], errors: errors, visit: visit, required: true) : .empty
        let main: HTML = """
            <h1>\(visit.t("Saisie assistée", "Assisted entry")) · \(record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.assisted))
            \(Form.errorSummary(errors, visit: visit))
            <p>\(visit.t("Pour saisir une réponse recueillie sur papier, par téléphone ou en personne. Tabulation pour passer d'une question à l'autre, flèches pour choisir ; la réponse reste anonyme.",
                     "To type an answer collected on paper, by phone or in person. Tab moves between questions, arrows choose; the answer stays anonymous."))</p>
            \(Form.open(action: context.link(QuestionnairePaths.assisted), visit: visit))\(eventField(typed.fields["_evenement"]))\(QPages.formProblem(errors))
            <div class="inline-fields">
            \(Form.select(name: "_canal", label: visit.t("Canal", "Channel"), options: Channel.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: typed.fields["_canal"], errors: errors, visit: visit, required: true))
            \(Form.select(name: "_vague", label: visit.t("Vague", "Wave"), options: waves.map { Form.Option(String($0.id), $0.name) }, selected: typed.fields["_vague"],
                      errors: errors, visit: visit, placeholder: visit.t("— Hors vague —", "— No wave —")))
            </div>
            \(audience)
            \(QuestionView.fields(context.definition, communes: context.territory.communes, typed: typed, errors: errors, visit: visit))
            <div class="actions">\(Form.submit(visit.t("Enregistrer cette réponse et saisir la suivante", "Save this answer and type the next one")))</div>
            </form>
            """
        return WebPage(
            title: visit.t("Saisie assistée · \(record.title)", "Assisted entry · \(record.title)"), main: main,
            status: status,
            scripts: ["questionnaire.js", "app.js"], hasErrors: !errors.isEmpty)
    }

    @Sendable static func assistedSubmit(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        guard context.record.status != .draft else { return notOpen(req, context) }
        let visit = req.visit
        let typed = typedAnswers(req, context.definition)
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        let outcome = try await EnterAssistedAnswer.run(
            typed, questionnaire: context, waves: waves, actor: actor(req), env: req.useCases)
        switch outcome {
        case .forbidden: throw Abort(.forbidden)
        case .closed:
            var errors = FormErrors()
            errors.add("_formulaire", visit.t(closedEntryMessage))
            return req.render(assistedPage(req, context, waves: waves, typed: typed, errors: errors, status: .conflict))
        case .invalid(let errors):
            return req.render(
                assistedPage(req, context, waves: waves, typed: typed, errors: errors, status: .unprocessableEntity))
        case .saved(let id, let channel, let waveID):
            let next =
                context.link(QuestionnairePaths.assisted) + "?canal=\(channel.rawValue)"
                + (waveID.map { "&vague=\($0)" } ?? "")
                + (eventID(typed.fields["_evenement"]).map { "&evenement=\($0)" } ?? "")
            return req.redirect(
                to: next,
                flash: Flash(
                    .success,
                    visit.t(
                        "Réponse n° \(id) enregistrée (\(visit.t(channel.label).lowercased())). Vous pouvez saisir la suivante.",
                        "Answer no. \(id) saved (\(visit.t(channel.label).lowercased())). You can type the next one.")))
        }
    }
}
