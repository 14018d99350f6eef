import Core
import Foundation
import Testing

@testable import Questionnaires

/// The staff pages' views are pure functions of their model and the visit: checked here on models
/// built by hand, with no server and no database.
@Suite("Questionnaire page views")
struct QuestionnaireViewTests {
    static let vitre = TerritoryInfo(
        id: 1, slug: "vitre", name: "Vitré Communauté", epciSiren: nil,
        communes: [
            CommuneInfo(id: 1, code: "35360", name: "Vitré", postalCodes: ["35500"], population: 18_000),
            CommuneInfo(id: 2, code: "35001", name: "Argentré-du-Plessis", postalCodes: ["35370"], population: 4_500),
        ])

    static let coordinator = Visit(
        lang: .fr,
        viewer: Viewer(
            personID: 7, displayName: "Chloé", email: "chloe@example.org", rolesByTerritory: [1: [.coordinator]],
            sessionID: "s"),
        territory: vitre, csrfToken: "tok", flash: nil, path: "/vitre/questionnaires/3/construire", query: nil)

    static func context(_ definition: Definition, status: QStatus = .draft) -> QContext {
        QContext(
            record: QuestionnaireRecord(
                id: 3, territory_id: 1, title: "Vos besoins", intro: "Quelques questions.", audience: .users,
                status: status, link_accounts: false, current_version_id: 4, version_number: 2, updated_at: Date()),
            definition: definition, territory: vitre)
    }

    static let definition = Definition(
        sections: [
            Section(
                key: "s1", title: "Accès",
                questions: [
                    Question(key: "q1", kind: .single, label: "Un médecin ?", required: true),
                    Question(key: "q2", kind: .longText, label: "Pourquoi ?"),
                ]),
            Section(key: "s2", title: "Vide"),
        ], nextKey: 3)

    @Test func theBuilderSaysWhetherAChangeMakesANewVersionAndCountsAnswersInGoodFrench() {
        let none = BuilderPages.builderView(
            BuilderPages.BuilderModel(context: Self.context(Self.definition), answers: 0), visit: Self.coordinator,
            settings: [:], errors: FormErrors()
        ).main.rendered
        #expect(none.contains("Brouillon · 0 réponse<") && none.contains("Aucune réponse encore"))
        #expect(none.contains("Publier : ouvrir aux réponses"))
        // Only the empty section of two can be deleted.
        #expect(none.components(separatedBy: "value=\"section-delete\"").count == 2)
        #expect(none.contains("<strong>2. Pourquoi ?</strong>"))

        let one = BuilderPages.builderView(
            BuilderPages.BuilderModel(context: Self.context(Self.definition, status: .published), answers: 1),
            visit: Self.coordinator, settings: [:], errors: FormErrors()
        ).main.rendered
        #expect(one.contains("1 réponse<") && one.contains("Des réponses existent"))
        #expect(one.contains("Clore le questionnaire") && !one.contains("Publier : ouvrir"))
        let many = BuilderPages.builderView(
            BuilderPages.BuilderModel(context: Self.context(Self.definition), answers: 1_234), visit: Self.coordinator,
            settings: [:], errors: FormErrors()
        ).main.rendered
        #expect(many.contains("1\u{202F}234 réponses"))
    }

    @Test func participationHidesSmallCountsAndSetsEachCommuneAgainstItsTarget() {
        let tally = ResultsPages.Tally(
            answers: 21, byCommune: ["35360": 12, "35001": 3], noCommune: 6, byChannel: [.online: 15, .paper: 6],
            byAudience: [.users: 21], byWeek: [20_000: 21])
        let model = ResultsPages.ParticipationModel(
            context: Self.context(Self.definition, status: .published), waves: [], chosen: [], tally: tally,
            communeTargets: ["35360": 24])
        let html = ResultsPages.participationView(model, visit: Self.coordinator, query: [:]).main.rendered
        #expect(html.contains("<th scope=\"row\">Vitré</th>") && html.contains(">50 %<"), "12 of a target of 24")
        #expect(html.contains(">masqué<"), "3 answers in a commune are not shown")
        #expect(!html.contains(">3<"))
        #expect(
            html.contains("Sans commune indiquée : masqué"),
            "21 − 12 would give the 3 away: the next smallest cell (6 with no commune) is hidden with it")
        #expect(html.contains("Réponses par semaine"))
    }

    @Test func participationShowsNothingWhenAWaveLeavesOutOnlyAFewAnswers() {
        let tally = ResultsPages.Tally(
            answers: 20, byCommune: ["35360": 20], byChannel: [.online: 20], byAudience: [.users: 20],
            byWeek: [20_000: 20])
        var model = ResultsPages.ParticipationModel(
            context: Self.context(Self.definition, status: .published), waves: [], chosen: [], tally: tally,
            communeTargets: [:])
        model.added = [ResultsPages.Tally(answers: 2, byCommune: ["35360": 2], byChannel: [.paper: 2])]
        let html = ResultsPages.participationView(model, visit: Self.coordinator, query: [:]).main.rendered
        #expect(html.contains("Réponses : non publié"))
        #expect(html.contains("ne retirent que quelques réponses"))
        #expect(!html.contains(">20<"))
    }

    @Test func freeTextShowsEachAnswerWithItsCodesAndSaysWhenThereIsNoFreeTextQuestion() {
        let code = QuestionnaireStore.Code(id: 9, question_key: "q2", name: "Distance")
        let question = Self.definition.question("q2")
        let model = ResultsPages.TextsModel(
            context: Self.context(Self.definition, status: .published), textQuestions: question.map { [$0] } ?? [],
            question: question, codes: [code], codeCounts: [9: 6], search: "",
            matching: 1, items: [.init(responseID: 41, text: "Trop loin <b>vraiment</b>", codes: [code])], page: 1,
            pages: 1)
        let html = ResultsPages.textsView(model, visit: Self.coordinator, errors: FormErrors(), typed: [:]).main
            .rendered
        #expect(html.contains("Trop loin &lt;b&gt;vraiment&lt;/b&gt;"), "answers are escaped")
        #expect(html.contains("Retirer<span class=\"visually-hidden\"> Distance, réponse 41</span>"))
        #expect(html.contains("<th scope=\"row\">Distance</th>") && html.contains(">6<"))

        let none = ResultsPages.TextsModel(
            context: Self.context(Definition()), textQuestions: [], question: nil, codes: [], codeCounts: [:],
            search: "", matching: 0, items: [], page: 1, pages: 1)
        #expect(
            ResultsPages.textsView(none, visit: Self.coordinator, errors: FormErrors(), typed: [:]).main.rendered
                .contains("Ce questionnaire n&#39;a pas de question à réponse libre."))
    }

    @Test func theCrossAnalysisAsksForBothQuestionnairesWhenOneIsMissing() {
        let model = CrossPage.CrossModel(
            territory: Self.vitre, usersChoices: [], prosChoices: [], usersID: nil, prosID: nil, wave: nil,
            users: nil, pros: nil)
        let html = CrossPage.view(model, visit: Self.coordinator).main.rendered
        #expect(html.contains("Il faut un questionnaire publié pour les usagers et un pour les professionnels."))
        #expect(html.contains("action=\"/vitre/questionnaires/croisement\""))
    }
}
