import Core
import Foundation
import Testing
@testable import Committees

@Suite("Committee rules")
struct CommitteeRulesTests {
    @Test func collegesBelowTheirShareAreFlagged() {
        let balance = CollegeBalance(
            colleges: [
                .users, .users, .users, .users, .professionals, .professionals, .professionals, .decisionMakers,
            ], minimumSharePercent: 20)
        #expect(balance.counts[.users] == 4 && balance.total == 8)
        #expect(balance.below == [.decisionMakers])  // 12.5 % < 20 %
        #expect(balance.sharePercent(.users) == 50)
        #expect(CollegeBalance(colleges: [], minimumSharePercent: 20).below.isEmpty)
        // Exactly at the share is not below it.
        #expect(
            CollegeBalance(
                colleges: [.users, .professionals, .decisionMakers, .users, .professionals], minimumSharePercent: 20
            ).below.isEmpty)
    }

    @Test func mandatesAreActiveBetweenTheirDaysAndWarnBeforeTheyEnd() {
        #expect(Mandate.isActive(start: "2026-01-01", end: "2028-12-31", today: "2026-11-23"))
        #expect(!Mandate.isActive(start: "2027-01-01", end: "2028-12-31", today: "2026-11-23"))
        #expect(!Mandate.isActive(start: "2024-01-01", end: "2026-11-22", today: "2026-11-23"))
        #expect(Mandate.endsSoon(end: "2027-01-10", today: "2026-11-23"))
        #expect(!Mandate.endsSoon(end: "2027-03-10", today: "2026-11-23"))
        #expect(!Mandate.endsSoon(end: "2026-11-01", today: "2026-11-23"), "an ended mandate is not 'ending soon'")
    }

    @Test func theQuorumRoundsUp() {
        #expect(Quorum.required(votingMembers: 9, percent: 50) == 5)
        #expect(Quorum.required(votingMembers: 10, percent: 50) == 5)
        #expect(Quorum.required(votingMembers: 7, percent: 34) == 3)
        #expect(Quorum.required(votingMembers: 0, percent: 50) == 0)
    }

    @Test func votesAreCountedPerCollegeAndAdoptedByTheRule() {
        let tally = VoteTally([
            (.users, .yes), (.users, .yes), (.professionals, .no), (.decisionMakers, .abstain), (.decisionMakers, .yes),
        ])
        #expect(tally.total == VoteTally.Count(yes: 3, no: 1, abstain: 1))
        #expect(tally.byCollege[.users] == VoteTally.Count(yes: 2))
        #expect(tally.byCollege[.decisionMakers] == VoteTally.Count(yes: 1, abstain: 1))
        #expect(tally.adopted(under: .majority))
        #expect(tally.adopted(under: .twoThirds))  // 3 of 4 cast
        let close = VoteTally([(.users, .yes), (.users, .yes), (.professionals, .no)])
        #expect(close.adopted(under: .majority) && close.adopted(under: .twoThirds))  // 2 of 3 is two thirds
        let tie = VoteTally([(.users, .yes), (.professionals, .no)])
        #expect(!tie.adopted(under: .majority))
        #expect(!VoteTally([(.users, .abstain)]).adopted(under: .majority), "nothing is adopted without a vote for it")
    }

    @Test func aDrawIsReproducibleFromItsSeed() {
        let candidates = (1...12).map { Draw.Candidate(number: $0) }
        let first = Draw.draw(candidates, seats: 3, seed: 20_261_123, balanced: false)
        #expect(first.count == 3 && Set(first).count == 3)
        #expect(
            Draw.draw(candidates.reversed(), seats: 3, seed: 20_261_123, balanced: false) == first,
            "the order of the list does not matter")
        #expect(Draw.draw(candidates, seats: 3, seed: 20_261_124, balanced: false) != first)
        // The full order is a permutation.
        #expect(Draw.order(candidates, seed: 7, balanced: false).sorted() == Array(1...12))
        #expect(Draw.draw(candidates, seats: 20, seed: 7, balanced: false).count == 12)
        // The generator is SplitMix64: its first output from seed 0 is the published reference value.
        var generator = Draw.SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
    }

    @Test func aBalancedDrawTakesFromEachGroupInTurn() {
        // Eight candidates from Vitré, two from Bais: with a balance, Bais gets a seat among the first two.
        let candidates =
            (1...8).map { Draw.Candidate(number: $0, group: "35360") } + [
                Draw.Candidate(number: 9, group: "35014"), Draw.Candidate(number: 10, group: "35014"),
            ]
        for seed in UInt64(1)...50 {
            let drawn = Draw.draw(candidates, seats: 2, seed: seed, balanced: true)
            #expect(drawn.filter { $0 >= 9 }.count == 1, "seed \(seed): \(drawn)")
        }
        #expect(Draw.commitment(toSeed: "123456789012345678").count == 64)
        #expect(
            Draw.keeps(Draw.commitment(toSeed: "42"), seed: "42")
                && !Draw.keeps(Draw.commitment(toSeed: "42"), seed: "43"))
    }

    @Test func formsReportEveryProblemInFrench() {
        guard
            case .failure(let box) = MeetingInput.validate(
                fields: ["day": "2027-02-30", "start": "25:00", "end": "20:00", "link": "http://x", "agenda": " \n "],
                lang: .fr)
        else { Issue.record("a bad meeting passed"); return }
        #expect(box.errors.fields.sorted() == ["agenda", "day", "link", "start"])
        guard
            case .failure(let ends) = MeetingInput.validate(
                fields: [
                    "day": "2027-03-02", "start": "20:00", "end": "18h30", "place": "Mairie", "agenda": "Point 1",
                ], lang: .fr)
        else { Issue.record("a meeting ending before it starts passed"); return }
        #expect(ends.errors["end"] == "La séance doit finir après son début.")
        guard
            case .success(let meeting) = MeetingInput.validate(
                fields: [
                    "day": "2027-03-28", "start": "18h30", "end": "20:00", "place": "Mairie",
                    "agenda": "Accueil\n\nBilan",
                ], lang: .fr)
        else { Issue.record("a good meeting failed"); return }
        #expect(meeting.agenda == ["Accueil", "Bilan"])
        // 28 March 2027 is the first day of summer time: 18:30 in Paris is 16:30 UTC.
        #expect(
            ICS.calendar(
                [
                    ICS.Event(
                        uid: "u", start: meeting.startsAt, end: meeting.endsAt, summary: "S",
                        lastModified: meeting.startsAt)
                ], name: "N"
            )
            .contains("DTSTART:20270328T163000Z"))

        var errors = FormErrors()
        _ = MandateTerms.validate(
            fields: ["mandate_start": "2027-01-01", "mandate_end": "2026-12-31"], errors: &errors, lang: .fr)
        #expect(errors["mandate_end"] == "Le mandat doit finir après son début.")
        guard
            case .failure(let call) = CallInput.validate(
                fields: [
                    "title": "Appel", "body": "Texte", "call_college": "usagers", "closes_on": "2026-11-22",
                    "seats": "0",
                ], today: "2026-11-23", lang: .fr)
        else { Issue.record("a call closing in the past passed"); return }
        #expect(call.errors["closes_on"] == "La date limite est déjà passée." && call.errors["seats"] != nil)
        #expect(
            ClockTime.parse("18h") == 1080 && ClockTime.parse("7:05") == 425 && ClockTime.parse("24:00") == nil
                && ClockTime.parse("midi") == nil)
    }

    @Test func applicantsChooseTheCollegeTheirRolesGive() {
        #expect(CommitteesPolicy.colleges(for: [.resident]) == [.users])
        #expect(CommitteesPolicy.colleges(for: [.patientPartner, .resident]) == [.users])
        #expect(CommitteesPolicy.colleges(for: [.professional]) == [.professionals])
        #expect(CommitteesPolicy.colleges(for: [.coordinator]).isEmpty)
        #expect(
            CommitteesPolicy.runs([.coordinator]) && CommitteesPolicy.runs([.admin])
                && !CommitteesPolicy.runs([.decisionMaker]))
    }

    @Test func linksAreAddressesOfTheSameTerritory() {
        #expect(
            TerritoryLinks.parse(" /vitre/actions \n\n/vitre/propositions/12", territory: "vitre") == [
                "/vitre/actions", "/vitre/propositions/12",
            ])
        #expect(TerritoryLinks.parse("", territory: "vitre") == [])
        #expect(TerritoryLinks.parse("/broceliande/actions", territory: "vitre") == nil)
        #expect(TerritoryLinks.parse("https://ailleurs.example/vitre/x", territory: "vitre") == nil)
        #expect(TerritoryLinks.parse("/vitre/a b", territory: "vitre") == nil)
        #expect(TerritoryLinks.shown("/vitre/actions\njavascript:alert(1)", territory: "vitre") == ["/vitre/actions"])
    }
}
