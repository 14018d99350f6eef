import Core
import Foundation
import TestSupport
import Testing

@testable import Questionnaires

/// Making and publishing questionnaires on a small in-memory database, no server.
@Suite("Building use cases")
struct BuildingUseCaseTests {
    static let rooms: [any FeatureModule] = [QuestionnairesModule()]
    static let settings = QuestionnaireSettings(
        title: "Votre santé", intro: "Quelques questions.", audience: .users, linkAccounts: false)

    static func context(_ id: Int, in territory: TerritoryInfo, world: UseCaseWorld) async throws -> QContext {
        let record = try #require(try await QuestionnaireStore.load(id, territoryID: territory.id, on: world.db))
        let text = try await QuestionnaireStore.definitionText(versionID: record.current_version_id, on: world.db)
        let definition = Definition.decode(text)
        return QContext(record: record, definition: definition, territory: territory)
    }

    @Test func aBuilderMakesADraftWithOneEmptySection() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let outcome = try await CreateQuestionnaire.run(
                Self.settings, territory: vitre, actor: chloe, env: world.env)
            guard case .created(let id) = outcome else {
                Issue.record("expected a questionnaire, got \(outcome)"); return
            }
            let context = try await Self.context(id, in: vitre, world: world)
            #expect(context.record.status == .draft && context.record.title == "Votre santé")
            #expect(context.definition.sections.map(\.title) == ["Questions"])
            #expect(try await world.audit() == ["questionnaire.create"])
        }
    }

    @Test func onlyBuildersMakeOrPublishQuestionnaires() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            #expect(
                try await CreateQuestionnaire.run(Self.settings, territory: vitre, actor: pat, env: world.env)
                    == .forbidden)
            guard
                case .created(let id) = try await CreateQuestionnaire.run(
                    Self.settings, territory: vitre, actor: chloe, env: world.env)
            else { Issue.record("expected a questionnaire"); return }
            let context = try await Self.context(id, in: vitre, world: world)
            #expect(
                try await PublishQuestionnaire.run(.close, questionnaire: context, actor: pat, env: world.env)
                    == .forbidden)
            #expect(try await world.audit() == ["questionnaire.create"])
        }
    }

    @Test func aQuestionnaireWithoutAQuestionIsNotPublishedThenIsPublishedClosedAndReopened() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            guard
                case .created(let id) = try await CreateQuestionnaire.run(
                    Self.settings, territory: vitre, actor: chloe, env: world.env)
            else { Issue.record("expected a questionnaire"); return }
            let empty = try await Self.context(id, in: vitre, world: world)
            #expect(
                try await PublishQuestionnaire.run(.publish, questionnaire: empty, actor: chloe, env: world.env)
                    == .noQuestion)

            var definition = empty.definition
            definition.sections[0].questions.append(
                Question(key: definition.newKey("q"), kind: .shortText, label: "Un mot ?"))
            try await QuestionnaireStore.saveDefinition(empty.record, definition, on: world.db)
            let ready = try await Self.context(id, in: vitre, world: world)
            #expect(
                try await PublishQuestionnaire.run(.publish, questionnaire: ready, actor: chloe, env: world.env)
                    == .changed(.published))
            #expect(
                try await PublishQuestionnaire.run(.close, questionnaire: ready, actor: chloe, env: world.env)
                    == .changed(.closed))
            #expect(try await Self.context(id, in: vitre, world: world).record.status == .closed)
            #expect(
                try await PublishQuestionnaire.run(.reopen, questionnaire: ready, actor: chloe, env: world.env)
                    == .changed(.published))
            #expect(
                try await world.audit() == [
                    "questionnaire.create", "questionnaire.publish", "questionnaire.close", "questionnaire.reopen",
                ])
        }
    }

    @Test func aWaveIsPlannedWithoutOverlappingAnotherAndOnlyByBuilders() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            guard
                case .created(let id) = try await CreateQuestionnaire.run(
                    Self.settings, territory: vitre, actor: chloe, env: world.env)
            else { Issue.record("expected a questionnaire"); return }
            let context = try await Self.context(id, in: vitre, world: world)
            let spring = [
                "name": "Printemps", "starts_on": "2027-03-01", "ends_on": "2027-05-31", "target_total": "200",
                "target_users": "150", "target_professionals": "50",
            ]
            #expect(
                try await SaveWave.run(fields: spring, questionnaire: context, waves: [], actor: pat, env: world.env)
                    == .forbidden)
            #expect(
                try await SaveWave.run(fields: spring, questionnaire: context, waves: [], actor: chloe, env: world.env)
                    == .saved)
            let waves = try await QuestionnaireStore.waves(of: id, on: world.db)
            #expect(waves.map(\.name) == ["Printemps"])

            var overlapping = spring
            overlapping["name"] = "Mai"
            overlapping["starts_on"] = "2027-05-01"
            overlapping["ends_on"] = "2027-06-30"
            guard
                case .invalid(let errors) = try await SaveWave.run(
                    fields: overlapping, questionnaire: context, waves: waves, actor: chloe, env: world.env)
            else { Issue.record("two waves overlap"); return }
            #expect(errors["starts_on"]?.hasPrefix("Cette période chevauche la vague « Printemps »") == true)
            var unknown = spring
            unknown["wave_id"] = "424242"
            #expect(
                try await SaveWave.run(
                    fields: unknown, questionnaire: context, waves: waves, actor: chloe, env: world.env)
                    == .notFound)
            #expect(try await QuestionnaireStore.waves(of: id, on: world.db).count == 1)
            #expect(try await world.audit() == ["questionnaire.create", "questionnaire.wave"])
        }
    }
}
