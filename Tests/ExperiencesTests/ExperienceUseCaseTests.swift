import Core
import Foundation
import TestSupport
import Testing

@testable import Experiences

/// The experiences room's use cases on a small in-memory database: only the territory, the
/// people, the call and the submissions each test needs, a clock that moves when told, no server.
@Suite("Experiences use cases")
struct ExperienceUseCaseTests {
    static let rooms: [any FeatureModule] = [ExperiencesModule()]

    /// A local call of `territory` open from ten days ago to `closesIn` days from now.
    static func call(
        in territory: TerritoryInfo?, world: UseCaseWorld, audience: CallAudience = .anyone, closesIn: Double = 10,
        reviewers: [Int] = []
    ) async throws -> CallRecord {
        let now = world.clock.now
        let id = try await ExperienceStore.createCall(
            title: "Appel à expériences", territoryID: territory?.id,
            opens: Day(now.addingTimeInterval(-10 * 86_400)).description,
            closes: Day(now.addingTimeInterval(closesIn * 86_400)).description, audience: audience,
            criteria: [("Participation réelle", 3), ("Résultats", 1)], maxScore: 4, required: 1, reviewers: reviewers,
            by: nil, body: "Racontez-nous.", now: now, on: world.db)
        return try #require(try await ExperienceStore.call(id, on: world.db))
    }

    static func context(
        _ call: CallRecord, _ actor: Actor, territory: TerritoryInfo?, world: UseCaseWorld
    ) async throws -> CallContext {
        try await CallContext.load(call, territory: territory, actor: actor, on: world.db)
    }

    static func submission(
        _ id: Int, _ call: CallRecord, _ actor: Actor, territory: TerritoryInfo?, world: UseCaseWorld
    ) async throws -> SubmissionContext {
        let context = try await Self.context(call, actor, territory: territory, world: world)
        return try #require(try await SubmissionContext.load(id, in: context, on: world.db))
    }

    static let complete: [String: String] = [
        "title": "Café des aidants", "summary": "Un café mensuel.", "context": "communes-quartiers",
        "level": "co-construction", "objectives": "Rompre l'isolement.", "actions": "Des rencontres.",
        "results": "120 aidants.", "evaluation": "Questionnaire.", "lessons": "Le lieu compte.", "region": "53",
        "start_year": "2019", "contact_name": "Monique", "contact_email": "monique@example.org",
    ]
    static let multi = ["participants": ["usagers"], "themes": ["bien-vieillir"]]
    static let sent = SubmissionDraft(fields: complete, multi: multi, sending: true)

    /// A submission of `author` to `call`, sent or kept as a draft; its id.
    static func submit(
        _ call: CallRecord, by author: Actor, territory: TerritoryInfo?, sending: Bool = true, world: UseCaseWorld
    ) async throws -> Int {
        let context = try await Self.context(call, author, territory: territory, world: world)
        let outcome = try await SaveSubmission.run(
            SubmissionDraft(fields: complete, multi: multi, sending: sending), call: context, existing: nil,
            env: world.env)
        switch outcome {
        case .sent(let id), .saved(let id): return id
        default:
            Issue.record("expected a submission, got \(outcome)")
            return 0
        }
    }

    static func status(_ id: Int, world: UseCaseWorld) async throws -> ExperienceStatus? {
        try await ExperienceStore.experience(id, on: world.db)?.status
    }

    // MARK: - The policy

    @Test func thePolicyKnowsTheAuthorsTheReviewersAndTheOrganisersOfACall() {
        let author = Actor(personID: 1, roles: [.resident])
        let reviewer = Actor(personID: 2, roles: [.professional])
        let coordinator = Actor(personID: 3, roles: [.coordinator])
        let local = ExperiencesPolicy.Subject(national: false, audience: .members)
        let draft = local.with(authorIDs: [1], status: .draft)
        let sent = local.with(authorIDs: [1], status: .submitted)
        var reviewed = sent
        reviewed.isReviewerOfCall = true

        #expect(ExperiencesPolicy.allows(author, .edit, on: draft))
        #expect(!ExperiencesPolicy.allows(reviewer, .edit, on: draft))
        #expect(ExperiencesPolicy.allows(author, .see, on: draft))
        #expect(!ExperiencesPolicy.allows(coordinator, .see, on: draft), "a draft is its authors' only")
        #expect(ExperiencesPolicy.allows(coordinator, .see, on: sent))
        #expect(ExperiencesPolicy.allows(reviewer, .score, on: reviewed))
        #expect(!ExperiencesPolicy.allows(reviewer, .score, on: sent), "a reviewer of another call")
        var ownReview = reviewed
        ownReview.authorIDs = [2]
        #expect(!ExperiencesPolicy.allows(reviewer, .score, on: ownReview), "nobody reviews their own submission")
        #expect(ExperiencesPolicy.allows(coordinator, .decide, on: sent))
        #expect(!ExperiencesPolicy.allows(author, .decide, on: sent))
        #expect(!ExperiencesPolicy.allows(Actor(personID: 1, roles: [.coordinator]), .decide, on: sent))
        #expect(!ExperiencesPolicy.allows(Actor(personID: 9, roles: []), .answerCall, on: local))
        #expect(!ExperiencesPolicy.allows(UseCaseWorld.anonymous, .answerCall, on: .init(national: true)))
        #expect(ExperiencesPolicy.allows(Actor(personID: 9, roles: []), .answerCall, on: .init(national: true)))
        #expect(!ExperiencesPolicy.allows(coordinator, .openCall, on: .init(national: true)))
        #expect(
            ExperiencesPolicy.allows(
                Actor(personID: 9, roles: []), .openCall, on: .init(national: true, isNationalOrganiser: true)))
        #expect(ExperiencesPolicy.allows(Actor(personID: 9, roles: [.decisionMaker]), .seeFigures, on: local))
        #expect(!ExperiencesPolicy.allows(author, .seeFigures, on: local))
    }

    // MARK: - Saving a submission

    @Test func aSubmissionSentIsAcknowledgedToItsAuthors() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let call = try await Self.call(in: vitre, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.context(call, anne, territory: vitre, world: world)
            let outcome = try await SaveSubmission.run(Self.sent, call: context, existing: nil, env: world.env)
            guard case .sent(let id) = outcome else { Issue.record("expected sent, got \(outcome)"); return }
            let row = try #require(try await ExperienceStore.experience(id, on: world.db))
            #expect(row.status == .submitted && row.submitted_at == world.clock.now)
            #expect(try await ExperienceStore.authors(of: id, on: world.db).map(\.id) == [anne.personID!])
            let mails = try await world.outbox()
            #expect(mails.map(\.to) == ["anne@example.org"])
            #expect(mails.first?.subject == "Contribution reçue : Café des aidants")
            #expect(mails.first?.body.contains("https://agora.example/appels/\(call.id)/contributions/\(id)") == true)
            #expect(try await ExperienceStore.version(on: world.db) > 0, "the catalogue's version is bumped")
        }
    }

    @Test func aDraftNeedsOnlyATitleAndSendsNoMail() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let call = try await Self.call(in: vitre, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.context(call, anne, territory: vitre, world: world)
            let draft = SubmissionDraft(fields: ["title": "Mon brouillon"], multi: [:], sending: false)
            guard
                case .saved(let id) = try await SaveSubmission.run(draft, call: context, existing: nil, env: world.env)
            else { Issue.record("expected a draft"); return }
            #expect(try await Self.status(id, world: world) == .draft)
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func aSubmissionMissingItsFieldsOrWithABadFileIsRefusedFieldByField() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let call = try await Self.call(in: vitre, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.context(call, anne, territory: vitre, world: world)
            let bare = SubmissionDraft(fields: ["title": "Titre"], multi: [:], sending: true)
            guard
                case .invalid(let errors) = try await SaveSubmission.run(
                    bare, call: context, existing: nil, env: world.env)
            else { Issue.record("sent without its fields"); return }
            #expect(errors["context"] == "Choisissez le contexte de l'expérience.")
            var withFile = Self.sent
            withFile.upload = .init(bytes: Array("MZ not a document".utf8), filename: "virus.exe")
            guard
                case .invalid(let fileErrors) = try await SaveSubmission.run(
                    withFile, call: context, existing: nil, env: world.env)
            else { Issue.record("a bad file was kept"); return }
            #expect(fileErrors["attachment"] != nil)
            #expect(try await ExperienceStore.mine(personID: anne.personID!, callID: call.id, on: world.db).isEmpty)
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func sentAfterTheDeadlineTheTextIsKeptAsADraft() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let call = try await Self.call(in: vitre, world: world, closesIn: 1)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let id = try await Self.submit(call, by: anne, territory: vitre, sending: false, world: world)
            world.clock.advance(by: 3 * 86_400)  // the call has closed
            let existing = try await Self.submission(id, call, anne, territory: vitre, world: world)
            let outcome = try await SaveSubmission.run(
                Self.sent, call: existing.call, existing: existing, env: world.env)
            #expect(outcome == .late(id: id))
            #expect(try await Self.status(id, world: world) == .draft)
            #expect(try await ExperienceStore.experience(id, on: world.db)?.summary == "Un café mensuel.")
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func aCallForMembersIsRestrictedAndAClosedCallTakesNoNewSubmission() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let other = try await world.territory(slug: "rennes", name: "Rennes", communes: [("35238", "Rennes")])
            let members = try await Self.call(in: vitre, world: world, audience: .members)
            let stranger = try await world.person("Sam", email: "sam@example.org", roles: [.resident], in: other)
            // Sam holds no role in Vitré, the call's territory.
            let here = Actor(personID: stranger.personID, name: "Sam", email: "sam@example.org", roles: [])
            let outsider = try await Self.context(members, here, territory: vitre, world: world)
            #expect(
                try await SaveSubmission.run(Self.sent, call: outsider, existing: nil, env: world.env) == .restricted)
            #expect(
                try await SaveSubmission.run(Self.sent, call: outsider, existing: nil, rescued: true, env: world.env)
                    == .restricted, "a text rescued after a lost session does not open a members' call either")

            let closed = try await Self.call(in: vitre, world: world, closesIn: -1)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let late = try await Self.context(closed, anne, territory: vitre, world: world)
            #expect(try await SaveSubmission.run(Self.sent, call: late, existing: nil, env: world.env) == .callClosed)
            guard
                case .late = try await SaveSubmission.run(
                    Self.sent, call: late, existing: nil, rescued: true, env: world.env)
            else { Issue.record("a rescued text is kept as a draft after the deadline"); return }
            #expect(try await world.outbox().isEmpty)
        }
    }

    @Test func onlyAuthorsChangeASubmissionAndNotOnceSent() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)

            let byCoordinator = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            #expect(
                try await SaveSubmission.run(
                    Self.sent, call: byCoordinator.call, existing: byCoordinator, env: world.env) == .forbidden)
            let byAnne = try await Self.submission(id, call, anne, territory: vitre, world: world)
            #expect(
                try await SaveSubmission.run(Self.sent, call: byAnne.call, existing: byAnne, env: world.env) == .locked)
        }
    }

    // MARK: - Deciding

    @Test func anOrganiserAsksForInformationTheAuthorsAreToldAndAnswer() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)

            let staff = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            let outcome = try await DecideSubmission.run(
                fields: ["status": "more_info", "message": "Combien de participants ?"], submission: staff,
                env: world.env)
            #expect(outcome == .decided(.moreInfo))
            #expect(try await Self.status(id, world: world) == .moreInfo)
            #expect(try await ExperienceStore.messages(of: id, on: world.db).map(\.kind) == ["question"])
            #expect(try await world.audit() == ["experience.status"])
            let mail = try #require(try await world.outbox().last)
            #expect(mail.to == "anne@example.org" && mail.subject == "Précisions demandées : Café des aidants")
            #expect(mail.body.contains("Combien de participants ?"))

            let author = try await Self.submission(id, call, anne, territory: vitre, world: world)
            #expect(
                try await AnswerQuestion.run(message: "Une trentaine.", submission: author, env: world.env) == .answered
            )
            #expect(try await Self.status(id, world: world) == .underReview)
            #expect(try await ExperienceStore.messages(of: id, on: world.db).map(\.kind) == ["question", "answer"])
        }
    }

    @Test func aDecisionIsRefusedToWhoDoesNotOrganiseAndToAnAuthor() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let call = try await Self.call(in: vitre, world: world, reviewers: [paul.personID!])
            let own = try await Self.submit(call, by: chloe, territory: vitre, world: world)
            let fields = ["status": "not_selected"]
            let asReviewer = try await Self.submission(own, call, paul, territory: vitre, world: world)
            #expect(
                try await DecideSubmission.run(fields: fields, submission: asReviewer, env: world.env) == .notOrganiser)
            let asAuthor = try await Self.submission(own, call, chloe, territory: vitre, world: world)
            #expect(
                try await DecideSubmission.run(fields: fields, submission: asAuthor, env: world.env) == .ownSubmission)
            #expect(try await Self.status(own, world: world) == .submitted)
            #expect(try await world.audit().isEmpty)
        }
    }

    @Test func aDecisionMustBeAMoveTheStatusAllowsWithItsMessage() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)
            let staff = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            guard
                case .invalid(let errors) = try await DecideSubmission.run(
                    fields: ["status": "more_info"], submission: staff, env: world.env)
            else { Issue.record("asked for information without a question"); return }
            #expect(
                errors["message"] == "Écrivez les précisions que vous demandez : elles sont envoyées aux auteur·rices.")
            guard
                case .invalid(let unknown) = try await DecideSubmission.run(
                    fields: ["status": "lost"], submission: staff, env: world.env)
            else { Issue.record("an unknown status was taken"); return }
            #expect(unknown["status"] == "Choisissez le nouvel état dans la liste.")
            #expect(try await Self.status(id, world: world) == .submitted)
        }
    }

    @Test func answeringIsForAuthorsWhenAQuestionIsPending() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)
            let author = try await Self.submission(id, call, anne, territory: vitre, world: world)
            #expect(
                try await AnswerQuestion.run(message: "Voici.", submission: author, env: world.env)
                    == .noPendingQuestion)
            let staff = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            _ = try await DecideSubmission.run(
                fields: ["status": "more_info", "message": "Précisez."], submission: staff, env: world.env)
            let asked = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            #expect(try await AnswerQuestion.run(message: "Voici.", submission: asked, env: world.env) == .forbidden)
            let again = try await Self.submission(id, call, anne, territory: vitre, world: world)
            guard
                case .invalid(let errors) = try await AnswerQuestion.run(
                    message: "  ", submission: again, env: world.env)
            else { Issue.record("an empty answer was taken"); return }
            #expect(errors["message"] == "Écrivez votre réponse.")
            #expect(try await Self.status(id, world: world) == .moreInfo)
        }
    }

    // MARK: - Reviewing

    @Test func aReviewerOfTheCallScoresOnItsGrid() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let call = try await Self.call(in: vitre, world: world, reviewers: [paul.personID!])
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)
            let criteria = try await ExperienceStore.criteria(callID: call.id, on: world.db).map(\.id)
            let reviewer = try await Self.submission(id, call, paul, territory: vitre, world: world)

            guard
                case .invalid(let errors) = try await ScoreSubmission.run(
                    fields: ["score-\(criteria[0])": "9"], submission: reviewer, env: world.env)
            else { Issue.record("a score out of the grid was taken"); return }
            #expect(!errors.isEmpty)
            #expect(try await ExperienceStore.scores(of: id, on: world.db).isEmpty)

            let fields = ["score-\(criteria[0])": "4", "score-\(criteria[1])": "2", "comment-\(criteria[0])": "Bien"]
            #expect(try await ScoreSubmission.run(fields: fields, submission: reviewer, env: world.env) == .scored)
            let scores = try await ExperienceStore.scores(of: id, on: world.db)
            #expect(scores.map(\.score) == [4, 2])
            #expect(scores.first?.reviewer_id == paul.personID)
            #expect(try await Self.status(id, world: world) == .underReview, "a first score opens the review")
        }
    }

    @Test func scoringIsRefusedToOthersToAuthorsAndOnceClosed() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world, reviewers: [paul.personID!])
            let other = try await Self.call(in: vitre, world: world)
            let elsewhere = try await Self.submit(other, by: anne, territory: vitre, world: world)
            let asStranger = try await Self.submission(elsewhere, other, paul, territory: vitre, world: world)
            #expect(
                try await ScoreSubmission.run(fields: [:], submission: asStranger, env: world.env)
                    == .refused(.notReviewerOfCall))

            let own = try await Self.submit(call, by: paul, territory: vitre, world: world)
            let asAuthor = try await Self.submission(own, call, paul, territory: vitre, world: world)
            #expect(
                try await ScoreSubmission.run(fields: [:], submission: asAuthor, env: world.env)
                    == .refused(.ownSubmission))

            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)
            let staff = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            #expect(
                try await DecideSubmission.run(fields: ["status": "under_review"], submission: staff, env: world.env)
                    == .decided(.underReview))
            let reviewing = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            #expect(
                try await DecideSubmission.run(
                    fields: ["status": "not_selected"], submission: reviewing, env: world.env)
                    == .decided(.notSelected))
            let closed = try await Self.submission(id, call, paul, territory: vitre, world: world)
            #expect(try await ScoreSubmission.run(fields: [:], submission: closed, env: world.env) == .refused(.closed))
        }
    }

    @Test func anOrganiserAddsAReviewerWhoHasAnAccount() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let paul = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let byPaul = try await Self.context(call, paul, territory: vitre, world: world)
            #expect(try await AddReviewer.run(email: "paul@example.org", call: byPaul, env: world.env) == .forbidden)
            let byChloe = try await Self.context(call, chloe, territory: vitre, world: world)
            guard
                case .invalid(let errors) = try await AddReviewer.run(
                    email: "nobody@example.org", call: byChloe, env: world.env)
            else { Issue.record("a reviewer without an account"); return }
            #expect(errors["email"]?.hasPrefix("Aucun compte pour nobody@example.org") == true)
            #expect(
                try await AddReviewer.run(email: " Paul@Example.org ", call: byChloe, env: world.env)
                    == .added(personID: paul.personID!))
            #expect(try await ExperienceStore.isReviewer(personID: paul.personID!, callID: call.id, on: world.db))
            #expect(try await world.audit() == ["experience_call.reviewer_added"])
        }
    }

    // MARK: - Co-authors

    @Test func anAuthorInvitesACoAuthorWhoJoinsOnceWithinFourteenDays() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let bea = try await world.person("Béa", email: "bea@example.org", roles: [.resident], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, sending: false, world: world)
            let author = try await Self.submission(id, call, anne, territory: vitre, world: world)
            guard case .invalid = try await InviteCoAuthor.run(email: "bea", submission: author, env: world.env)
            else { Issue.record("an address without a domain"); return }
            #expect(
                try await InviteCoAuthor.run(email: "Bea@Example.org", submission: author, env: world.env)
                    == .invited(email: "bea@example.org"))
            let mail = try #require(try await world.outbox().last)
            #expect(mail.to == "bea@example.org" && mail.subject == "Invitation à co-écrire « Café des aidants »")
            let token = try #require(
                mail.body.components(separatedBy: "/coauteurs/").last?.prefix { !$0.isWhitespace }.description)
            #expect(
                try await AcceptInvitation.run(token: token, actor: bea, env: world.env)
                    == .joined(callID: call.id, submissionID: id))
            #expect(try await ExperienceStore.authors(of: id, on: world.db).map(\.name) == ["Anne", "Béa"])
            #expect(try await AcceptInvitation.run(token: token, actor: bea, env: world.env) == .notFound, "spent")

            _ = try await InviteCoAuthor.run(email: "carl@example.org", submission: author, env: world.env)
            let late = try #require(
                try await world.outbox().last?.body.components(separatedBy: "/coauteurs/").last?.prefix {
                    !$0.isWhitespace
                }.description)
            world.clock.advance(by: 15 * 86_400)
            #expect(try await AcceptInvitation.run(token: late, actor: bea, env: world.env) == .notFound, "expired")
        }
    }

    @Test func onlyAuthorsInviteAndNotOnceSent() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let call = try await Self.call(in: vitre, world: world)
            let id = try await Self.submit(call, by: anne, territory: vitre, world: world)
            let staff = try await Self.submission(id, call, chloe, territory: vitre, world: world)
            #expect(
                try await InviteCoAuthor.run(email: "x@example.org", submission: staff, env: world.env) == .forbidden)
            let author = try await Self.submission(id, call, anne, territory: vitre, world: world)
            #expect(try await InviteCoAuthor.run(email: "x@example.org", submission: author, env: world.env) == .locked)
            #expect(try await world.outbox().map(\.to) == ["anne@example.org"], "only the acknowledgement")
        }
    }

    // MARK: - Calls

    static func callFields(reviewers: String = "") -> [String: String] {
        [
            "title": "Recueil d'expériences", "body": "Racontez-nous.", "opens_on": "2027-01-20",
            "closes_on": "2027-03-31", "audience": "tous", "reviewers": reviewers,
            "criteria": "Participation ; 3\nRésultats ; 1", "max_score": "4", "required_reviews": "1",
        ]
    }

    @Test func aCoordinatorOpensALocalCallAndChangesIt() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            _ = try await world.person("Paul", email: "paul@example.org", roles: [.professional], in: vitre)
            let outcome = try await SaveCall.run(
                fields: Self.callFields(reviewers: "paul@example.org"), territory: vitre, call: nil,
                subject: .init(national: false), actor: chloe, env: world.env)
            guard case .opened(let id) = outcome else { Issue.record("expected a call, got \(outcome)"); return }
            let call = try #require(try await ExperienceStore.call(id, on: world.db))
            #expect(call.territory_id == vitre.id && call.closes_on == "2027-03-31")
            #expect(try await ExperienceStore.reviewers(callID: id, on: world.db).map(\.name) == ["Paul"])

            var changed = Self.callFields(reviewers: "paul@example.org")
            changed["title"] = "Recueil 2027"
            let context = try await Self.context(call, chloe, territory: vitre, world: world)
            #expect(
                try await SaveCall.run(
                    fields: changed, territory: vitre, call: call, subject: context.subject, actor: chloe,
                    env: world.env) == .saved(callID: id))
            #expect(try await ExperienceStore.call(id, on: world.db)?.title == "Recueil 2027")
            #expect(try await world.audit() == ["experience_call.opened", "experience_call.changed"])
        }
    }

    @Test func aCallNamesOnlyKnownReviewersAndIsOpenedByItsOrganisers() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            guard
                case .invalid(let errors) = try await SaveCall.run(
                    fields: Self.callFields(reviewers: "ghost@example.org"), territory: vitre, call: nil,
                    subject: .init(national: false), actor: chloe, env: world.env)
            else { Issue.record("an unknown reviewer was taken"); return }
            #expect(errors["reviewers"]?.hasPrefix("Aucun compte pour : ghost@example.org") == true)
            #expect(
                try await SaveCall.run(
                    fields: Self.callFields(), territory: vitre, call: nil, subject: .init(national: false),
                    actor: anne,
                    env: world.env) == .forbidden)
            #expect(
                try await SaveCall.run(
                    fields: Self.callFields(), territory: nil, call: nil, subject: .init(national: true), actor: chloe,
                    env: world.env) == .forbidden, "a national call is for national organisers")
            #expect(try await ExperienceStore.calls(on: world.db).isEmpty)
        }
    }
}
