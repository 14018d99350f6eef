import Core
import Vapor

/// The submitted experience form (multipart: it may carry a file).
struct SubmissionForm: Decodable, Sendable {
    var title, summary, context, level, participant_count, objectives, actions, results, evaluation, lessons: String?
    var region, place, start_year, end_year, contact_name, contact_email, contact_public, action: String?
    var participants, themes, populations: [String]?
    var attachment: File?
    /// Set on a form filled in with a recovered text (`RecoverText.proof`): its save may keep a
    /// late text as a draft.
    var reprise_preuve: String?

    init() {}
    init(fields: [String: String], multi: [String: [String]]) {
        title = fields["title"]; summary = fields["summary"]; context = fields["context"]; level = fields["level"]
        participant_count = fields["participant_count"]; objectives = fields["objectives"]; actions = fields["actions"]
        results = fields["results"]; evaluation = fields["evaluation"]; lessons = fields["lessons"];
        region = fields["region"]
        place = fields["place"]; start_year = fields["start_year"]; end_year = fields["end_year"];
        contact_name = fields["contact_name"]
        contact_email = fields["contact_email"]; contact_public = fields["contact_public"]; action = fields["action"]
        participants = multi["participants"]; themes = multi["themes"]; populations = multi["populations"]
    }

    var fields: [String: String] {
        let pairs: [(String, String?)] = [
            ("title", title), ("summary", summary), ("context", context), ("level", level),
            ("participant_count", participant_count),
            ("objectives", objectives), ("actions", actions), ("results", results), ("evaluation", evaluation),
            ("lessons", lessons),
            ("region", region), ("place", place), ("start_year", start_year), ("end_year", end_year),
            ("contact_name", contact_name),
            ("contact_email", contact_email), ("contact_public", contact_public), ("action", action),
        ]
        return Dictionary(pairs.compactMap { key, value in value.map { (key, $0) } }, uniquingKeysWith: { a, _ in a })
    }
    var multi: [String: [String]] {
        ["participants": participants ?? [], "themes": themes ?? [], "populations": populations ?? []]
    }
    var sending: Bool { action == "send" }
}

/// The form of an experience: every field of the HAS call, French first.
enum SubmissionFormPage {
    static func render(
        visit: Visit, call: CallRecord, submissionID: Int?, form: SubmissionForm, errors: FormErrors,
        attachments: [(id: Int, name: String, size: Int)] = [], canSend: Bool = true, notice: HTML = .empty,
        hidden: HTML = .empty, status: HTTPStatus = .ok
    ) -> WebPage {
        let fields = form.fields, multi = form.multi
        let action =
            submissionID.map { ExperiencesPaths.edit.link(call.id, $0) } ?? ExperiencesPaths.contribute.link(call.id)
        let title =
            submissionID == nil
            ? visit.t("Proposer une expérience", "Submit an experience")
            : visit.t("Compléter l'expérience", "Complete the experience")
        func text(
            _ name: String, _ label: Text, hint: Text? = nil, required: Bool = true, rows: Int = 6,
            max: Int = ExperienceInput.textMax
        ) -> HTML {
            Form.textarea(
                name: name, label: visit.t(label), value: fields[name], errors: errors, visit: visit,
                hint: hint.map(visit.t), required: required, rows: rows, maxLength: max)
        }
        func options<T: CaseIterable & RawRepresentable>(_ type: T.Type, _ label: (T) -> Text) -> [Form.Option]
        where T.RawValue == String {
            T.allCases.map { Form.Option($0.rawValue, visit.t(label($0))) }
        }
        let long = ExperienceInput.texts.map { item in
            text(
                item.key, item.label,
                hint: item.key == "evaluation"
                    ? Text(
                        "Questionnaires, indicateurs, témoignages, évaluation externe…",
                        "Questionnaires, indicators, testimonies, external evaluation…") : nil)
        }
        let files: HTML =
            attachments.isEmpty
            ? .empty
            : """
            <p>\(visit.t("Pièces déjà jointes :", "Files already attached:")) \(HTML.join(attachments.map { "\($0.name) (\(ExperiencesPages.size($0.size, lang: visit.lang)))" as HTML }, separator: ", "))</p>
            """
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.call.link(call.id))">\(call.title)</a></p>
            <h1>\(title)</h1>
            \(notice)
            <p>\(visit.t("Vous pouvez enregistrer un brouillon à tout moment et le compléter plus tard, avec vos co-auteur·rices. Seul le titre est demandé pour un brouillon ; tout le reste l'est pour l'envoi.",
                     "You can save a draft at any time and complete it later, with your co-authors. A draft needs only a title; everything else is needed to send it."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: action, visit: visit, multipart: true))\(hidden)
            <fieldset class="group"><legend>\(visit.t("L'expérience en bref", "The experience in brief"))</legend>
            \(Form.input(name: "title", label: visit.t("Titre", "Title"), value: fields["title"], errors: errors, visit: visit, required: true, maxLength: ExperienceInput.titleMax))
            \(text("summary", Text("Résumé", "Summary"), hint: Text("En quelques lignes : qui, quoi, où, pour quoi faire.", "In a few lines: who, what, where, what for."), rows: 4, max: ExperienceInput.summaryMax))
            \(Form.select(name: "context", label: visit.t("Contexte", "Context"), options: options(ExperienceContext.self, \.label), selected: fields["context"], errors: errors, visit: visit, required: true))
            \(Form.radios(name: "level", legend: visit.t("Niveau d'engagement des usagers", "Level of users' engagement"), options: options(EngagementLevel.self, \.label),
                      selected: fields["level"], errors: errors, visit: visit, required: true))
            \(Form.checkboxes(name: "themes", legend: visit.t("Thèmes", "Themes"), options: options(ExperienceTheme.self, \.label), selected: Set(multi["themes"] ?? []), errors: errors, visit: visit, required: true))
            </fieldset>
            <fieldset class="group"><legend>\(visit.t("Qui a pris part", "Who took part"))</legend>
            \(Form.checkboxes(name: "participants", legend: visit.t("Acteurs", "Participants"), options: options(Participant.self, \.label), selected: Set(multi["participants"] ?? []), errors: errors, visit: visit, required: true))
            \(Form.input(name: "participant_count", label: visit.t("Combien de personnes, environ ?", "About how many people?"), value: fields["participant_count"], errors: errors, visit: visit,
                     inputmode: "numeric"))
            \(Form.checkboxes(name: "populations", legend: visit.t("Publics concernés", "Populations involved"), options: options(Population.self, \.label), selected: Set(multi["populations"] ?? []), errors: errors, visit: visit))
            </fieldset>
            <fieldset class="group"><legend>\(visit.t("La démarche", "The approach"))</legend>
            \(HTML.join(long))
            </fieldset>
            <fieldset class="group"><legend>\(visit.t("Où et quand", "Where and when"))</legend>
            \(Form.select(name: "region", label: visit.t("Région", "Region"), options: Region.sorted.map { Form.Option($0.rawValue, $0.name) }, selected: fields["region"], errors: errors, visit: visit, required: true))
            \(Form.input(name: "place", label: visit.t("Commune ou territoire (facultatif)", "Municipality or area (optional)"), value: fields["place"], errors: errors, visit: visit, maxLength: 120))
            \(Form.input(name: "start_year", label: visit.t("Année de début", "Starting year"), value: fields["start_year"], errors: errors, visit: visit, required: true, inputmode: "numeric", maxLength: 4))
            \(Form.input(name: "end_year", label: visit.t("Année de fin (vide si elle continue)", "End year (empty if it goes on)"), value: fields["end_year"], errors: errors, visit: visit, inputmode: "numeric", maxLength: 4))
            </fieldset>
            <fieldset class="group"><legend>\(visit.t("Contact", "Contact"))</legend>
            \(Form.input(name: "contact_name", label: visit.t("Personne à contacter", "Contact person"), value: fields["contact_name"], errors: errors, visit: visit, required: true, autocomplete: "name", maxLength: 120))
            \(Form.input(name: "contact_email", label: visit.t("Son adresse e-mail", "Their e-mail address"), value: fields["contact_email"], errors: errors, visit: visit, type: "email", required: true, autocomplete: "email"))
            \(Form.checkbox(name: "contact_public", label: "\(visit.t("Publier ce contact dans le catalogue si l'expérience est publiée", "Publish this contact in the catalogue if the experience is published"))",
                        checked: fields["contact_public"] == "on", errors: errors, visit: visit,
                        hint: visit.t("Sans cette case, le contact n'est vu que par les relecteur·rices et les organisateurs.", "Without this box, only the reviewers and organisers see the contact.")))
            </fieldset>
            \(files)
            \(Form.input(name: "attachment", label: visit.t("Joindre un document (facultatif)", "Attach a document (optional)"), value: nil, errors: errors, visit: visit, type: "file",
                     hint: visit.t("PDF, JPEG ou PNG, 5 Mo au plus ; un fichier à chaque enregistrement. En cas d'erreur dans le formulaire, choisissez-le à nouveau.",
                                   "PDF, JPEG or PNG, 5 MB at most; one file per save. If the form has an error, choose it again."),
                     accept: "application/pdf,image/jpeg,image/png"))
            <p class="actions">\(canSend ? Form.submit(visit.t("Envoyer ma contribution", "Send my submission"), name: "action", value: "send") : HTML.empty) \
            \(Form.submit(canSend ? visit.t("Enregistrer le brouillon", "Save the draft") : visit.t("Enregistrer les modifications", "Save the changes"), secondary: canSend, name: "action", value: "draft"))</p>
            </form>
            """
        return WebPage(title: title, main: main, status: status, hasErrors: !errors.isEmpty)
    }
}
