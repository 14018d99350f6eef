import Core
import Fluent
import Vapor

/// Every path of the questionnaires room.
public enum QuestionnairePaths {
    public static let list = RoutePattern("/:territory/questionnaires")
    public static let new = RoutePattern("/:territory/questionnaires/nouveau")
    public static let cross = RoutePattern("/:territory/questionnaires/croisement")
    public static let show = RoutePattern("/:territory/questionnaires/:questionnaire")
    public static let answer = RoutePattern("/:territory/questionnaires/:questionnaire/repondre")
    public static let resume = RoutePattern("/:territory/questionnaires/:questionnaire/reprendre/:token")
    public static let preview = RoutePattern("/:territory/questionnaires/:questionnaire/apercu")
    public static let paper = RoutePattern("/:territory/questionnaires/:questionnaire/papier")
    public static let qr = RoutePattern("/:territory/questionnaires/:questionnaire/qr.svg")
    public static let builder = RoutePattern("/:territory/questionnaires/:questionnaire/construire")
    public static let newQuestion = RoutePattern("/:territory/questionnaires/:questionnaire/questions/nouvelle")
    public static let question = RoutePattern("/:territory/questionnaires/:questionnaire/questions/:question")
    public static let waves = RoutePattern("/:territory/questionnaires/:questionnaire/vagues")
    public static let assisted = RoutePattern("/:territory/questionnaires/:questionnaire/saisie")
    public static let importCSV = RoutePattern("/:territory/questionnaires/:questionnaire/import")
    public static let results = RoutePattern("/:territory/questionnaires/:questionnaire/resultats")
    public static let participation = RoutePattern("/:territory/questionnaires/:questionnaire/participation")
    public static let texts = RoutePattern("/:territory/questionnaires/:questionnaire/textes")
    public static let answersCSV = RoutePattern("/:territory/questionnaires/:questionnaire/reponses.csv")
    public static let answersExcel = RoutePattern("/:territory/questionnaires/:questionnaire/reponses-tableur.csv")
    public static let codebook = RoutePattern("/:territory/questionnaires/:questionnaire/livre-de-codes.csv")
    public static let resultsCSV = RoutePattern("/:territory/questionnaires/:questionnaire/resultats.csv")
}

/// Who may do what. Pure: the handlers check it on the server and use it to show links.
public enum QuestionnairePolicy {
    /// The builder, raw answers, free text, imports and raw exports.
    public static let builders: Set<Role> = [.coordinator, .admin]
    /// Typing answers collected on paper, by phone or in person.
    public static let assistants: Set<Role> = [.coordinator, .admin, .patientPartner]
    /// Aggregated results (with the small-cell rule), participation and the cross-analysis.
    public static let readers: Set<Role> = [.coordinator, .admin, .decisionMaker]

    public static func builds(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: builders) }
    public static func assists(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: assistants) }
    public static func readsResults(_ roles: Set<Role>) -> Bool { !roles.isDisjoint(with: readers) }
    /// Everyone sees a questionnaire once published; a draft only its builders.
    public static func sees(_ status: QStatus, roles: Set<Role>) -> Bool { status != .draft || builds(roles) }
}

/// The questionnaire of the URL, in the territory of the URL (404 otherwise, or when a visitor
/// may not see it yet).
struct QContext: Sendable {
    let record: QuestionnaireRecord
    let definition: Definition
    let territory: TerritoryInfo

    /// `recent` accepts a copy read within the last second (public answering pages, the busiest).
    static func load(_ req: Request, recent: Bool = false) async throws -> QContext {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("questionnaire")) else {
            throw Abort(.notFound)
        }
        let found =
            recent
            ? try await req.application.questionnaireForms.record(id, territoryID: territory.id, on: req.db)
            : try await QuestionnaireStore.load(id, territoryID: territory.id, on: req.db)
        guard let record = found,
            QuestionnairePolicy.sees(record.status, roles: req.visit.rolesHere)
        else { throw Abort(.notFound) }
        return QContext(
            record: record, definition: try await req.application.questionnaireForms.definition(record, on: req.db),
            territory: territory)
    }

    var id: Int { record.id }
    var slug: String { territory.slug }
    func link(_ pattern: RoutePattern) -> String { pattern.link(slug, record.id) }
    var communeNames: [String: String] {
        Dictionary(uniqueKeysWithValues: territory.communes.map { ($0.code, $0.name) })
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

    static func today() -> String { DateText.isoDay(Date()) }

    /// The navigation between a questionnaire's staff pages.
    static func staffNav(_ context: QContext, visit: Visit, current: RoutePattern?) -> HTML {
        let roles = visit.rolesHere
        var links: [(RoutePattern, String)] = [(QuestionnairePaths.show, visit.t("Présentation", "Overview"))]
        if QuestionnairePolicy.builds(roles) {
            links += [
                (QuestionnairePaths.builder, visit.t("Construire", "Build")),
                (QuestionnairePaths.waves, visit.t("Vagues et objectifs", "Waves and targets")),
            ]
        }
        if QuestionnairePolicy.assists(roles) {
            links.append((QuestionnairePaths.assisted, visit.t("Saisie assistée", "Assisted entry")))
        }
        if QuestionnairePolicy.builds(roles) {
            links.append(
                (QuestionnairePaths.importCSV, visit.t("Importer des réponses papier", "Import paper answers")))
        }
        if QuestionnairePolicy.readsResults(roles) {
            links += [
                (QuestionnairePaths.results, visit.t("Résultats", "Results")),
                (QuestionnairePaths.participation, visit.t("Participation", "Participation")),
            ]
        }
        if QuestionnairePolicy.builds(roles) {
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
