import Foundation
import Testing

@testable import Committees
@testable import Core

/// The committees' page views, rendered from models built by hand: no server, no database.
/// Each test checks what the page is for (its heading, a count) and what the policy shows or
/// hides to whom.
@Suite("Committee page views")
struct PageViewTests {
    static let territory = TerritoryInfo(id: 1, slug: "vitre", name: "Vitré", epciSiren: nil, communes: [])
    /// 2 December 2026, 10:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_205_600)

    /// A visit in French to the territory: anonymous (`roles` nil) or person `person` with `roles` there.
    static func visit(_ roles: Set<Role>?, person: Int = 7) -> Visit {
        Visit(
            lang: .fr,
            viewer: roles.map {
                Viewer(
                    personID: person, displayName: "Personne \(person)", email: nil, rolesByTerritory: [1: $0],
                    sessionID: "s")
            },
            territory: territory, csrfToken: "tok", flash: nil, path: "/vitre/instances/1", query: nil)
    }

    static func committee() -> Committee {
        let committee = Committee()
        committee.id = 1
        committee.territoryID = 1
        committee.name = "Comité local de santé"
        committee.purpose = "Parler santé ensemble."
        committee.themesMask = 0
        committee.communes = ""
        committee.quorumPercent = 50
        committee.decisionRule = DecisionRule.majority.rawValue
        committee.voteWithoutQuorum = false
        committee.minimumSharePercent = 20
        committee.createdAt = now
        return committee
    }

    static func seat(_ id: Int, person: Int, college: College = .users, name: String) -> Seat {
        Seat(
            id: id, person_id: person, college: college.rawValue, function: MemberFunction.member.rawValue,
            mandate_start: "2026-01-01", mandate_end: "2028-12-31", substitute_of_id: nil, named: true,
            display_name: name)
    }

    static func rendered(_ page: WebPage) -> String { page.main.rendered }

    // MARK: - The meeting

    static func meetingModel(attendance: [Int: AttendanceStatus]) -> MeetingPageModel {
        let meeting = Meeting()
        meeting.id = 4
        meeting.committeeID = 1
        meeting.startsAt = now.addingTimeInterval(8 * 86_400)
        meeting.endsAt = now.addingTimeInterval(8 * 86_400 + 7_200)
        meeting.place = "Mairie"
        meeting.createdAt = now
        let item = AgendaItem()
        item.id = 11
        item.meetingID = 4
        item.position = 1
        item.title = "Le bus santé"
        item.voteOpen = true
        let state = MeetingState(
            seats: [seat(1, person: 7, name: "Alice Martin"), seat(2, person: 8, name: "Bruno Petit")],
            items: [item], attendance: attendance, votes: [:], previous: nil, today: Day.today(meeting.startsAt))
        return MeetingPageModel(committee: committee(), meeting: meeting, state: state, documents: [], now: now)
    }

    @Test func aMeetingShowsItsQuorumAndTheBallotOnlyToAVotingMemberPresent() throws {
        let model = Self.meetingModel(attendance: [1: .present])
        let member = Self.rendered(
            try MeetingPages.view(model, visit: Self.visit([.resident], person: 7), fields: [:], errors: FormErrors()))
        #expect(member.contains("<h1>Séance du 10 décembre 2026</h1>"))
        #expect(member.contains("Présents ou représentés : 1 sur 2 membres votants ; quorum : 1."))
        #expect(member.contains("Le quorum est atteint."))
        #expect(member.contains("0 vote(s) exprimé(s)"))
        #expect(member.contains("name=\"choice-11\""), "the member present votes")
        #expect(!member.contains("Ouvrir le vote") && !member.contains("Enregistrer la décision"))

        // The other member is absent: no ballot. Anonymous visitors read public names, no form.
        let absent = Self.rendered(
            try MeetingPages.view(model, visit: Self.visit([.resident], person: 8), fields: [:], errors: FormErrors()))
        #expect(!absent.contains("name=\"choice-11\""))
        let anonymous = Self.rendered(
            try MeetingPages.view(model, visit: Self.visit(nil), fields: [:], errors: FormErrors()))
        #expect(!anonymous.contains("<form"))
        #expect(!anonymous.contains("Documents de la séance"))

        // The staff record the decision and the attendance.
        let staff = Self.rendered(
            try MeetingPages.view(
                model, visit: Self.visit([.coordinator], person: 99), fields: [:], errors: FormErrors()))
        #expect(staff.contains("Enregistrer la décision"))
        #expect(staff.contains("Noter les présences"))
        #expect(!staff.contains("name=\"choice-11\""), "the staff hold no seat here")

        let nobody = Self.rendered(
            try MeetingPages.view(
                Self.meetingModel(attendance: [:]), visit: Self.visit(nil), fields: [:], errors: FormErrors()))
        #expect(nobody.contains("Le quorum n&#39;est pas atteint."))
    }

    // MARK: - The call for candidates

    static func callModel(candidates: Int) -> CallPageModel {
        let call = CandidateCall()
        call.id = 3
        call.committeeID = 1
        call.title = "Appel aux usagers"
        call.body = "Rejoignez le comité."
        call.college = College.users.rawValue
        call.closesOn = "2026-12-12"
        call.seats = 3
        call.balance = ""
        call.createdAt = now
        let rows = (1...3).prefix(candidates).map { number in
            CandidateRow(
                id: number, person_id: 100 + number, number: number, motivation: "Pour aider", commune_code: nil,
                age_band: nil, status: "pending", display_name: "Candidat \(number)")
        }
        return CallPageModel(committee: committee(), call: call, candidates: rows, today: "2026-12-02")
    }

    @Test func aCallCountsItsApplicationsAndOffersItsFormToItsCollegeOnly() throws {
        let model = Self.callModel(candidates: 2)
        let resident = Self.rendered(
            try CallPages.view(model, visit: Self.visit([.resident]), fields: [:], errors: FormErrors()))
        #expect(resident.contains("<h1>Appel aux usagers</h1>"))
        #expect(resident.contains("2 candidatures reçues."))
        #expect(resident.contains("encore 10 jours pour candidater, jusqu&#39;au 12 décembre 2026"))
        #expect(resident.contains("Envoyer ma candidature"))
        #expect(!resident.contains("Espace des coordinateurs"))

        let professional = Self.rendered(
            try CallPages.view(model, visit: Self.visit([.professional]), fields: [:], errors: FormErrors()))
        #expect(professional.contains("Cet appel s&#39;adresse au collège des usagers"))
        #expect(!professional.contains("Envoyer ma candidature"))

        let candidate = Self.rendered(
            try CallPages.view(model, visit: Self.visit([.resident], person: 101), fields: [:], errors: FormErrors()))
        #expect(candidate.contains("Votre candidature est enregistrée sous le numéro 1."))

        let staff = Self.rendered(
            try CallPages.view(model, visit: Self.visit([.coordinator]), fields: [:], errors: FormErrors()))
        #expect(staff.contains("Espace des coordinateurs"))
        #expect(staff.contains("Tirer au sort 3 membres"))

        let empty = Self.rendered(
            try CallPages.view(
                Self.callModel(candidates: 0), visit: Self.visit([.coordinator]), fields: [:], errors: FormErrors()))
        #expect(empty.contains("0 candidature reçue."))
        #expect(empty.contains("Aucune candidature pour l&#39;instant."))
        #expect(!empty.contains("Tirer au sort"), "nothing to draw from")
    }

    // MARK: - The strategy

    static func strategyModel(adopted: Bool, drafter: Bool) -> StrategyPageModel {
        let strategy = Strategy()
        strategy.id = 5
        strategy.committeeID = 1
        strategy.title = "Stratégie de prévention 2027"
        strategy.version = 2
        strategy.adoptedAt = adopted ? now : nil
        strategy.createdAt = now
        let section = StrategySection()
        section.id = 21
        section.strategyID = 5
        section.position = 1
        section.title = "Le constat"
        section.body = "Peu de médecins."
        section.updatedAt = now
        return StrategyPageModel(
            committee: committee(), strategy: strategy, drafter: drafter, sections: [section],
            comments: drafter
                ? [StrategyStore.CommentRow(section_id: 21, body: "D'accord", created_at: now, display_name: nil)] : [],
            versions: drafter
                ? [StrategyStore.VersionRow(version: 2, text: "Le constat", created_at: now, display_name: "Alice")]
                : [],
            decisions: [], requestedVersion: nil)
    }

    @Test func aDraftShowsItsFormsToDraftersAndAnAdoptedStrategyIsFrozen() throws {
        let draft = Self.rendered(
            try StrategyPages.view(
                Self.strategyModel(adopted: false, drafter: true), visit: Self.visit([.resident]), fields: [:],
                errors: FormErrors()))
        #expect(draft.contains("<h1>Stratégie de prévention 2027</h1>"))
        #expect(draft.contains("<h2>1. Le constat</h2>"))
        #expect(draft.contains("Ajouter la partie") && draft.contains("Modifier cette partie"))
        #expect(draft.contains("D&#39;accord") && draft.contains("compte supprimé"))
        #expect(draft.contains("<h2 id=\"versions\">Versions</h2>"))
        #expect(!draft.contains("Marquer comme adoptée"), "a member drafts; the staff adopt")

        let staff = Self.rendered(
            try StrategyPages.view(
                Self.strategyModel(adopted: false, drafter: true), visit: Self.visit([.coordinator]), fields: [:],
                errors: FormErrors()))
        #expect(staff.contains("Marquer comme adoptée"))

        let adopted = Self.rendered(
            try StrategyPages.view(
                Self.strategyModel(adopted: true, drafter: false), visit: Self.visit(nil), fields: [:],
                errors: FormErrors()))
        #expect(adopted.contains("Adoptée le 2 décembre 2026 · version 2"))
        #expect(!adopted.contains("<form"))
        #expect(!adopted.contains("Versions"))
    }

    // MARK: - The committee's public record

    @Test func theRecordShowsItsMembersAndItsToolsToWhoUsesThem() throws {
        let decided = CandidateCall()
        decided.id = 8
        decided.title = "Appel clos"
        decided.closesOn = "2026-12-20"
        decided.decidedAt = Self.now
        let open = Self.callModel(candidates: 0).call
        let meeting = Self.meetingModel(attendance: [:]).meeting
        let model = CommitteePageModel(
            committee: Self.committee(),
            seats: [Self.seat(1, person: 7, name: "Alice Martin"), Self.seat(2, person: 8, name: "Bruno Petit")],
            meetings: [meeting], calls: [open, decided], decisions: [], strategies: [], now: Self.now)

        let anonymous = Self.rendered(try CommitteePages.view(model, visit: Self.visit(nil)))
        #expect(anonymous.contains("<h1>Comité local de santé</h1>"))
        #expect(anonymous.contains("Alice Martin"))
        #expect(anonymous.contains("Appel aux usagers") && !anonymous.contains("Appel clos"), "open calls only")
        #expect(anonymous.contains("10 décembre 2026, ") && anonymous.contains("à venir"))
        #expect(anonymous.contains("Aucune décision pour l&#39;instant."))
        #expect(!anonymous.contains("Espace des membres") && !anonymous.contains("Gérer l&#39;instance"))

        let member = Self.rendered(try CommitteePages.view(model, visit: Self.visit([.resident], person: 8)))
        #expect(member.contains("Espace des membres") && !member.contains("Gérer l&#39;instance"))

        let staff = Self.rendered(try CommitteePages.view(model, visit: Self.visit([.coordinator], person: 99)))
        #expect(staff.contains("Gérer l&#39;instance"))
    }
}
