import Core
import Foundation
import Testing
@testable import Experiences

/// A date at a given Paris wall-clock time.
func paris(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 12, _ min: Int = 0, _ s: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
    return calendar.date(from: DateComponents(year: y, month: m, day: d, hour: h, minute: min, second: s))!
}

@Suite("Call window and deadline")
struct CallWindowTests {
    let window = CallWindow(opensOn: Day("2019-03-01")!, closesOn: Day("2019-05-31")!)

    @Test func theDeadlineIsInclusiveUntilMidnightInParis() {
        #expect(window.isOpen(at: paris(2019, 5, 31, 23, 59, 59)))
        #expect(!window.isOpen(at: paris(2019, 6, 1, 0, 0, 0)))
        // 23:30 UTC on 31 May is already 1 June in Paris (summer time): closed.
        #expect(!window.isOpen(at: paris(2019, 6, 1, 1, 30)))
        #expect(!window.isOpen(at: paris(2019, 2, 28, 23, 59)))
        #expect(window.isOpen(at: paris(2019, 3, 1, 0, 0, 1)))
    }

    @Test func daysLeftAreCalendarDaysInParis() {
        #expect(window.state(at: paris(2019, 5, 31, 8)) == .open(daysLeft: 0))
        #expect(window.state(at: paris(2019, 5, 30, 23, 59)) == .open(daysLeft: 1))
        #expect(window.state(at: paris(2019, 5, 1)) == .open(daysLeft: 30))
        #expect(window.state(at: paris(2019, 1, 1)) == .notYetOpen)
        #expect(window.state(at: paris(2019, 7, 1)) == .closed)
        // Across the change to summer time (31 March 2019), still whole days.
        #expect(window.state(at: paris(2019, 3, 30, 12)) == .open(daysLeft: 62))
    }

    @Test func theSentenceSaysPlainlyHowManyDaysAreLeft() {
        #expect(
            window.sentence(at: paris(2019, 5, 29), lang: .fr)
                == "Encore 2 jours pour participer, jusqu'au 31 mai 2019 inclus")
        #expect(
            window.sentence(at: paris(2019, 5, 30), lang: .fr)
                == "Encore 1 jour pour participer, jusqu'au 31 mai 2019 inclus")
        #expect(window.sentence(at: paris(2019, 5, 31), lang: .fr).hasPrefix("Dernier jour"))
        #expect(window.sentence(at: paris(2019, 6, 2), lang: .fr) == "Appel clos depuis le 31 mai 2019")
        #expect(window.sentence(at: paris(2019, 6, 2), lang: .en) == "Call closed on May 31, 2019")
    }

    @Test func daysAreRealDates() {
        #expect(Day("2019-02-29") == nil)
        #expect(Day("2020-02-29") != nil)
        #expect(Day("31/05/2019") == nil)
        #expect(Day("2019-13-01") == nil)
        #expect(Day("2019-05-31")?.description == "2019-05-31")
    }
}

@Suite("Submission lifecycle")
struct StatusTests {
    @Test func organisersFollowTheReviewWorkflow() {
        #expect(ExperienceStatus.transition(from: .submitted, to: .underReview))
        #expect(ExperienceStatus.transition(from: .underReview, to: .moreInfo))
        #expect(ExperienceStatus.transition(from: .underReview, to: .remarkable))
        #expect(ExperienceStatus.transition(from: .remarkable, to: .published))
        #expect(ExperienceStatus.transition(from: .notSelected, to: .published))
        #expect(!ExperienceStatus.transition(from: .submitted, to: .published))
        #expect(!ExperienceStatus.transition(from: .draft, to: .underReview))  // only its authors send a draft
        #expect(!ExperienceStatus.transition(from: .published, to: .underReview))
        #expect(ExperienceStatus.allCases.allSatisfy { !$0.next.contains($0) })
    }

    @Test func authorsEditDraftsAndAnswerRequests() {
        #expect(ExperienceStatus.draft.authorsMayEdit)
        #expect(ExperienceStatus.moreInfo.authorsMayEdit)
        #expect(!ExperienceStatus.submitted.authorsMayEdit)
        #expect(!ExperienceStatus.published.authorsMayEdit)
    }
}

@Suite("Review grid, ranking, disagreement")
struct ReviewTests {
    let grid = ReviewGrid(
        criteria: [
            Criterion(id: 1, label: "Participation", weight: 3), Criterion(id: 2, label: "Résultats", weight: 1),
        ], maxScore: 4)

    @Test func theWeightedScoreIsOutOf100() {
        #expect(grid.weightedScore([1: 4, 2: 4]) == 100)
        #expect(grid.weightedScore([1: 0, 2: 0]) == 0)
        #expect(grid.weightedScore([1: 4, 2: 0]) == 75)
        #expect(grid.weightedScore([1: 2, 2: 4]) == 62.5)
    }

    @Test func aScoreOutsideTheGridIsRefusedInFrench() throws {
        let bad = grid.validate(fields: ["score-1": "5", "score-2": "2"], lang: .fr)
        guard case .failure(let box) = bad else { Issue.record("accepted 5 on a 0–4 grid"); return }
        #expect(box.errors["score-1"] == "La note de « Participation » doit être un nombre entier de 0 à 4.")
        for value in ["-1", "2.5", "deux", "99999999999999999999"] {
            guard case .failure = grid.validate(fields: ["score-1": value, "score-2": "2"], lang: .fr) else {
                Issue.record("accepted \(value)"); return
            }
        }
        guard case .failure(let missing) = grid.validate(fields: ["score-1": "2"], lang: .fr) else {
            Issue.record("accepted a missing score"); return
        }
        #expect(missing.errors["score-2"] != nil)
        guard
            case .failure(let foreign) = grid.validate(
                fields: ["score-1": "2", "score-2": "2", "score-77": "4"], lang: .fr)
        else { Issue.record("accepted another call's criterion"); return }
        #expect(foreign.errors["grid"] != nil)
        guard
            case .success(let ok) = grid.validate(
                fields: ["score-1": "4", "score-2": "0", "comment-1": "Très bien"], lang: .fr)
        else { Issue.record("refused a valid review"); return }
        #expect(ok.scores == [1: 4, 2: 0])
        #expect(ok.comments[1] == "Très bien")
    }

    @Test func reviewersCannotScoreTheirOwnOrAnotherCallsSubmission() {
        #expect(ReviewRights.check(isReviewerOfCall: true, isAuthor: false, status: .submitted) == .allowed)
        #expect(ReviewRights.check(isReviewerOfCall: true, isAuthor: true, status: .submitted) == .ownSubmission)
        #expect(ReviewRights.check(isReviewerOfCall: false, isAuthor: false, status: .submitted) == .notReviewerOfCall)
        #expect(ReviewRights.check(isReviewerOfCall: true, isAuthor: false, status: .published) == .closed)
        #expect(ReviewRights.check(isReviewerOfCall: true, isAuthor: false, status: .draft) == .closed)
    }

    @Test func othersScoresStayHiddenUntilOneHasScored() {
        #expect(!ReviewRights.seesOthersScores(hasReviewed: false, isReviewerOfCall: true, isOrganiser: false))
        #expect(ReviewRights.seesOthersScores(hasReviewed: true, isReviewerOfCall: true, isOrganiser: false))
        #expect(ReviewRights.seesOthersScores(hasReviewed: false, isReviewerOfCall: false, isOrganiser: true))
        #expect(!ReviewRights.seesOthersScores(hasReviewed: false, isReviewerOfCall: true, isOrganiser: true))
    }

    @Test func disagreementIsASpreadOf25PointsOrMore() {
        #expect(ReviewSummary(submissionID: 1, scores: [90, 60], required: 2).disagreement)
        #expect(ReviewSummary(submissionID: 1, scores: [90, 70], required: 2).disagreement == false)
        #expect(ReviewSummary(submissionID: 1, scores: [90], required: 2).disagreement == false)
        #expect(ReviewSummary(submissionID: 1, scores: [75, 50], required: 2).spread == 25)
    }

    @Test func theRankingPutsCompleteReviewsFirstByMeanScore() {
        let ranked = ReviewSummary.ranking([
            ReviewSummary(submissionID: 1, scores: [], required: 2),
            ReviewSummary(submissionID: 2, scores: [100], required: 2),
            ReviewSummary(submissionID: 3, scores: [50, 60], required: 2),
            ReviewSummary(submissionID: 4, scores: [80, 90], required: 2),
            ReviewSummary(submissionID: 5, scores: [85, 85], required: 2),
        ]).map(\.submissionID)
        #expect(ranked == [4, 5, 3, 2, 1])  // 85 = 85: the oldest first
    }

    /// Issue #16, attack 5: a reviewer who had not scored read the others' hidden scores in the
    /// order of the rows. What they may not see comes after, by id, whatever its scores.
    @Test func theRowsAReaderMayNotSeeAreNotOrderedByTheirScores() {
        let summaries = [
            ReviewSummary(submissionID: 7, scores: [20, 30], required: 2),
            ReviewSummary(submissionID: 8, scores: [95, 90], required: 2),
            ReviewSummary(submissionID: 9, scores: [60, 70], required: 2),
            ReviewSummary(submissionID: 3, scores: [50, 55], required: 2),
        ]
        let ranked = ReviewSummary.ranking(summaries) { $0 == 3 }.map(\.submissionID)
        #expect(ranked == [3, 7, 8, 9], "the hidden ones by id, not 8, 9, 7")
        let flipped = summaries.map {
            ReviewSummary(submissionID: $0.submissionID, scores: $0.scores.map { 100 - $0 }, required: 2)
        }
        #expect(
            ReviewSummary.ranking(flipped) { $0 == 3 }.map(\.submissionID) == ranked,
            "the same order whatever the scores")
    }
}

@Suite("Forms")
struct FormTests {
    static let complete: [String: String] = [
        "title": "Café des aidants", "summary": "Un café mensuel.", "context": "communes-quartiers",
        "level": "co-construction",
        "objectives": "Rompre l'isolement.", "actions": "Des rencontres.", "results": "120 aidants.",
        "evaluation": "Questionnaire.",
        "lessons": "Le lieu compte.", "region": "53", "start_year": "2019", "contact_name": "Monique",
        "contact_email": "Monique@Exemple.fr",
    ]
    static let multi = ["participants": ["usagers"], "themes": ["bien-vieillir"]]

    @Test func aDraftNeedsOnlyATitle() {
        guard
            case .success(let input) = ExperienceInput.validate(
                fields: ["title": " Mon brouillon "], multi: [:], sending: false, currentYear: 2026, lang: .fr)
        else {
            Issue.record("a draft with a title was refused"); return
        }
        #expect(input.title == "Mon brouillon")
        guard
            case .failure(let box) = ExperienceInput.validate(
                fields: [:], multi: [:], sending: false, currentYear: 2026, lang: .fr)
        else { Issue.record("no title"); return }
        #expect(box.errors["title"] == "Donnez un titre à votre expérience.")
    }

    @Test func sendingNeedsEveryFieldWithAFrenchMessageEach() {
        guard
            case .failure(let box) = ExperienceInput.validate(
                fields: ["title": "Titre"], multi: [:], sending: true, currentYear: 2026, lang: .fr)
        else {
            Issue.record("sent without the fields"); return
        }
        for field in [
            "summary", "context", "level", "participants", "objectives", "actions", "results", "evaluation", "lessons",
            "region", "start_year", "themes", "contact_name", "contact_email",
        ] {
            #expect(box.errors[field] != nil, "\(field) not required")
        }
        #expect(box.errors["context"] == "Choisissez le contexte de l'expérience.")
        guard
            case .success(let input) = ExperienceInput.validate(
                fields: Self.complete, multi: Self.multi, sending: true, currentYear: 2026, lang: .fr)
        else {
            Issue.record("a complete submission was refused"); return
        }
        #expect(input.context == .communes && input.level == .coConstruction && input.region == .bretagne)
        #expect(input.contactEmail == "monique@exemple.fr")
        #expect(input.contactPublic == false)  // never public unless ticked
    }

    @Test func tamperedValuesAreRefused() {
        var fields = Self.complete
        fields["context"] = "hopital'); DROP TABLE experiences;--"
        fields["start_year"] = "3000"
        fields["participant_count"] = "beaucoup"
        guard
            case .failure(let box) = ExperienceInput.validate(
                fields: fields, multi: ["participants": ["martiens"], "themes": ["bien-vieillir"]], sending: true,
                currentYear: 2026, lang: .fr)
        else {
            Issue.record("accepted tampered values"); return
        }
        #expect(box.errors["context"] == "Choisissez dans la liste.")
        #expect(box.errors["participants"] == "Choisissez dans la liste.")
        #expect(box.errors["start_year"] == "Écrivez une année entre 1950 et 2026.")
        #expect(box.errors["participant_count"] != nil)
    }

    @Test func aCallNeedsAGridAndEnoughReviewers() {
        let today = Day("2026-01-10")!
        let fields = [
            "title": "Appel", "body": "Texte", "opens_on": "2026-01-15", "closes_on": "2026-05-31",
            "reviewers": "a@x.fr\nb@x.fr",
            "criteria": "Participation ; 3\nRésultats", "max_score": "4", "required_reviews": "2",
        ]
        guard case .success(let input) = CallInput.validate(fields: fields, national: true, today: today, lang: .fr)
        else { Issue.record("refused a good call"); return }
        #expect(input.criteria.map(\.weight) == [3, 1])
        #expect(input.reviewerEmails == ["a@x.fr", "b@x.fr"])
        var bad = fields
        bad["reviewers"] = "a@x.fr"; bad["criteria"] = "Participation ; 9"; bad["closes_on"] = "2026-01-01";
        bad["max_score"] = "1"
        guard case .failure(let box) = CallInput.validate(fields: bad, national: true, today: today, lang: .fr) else {
            Issue.record("accepted a bad call"); return
        }
        #expect(box.errors["criteria"] != nil && box.errors["closes_on"] != nil && box.errors["max_score"] != nil)
        bad = fields
        bad["reviewers"] = "a@x.fr"
        guard case .failure(let few) = CallInput.validate(fields: bad, national: true, today: today, lang: .fr) else {
            Issue.record("two reviews with one reviewer"); return
        }
        #expect(few.errors["reviewers"] != nil)
    }
}

@Suite("Slugs, masks, figures, policy")
struct MiscTests {
    @Test func slugsAreStableAndTheIdLeads() {
        #expect(Slug.of("Café des aidants à Vitré !") == "cafe-des-aidants-a-vitre")
        #expect(Slug.id("12-cafe-des-aidants") == 12)
        #expect(Slug.id("12") == 12)
        #expect(Slug.id("12abc") == nil)
        #expect(Slug.id("abc") == nil)
        #expect(Slug.id("99999999999999999999") == nil)
    }

    @Test func masksRoundTrip() {
        let mask = Mask.of([Population.elderly, .parents])
        #expect(mask == 0b0100_0001)
        #expect(Mask.values(mask, Population.self) == [.elderly, .parents])
        #expect(Mask.values(0, Population.self).isEmpty)
        #expect(Mask.values(1 << 40, Population.self).isEmpty, "a bit no case names is ignored")
    }

    /// Stored masks keep their meaning only while every case keeps its bit: this table is the
    /// stored data's contract, and a change to a position must fail here.
    @Test func everyStoredBitIsPinned() {
        let participants: [Participant: Int] = [.users: 0, .representatives: 1, .professionals: 2, .organisations: 3]
        let populations: [Population: Int] = [
            .elderly: 0, .youth: 1, .disability: 2, .chronic: 3, .mental: 4, .precarious: 5, .parents: 6, .everyone: 7,
        ]
        let themes: [ExperienceTheme: Int] = [
            .access: 0, .prevention: 1, .pathway: 2, .rights: 3, .education: 4, .quality: 5, .information: 6,
            .ageing: 7,
        ]
        #expect(Dictionary(uniqueKeysWithValues: Participant.allCases.map { ($0, $0.bitPosition) }) == participants)
        #expect(Dictionary(uniqueKeysWithValues: Population.allCases.map { ($0, $0.bitPosition) }) == populations)
        #expect(Dictionary(uniqueKeysWithValues: ExperienceTheme.allCases.map { ($0, $0.bitPosition) }) == themes)
    }

    @Test func figuresCountSubmissionsNotDrafts() {
        let figures = CallFigures(rows: [
            .init(status: "draft", context: "numerique", level: nil, region: "53", people: 4),
            .init(status: "submitted", context: "numerique", level: "information", region: "53", people: 3),
            .init(status: "published", context: "lieux-de-soins", level: "information", region: "53", people: nil),
        ])
        #expect(figures.total == 2)
        #expect(figures.byContext["numerique"]?.submissions == 1)
        #expect(figures.byRegion["53"]?.submissions == 2)
        #expect(figures.byRegion["53"]?.people == 3)
        #expect(figures.byStatus["draft"] == nil)
    }

    @Test func thePeopleOfACallsTablesCannotBeWorkedOutBySubtraction() {
        // 3 people in Bretagne, 40 in Pays de la Loire, 10 with no region: 53 in all.
        let figures = CallFigures(rows: [
            .init(status: "submitted", context: "numerique", level: "information", region: "53", people: 3),
            .init(status: "submitted", context: "numerique", level: "information", region: "52", people: 40),
            .init(status: "published", context: nil, level: nil, region: nil, people: 10),
        ])
        #expect(figures.people == 53)
        let regions = figures.lines(
            [("53", "Bretagne"), ("52", "Pays de la Loire")], of: figures.byRegion, unsaid: "?")
        #expect(regions.map(\.label) == ["Bretagne", "Pays de la Loire", "?"])
        #expect(regions.map(\.submissions) == [1, 1, 1])
        // 3 is hidden, and the smallest other one with it: 53 − 40 no longer gives 3.
        #expect(regions.map(\.people) == [.hidden, .shown(40), .hidden])
        // No region missing: no "not given" line; the status table's 3 + 40 vs 10 shows both.
        let statuses = figures.lines(
            [("submitted", "Envoyée"), ("published", "Publiée")], of: figures.byStatus, unsaid: "?")
        #expect(statuses.map(\.people) == [.shown(43), .shown(10)])
        // Fewer than 5 people in all: nothing about people is shown.
        let few = CallFigures(rows: [.init(status: "submitted", context: nil, level: nil, region: "53", people: 4)])
        #expect(few.lines([("53", "Bretagne")], of: few.byRegion, unsaid: "?").map(\.people) == [.hidden])
        // The threshold of health-data bodies, one setting away.
        #expect(
            figures.lines(
                [("submitted", "Envoyée"), ("published", "Publiée")], of: figures.byStatus, unsaid: "?",
                disclosure: .healthData
            ).map(\.people) == [.hidden, .hidden])
    }

    @Test func organisersAreTheTerritorysStaffOrTheNationalOrganisers() {
        #expect(
            ExperiencesPolicy.organises(
                national: false, isNationalOrganiser: false, rolesInCallTerritory: [.coordinator]))
        #expect(
            !ExperiencesPolicy.organises(national: false, isNationalOrganiser: true, rolesInCallTerritory: [.resident]))
        #expect(ExperiencesPolicy.organises(national: true, isNationalOrganiser: true, rolesInCallTerritory: []))
        #expect(
            !ExperiencesPolicy.organises(national: true, isNationalOrganiser: false, rolesInCallTerritory: [.admin]))
        #expect(!ExperiencesPolicy.mayAnswer(audience: .members, national: false, rolesInCallTerritory: []))
        #expect(ExperiencesPolicy.mayAnswer(audience: .members, national: false, rolesInCallTerritory: [.resident]))
        #expect(ExperiencesPolicy.mayAnswer(audience: .members, national: true, rolesInCallTerritory: []))
    }
}

@Suite("Attachments")
struct AttachmentTests {
    @Test func filesAreCheckedByContentAndSize() {
        guard case .success(let pdf) = AttachmentCheck.check(Array("%PDF-1.7".utf8), filename: "../bilan final.exe")
        else { Issue.record("refused a PDF"); return }
        #expect(pdf.kind == .pdf && pdf.name == "bilan final.pdf")
        guard case .failure(.notAllowed) = AttachmentCheck.check(Array("MZ\u{90}".utf8), filename: "photo.jpg") else {
            Issue.record("accepted an executable"); return
        }
        guard
            case .failure(.tooLarge) = AttachmentCheck.check(
                [0xFF, 0xD8, 0xFF] + [UInt8](repeating: 0, count: AttachmentCheck.maxBytes), filename: "a.jpg")
        else {
            Issue.record("accepted more than 5 MB"); return
        }
    }
}

@Suite("Open data")
struct OpenDataTests {
    @Test func spreadsheetFormulasAreMadeInert() {
        #expect(CataloguePages.inert("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")")
        #expect(CataloguePages.inert("@SUM(A1)") == "'@SUM(A1)")
        #expect(CataloguePages.inert("Café des aidants") == "Café des aidants")
        #expect(CataloguePages.inert("") == "")
        #expect(CataloguePages.columns.count == 25)
    }
}
