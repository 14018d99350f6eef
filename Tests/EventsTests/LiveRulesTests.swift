import Core
import Foundation
import Testing
@testable import Events

@Suite("Live participation rules")
struct LiveRulesTests {
    static func errors<T>(_ result: Result<T, FormErrorsBox>) -> FormErrors {
        if case .failure(let box) = result { return box.errors }
        return FormErrors()
    }

    @Test func rankingOptionsComeFromChosenIdeasThenTypedLines() throws {
        #expect(
            try LiveRules.rankingOptions(
                chosen: ["Un bus", " Une permanence "], typed: "\nDes consultations le samedi\n", lang: .fr
            ).get()
                == ["Un bus", "Une permanence", "Des consultations le samedi"])
        #expect(try LiveRules.rankingOptions(chosen: [], typed: "A\nB\nC", lang: .fr).get() == ["A", "B", "C"])
        // Too few, too many, too long, the same twice: a message on the options field.
        let two = Self.errors(LiveRules.rankingOptions(chosen: ["Un bus"], typed: "Une navette", lang: .fr))
        #expect(
            two["options"]?.contains("3 à 10 options") == true && two["options"]?.contains("(2 pour le moment)") == true
        )
        #expect(
            Self.errors(
                LiveRules.rankingOptions(
                    chosen: [], typed: (1...11).map { "Option \($0)" }.joined(separator: "\n"), lang: .fr))["options"]
                != nil)
        #expect(
            Self.errors(
                LiveRules.rankingOptions(chosen: [], typed: "A\nB\n" + String(repeating: "x", count: 281), lang: .fr))[
                    "options"]?.contains("280 caractères") == true)
        #expect(
            Self.errors(LiveRules.rankingOptions(chosen: ["Un bus"], typed: "un BUS\nC", lang: .fr))["options"]
                == "Deux options sont identiques.")
    }

    @Test func aTopThreeNeedsThreeDifferentOptionsOfTheRanking() throws {
        let fields = ["rank-9-1", "rank-9-2", "rank-9-3"]
        #expect(
            try LiveRules.ranking(["12", "10", "11"], valid: [10, 11, 12, 13], fields: fields, lang: .fr).get() == [
                12, 10, 11,
            ])
        // The same option twice: the message is next to the later rank and names the earlier one.
        let duplicate = Self.errors(
            LiveRules.ranking(["12", "10", "12"], valid: [10, 11, 12], fields: fields, lang: .fr))
        #expect(duplicate.fields == ["rank-9-3"])
        #expect(duplicate["rank-9-3"] == "Vous avez déjà mis cette option en 1er choix : choisissez-en une autre.")
        // A missing rank, and an option of another ranking (a tampered form).
        let missing = Self.errors(LiveRules.ranking(["12", "", "99"], valid: [10, 11, 12], fields: fields, lang: .fr))
        #expect(missing["rank-9-2"] == "Choisissez votre 2e choix.")
        #expect(missing["rank-9-3"] == "Choisissez une option de la liste.")
        #expect(
            Self.errors(LiveRules.ranking([nil, nil, nil], valid: [10, 11, 12], fields: fields, lang: .en))["rank-9-1"]
                == "Choose your first choice.")
        // With only two options, a top 2 is enough.
        #expect(
            try LiveRules.ranking(["11", "10", nil], valid: [10, 11], fields: fields, lang: .fr).get() == [11, 10])
    }

    @Test func bordaGivesThreeTwoOnePointsAndBreaksTiesByFirstPlaces() {
        #expect(
            LiveRules.points(rank: 1) == 3 && LiveRules.points(rank: 2) == 2 && LiveRules.points(rank: 3) == 1
                && LiveRules.points(rank: 0) == 0 && LiveRules.points(rank: 4) == 0)
        // Three ballots: [A, B, C], [B, A, C], [C, A, B] → A 3+2+2 = 7, B 2+3+1 = 6, C 1+1+3 = 5.
        let counts = [
            LiveRules.RankCount(option: 1, rank: 1, count: 1), LiveRules.RankCount(option: 1, rank: 2, count: 2),
            LiveRules.RankCount(option: 2, rank: 1, count: 1), LiveRules.RankCount(option: 2, rank: 2, count: 1),
            LiveRules.RankCount(option: 2, rank: 3, count: 1),
            LiveRules.RankCount(option: 3, rank: 1, count: 1), LiveRules.RankCount(option: 3, rank: 3, count: 2),
        ]
        let scores = LiveRules.borda(options: [1, 2, 3, 4], counts: counts)
        #expect(scores.map(\.option) == [1, 2, 3, 4])
        #expect(scores.map(\.points) == [7, 6, 5, 0])
        #expect(scores.map(\.mentions) == [3, 3, 3, 0])
        #expect(scores.map(\.firsts) == [1, 1, 1, 0])
        // A tie on points: more first places wins; then the option's order.
        let tied = LiveRules.borda(
            options: [5, 6, 7],
            counts: [
                LiveRules.RankCount(option: 5, rank: 2, count: 3),  // 6 points, no first place
                LiveRules.RankCount(option: 6, rank: 1, count: 2),  // 6 points, two first places
                // rank 0 is no rank
                LiveRules.RankCount(option: 7, rank: 3, count: 1), LiveRules.RankCount(option: 7, rank: 0, count: 9),
            ])
        #expect(tied.map(\.option) == [6, 5, 7])
        #expect(tied.last?.points == 1 && tied.last?.mentions == 1)
        #expect(LiveRules.borda(options: [8, 9], counts: []).map(\.option) == [8, 9])
    }

    @Test func noContributionToADraftACancelledOrLongPastEvent() {
        let end = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(LiveRules.closed(status: .published, endsAt: end, now: end.addingTimeInterval(-3600)) == nil)
        // running late
        #expect(LiveRules.closed(status: .published, endsAt: end, now: end.addingTimeInterval(11 * 3600)) == nil)
        #expect(LiveRules.closed(status: .published, endsAt: end, now: end.addingTimeInterval(12 * 3600 + 1)) == .over)
        #expect(LiveRules.closed(status: .cancelled, endsAt: end, now: end.addingTimeInterval(-86400)) == .cancelled)
        #expect(LiveRules.closed(status: .draft, endsAt: end, now: end.addingTimeInterval(-86400)) == .draft)
        #expect(LiveRules.Closed.over.message.in(.fr).contains("terminée"))
    }

    @Test func theAddressLimitIsItsOwnKeyAndLetsAWholeRoomIn() {
        let limiter = RateLimiter()
        let start = Date()
        let address = LiveRules.addressKey("192.0.2.7")
        #expect(address != LiveRules.limiterKey(participant: "192.0.2.7"))
        // A room of 120 people behind one address, five contributions each within half a minute:
        // all allowed; one more is not.
        for index in 0..<LiveRules.addressLimit {
            #expect(
                limiter.allows(
                    address, limit: LiveRules.addressLimit, window: LiveRules.window,
                    now: start.addingTimeInterval(Double(index) / 20)))
            limiter.record(address, now: start.addingTimeInterval(Double(index) / 20))
        }
        #expect(
            !limiter.allows(
                address, limit: LiveRules.addressLimit, window: LiveRules.window, now: start.addingTimeInterval(40)))
        #expect(
            limiter.allows(
                LiveRules.addressKey("192.0.2.8"), limit: LiveRules.addressLimit, window: LiveRules.window,
                now: start.addingTimeInterval(40)))
    }

    @Test func aProposalTitleIsCutAfterAWholeWord() {
        #expect(LiveRules.proposalTitle("  Un bus\nle mardi  ") == "Un bus le mardi")
        let long = String(repeating: "transport solidaire ", count: 20)  // 400 characters
        let title = LiveRules.proposalTitle(long)
        #expect(title.count <= LiveRules.proposalTitleMax && title.hasSuffix("…"))
        #expect(title.dropLast().hasSuffix("solidaire") || title.dropLast().hasSuffix("transport"))
        // one long word: cut inside it
        #expect(LiveRules.proposalTitle(String(repeating: "a", count: 300), max: 150).count == 150)
        #expect(LiveRules.proposalTitle(long, max: 150).count <= 150)
    }

    @Test func aResultPrefillsTheProposalForm() throws {
        let idea =
            "Un bus vers la maison de santé le mardi matin, "
            + String(repeating: "avec un arrêt dans chaque bourg ", count: 7)
        let fields = LiveRules.proposalPrefill(
            text: idea, origin: .idea(votes: 8), question: "Vos idées pour l'accès aux soins",
            eventTitle: "Forum santé : trouver un médecin traitant", eventDay: "12 mars 2026",
            themes: ["acces-aux-soins", "prevention"], commune: "35360")
        let map = Dictionary(uniqueKeysWithValues: fields)
        #expect(idea.count > 200)
        #expect(try #require(map["titre"]).count <= LiveRules.proposalTitleMax)
        let body = try #require(map["texte"])
        #expect(body.count >= 20 && body.contains("\n\n« \(idea) »\n\n"))  // the whole idea, quoted
        #expect(body.hasPrefix("Idée proposée sur le mur d'idées « Vos idées pour l'accès aux soins »"))
        #expect(
            body.contains("« Forum santé : trouver un médecin traitant » du 12 mars 2026")
                && body.contains("soutenue par 8 participant·es"))
        #expect(map["themes"] == "acces-aux-soins,prevention" && map["communes"] == "35360")
        #expect(map["origine"] == "rencontre" && map["origine_nom"] == "Forum santé : trouver un médecin traitant")
        // A ranking's option and a poll's answer say where they come from; no commune, no themes: no field.
        let ranked = Dictionary(
            uniqueKeysWithValues: LiveRules.proposalPrefill(
                text: "Un numéro unique", origin: .rankingOption(place: 1, points: 25, participants: 12),
                question: "Nos priorités", eventTitle: "Forum", eventDay: "1er mars 2026", themes: [], commune: nil))
        #expect(
            ranked["texte"]?.contains("classée 1re au classement « Nos priorités » (25 points, 12 participant·es)")
                == true)
        #expect(ranked["themes"] == nil && ranked["communes"] == nil)
        let answer = Dictionary(
            uniqueKeysWithValues: LiveRules.proposalPrefill(
                text: "Le samedi", origin: .pollAnswer(votes: 1, total: 3),
                question: "Quand ?", eventTitle: "Forum", eventDay: "1er mars 2026", themes: [], commune: nil))
        #expect(answer["texte"]?.contains("(1 vote sur 3)") == true)
        // The query string encodes everything but unreserved ASCII.
        #expect(
            LiveRules.query([("titre", "Un bus & é?"), ("x", "a+b")]) == "titre=Un%20bus%20%26%20%C3%A9%3F&x=a%2Bb")
    }
}
