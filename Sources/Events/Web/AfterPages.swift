import Core
import Fluent
import Foundation
import Questionnaires
import SQLKit
import Vapor

/// After the event: minutes, documents, the feedback questionnaire sent to attendees, figures.
enum AfterPages {
    static func register(_ router: RouteRegistrar) {
        router.get(EventsPaths.after, access: .territory(EventsPolicy.creators)) { req in
            let context = try await EventContext.managed(req)
            return req.render(try await page(req, context: context, fields: [:], errors: FormErrors(), status: .ok))
        }
        router.post(EventsPaths.after, access: .territory(EventsPolicy.creators), use: saveMinutes)
        router.post(EventsPaths.documents, access: .territory(EventsPolicy.creators), maxBody: "6mb", use: upload)
        router.get(EventsPaths.document, access: .everyone, use: download)
        router.post(EventsPaths.feedback, access: .territory(EventsPolicy.creators), use: sendFeedback)
        router.get(EventsPaths.figures, access: .territory(EventsPolicy.creators), use: figures)
    }

    /// The event's documents as a list of links (nothing without documents).
    static func documentList(_ rows: [EventDocumentRow], context: EventContext, visit: Visit) -> HTML {
        guard !rows.isEmpty else { return .empty }
        let items = rows.map { row -> HTML in
            "<li><a href=\"\(EventsPaths.document.link(context.territory.slug, context.event.id, row.id))\">\(row.name)</a> (\(row.kind == "application/pdf" ? "PDF" : visit.t("image", "image")), \(max(1, row.size / 1024)) \(visit.t("Ko", "KB")))</li>"
        }
        return
            "<section aria-labelledby=\"documents\"><h2 id=\"documents\">\(visit.t("Documents", "Documents"))</h2><ul>\(each: items)</ul></section>"
    }

    static func page(
        _ req: Request, context: EventContext, fields: [String: String], errors: FormErrors, status: HTTPStatus
    ) async throws -> WebPage {
        let visit = req.visit
        let event = context.event
        let slug = context.territory.slug
        let feedback = feedbackView(
            try await FeedbackModel.load(req, context: context), visit: visit, fields: fields, errors: errors)
        let documents = documentList(
            try await EventStore.documents(eventID: event.id, on: req.db), context: context, visit: visit)
        let main: HTML = """
            <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
            <h1>\(visit.t("Après la rencontre : \(event.title)", "After the event: \(event.title)"))</h1>
            \(Form.errorSummary(errors, visit: visit))
            <h2>\(visit.t("Compte rendu", "Minutes"))</h2>
            \(Form.open(action: EventsPaths.after.link(slug, event.id), visit: visit))\
            \(Form.textarea(name: "minutes", label: visit.t("Compte rendu (public)", "Minutes (public)"), value: fields["minutes"] ?? event.minutes, errors: errors, visit: visit,
                        hint: visit.t("Ce qui a été dit et décidé, en français simple. Sans nom de participant·e.", "What was said and decided, in plain words. No participant's name."),
                        rows: 10, maxLength: 20000))\
            \(Form.submit(visit.t("Enregistrer le compte rendu", "Save the minutes")))</form>
            <h2>\(visit.t("Documents", "Documents"))</h2>
            \(documents)
            \(Form.open(action: EventsPaths.documents.link(slug, event.id), visit: visit, multipart: true))\
            \(Form.input(name: "file", label: visit.t("Ajouter un document (PDF, JPEG ou PNG, 5 Mo au plus)", "Add a document (PDF, JPEG or PNG, 5 MB at most)"), value: nil,
                     errors: errors, visit: visit, type: "file", accept: "application/pdf,image/jpeg,image/png"))\
            \(Form.submit(visit.t("Ajouter", "Add"), secondary: true))</form>
            <h2>\(visit.t("Résultats de la participation en direct", "Results of the live participation"))</h2>
            \(LivePages.results(visit, data: try await LivePages.activities(eventID: event.id, on: req.db), onlyOpen: false,
                           links: LivePages.ProposalSource(event: event, territory: context.territory)))
            <h2>\(visit.t("Questionnaire de satisfaction", "Feedback questionnaire"))</h2>
            \(feedback)
            <p><a href="\(EventsPaths.figures.link(slug, event.id))">\(visit.t("Les chiffres de la rencontre", "The event's figures"))</a></p>
            """
        return WebPage(
            title: visit.t("Après la rencontre", "After the event"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func saveMinutes(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let fields = req.formFields()
        let outcome = try await SaveMinutes.run(
            fields, event: context.event, territory: context.territory, actor: Actor(try req.scope()),
            env: req.useCases)
        switch outcome {
        case .saved:
            return req.redirect(
                to: EventsPaths.after.link(context.territory.slug, context.event.id),
                flash: Flash(.success, req.visit.t("Compte rendu enregistré.", "Minutes saved.")))
        case .invalid(let errors):
            return req.render(
                try await page(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    @Sendable static func upload(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        struct Upload: Decodable { var file: File? }
        let file = (try? req.content.decode(Upload.self))?.file.map { (Array($0.data.readableBytesView), $0.filename) }
        let outcome = try await AddEventDocument.run(
            file, event: context.event, territory: context.territory, actor: Actor(try req.scope()), env: req.useCases)
        switch outcome {
        case .added:
            return req.redirect(
                to: EventsPaths.after.link(context.territory.slug, context.event.id),
                flash: Flash(.success, req.visit.t("Document ajouté.", "Document added.")))
        case .invalid(let errors):
            return req.render(
                try await page(req, context: context, fields: [:], errors: errors, status: .unprocessableEntity))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    @Sendable static func download(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        guard
            let document = try await EventStore.document(req.pathID("document"), eventID: context.event.id, on: req.db)
        else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: document.kind)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(document.name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: document.bytes))
    }

    // MARK: - The feedback questionnaire

    /// The questionnaire chosen for the event (from its link), if any.
    static func chosenQuestionnaire(_ context: EventContext) -> Int? {
        FeedbackLink.questionnaireID(in: context.event.feedback_url, slug: context.territory.slug)
    }

    /// Choosing an open questionnaire of the territory (the Questionnaires room), sending it to
    /// the attendees with an address, and the attendees to reach by phone or on paper: a pure
    /// function of its model, `fields` and `errors` being what the organiser sent.
    static func feedbackView(
        _ model: FeedbackModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        let event = model.context.event
        var parts: [HTML] = []
        if let chosen = model.chosen, let sent = event.feedback_sent_at, event.feedback_sent_count > 0 {
            parts.append(feedbackSent(chosen, at: sent, count: event.feedback_sent_count, model: model, visit: visit))
        }
        if let refusal = FeedbackLink.refusal(
            start: event.starts_at, status: event.status, attended: model.state.attended, now: model.now)
        {
            parts.append("<p class=\"notice\">\(visit.t(refusal))</p>")
        }
        if model.locked {
            if model.state.pending > 0 || !errors.isEmpty {
                parts.append(feedbackSendAgain(model, visit: visit, errors: errors))
            }
        } else {
            parts.append(feedbackChoice(model, visit: visit, fields: fields, errors: errors))
        }
        // Attendees without an e-mail address: by phone, or on paper.
        if !model.offline.isEmpty { parts.append(feedbackOffline(model, visit: visit)) }
        return HTML.join(parts)
    }

    /// "« … » was e-mailed to n attendees, last on …", with its link.
    static func feedbackSent(
        _ chosen: FeedbackModel.Chosen, at sent: Date, count n: Int, model: FeedbackModel, visit: Visit
    ) -> HTML {
        let people = n == 1 ? "1 personne" : "\(n) personnes"
        return """
            <p>\(visit.t("« \(chosen.title) » a été envoyé par e-mail à \(people) venue\(n > 1 ? "s" : ""), le dernier envoi le \(DateText.day(sent, lang: .fr)).",
                     "“\(chosen.title)” was e-mailed to \(n) attendee\(n > 1 ? "s" : ""), last on \(DateText.day(sent, lang: .en)).")) \
            <a href="\(QuestionnairePaths.show.link(model.context.territory.slug, chosen.id))">\(visit.t("Voir le questionnaire", "See the questionnaire"))</a></p>
            """
    }

    /// Once sent: sending it to the people checked in since (or the refusal of that).
    static func feedbackSendAgain(_ model: FeedbackModel, visit: Visit, errors: FormErrors) -> HTML {
        let event = model.context.event
        let pending = model.state.pending
        let pendingText =
            pending == 1
            ? visit.t(
                "1 personne accueillie depuis le dernier envoi ne l'a pas encore reçu.",
                "1 person checked in since the last sending has not received it yet.")
            : visit.t(
                "\(pending) personnes accueillies depuis le dernier envoi ne l'ont pas encore reçu.",
                "\(pending) people checked in since the last sending have not received it yet.")
        return """
            \(Form.open(action: EventsPaths.feedback.link(model.context.territory.slug, event.id), visit: visit))\
            \(errors["questionnaire"].map { "<div class=\"field has-error\" id=\"champ-questionnaire\" tabindex=\"-1\"><p class=\"field-error\" id=\"champ-questionnaire-erreur\">\($0)</p></div>" as HTML } ?? .empty)\
            <p>\(pendingText)</p>\
            \(Form.submit(visit.t("L'envoyer aussi à ces personnes", "Send it to them too")))</form>
            """
    }

    /// Before any sending: the list of the territory's open questionnaires (or how to make one).
    static func feedbackChoice(
        _ model: FeedbackModel, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        let slug = model.context.territory.slug
        let open = model.open ?? []
        let create: HTML =
            QuestionnairesPolicy.builds(visit.rolesHere)
            ? "<a href=\"\(QuestionnairePaths.new.link(slug))\">\(visit.t("Créer un questionnaire de satisfaction", "Create a feedback questionnaire"))</a>"
            : ""
        if open.isEmpty {
            return
                "<p>\(visit.t("Aucun questionnaire n'est ouvert aux réponses sur le territoire : publiez-en un d'abord.", "No questionnaire of the territory is open for answers: publish one first.")) \(create)</p>"
        }
        return """
            \(Form.open(action: EventsPaths.feedback.link(slug, model.context.event.id), visit: visit))\
            \(Form.select(name: "questionnaire", label: visit.t("Questionnaire de satisfaction", "Feedback questionnaire"),
                      options: open.map { Form.Option(String($0.id), $0.title) }, selected: fields["questionnaire"] ?? model.chosenID.map(String.init),
                      errors: errors, visit: visit,
                      hint: visit.t("Un questionnaire ouvert du territoire. Le lien envoyé porte la rencontre : ses réponses sont comptées pour elle, sans dire qui a répondu.",
                                    "An open questionnaire of the territory. The link sent carries the event: its answers are counted for it, without saying who answered."),
                      required: true))\
            \(create.rendered.isEmpty ? HTML.empty : "<p>\(create)</p>")\
            \(Form.submit(visit.t("Envoyer le questionnaire aux personnes venues", "Send the questionnaire to the attendees")))</form>
            """
    }

    /// The attendees without an e-mail address, with the questionnaire's paper version and its
    /// assisted entry once one is chosen.
    static func feedbackOffline(_ model: FeedbackModel, visit: Visit) -> HTML {
        let slug = model.context.territory.slug
        let eventID = model.context.event.id
        let ways: HTML =
            model.chosen.map { q -> HTML in
                let assisted: HTML =
                    QuestionnairesPolicy.assists(visit.rolesHere)
                    ? " · <a href=\"\(QuestionnairePaths.assisted.link(slug, q.id))?evenement=\(eventID)\">\(visit.t("saisir une réponse recueillie par téléphone ou sur papier", "type an answer collected by phone or on paper"))</a>"
                    : ""
                return
                    "<p><a href=\"\(QuestionnairePaths.paper.link(slug, q.id))\">\(visit.t("Version papier à imprimer", "Printable paper version"))</a>\(assisted)</p>"
            }
            ?? "<p>\(visit.t("Choisissez d'abord le questionnaire : ses versions papier et de saisie assistée s'afficheront ici.", "Choose the questionnaire first: its paper and assisted-entry versions will show here."))</p>"
        return """
            <h3>\(visit.t("Personnes venues sans adresse e-mail", "Attendees without an e-mail address"))</h3>\
            <p>\(visit.t("Elles ne reçoivent pas le lien : proposez-leur le questionnaire par téléphone ou sur papier.", "They do not get the link: offer them the questionnaire by phone or on paper."))</p>\
            \(View.table(caption: visit.t("À joindre par téléphone ou sur papier", "To reach by phone or on paper"), headers: [visit.t("Nom", "Name"), visit.t("Téléphone", "Phone")],
                     rows: model.offline.map { ["\($0.name)", "\($0.phone ?? visit.t("pas de numéro", "no number"))"] }))\(ways)
            """
    }

    /// E-mails the chosen questionnaire's link (carrying the event) to every attendee with an
    /// address who has not had it yet (audited); refused before the event or when nobody came.
    @Sendable static func sendFeedback(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let fields = req.formFields()
        let outcome = try await SendFeedback.run(
            questionnaire: fields["questionnaire"], event: context.event, territory: context.territory,
            actor: Actor(try req.scope()), env: req.useCases)
        switch outcome {
        case .sent(let sent):
            let message =
                sent > 0
                ? visit.t(
                    sent == 1
                        ? "Le lien est envoyé à 1 personne venue." : "Le lien est envoyé à \(sent) personnes venues.",
                    sent == 1 ? "The link is sent to 1 attendee." : "The link is sent to \(sent) attendees.")
                : visit.t(
                    "Questionnaire choisi. Aucune personne venue n'a d'adresse e-mail : proposez-le par téléphone ou sur papier (liste ci-dessous).",
                    "Questionnaire chosen. No attendee has an e-mail address: offer it by phone or on paper (list below)."
                )
            return req.redirect(
                to: EventsPaths.after.link(context.territory.slug, context.event.id), flash: Flash(.success, message))
        case .invalid(let errors):
            return req.render(
                try await page(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity))
        case .refused(let errors):
            return req.render(try await page(req, context: context, fields: fields, errors: errors, status: .conflict))
        case .forbidden:
            throw Abort(.forbidden)
        }
    }

    @Sendable static func figures(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let figures = try await EventStore.figures(eventID: context.event.id, on: req.db)
        let disclosure = context.territory.disclosure
        let cells = EventFigureCells(
            registered: figures.registered, attended: figures.attended, walkIns: figures.walkIns,
            waiting: figures.waiting, byCommune: figures.byCommune, byAudience: figures.byAudience,
            disclosure: disclosure)
        let c = { (cell: Disclosure.Cell, n: Int) -> HTML in
            // Registered and attended are hidden only when small; walk-ins may be hidden with another.
            cell.isHidden && disclosure.isSmall(n)
                ? "\(EventsPages.published(alone: n, disclosure, visit: visit))"
                : "\(EventsPages.published(cell, visit: visit))"
        }
        let p = { (n: Int) -> HTML in "\(EventsPages.published(alone: n, disclosure, visit: visit))" }
        let inLine = { (cell: Disclosure.Cell) -> HTML in "\(EventsPages.published(cell, visit: visit))" }
        // Answers that came through the event's link (the questionnaire keeps no name).
        let questionnaireID = chosenQuestionnaire(context)
        var answers = 0
        if let questionnaireID {
            answers = try await QuestionnaireStore.answerCount(
                questionnaireID: questionnaireID, eventID: context.event.id, on: req.db)
        }
        let results: HTML =
            questionnaireID.map { id -> HTML in
                QuestionnairesPolicy.readsResults(visit.rolesHere)
                    ? "<p><a href=\"\(QuestionnairePaths.results.link(context.territory.slug, id))\">\(visit.t("Les résultats du questionnaire de satisfaction", "The feedback questionnaire's results"))</a></p>"
                    : "<p>\(visit.t("Les résultats du questionnaire sont lisibles par la coordination.", "The questionnaire's results are read by the coordination team."))</p>"
            } ?? .empty
        let participation: [[HTML]] = [
            ["\(visit.t("Inscrit·es", "Registered"))", c(cells.registered, figures.registered)],
            ["\(visit.t("Venu·es (accueilli·es)", "Attended (checked in)"))", c(cells.attended, figures.attended)],
            ["\(visit.t("Dont venu·es sans inscription", "Of whom walk-ins"))", inLine(cells.walkIns)],
            ["\(visit.t("Liste d'attente", "Waiting list"))", p(figures.waiting)],
            [
                "\(visit.t("Questionnaires envoyés par e-mail", "Feedback e-mails sent"))",
                p(context.event.feedback_sent_count),
            ],
            ["\(visit.t("Réponses au questionnaire de satisfaction", "Feedback answers received"))", p(answers)],
        ]
        let main: HTML = """
            <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
            <h1>\(visit.t("Chiffres : \(context.event.title)", "Figures: \(context.event.title)"))</h1>
            <p>\(visit.t("Les nombres de 1 à \(disclosure.threshold - 1) sont écrits « moins de \(disclosure.threshold) » pour que personne ne soit reconnu. Dans un tableau, un tel nombre est « masqué », avec un autre si besoin, pour qu'on ne le retrouve pas en soustrayant les autres du total.", "Counts of 1 to \(disclosure.threshold - 1) are written “fewer than \(disclosure.threshold)” so that nobody can be recognised. In a table such a count is “hidden”, with another one when needed, so that it cannot be found by subtracting the others from the total."))</p>
            \(View.table(caption: visit.t("Participation", "Participation"), headers: [visit.t("Mesure", "Measure"), visit.t("Nombre", "Count")], rows: participation, numericColumns: [1]))
            \(results)
            \(View.table(caption: visit.t("Personnes venues, par commune", "Attendees by municipality"), headers: [visit.t("Commune", "Municipality"), visit.t("Nombre", "Count")],
                     rows: cells.byCommune.map { ["\(context.territory.commune(code: $0.key)?.name ?? visit.t("Non précisée", "Not given"))", inLine($0.cell)] },
                     numericColumns: [1]))
            \(View.table(caption: visit.t("Personnes venues, par public", "Attendees by audience"), headers: [visit.t("Public", "Audience"), visit.t("Nombre", "Count")],
                     rows: cells.byAudience.map { ["\(visit.t(Audience(rawValue: $0.key)?.label ?? Audience.resident.label))", inLine($0.cell)] }, numericColumns: [1]))
            """
        return req.render(WebPage(title: visit.t("Chiffres", "Figures"), main: main))
    }
}
