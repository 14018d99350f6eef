import Core
import Foundation
import SQLKit
import TestSupport
import Testing

@testable import Questionnaires

/// Answering a questionnaire, online and typed in, on a small in-memory database: only the
/// territory, the people and the questionnaire each test needs, no server.
@Suite("Answering use cases")
struct AnsweringUseCaseTests {
    static let rooms: [any FeatureModule] = [QuestionnairesModule()]

    static let definition = Definition(
        sections: [
            Section(
                key: "s1", title: "Accès aux soins",
                questions: [
                    Question(
                        key: "q1", kind: .single, label: "Avez-vous un médecin traitant ?", required: true,
                        choices: [Choice(key: "oui", label: "Oui"), Choice(key: "non", label: "Non")])
                ])
        ], nextKey: 2)

    /// A questionnaire for users in `territory`, with the given status.
    static func questionnaire(
        in territory: TerritoryInfo, status: QStatus = .published, linkAccounts: Bool = false, world: UseCaseWorld
    ) async throws -> QContext {
        let id = try await QuestionnaireStore.create(
            territoryID: territory.id, title: "Votre santé", intro: "Quelques questions.", audience: .users,
            linkAccounts: linkAccounts, definition: definition, by: nil, on: world.db)
        try await QuestionnaireStore.setStatus(id, status, on: world.db)
        let record = try #require(try await QuestionnaireStore.load(id, territoryID: territory.id, on: world.db))
        return QContext(record: record, definition: definition, territory: territory)
    }

    /// What a browser sends with an answer: a fresh form token of the page, from one address.
    static func guards(
        _ context: QContext, _ world: UseCaseWorld, token: String? = nil, replacing: Bool = false,
        limiter: RateLimiter = RateLimiter(), limit: Int = 60, address: String = "192.0.2.1"
    ) -> AnswerSafeguards {
        AnswerSafeguards(
            formToken: token
                ?? FormToken.issue(questionnaireID: context.id, now: world.env.now, signer: world.env.signer),
            address: address, addressLimit: limit, limiter: limiter, replacing: replacing)
    }

    struct Row: Decodable { let person_id: Int?; let channel: String; let entered_by_id: Int? }

    static func rows(_ world: UseCaseWorld) async throws -> [Row] {
        try await world.db.sql.raw("SELECT person_id, channel, entered_by_id FROM questionnaire_responses ORDER BY id")
            .all(decoding: Row.self)
    }

    @Test func anAnswerIsAnonymousUnlessTheQuestionnaireLinksAccountsAndThePersonAsks() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let anonymous = try await Self.questionnaire(in: vitre, world: world)
            let typed = TypedAnswers(fields: ["q1": "oui", "_lier": "on"])
            let first = try await SubmitAnswer.run(
                typed, questionnaire: anonymous, waves: [], resumeToken: nil, safeguards: Self.guards(anonymous, world),
                actor: anne, env: world.env)
            guard case .saved = first else { Issue.record("expected an answer, got \(first)"); return }
            let linked = try await Self.questionnaire(in: vitre, linkAccounts: true, world: world)
            let second = try await SubmitAnswer.run(
                typed, questionnaire: linked, waves: [], resumeToken: nil, safeguards: Self.guards(linked, world),
                actor: anne, env: world.env)
            guard case .saved = second else { Issue.record("expected an answer, got \(second)"); return }
            let rows = try await Self.rows(world)
            #expect(rows.map(\.person_id) == [nil, anne.personID])
            #expect(rows.map(\.channel) == ["en-ligne", "en-ligne"])
        }
    }

    @Test func aMissingAnswerIsSaidNextToItsQuestionAndNothingIsWritten() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let outcome = try await SubmitAnswer.run(
                TypedAnswers(), questionnaire: context, waves: [], resumeToken: nil,
                safeguards: Self.guards(context, world), actor: UseCaseWorld.anonymous,
                env: world.env)
            guard case .invalid(let errors) = outcome else { Issue.record("expected errors, got \(outcome)"); return }
            #expect(errors["q1"] == "Choisissez une réponse.")
            #expect(try await Self.rows(world).isEmpty)
        }
    }

    @Test func aClosedQuestionnaireTakesNoAnswerNorDraft() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let closed = try await Self.questionnaire(in: vitre, status: .closed, world: world)
            let typed = TypedAnswers(fields: ["q1": "oui"])
            #expect(
                try await SubmitAnswer.run(
                    typed, questionnaire: closed, waves: [], resumeToken: nil, safeguards: Self.guards(closed, world),
                    actor: UseCaseWorld.anonymous,
                    env: world.env) == .closed)
            #expect(
                try await SaveAnswerDraft.run(
                    typed, questionnaire: closed, resumeToken: nil, actor: UseCaseWorld.anonymous, env: world.env)
                    == .closed)
            #expect(try await Self.rows(world).isEmpty)
        }
    }

    @Test func answersKeptForLaterResumeFromTheirTokenAndAreDroppedOnceSent() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let context = try await Self.questionnaire(in: vitre, world: world)
            let typed = TypedAnswers(fields: ["q1": "non", "_plus_tard": "1"])
            guard
                case .kept(let token) = try await SaveAnswerDraft.run(
                    typed, questionnaire: context, resumeToken: nil, actor: UseCaseWorld.anonymous, env: world.env)
            else { Issue.record("expected a draft"); return }
            let kept = try await QuestionnaireStore.draft(
                questionnaireID: context.id, tokenHash: Tokens.sha256Hex(token), on: world.db)
            #expect(kept?.fields == ["q1": "non"])
            let sent = try await SubmitAnswer.run(
                TypedAnswers(fields: ["q1": "non", "_reprise": token]), questionnaire: context, waves: [],
                resumeToken: token, safeguards: Self.guards(context, world), actor: UseCaseWorld.anonymous,
                env: world.env)
            guard case .saved = sent else { Issue.record("expected an answer, got \(sent)"); return }
            #expect(
                try await QuestionnaireStore.draft(
                    questionnaireID: context.id, tokenHash: Tokens.sha256Hex(token), on: world.db) == nil)
        }
    }

    @Test func aPartnerTypesAnAnswerInWithItsChannelInTheAuditTrail() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            let outcome = try await EnterAssistedAnswer.run(
                TypedAnswers(fields: ["q1": "oui", "_canal": "telephone"]), questionnaire: context, waves: [],
                actor: pat, env: world.env)
            guard case .saved(_, let channel, let wave) = outcome else {
                Issue.record("expected an answer, got \(outcome)"); return
            }
            #expect(channel == .phone && wave == nil)
            let rows = try await Self.rows(world)
            #expect(rows.map(\.channel) == ["telephone"])
            #expect(rows.first?.person_id == nil && rows.first?.entered_by_id == pat.personID, "anonymous")
            #expect(try await world.audit() == ["questionnaire.answer.assisted"])
        }
    }

    @Test func anAssistedAnswerNeedsItsChannelAKnownWaveAnOpenQuestionnaireAndAnAssistant() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let anne = try await world.person("Anne", email: "anne@example.org", roles: [.resident], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            guard
                case .invalid(let errors) = try await EnterAssistedAnswer.run(
                    TypedAnswers(fields: ["q1": "oui", "_vague": "77"]), questionnaire: context, waves: [],
                    actor: pat, env: world.env)
            else { Issue.record("expected errors"); return }
            #expect(errors["_canal"] == "Choisissez le canal.")
            #expect(errors["_vague"] == "Cette vague n'existe pas.")
            let typed = TypedAnswers(fields: ["q1": "oui", "_canal": "papier"])
            #expect(
                try await EnterAssistedAnswer.run(typed, questionnaire: context, waves: [], actor: anne, env: world.env)
                    == .forbidden)
            let closed = try await Self.questionnaire(in: vitre, status: .closed, world: world)
            #expect(
                try await EnterAssistedAnswer.run(typed, questionnaire: closed, waves: [], actor: pat, env: world.env)
                    == .closed)
            #expect(try await Self.rows(world).isEmpty)
            #expect(try await world.audit().isEmpty)
        }
    }
}
