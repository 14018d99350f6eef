import Core
import Fluent
import SQLKit
import Vapor

/// The page of a submission for its authors, its reviewers and its organisers.
enum SubmissionShow {
    @Sendable static func show(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        return try await render(req, context, errors: FormErrors(), fields: [:])
    }

    static func render(
        _ req: Request, _ context: SubmissionContext, errors: FormErrors, fields: [String: String],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let visit = req.visit
        let record = context.record
        let call = context.call
        let callID = call.call.id
        let files = try await ExperienceStore.attachments(of: record.id, on: req.db)
        let messages = try await ExperienceStore.messages(of: record.id, on: req.db)
        var sections: [HTML] = []

        if context.isAuthor { sections.append(authorSection(context, visit: visit, fields: fields, errors: errors)) }
        if !messages.isEmpty { sections.append(messagesSection(messages, visit: visit)) }
        if call.reviews || call.organises, context.status != .draft {
            sections.append(try await ReviewPages.panel(req, context, errors: errors, fields: fields))
        }
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.call.link(callID))">\(call.call.title)</a></p>
            <h1>\(record.title)</h1>
            <p><span class="status status-\(record.status.rawValue)">\(visit.t(context.status.label))</span></p>
            \(Form.errorSummary(errors, visit: visit))
            \(HTML.join(sections))
            \(ExperienceView.details(record, visit: visit, showContact: true, files: files.map { ($0.id, $0.name, $0.size) }, callID: callID))
            """
        return req.render(WebPage(title: record.title, main: main, status: status, hasErrors: !errors.isEmpty))
    }

    /// What the authors can do: edit, see who writes with them, invite a co-author, answer the
    /// organisers' question. Pure.
    static func authorSection(
        _ context: SubmissionContext, visit: Visit, fields: [String: String], errors: FormErrors
    ) -> HTML {
        let record = context.record, callID = context.call.call.id
        var author: [HTML] = []
        if context.status.authorsMayEdit {
            let label =
                context.status == .draft
                ? visit.t("Compléter et envoyer", "Complete and send")
                : visit.t("Modifier le texte", "Edit the text")
            author.append(
                "<p><a class=\"button\" href=\"\(ExperiencesPaths.edit.link(callID, record.id))\">\(label)</a></p>")
        }
        author.append(
            "<p>\(visit.t("Auteur·rices :", "Authors:")) \(context.authors.map(\.name).joined(separator: ", "))</p>"
        )
        if context.status.authorsMayEdit {
            author.append(
                """
                \(Form.open(action: ExperiencesPaths.invite.link(callID, record.id), visit: visit))
                \(Form.input(name: "email", label: visit.t("Inviter un·e co-auteur·rice", "Invite a co-author"), value: fields["email"], errors: errors, visit: visit, type: "email",
                         hint: visit.t("Son adresse e-mail : la personne reçoit un lien pour rejoindre ce brouillon avec son compte.", "Their e-mail address: they get a link to join this draft with their account."),
                         autocomplete: "off"))
                <p class="actions">\(Form.submit(visit.t("Envoyer l'invitation", "Send the invitation"), secondary: true))</p>
                </form>
                """)
        }
        if context.status == .moreInfo {
            author.append(
                """
                \(Form.open(action: ExperiencesPaths.answer.link(callID, record.id), visit: visit))
                \(Form.textarea(name: "message", label: visit.t("Votre réponse aux relecteur·rices", "Your answer to the reviewers"), value: fields["message"], errors: errors, visit: visit,
                            hint: visit.t("Vous pouvez aussi modifier le texte de la contribution avant de répondre.", "You can also edit the submission's text before answering."), required: true, rows: 5, maxLength: 4000))
                <p class="actions">\(Form.submit(visit.t("Envoyer ma réponse", "Send my answer")))</p>
                </form>
                """)
        }
        return
            ("<section class=\"panel\" aria-labelledby=\"auteurs\"><h2 id=\"auteurs\">\(visit.t("Pour les auteur·rices", "For the authors"))</h2>\(HTML.join(author))</section>")
    }

    /// The questions of the organisers and the authors' answers. Pure.
    static func messagesSection(_ messages: [ExperienceStore.MessageRow], visit: Visit) -> HTML {
        let items = messages.map { message -> HTML in
            let who =
                message.kind == "question"
                ? visit.t("Question des organisateurs", "Question from the organisers")
                : visit.t("Réponse des auteur·rices", "Answer from the authors")
            return
                "<li><p class=\"meta\">\(who) · \(DateText.day(message.created_at, lang: visit.lang))</p>\(View.paragraphs(message.body))</li>"
        }
        return
            ("<section aria-labelledby=\"echanges\"><h2 id=\"echanges\">\(visit.t("Échanges", "Messages"))</h2><ul class=\"messages\">\(each: items)</ul></section>")
    }
}

/// The description of an experience, the same on the submission page and in the catalogue.
enum ExperienceView {
    static func details(
        _ record: ExperienceRecord, visit: Visit, showContact: Bool, files: [(id: Int, name: String, size: Int)],
        callID: Int
    ) -> HTML {
        func term(_ label: String, _ value: String?) -> HTML {
            guard let value, !value.isEmpty else { return .empty }
            return "<dt>\(label)</dt><dd>\(value)</dd>"
        }
        let none = visit.t("non renseigné", "not given")
        let context = record.context.flatMap(ExperienceContext.init(rawValue:)).map { visit.t($0.label) } ?? none
        let level = record.level.flatMap(EngagementLevel.init(rawValue:)).map { visit.t($0.label) } ?? none
        let participants = Mask.values(record.participants_mask, Participant.self).map { visit.t($0.label) }.joined(
            separator: ", ")
        let count = record.participant_count.map {
            visit.t("environ \(View.number($0, lang: .fr)) personnes", "about \($0) people")
        }
        let themes = Mask.values(record.themes_mask, ExperienceTheme.self).map { visit.t($0.label) }.joined(
            separator: ", ")
        let populations = Mask.values(record.populations_mask, Population.self).map { visit.t($0.label) }.joined(
            separator: ", ")
        let region = record.region.flatMap(Region.init(rawValue:))?.name
        let years = record.start_year.map { start in
            record.end_year.map { $0 == start ? "\(start)" : "\(start)–\($0)" }
                ?? visit.t("depuis \(start)", "since \(start)")
        }
        let sections = ExperienceInput.texts.map { item -> HTML in
            let text: String =
                switch item.key {
                case "objectives": record.objectives
                case "actions": record.actions
                case "results": record.results
                case "evaluation": record.evaluation
                default: record.lessons
                }
            guard !text.isEmpty else { return .empty }
            return "<h2>\(visit.t(item.label))</h2>\(View.paragraphs(text))"
        }
        let contact: HTML =
            showContact && !record.contact_name.isEmpty
            ? "<h2>\(visit.t("Contact", "Contact"))</h2><p>\(record.contact_name)\(record.contact_email.isEmpty ? "" : " · ")<a href=\"mailto:\(record.contact_email)\">\(record.contact_email)</a></p>"
            : .empty
        let fileList: HTML =
            files.isEmpty
            ? .empty
            : """
            <h2>\(visit.t("Documents", "Documents"))</h2>
            <ul>\(each: files.map { file -> HTML in "<li><a href=\"\(ExperiencesPaths.attachment.link(callID, record.id, file.id))\" download>\(file.name)</a> (\(ExperiencesPages.size(file.size, lang: visit.lang)))</li>" })</ul>
            """
        return """
            <div class="experience">
            \(record.summary.isEmpty ? HTML.empty : "<div class=\"lead\">\(View.paragraphs(record.summary))</div>")
            <dl class="facts">
            \(term(visit.t("Contexte", "Context"), context))\(term(visit.t("Niveau d'engagement", "Level of engagement"), level))\
            \(term(visit.t("Acteurs", "Participants"), participants))\(term(visit.t("Nombre de personnes", "Number of people"), count))\
            \(term(visit.t("Publics", "Populations"), populations))\(term(visit.t("Thèmes", "Themes"), themes))\
            \(term(visit.t("Région", "Region"), region))\(term(visit.t("Lieu", "Place"), record.place))\(term(visit.t("Années", "Years"), years))
            </dl>
            \(HTML.join(sections))
            \(contact)
            \(fileList)
            </div>
            """
    }
}
