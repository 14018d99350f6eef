import Core
import Foundation
import Testing

@testable import Experiences

/// The call's page is a pure function of its model and the visit: checked without a server.
@Suite("Experience views")
struct ExperienceViewTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func call(closesIn days: Double) -> CallRecord {
        CallRecord(
            id: 5, territory_id: nil, title: "Appel national", body: "Racontez-nous.",
            opens_on: Day(now.addingTimeInterval(-10 * 86_400)).description,
            closes_on: Day(now.addingTimeInterval(days * 86_400)).description, audience: .anyone, max_score: 4,
            required_reviews: 2, created_at: now)
    }

    static func model(_ call: CallRecord, actor: Actor, reviewer: Bool = false) -> CallPages.CallModel {
        CallPages.CallModel(
            context: CallContext(
                call: call, territory: nil, actor: actor,
                subject: ExperiencesPolicy.Subject(national: true, isReviewerOfCall: reviewer)),
            criteria: [Criterion(id: 1, label: "Participation réelle", weight: 3)], mine: [], now: now)
    }

    static func visit(signedIn: Bool) -> Visit {
        Visit(
            lang: .fr,
            viewer: signedIn
                ? Viewer(
                    personID: 3, displayName: "Anne", email: "anne@example.org", rolesByTerritory: [:], sessionID: "s")
                : nil,
            territory: nil, csrfToken: "tok", flash: nil, path: "/appels/5", query: nil)
    }

    @Test func anOpenCallInvitesToContributeOrToLogInAndAClosedOneSaysWhen() {
        let anne = Actor(personID: 3, roles: [])
        let open = CallPages.view(Self.model(Self.call(closesIn: 10), actor: anne), visit: Self.visit(signedIn: true))
            .main.rendered
        #expect(open.contains("href=\"/appels/5/contribuer\">Proposer une expérience"))
        #expect(open.contains("deux relecteur·rices évaluent chaque contribution"))
        #expect(open.contains("Participation réelle <span class=\"meta\">(poids 3)"))
        #expect(!open.contains("Évaluer et classer"), "a reviewer's link only for reviewers")

        let visitor = CallPages.view(
            Self.model(Self.call(closesIn: 10), actor: Actor(personID: nil, roles: [])),
            visit: Self.visit(signedIn: false)
        ).main.rendered
        #expect(visitor.contains("Se connecter pour contribuer"))

        let closed = CallPages.view(Self.model(Self.call(closesIn: -1), actor: anne), visit: Self.visit(signedIn: true))
            .main.rendered
        #expect(!closed.contains("Proposer une expérience") && closed.contains("class=\"notice\""))

        let reviewer = CallPages.view(
            Self.model(Self.call(closesIn: 10), actor: anne, reviewer: true), visit: Self.visit(signedIn: true)
        ).main.rendered
        #expect(reviewer.contains("Évaluer et classer les contributions"))
    }

    static func record(_ id: Int, _ title: String) -> ExperienceRecord {
        ExperienceRecord(
            id: id, call_id: 5, status: .submitted, title: title, summary: "", context: nil, level: nil,
            participants_mask: 0, participant_count: nil, objectives: "", actions: "", results: "", evaluation: "",
            lessons: "", region: nil, place: "", start_year: nil, end_year: nil, themes_mask: 0, populations_mask: 0,
            contact_name: "", contact_email: "", contact_public: false, remarkable: false, created_at: now,
            submitted_at: now, published_at: nil)
    }

    /// Issue #16, attack 5, in the view: a reviewer who has not scored a submission sees neither its
    /// mean nor a rank for it, whatever the other reviewer gave; once scored, both.
    @Test func aReviewerSeesTheMeanAndRankOnlyOfWhatTheyHaveScored() {
        let anne = Actor(personID: 3, roles: [])
        let context = Self.model(Self.call(closesIn: 10), actor: anne, reviewer: true).context
        let model = ReviewPages.DashboardModel(
            context: context, submissions: [Self.record(1, "Jardin"), Self.record(2, "Café")],
            scores: [1: [(reviewer: 9, score: 90), (reviewer: 3, score: 70)], 2: [(reviewer: 9, score: 10)]], own: [],
            reviewers: nil)
        let rows = ReviewPages.rankingRows(model, visit: Self.visit(signedIn: true)).map { $0.map(\.rendered) }
        #expect(rows.count == 2)
        #expect(rows[0][0] == "1" && rows[0][1].contains("Jardin") && rows[0][4] == "80")
        #expect(rows[1][0] == "—" && rows[1][1].contains("Café"))
        #expect(rows[1][4].contains("après votre note") && !rows[1][4].contains("10"))
        #expect(rows[1][6] == "à noter")
        let page = ReviewPages.dashboardView(
            model, visit: Self.visit(signedIn: true), errors: FormErrors(), fields: [:]
        ).main.rendered
        #expect(!page.contains("Relecteur·rices de l&#39;appel"), "the reviewers' list is for organisers")
    }
}
