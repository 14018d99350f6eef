import Core
import Fluent
import Vapor

extension QContext {
    /// The questionnaire of the URL, in the territory of the URL (404 otherwise, or when a
    /// visitor may not see it yet). `recent` accepts a copy read within the last second (public
    /// answering pages, the busiest).
    static func load(_ req: Request, recent: Bool = false) async throws -> QContext {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("questionnaire")) else {
            throw Abort(.notFound)
        }
        let found =
            recent
            ? try await req.application.questionnaireForms.record(id, territoryID: territory.id, on: req.db)
            : try await QuestionnaireStore.load(id, territoryID: territory.id, on: req.db)
        let actor = Actor(personID: req.visit.viewer?.personID, roles: req.visit.rolesHere, lang: req.visit.lang)
        guard let record = found, QuestionnairesPolicy.allows(actor, .see, on: record) else { throw Abort(.notFound) }
        return QContext(
            record: record, definition: try await req.application.questionnaireForms.definition(record, on: req.db),
            territory: territory)
    }
}

enum QPages {

    /// The wave running on `day`; none (hors vague) on a day no wave covers (`Waves`).
    static func wave(on day: String, in waves: [WaveRecord]) -> WaveRecord? {
        Waves.running(on: day, in: waves)
    }

    /// A plain French page for a question or section id that this questionnaire does not have
    /// (a tampered or outdated link or form): 404, with the way back to the builder.
    static func unknownPart(_ req: Request, _ context: QContext, section: Bool = false) -> Response {
        req.refusal(
            status: .notFound,
            title: section
                ? Text("Section introuvable", "Section not found") : Text("Question introuvable", "Question not found"),
            message: section
                ? Text(
                    "Cette section n'existe pas (ou plus) dans ce questionnaire : rien n'a été modifié.",
                    "This section does not exist (any more) in this questionnaire: nothing was changed.")
                : Text(
                    "Cette question n'existe pas (ou plus) dans ce questionnaire : rien n'a été modifié.",
                    "This question does not exist (any more) in this questionnaire: nothing was changed."),
            back: context.link(QuestionnairePaths.builder))
    }

    /// The message of a form-wide problem (a closed questionnaire, an unknown question), shown
    /// at the top of the form; the error summary links to it.
    static func formProblem(_ errors: FormErrors) -> HTML {
        errors["_formulaire"].map { "<p class=\"field-error\" id=\"\(Form.fieldID("_formulaire"))\">\($0)</p>" }
            ?? .empty
    }

    /// Today in Paris, on the injected clock.
    static func today(_ req: Request) -> String { DateText.isoDay(req.now) }

    /// "1 réponse", "360 réponses" (0 and 1 take the singular in French).
    static func answerCount(_ n: Int, visit: Visit) -> String {
        let number = View.number(n, lang: visit.lang)
        return n > 1
            ? visit.t("\(number) réponses", "\(number) answers") : visit.t("\(number) réponse", "\(number) answer")
    }

    /// The navigation between a questionnaire's staff pages.
    static func staffNav(_ context: QContext, visit: Visit, current: RoutePattern?) -> HTML {
        let roles = visit.rolesHere
        var links: [(RoutePattern, String)] = [(QuestionnairePaths.show, visit.t("Présentation", "Overview"))]
        if QuestionnairesPolicy.builds(roles) {
            links += [
                (QuestionnairePaths.builder, visit.t("Construire", "Build")),
                (QuestionnairePaths.waves, visit.t("Vagues et objectifs", "Waves and targets")),
            ]
        }
        if QuestionnairesPolicy.assists(roles) {
            links.append((QuestionnairePaths.assisted, visit.t("Saisie assistée", "Assisted entry")))
        }
        if QuestionnairesPolicy.builds(roles) {
            links.append(
                (QuestionnairePaths.importCSV, visit.t("Importer des réponses papier", "Import paper answers")))
        }
        if QuestionnairesPolicy.readsResults(roles) {
            links += [
                (QuestionnairePaths.results, visit.t("Résultats", "Results")),
                (QuestionnairePaths.participation, visit.t("Participation", "Participation")),
            ]
        }
        if QuestionnairesPolicy.builds(roles) {
            links.append((QuestionnairePaths.texts, visit.t("Réponses libres", "Free-text answers")))
        }
        guard links.count > 1 else { return .empty }
        let items = links.map { pattern, label -> HTML in
            let href = context.link(pattern)
            return
                "<li><a href=\"\(href)\"\(pattern == current ? HTML(" aria-current=\"page\"") : HTML.empty)>\(label)</a></li>"
        }
        return
            "<nav class=\"subnav\" aria-label=\"\(visit.t("Pages du questionnaire", "Questionnaire pages"))\"><ul>\(each: items)</ul></nav>"
    }
}
