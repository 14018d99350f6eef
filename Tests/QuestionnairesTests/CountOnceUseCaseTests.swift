import Core
import Foundation
import SQLKit
import TestSupport
import Testing

@testable import Questionnaires

/// Answers that count once (issue #15): the signed single-use form token, one answer per person
/// and wave (found again by a keyed hash), the limit per address, the professionals'
/// questionnaire, and drafts found again — each outcome on a small in-memory database.
@Suite("Answers that count once")
struct CountOnceUseCaseTests {
    typealias Q = AnsweringUseCaseTests

    static func questionnaire(
        in territory: TerritoryInfo, audience: QAudience = .users, world: UseCaseWorld
    ) async throws -> QContext {
        let id = try await QuestionnaireStore.create(
            territoryID: territory.id, title: "Votre santé", intro: "Quelques questions.", audience: audience,
            linkAccounts: false, definition: Q.definition, by: nil, on: world.db)
        try await QuestionnaireStore.setStatus(id, .published, on: world.db)
        let record = try #require(try await QuestionnaireStore.load(id, territoryID: territory.id, on: world.db))
        return QContext(record: record, definition: Q.definition, territory: territory)
    }

    struct Stored: Decodable { let answers: String; let person_id: Int?; let respondent_hash: String? }

    static func complete(_ world: UseCaseWorld) async throws -> [Stored] {
        try await world.db.sql.raw(
            "SELECT answers, person_id, respondent_hash FROM questionnaire_responses WHERE status = 'complete' ORDER BY id"
        ).all(decoding: Stored.self)
    }

    static func submit(
        _ answer: String, _ context: QContext, _ world: UseCaseWorld, actor: Actor = UseCaseWorld.anonymous,
        safeguards: AnswerSafeguards? = nil, waves: [WaveRecord] = []
    ) async throws -> SubmitAnswerOutcome {
        try await SubmitAnswer.run(
            TypedAnswers(fields: ["q1": answer]), questionnaire: context, waves: waves, resumeToken: nil,
            safeguards: safeguards ?? Q.guards(context, world), actor: actor, env: world.env)
    }

    // MARK: The form token

    @Test func anAnswerWithoutTokenOrWithAForgedOneIsRefusedAndNothingIsWritten() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let other = try await Self.questionnaire(in: vitre, world: world)
            var missing = Q.guards(context, world)
            missing.formToken = nil
            #expect(try await Self.submit("oui", context, world, safeguards: missing) == .badToken(.missing))
            let forged = Q.guards(context, world, token: "eyJ4Ijoi.forged")
            #expect(try await Self.submit("oui", context, world, safeguards: forged) == .badToken(.forged))
            // A token of another questionnaire, or signed with another key.
            let elsewhere = Q.guards(other, world).formToken
            #expect(
                try await Self.submit("oui", context, world, safeguards: Q.guards(context, world, token: elsewhere))
                    == .badToken(.forged))
            let otherKey = FormToken.issue(
                questionnaireID: context.id, now: world.env.now,
                signer: Signer(secret: String(repeating: "x", count: 40)))
            #expect(
                try await Self.submit("oui", context, world, safeguards: Q.guards(context, world, token: otherKey))
                    == .badToken(.forged))
            #expect(try await Self.complete(world).isEmpty)
        }
    }

    @Test func anExpiredTokenIsRefused() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let old = FormToken.issue(
                questionnaireID: context.id, now: world.env.now.addingTimeInterval(-FormToken.lifetime - 60),
                signer: world.env.signer)
            #expect(
                try await Self.submit("oui", context, world, safeguards: Q.guards(context, world, token: old))
                    == .badToken(.expired))
            #expect(try await Self.complete(world).isEmpty)
        }
    }

    @Test func aFormTokenCountsOnce() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let once = Q.guards(context, world)
            guard case .saved = try await Self.submit("oui", context, world, safeguards: once) else {
                Issue.record("expected an answer"); return
            }
            #expect(try await Self.submit("non", context, world, safeguards: once) == .tokenUsed)
            #expect(try await Self.complete(world).count == 1)
            // Another page, another token: a second anonymous answer is taken.
            guard case .saved = try await Self.submit("non", context, world) else {
                Issue.record("expected an answer"); return
            }
            #expect(try await Self.complete(world).count == 2)
        }
    }

    @Test func spentTokensAreForgottenOnceExpiredAndNotBefore() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let now = world.env.now
            #expect(
                try await QuestionnaireStore.consumeFormToken(
                    "ancien", questionnaireID: context.id, at: now.addingTimeInterval(-FormToken.lifetime - 60),
                    on: world.db))
            #expect(
                try await QuestionnaireStore.consumeFormToken(
                    "recent", questionnaireID: context.id, at: now.addingTimeInterval(-3600), on: world.db))
            #expect(try await QuestionnairesModule.purgeExpiredFormTokens(now: now, on: world.db) == 1)
            #expect(try await QuestionnairesModule.purgeExpiredFormTokens(now: now, on: world.db) == 0)
            // The recent nonce is still known: sent again, it is refused.
            #expect(
                !(try await QuestionnaireStore.consumeFormToken(
                    "recent", questionnaireID: context.id, at: now, on: world.db)))
        }
    }

    @Test func aWrongAnswerDoesNotUseTheToken() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let once = Q.guards(context, world)
            guard case .invalid = try await Self.submit("", context, world, safeguards: once) else {
                Issue.record("expected errors"); return
            }
            guard case .saved = try await Self.submit("oui", context, world, safeguards: once) else {
                Issue.record("expected an answer"); return
            }
        }
    }

    // MARK: The address

    @Test func anAddressSendsALimitedNumberOfAnswersAnHour() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let limiter = RateLimiter()
            for _ in 0..<2 {
                guard
                    case .saved = try await Self.submit(
                        "oui", context, world, safeguards: Q.guards(context, world, limiter: limiter, limit: 2))
                else { Issue.record("expected an answer"); return }
            }
            #expect(
                try await Self.submit(
                    "oui", context, world, safeguards: Q.guards(context, world, limiter: limiter, limit: 2))
                    == .tooMany)
            // Another address is not held back; an hour later this one answers again.
            guard
                case .saved = try await Self.submit(
                    "oui", context, world,
                    safeguards: Q.guards(context, world, limiter: limiter, limit: 2, address: "198.51.100.7"))
            else { Issue.record("expected an answer"); return }
            world.clock.advance(by: 3601)
            guard
                case .saved = try await Self.submit(
                    "oui", context, world, safeguards: Q.guards(context, world, limiter: limiter, limit: 2))
            else { Issue.record("expected an answer"); return }
            #expect(try await Self.complete(world).count == 4)
        }
    }

    // MARK: One answer per person and wave

    @Test func aSignedInPersonAnswersOncePerWaveAndChangesTheirAnswer() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            #expect(try await OwnAnswer.find(questionnaire: context, waves: [], actor: anne, env: world.env) == nil)
            guard case .saved = try await Self.submit("oui", context, world, actor: anne) else {
                Issue.record("expected an answer"); return
            }
            let own = try await OwnAnswer.find(questionnaire: context, waves: [], actor: anne, env: world.env)
            #expect(own?.fields["q1"] == "oui")
            // A second answer from a new form: refused, nothing counted.
            #expect(try await Self.submit("non", context, world, actor: anne) == .alreadyAnswered)
            // Opened to change it: it replaces the first one.
            let changed = try await Self.submit(
                "non", context, world, actor: anne, safeguards: Q.guards(context, world, replacing: true))
            guard case .replaced = changed else { Issue.record("expected a replacement, got \(changed)"); return }
            let rows = try await Self.complete(world)
            #expect(rows.count == 1)
            #expect(rows.first?.answers.contains("non") == true)
            // Anonymous: the row keeps a keyed hash, never the person's id.
            #expect(rows.first?.person_id == nil)
            let hash = try #require(rows.first?.respondent_hash)
            #expect(hash != String(try #require(anne.personID)) && hash.count >= 40)
            #expect(
                try await OwnAnswer.find(questionnaire: context, waves: [], actor: anne, env: world.env)?.fields["q1"]
                    == "non")
            // Somebody else finds nothing of Anne's.
            let bob = try await world.person("Bob", email: "bob@example.org", roles: [.resident], in: vitre)
            #expect(try await OwnAnswer.find(questionnaire: context, waves: [], actor: bob, env: world.env) == nil)
        }
    }

    @Test func aChangedAnswerCountsOnceInTheResults() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            let cache = ResultsCache()
            guard case .saved(let first) = try await Self.submit("oui", context, world, actor: anne) else {
                Issue.record("expected an answer"); return
            }
            #expect(try await cache.entry(for: context.id, on: world.db).data.count == 1)
            let changed = try await Self.submit(
                "non", context, world, actor: anne, safeguards: Q.guards(context, world, replacing: true))
            guard case .replaced(let second) = changed else { Issue.record("expected a replacement"); return }
            let entry = try await cache.entry(for: context.id, on: world.db)
            #expect(entry.data.count == 1 && entry.data.lastID == second && second != first)
        }
    }

    @Test func aNewWaveTakesANewAnswerOfTheSamePerson() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            let today = DateText.isoDay(world.env.now)
            try await QuestionnaireStore.saveWave(
                questionnaireID: context.id, waveID: nil, name: "Vague 1", starts: today, ends: today, total: 10,
                users: 10, professionals: 0, overrides: [:], on: world.db)
            let waves = try await QuestionnaireStore.waves(of: context.id, on: world.db)
            guard case .saved = try await Self.submit("oui", context, world, actor: anne) else {
                Issue.record("expected an answer outside the wave"); return
            }
            guard case .saved = try await Self.submit("oui", context, world, actor: anne, waves: waves) else {
                Issue.record("expected an answer in the wave"); return
            }
            #expect(try await Self.submit("non", context, world, actor: anne, waves: waves) == .alreadyAnswered)
            #expect(try await Self.complete(world).count == 2)
        }
    }

    // MARK: The professionals' questionnaire

    @Test func theProfessionalsQuestionnaireIsAnsweredOnlineByProfessionalsOfTheTerritory() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let pros = try await Self.questionnaire(in: vitre, audience: .professionals, world: world)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let karim = try await world.person("Karim", email: "karim@example.org", roles: [.professional], in: vitre)
            #expect(try await Self.submit("oui", pros, world) == .professionalsOnly)
            #expect(try await Self.submit("oui", pros, world, actor: anne) == .professionalsOnly)
            guard case .saved = try await Self.submit("oui", pros, world, actor: karim) else {
                Issue.record("expected the professional's answer"); return
            }
            #expect(try await Self.complete(world).count == 1)
        }
    }

    // MARK: Drafts found again

    @Test func aSignedInPersonsDraftIsFoundAgainAndListedAndDroppedOnceSent() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            for answer in ["oui", "non"] {
                guard
                    case .kept = try await SaveAnswerDraft.run(
                        TypedAnswers(fields: ["q1": answer, "_plus_tard": "1", "_jeton": "x"]), questionnaire: context,
                        resumeToken: nil, actor: anne, env: world.env)
                else { Issue.record("expected a draft"); return }
            }
            let found = try await FindOwnDraft.run(questionnaire: context, browserKey: nil, actor: anne, env: world.env)
            #expect(found?.fields == ["q1": "non"])
            let mine = try await PersonDrafts.run(actor: anne, env: world.env)
            #expect(mine.map(\.questionnaire_id) == [context.id])  // one draft per person: the latest
            #expect(try await PersonDrafts.run(actor: UseCaseWorld.anonymous, env: world.env).isEmpty)
            guard case .saved = try await Self.submit("non", context, world, actor: anne) else {
                Issue.record("expected an answer"); return
            }
            #expect(
                try await FindOwnDraft.run(questionnaire: context, browserKey: nil, actor: anne, env: world.env) == nil)
            #expect(try await PersonDrafts.run(actor: anne, env: world.env).isEmpty)
        }
    }

    @Test func erasingAnAccountForgetsItsHashesAndDeletesItsDrafts() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            let other = try await Self.questionnaire(in: vitre, world: world)
            guard case .saved = try await Self.submit("oui", context, world, actor: anne) else {
                Issue.record("expected an answer"); return
            }
            _ = try await SaveAnswerDraft.run(
                TypedAnswers(fields: ["q1": "non"]), questionnaire: other, resumeToken: nil, actor: anne,
                env: world.env)
            try await QuestionnairesModule().erase(personID: try #require(anne.personID), env: world.env, on: world.db)
            #expect(try await OwnAnswer.find(questionnaire: context, waves: [], actor: anne, env: world.env) == nil)
            #expect(try await PersonDrafts.run(actor: anne, env: world.env).isEmpty)
            let rows = try await Self.complete(world)
            #expect(rows.count == 1 && rows.first?.respondent_hash == nil)  // the answer stays, anonymous
        }
    }

    @Test func anAnonymousDraftIsFoundAgainOnlyByTheSameBrowser() async throws {
        try await UseCaseWorld.with(Q.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let browser = Tokens.random(), another = Tokens.random()
            guard
                case .kept = try await SaveAnswerDraft.run(
                    TypedAnswers(fields: ["q1": "oui"]), questionnaire: context, resumeToken: nil,
                    browserKey: browser, actor: UseCaseWorld.anonymous, env: world.env)
            else { Issue.record("expected a draft"); return }
            let anonymous = UseCaseWorld.anonymous
            #expect(
                try await FindOwnDraft.run(
                    questionnaire: context, browserKey: browser, actor: anonymous, env: world.env)?
                    .fields == ["q1": "oui"])
            #expect(
                try await FindOwnDraft.run(
                    questionnaire: context, browserKey: another, actor: anonymous, env: world.env)
                    == nil)
            #expect(
                try await FindOwnDraft.run(questionnaire: context, browserKey: nil, actor: anonymous, env: world.env)
                    == nil)
            var guards = Q.guards(context, world)
            guards.browserKey = browser
            guard case .saved = try await Self.submit("oui", context, world, safeguards: guards) else {
                Issue.record("expected an answer"); return
            }
            #expect(
                try await FindOwnDraft.run(
                    questionnaire: context, browserKey: browser, actor: anonymous, env: world.env)
                    == nil)
        }
    }
}

/// The pure rules of answers that count once.
@Suite("Count-once rules")
struct CountOnceRulesTests {
    let signer = Signer(secret: String(repeating: "s", count: 40))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFormTokenIsCheckedForItsQuestionnaireItsSignatureAndItsAge() {
        let token = FormToken.issue(questionnaireID: 7, now: now, signer: signer, nonce: "abc")
        #expect(FormToken.check(token, questionnaireID: 7, now: now, signer: signer) == .success("abc"))
        #expect(FormToken.check(token, questionnaireID: 8, now: now, signer: signer) == .failure(.forged))
        #expect(FormToken.check(nil, questionnaireID: 7, now: now, signer: signer) == .failure(.missing))
        #expect(FormToken.check("", questionnaireID: 7, now: now, signer: signer) == .failure(.missing))
        #expect(FormToken.check(token + "x", questionnaireID: 7, now: now, signer: signer) == .failure(.forged))
        let later = now.addingTimeInterval(FormToken.lifetime + 1)
        #expect(FormToken.check(token, questionnaireID: 7, now: later, signer: signer) == .failure(.expired))
        #expect(
            FormToken.check(token, questionnaireID: 7, now: now.addingTimeInterval(3600), signer: signer)
                == .success("abc"))
        #expect(FormToken.Problem.forged.message.fr.contains("n'ont pas été enregistrées"))
    }

    @Test func respondentKeysNameOnePersonQuestionnaireAndWaveWithoutTheirId() {
        let a = RespondentKey.answer(personID: 12, questionnaireID: 3, waveID: nil, signer: signer)
        #expect(a == RespondentKey.answer(personID: 12, questionnaireID: 3, waveID: nil, signer: signer))
        #expect(a != RespondentKey.answer(personID: 13, questionnaireID: 3, waveID: nil, signer: signer))
        #expect(a != RespondentKey.answer(personID: 12, questionnaireID: 4, waveID: nil, signer: signer))
        #expect(a != RespondentKey.answer(personID: 12, questionnaireID: 3, waveID: 1, signer: signer))
        #expect(!a.contains("12"))
        let other = Signer(secret: String(repeating: "t", count: 40))
        #expect(a != RespondentKey.answer(personID: 12, questionnaireID: 3, waveID: nil, signer: other))
        #expect(RespondentKey.draftOwners(personID: 12, browserKey: "b", signer: signer).count == 2)
        #expect(RespondentKey.draftOwners(personID: nil, browserKey: nil, signer: signer).isEmpty)
    }

    @Test func onlyProfessionalsAnswerTheProfessionalsQuestionnaireOnline() {
        #expect(AnswerAudience.mayAnswerOnline(.professionals, roles: [.professional]))
        #expect(!AnswerAudience.mayAnswerOnline(.professionals, roles: [.resident, .coordinator]))
        #expect(!AnswerAudience.mayAnswerOnline(.professionals, roles: []))
        #expect(AnswerAudience.mayAnswerOnline(.users, roles: []))
        #expect(AnswerAudience.mayAnswerOnline(.all, roles: []))
        #expect(AnswerAudience.resultsNote(.professionals).fr.contains("seuls les comptes"))
        #expect(AnswerAudience.resultsNote(.all).fr.contains("public que la personne a déclaré"))
    }
}
