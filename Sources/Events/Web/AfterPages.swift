import Core
import Fluent
import Foundation
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

    struct DocumentRow: Decodable { let id: Int; let name: String; let kind: String; let size: Int }

    static func documentList(_ req: Request, context: EventContext) async throws -> HTML {
        let rows = try await EventStore.sql(req.db).raw("SELECT id, name, kind, size FROM event_documents WHERE event_id = \(bind: context.event.id) ORDER BY id")
            .all(decoding: DocumentRow.self)
        guard !rows.isEmpty else { return .empty }
        let visit = req.visit
        let items = rows.map { row -> HTML in
            "<li><a href=\"\(EventsPaths.document.link(context.territory.slug, context.event.id, row.id))\">\(row.name)</a> (\(row.kind == "application/pdf" ? "PDF" : visit.t("image", "image")), \(max(1, row.size / 1024)) \(visit.t("Ko", "KB")))</li>"
        }
        return "<section aria-labelledby=\"documents\"><h2 id=\"documents\">\(visit.t("Documents", "Documents"))</h2><ul>\(each: items)</ul></section>"
    }

    static func page(_ req: Request, context: EventContext, fields: [String: String], errors: FormErrors, status: HTTPStatus) async throws -> WebPage {
        let visit = req.visit
        let event = context.event
        let slug = context.territory.slug
        let feedback: HTML
        if let sent = event.feedback_sent_at {
            feedback = "<p>\(visit.t("Le questionnaire a été envoyé le \(DateText.day(sent, lang: .fr)) à \(event.feedback_sent_count) participant·es.", "The questionnaire was sent on \(DateText.day(sent, lang: .en)) to \(event.feedback_sent_count) participants.")) (\(event.feedback_url ?? ""))</p>"
        } else {
            feedback = """
            \(Form.open(action: EventsPaths.feedback.link(slug, event.id), visit: visit))\
            \(Form.input(name: "feedback_url", label: visit.t("Adresse du questionnaire de satisfaction", "Address of the feedback questionnaire"), value: fields["feedback_url"],
                         errors: errors, visit: visit, hint: visit.t("Un questionnaire du territoire : elle commence par /\(slug)/questionnaires/", "A questionnaire of the territory: it starts with /\(slug)/questionnaires/"),
                         maxLength: 300))\
            \(Form.submit(visit.t("Envoyer le lien à toutes les personnes venues", "Send the link to everyone who came")))</form>
            """
        }
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
        \(try await documentList(req, context: context))
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
        return WebPage(title: visit.t("Après la rencontre", "After the event"), main: main, status: status, hasErrors: !errors.isEmpty)
    }

    @Sendable static func saveMinutes(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let fields = req.formFields()
        var errors = FormErrors()
        let minutes = TextRule.optional(fields, "minutes", maxLength: 20000, errors: &errors, lang: req.visit.lang)
        guard errors.isEmpty else { return req.render(try await page(req, context: context, fields: fields, errors: errors, status: .unprocessableEntity)) }
        try await req.db.transaction { db in
            try await EventStore.sql(db).raw("UPDATE events SET minutes = \(bind: minutes), updated_at = \(bind: Date()) WHERE id = \(bind: context.event.id)").run()
            try await AuditEntry.record(actor: req.visit.viewer?.personID, territory: context.territory.id, action: "event.minutes", subject: "event \(context.event.id)", on: db)
        }
        req.eventsChanged()
        return req.redirect(to: EventsPaths.after.link(context.territory.slug, context.event.id), flash: Flash(.success, req.visit.t("Compte rendu enregistré.", "Minutes saved.")))
    }

    @Sendable static func upload(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        struct Upload: Decodable { var file: File? }
        let file = (try? req.content.decode(Upload.self))?.file
        var errors = FormErrors()
        guard let file, file.data.readableBytes > 0 else {
            errors.add("file", req.visit.t("Choisissez un fichier.", "Choose a file."))
            return req.render(try await page(req, context: context, fields: [:], errors: errors, status: .unprocessableEntity))
        }
        let bytes = Array(file.data.readableBytesView)
        switch AttachmentCheck.check(bytes, filename: file.filename) {
        case .failure(let refusal):
            errors.add("file", req.visit.t(refusal.message))
            return req.render(try await page(req, context: context, fields: [:], errors: errors, status: .unprocessableEntity))
        case .success(let checked):
            try await req.db.transaction { db in
                try await EventStore.sql(db).raw("""
                    INSERT INTO event_documents (event_id, name, kind, size, bytes, created_at)
                    VALUES (\(bind: context.event.id), \(bind: checked.name), \(bind: checked.kind.rawValue), \(bind: bytes.count), \(bind: Data(bytes)), \(bind: Date()))
                    """).run()
                try await AuditEntry.record(actor: req.visit.viewer?.personID, territory: context.territory.id, action: "event.document", subject: "event \(context.event.id)", on: db)
            }
            req.eventsChanged()
            return req.redirect(to: EventsPaths.after.link(context.territory.slug, context.event.id), flash: Flash(.success, req.visit.t("Document ajouté.", "Document added.")))
        }
    }

    @Sendable static func download(_ req: Request) async throws -> Response {
        let context = try await EventContext.load(req)
        struct Row: Decodable { let name: String; let kind: String; let bytes: Data }
        guard let id = EventsPages.id(req.parameters.get("document")),
              let row = try await EventStore.sql(req.db).raw("SELECT name, kind, bytes FROM event_documents WHERE id = \(bind: id) AND event_id = \(bind: context.event.id)")
                .first(decoding: Row.self) else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: row.kind)
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(row.name)\"")
        return Response(status: .ok, headers: headers, body: .init(data: row.bytes))
    }

    /// E-mails the questionnaire's link to every attendee with an address, once (audited).
    @Sendable static func sendFeedback(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let fields = req.formFields()
        guard context.event.feedback_sent_at == nil else {
            var errors = FormErrors()
            errors.add("feedback_url", visit.t("Le questionnaire a déjà été envoyé.", "The questionnaire was already sent."))
            return req.render(try await page(req, context: context, fields: fields, errors: errors, status: .conflict))
        }
        switch FeedbackLink.check(fields["feedback_url"] ?? "", territorySlug: context.territory.slug, lang: visit.lang) {
        case .failure(let box):
            return req.render(try await page(req, context: context, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let path):
            let event = context.event
            let sent: Int = try await req.db.transaction { db in
                // The conditional UPDATE makes a double click send nothing twice.
                struct Claimed: Decodable { let id: Int }
                guard try await EventStore.sql(db).raw("""
                    UPDATE events SET feedback_url = \(bind: path), feedback_sent_at = \(bind: Date()) WHERE id = \(bind: event.id) AND feedback_sent_at IS NULL RETURNING id
                    """).first(decoding: Claimed.self) != nil else { return 0 }
                let attendees = try await EventStore.registrations(eventID: event.id, on: db).filter { $0.checked_in_at != nil && $0.email != nil }
                for row in attendees {
                    try await Mailer.enqueue(to: row.email!, subject: "Votre avis sur « \(event.title) »", body: """
                        Bonjour,

                        Merci d'être venu·e à « \(event.title) ». Donnez-nous votre avis en quelques minutes : \(req.agora.config.baseURL + path)

                        Thank you for coming. Tell us what you thought: \(req.agora.config.baseURL + path)
                        """, on: db)
                    try await EventStore.sql(db).raw("UPDATE event_registrations SET feedback_sent_at = \(bind: Date()) WHERE id = \(bind: row.id)").run()
                }
                try await EventStore.sql(db).raw("UPDATE events SET feedback_sent_count = \(bind: attendees.count) WHERE id = \(bind: event.id)").run()
                try await AuditEntry.record(actor: visit.viewer?.personID, territory: context.territory.id, action: "event.feedback",
                                            subject: "event \(event.id): \(attendees.count) e-mails", on: db)
                return attendees.count
            }
            req.eventsChanged()
            return req.redirect(to: EventsPaths.after.link(context.territory.slug, event.id),
                                flash: Flash(.success, visit.t("Le lien est envoyé à \(sent) participant·es.", "The link is sent to \(sent) participants.")))
        }
    }

    @Sendable static func figures(_ req: Request) async throws -> Response {
        let context = try await EventContext.managed(req)
        let visit = req.visit
        let figures = try await EventStore.figures(eventID: context.event.id, on: req.db)
        let p = { (n: Int) -> HTML in "\(EventsPages.published(n, visit: visit))" }
        let main: HTML = """
        <p class="meta"><a href="\(context.path)">\(visit.t("← La rencontre", "← The event"))</a></p>
        <h1>\(visit.t("Chiffres : \(context.event.title)", "Figures: \(context.event.title)"))</h1>
        <p>\(visit.t("Les nombres de 1 à 4 sont écrits « moins de 5 » pour que personne ne soit reconnu.", "Counts of 1 to 4 are written “fewer than 5” so that nobody can be recognised."))</p>
        \(View.table(caption: visit.t("Participation", "Participation"), headers: [visit.t("Mesure", "Measure"), visit.t("Nombre", "Count")], rows: [
            ["\(visit.t("Inscrit·es", "Registered"))", p(figures.registered)],
            ["\(visit.t("Venu·es (accueilli·es)", "Attended (checked in)"))", p(figures.attended)],
            ["\(visit.t("Dont venu·es sans inscription", "Of whom walk-ins"))", p(figures.walkIns)],
            ["\(visit.t("Liste d'attente", "Waiting list"))", p(figures.waiting)],
            ["\(visit.t("Questionnaires envoyés", "Feedback e-mails sent"))", p(context.event.feedback_sent_count)],
        ], numericColumns: [1]))
        \(View.table(caption: visit.t("Personnes venues, par commune", "Attendees by municipality"), headers: [visit.t("Commune", "Municipality"), visit.t("Nombre", "Count")],
                     rows: figures.byCommune.sorted { $0.key < $1.key }.map { ["\(context.territory.commune(code: $0.key)?.name ?? visit.t("Non précisée", "Not given"))", p($0.value)] },
                     numericColumns: [1]))
        \(View.table(caption: visit.t("Personnes venues, par public", "Attendees by audience"), headers: [visit.t("Public", "Audience"), visit.t("Nombre", "Count")],
                     rows: figures.byAudience.sorted { $0.key < $1.key }.map { ["\(visit.t(EventsPages.audienceLabel($0.key)))", p($0.value)] }, numericColumns: [1]))
        """
        return req.render(WebPage(title: visit.t("Chiffres", "Figures"), main: main))
    }
}
