import Core
import Foundation
import Testing
@testable import Proposals

@Suite("Proposal lifecycle")
struct LifecycleTests {
    @Test func aProposalMovesOnlyForward() {
        #expect(ProposalStatus.received.next.contains(.underStudy))
        #expect(ProposalStatus.underStudy.next == [.accepted, .partlyAccepted, .notAccepted])
        #expect(ProposalStatus.accepted.next == [.inProgress, .done])
        #expect(ProposalStatus.notAccepted.next.isEmpty)
        #expect(ProposalStatus.done.next.isEmpty)
        #expect(!ProposalStatus.inProgress.next.contains(.received))
    }

    @Test func refusingNeedsAReasonAndAnsweringNeedsAText() {
        let refused = StatusChangeInput.validate(
            fields: ["status": "not_accepted", "answer": "non"], from: .underStudy, lang: .fr)
        guard case .failure(let box) = refused else { Issue.record("a refusal without reason passed"); return }
        #expect(box.errors["answer"]?.contains("raison") == true)

        let accepted = StatusChangeInput.validate(
            fields: ["status": "accepted", "answer": ""], from: .received, lang: .fr)
        guard case .failure(let box2) = accepted else { Issue.record("an answer without text passed"); return }
        #expect(box2.errors["answer"] != nil)

        let study = StatusChangeInput.validate(
            fields: ["status": "under_study", "answer": ""], from: .received, lang: .fr)
        #expect((try? study.get())?.to == .underStudy)
    }

    @Test func aStatusNotReachableFromTheCurrentOneIsRefusedInFrench() {
        let result = StatusChangeInput.validate(
            fields: ["status": "done", "answer": "c'est fait"], from: .received, lang: .fr)
        guard case .failure(let box) = result else { Issue.record("received → done passed"); return }
        #expect(box.errors["status"] == "Une proposition « Reçue » ne peut pas passer à « Réalisée ».")
        let unknown = StatusChangeInput.validate(fields: ["status": "draft"], from: .received, lang: .fr)
        #expect((try? unknown.get()) == nil)
    }
}

@Suite("Proposal form")
struct ProposalInputTests {
    static let communes: Set<String> = ["35360", "35006"]
    static let good: [String: String] = [
        "title": "Un bus le mardi", "body": "Un petit bus le mardi matin vers la maison de santé.",
        "origin": "spontanee",
    ]

    @Test func aGoodProposalPasses() throws {
        let input = try ProposalInput.validate(
            fields: Self.good, multi: ["themes": ["mobilite"], "communes": ["35360", "35360"]],
            allowedCommunes: Self.communes, lang: .fr
        ).get()
        #expect(input.themes == [.mobility])
        #expect(input.communes == ["35360"])
        #expect(!input.asDraft)
    }

    @Test func everyProblemIsReportedByField() {
        let result = ProposalInput.validate(
            fields: ["title": String(repeating: "a", count: 121), "body": "court", "origin": "ailleurs"],
            multi: ["themes": ["inconnu"], "communes": ["75056"]], allowedCommunes: Self.communes, lang: .fr)
        guard case .failure(let box) = result else { Issue.record("bad input passed"); return }
        #expect(Set(box.errors.fields) == ["title", "body", "themes", "communes", "origin"])
        #expect(box.errors["title"] == "120 caractères au plus.")
    }

    @Test func aDraftNeedsOnlyATitleAndSomeText() throws {
        var fields = Self.good
        fields["body"] = "idée"
        fields["action"] = "draft"
        let input = try ProposalInput.validate(fields: fields, multi: [:], allowedCommunes: Self.communes, lang: .fr)
            .get()
        #expect(input.asDraft)
    }
}

@Suite("French search terms")
struct SearchTermsTests {
    @Test func accentsCaseAndPluralsMeetTheSameTerm() {
        #expect(SearchTerms.terms(of: "Médecins") == SearchTerms.terms(of: "medecin"))
        #expect(SearchTerms.terms(of: "les hôpitaux") == ["hopital"])
        #expect(SearchTerms.terms(of: "L'accès aux soins") == SearchTerms.terms(of: "acces soin"))
        #expect(SearchTerms.terms(of: "L'accès aux soins").count == 2)
    }

    @Test func stopWordsAndRepeatsAreDropped() {
        #expect(SearchTerms.terms(of: "le la les et de du") == [])
        #expect(SearchTerms.terms(of: "bus bus BUS") == ["bus"])
    }
}

@Suite("Attachments and figures")
struct AttachmentTests {
    @Test func filesAreRecognisedByTheirContent() {
        #expect(AttachmentCheck.kind(of: [0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(AttachmentCheck.kind(of: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(AttachmentCheck.kind(of: Array("%PDF-1.7".utf8)) == .pdf)
        #expect(AttachmentCheck.kind(of: Array("MZ\u{90}".utf8)) == nil)  // an executable named photo.jpg
        #expect(AttachmentCheck.kind(of: Array("<svg onload=alert(1)>".utf8)) == nil)
    }

    @Test func namesAreCleanedAndTakeTheRealExtension() {
        #expect(AttachmentCheck.safeName("../../etc/passwd.jpg", kind: .pdf) == "passwd.pdf")
        #expect(AttachmentCheck.safeName("photo du \"bus\".png", kind: .png) == "photo du bus.png")
        #expect(AttachmentCheck.safeName("", kind: .jpeg) == "document.jpg")
    }

    @Test func themesFitInOneInteger() {
        let mask = Theme.mask([.access, .youth])
        #expect(Theme.from(mask: mask) == [.access, .youth])
        #expect(Set(Theme.allCases.map(\.bit)).count == Theme.allCases.count)
    }

    @Test func medianOfOddAndEvenLists() {
        #expect(Median.of([]) == nil)
        #expect(Median.of([5, 1, 3]) == 3)
        #expect(Median.of([4, 1, 3, 2]) == 2.5)
    }
}

@Suite("Follow-up figures")
struct FollowUpFiguresTests {
    static func entry(
        _ id: Int, _ status: ProposalStatus, themes: [Theme], communes: [String], days: Double?
    ) -> ProposalReadModel.Entry {
        let submitted = Date(timeIntervalSince1970: 1_700_000_000)
        return ProposalReadModel.Entry(
            id: id, title: "p\(id)", status: status, themesMask: Theme.mask(themes), communes: communes,
            submittedAt: submitted, supportCount: 0, commentCount: 0, audience: "resident",
            answeredAt: days.map { submitted.addingTimeInterval($0 * 86_400) })
    }

    @Test func countsByThemeAndCommuneWithTheMedianDelay() {
        let figures = FollowUpFigures(entries: [
            Self.entry(1, .received, themes: [.access], communes: ["35360"], days: nil),
            Self.entry(2, .accepted, themes: [.access, .youth], communes: ["35360", "35006"], days: 10),
            Self.entry(3, .notAccepted, themes: [.youth], communes: [], days: 20),
            Self.entry(4, .done, themes: [.access], communes: ["35006"], days: 40),
        ])
        #expect(figures.total == .init(received: 4, answered: 3, accepted: 2, done: 1))
        #expect(figures.byBit[Theme.access.bit] == .init(received: 3, answered: 2, accepted: 2, done: 1))
        #expect(figures.byBit[Theme.youth.bit] == .init(received: 2, answered: 2, accepted: 1, done: 0))
        #expect(figures.byCommune["35006"] == .init(received: 2, answered: 2, accepted: 2, done: 1))
        #expect(figures.medianDaysToAnswer == 20)
    }
}

@Suite("French search terms, ASCII and Unicode paths")
struct SearchTermsPathsTests {
    @Test func bothPathsAgree() {
        #expect(SearchTerms.terms(of: "MEDECINS de garde") == SearchTerms.terms(of: "Médecins de garde"))
        #expect(SearchTerms.terms(of: "Coeur") == SearchTerms.terms(of: "Cœur"))
        #expect(SearchTerms.terms(of: "sante, sante!") == ["sante"])
    }
}

@Suite("Proposals policy")
struct ProposalsPolicyTests {
    @Test func audienceFollowsTheRolesAndAssistedPeopleAreResidents() {
        #expect(ProposalsPolicy.audience(roles: [.professional, .patientPartner], assisted: false) == "professional")
        #expect(ProposalsPolicy.audience(roles: [.patientPartner, .resident], assisted: false) == "patient_partner")
        #expect(ProposalsPolicy.audience(roles: [.resident], assisted: false) == "resident")
        #expect(ProposalsPolicy.audience(roles: [.patientPartner], assisted: true) == "resident")
    }

    @Test func onlyStaffAnswerAndModerate() {
        #expect(ProposalsPolicy.can([.decisionMaker], .answer) && !ProposalsPolicy.can([.decisionMaker], .moderate))
        #expect(
            ProposalsPolicy.can([.coordinator], .moderate) && !ProposalsPolicy.can([.resident, .professional], .answer))
        #expect(ProposalsPolicy.signingRole([.coordinator, .decisionMaker]) == .decisionMaker)
    }
}
