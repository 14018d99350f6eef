import Core
import Foundation
import SQLKit
import TestSupport
import Testing

@testable import Questionnaires

/// Changing a questionnaire once made: settings, outline, questions, coding free text and importing
/// paper answers, on a small in-memory database, no server.
@Suite("Editing use cases")
struct EditingUseCaseTests {
    static let rooms: [any FeatureModule] = [QuestionnairesModule()]

    /// Two sections: "Accès" holds a yes/no question and a free-text one shown only after "non";
    /// "Vide" holds nothing.
    static let definition = Definition(
        sections: [
            Section(
                key: "s1", title: "Accès",
                questions: [
                    Question(
                        key: "q1", kind: .single, label: "Avez-vous un médecin traitant ?", required: true,
                        choices: [Choice(key: "oui", label: "Oui"), Choice(key: "non", label: "Non")]),
                    Question(
                        key: "q2", kind: .longText, label: "Pourquoi ?",
                        condition: Condition(question: "q1", equals: "non")),
                ]),
            Section(key: "s2", title: "Vide"),
        ], nextKey: 3)

    static func questionnaire(
        in territory: TerritoryInfo, status: QStatus = .draft, world: UseCaseWorld
    ) async throws -> QContext {
        let id = try await QuestionnaireStore.create(
            territoryID: territory.id, title: "Votre santé", intro: "Quelques questions.", audience: .users,
            linkAccounts: false, definition: definition, by: nil, on: world.db)
        try await QuestionnaireStore.setStatus(id, status, on: world.db)
        return try await reload(id, in: territory, world: world)
    }

    static func reload(_ id: Int, in territory: TerritoryInfo, world: UseCaseWorld) async throws -> QContext {
        let record = try #require(try await QuestionnaireStore.load(id, territoryID: territory.id, on: world.db))
        let text = try await QuestionnaireStore.definitionText(versionID: record.current_version_id, on: world.db)
        return QContext(record: record, definition: Definition.decode(text), territory: territory)
    }

    static func answer(_ context: QContext, _ answers: Answers, world: UseCaseWorld) async throws -> Int {
        try await QuestionnaireStore.insert(
            NewResponse(
                questionnaireID: context.id, versionID: context.record.current_version_id, waveID: nil,
                channel: .online, audience: .users, commune: nil, answers: answers, at: world.clock.now),
            on: world.db)
    }

    @Test func settingsAreSavedByBuildersOnlyAndABadOneIsSaidBesideItsField() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            let typed = ["title": "Vos besoins", "intro": "Trois minutes.", "audience": "professionnels"]
            #expect(
                try await UpdateQuestionnaireSettings.run(typed, questionnaire: context, actor: pat, env: world.env)
                    == .forbidden)
            let missing = try await UpdateQuestionnaireSettings.run(
                typed.merging(["title": "  ", "audience": "martiens"]) { $1 }, questionnaire: context, actor: chloe,
                env: world.env)
            guard case .invalid(let errors) = missing else { Issue.record("expected errors, got \(missing)"); return }
            #expect(errors.items.map(\.field) == ["title", "audience"])
            #expect(try await Self.reload(context.id, in: vitre, world: world).record.title == "Votre santé")
            #expect(
                try await UpdateQuestionnaireSettings.run(typed, questionnaire: context, actor: chloe, env: world.env)
                    == .saved)
            let saved = try await Self.reload(context.id, in: vitre, world: world).record
            #expect(saved.title == "Vos besoins" && saved.intro == "Trois minutes." && saved.audience == .professionals)
            #expect(try await world.audit() == ["questionnaire.settings"])
        }
    }

    @Test func theOutlineChangesAndWhatWouldBreakItIsRefusedWithNothingChanged() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let context = try await Self.questionnaire(in: vitre, world: world)
            func run(_ change: StructureChange, as actor: Actor = chloe) async throws -> EditQuestionnaireOutcome {
                let current = try await Self.reload(context.id, in: vitre, world: world)
                return try await EditStructure.run(change, questionnaire: current, actor: actor, env: world.env)
            }
            #expect(try await run(.addSection(title: "Prévention"), as: pat) == .forbidden)
            #expect(try await run(.addSection(title: "")) == .refused(.badTitle(empty: true)))
            #expect(
                try await run(.addSection(title: String(repeating: "a", count: 151)))
                    == .refused(.badTitle(empty: false)))
            #expect(try await run(.renameSection("s9", title: "Ailleurs")) == .refused(.unknownSection))
            #expect(try await run(.deleteSection("s1")) == .refused(.sectionNotEmpty))
            #expect(try await run(.moveQuestion("q9", up: true)) == .refused(.unknownQuestion))
            // "Pourquoi ?" is asked after the answer to q1: it cannot come first.
            #expect(
                try await run(.moveQuestion("q2", up: true))
                    == .refused(.orderConflict(Definition.OrderConflict(question: "q2", dependsOn: "q1"))))
            #expect(try await world.audit().isEmpty, "nothing refused is written")
            #expect(try await Self.reload(context.id, in: vitre, world: world).definition == Self.definition)

            #expect(try await run(.addSection(title: "Prévention")) == .saved(versioned: false, cleared: []))
            #expect(try await run(.renameSection("s2", title: "Autres")) == .saved(versioned: false, cleared: []))
            #expect(try await run(.deleteSection("s2")) == .saved(versioned: false, cleared: []))
            // Deleting the question another one depends on says so, and that one is always asked.
            #expect(try await run(.deleteQuestion("q1")) == .saved(versioned: false, cleared: ["Pourquoi ?"]))
            let after = try await Self.reload(context.id, in: vitre, world: world).definition
            #expect(after.sections.map(\.title) == ["Accès", "Prévention"])
            #expect(after.questions.map(\.key) == ["q2"] && after.question("q2")?.condition == nil)
            #expect(
                try await world.audit() == [
                    "questionnaire.section-add", "questionnaire.section-rename", "questionnaire.section-delete",
                    "questionnaire.question-delete",
                ])
        }
    }

    @Test func aQuestionIsWrittenOrEditedAndOnceAnsweredTheQuestionnaireGetsANewVersion() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let context = try await Self.questionnaire(in: vitre, status: .published, world: world)
            func save(_ fields: [String: String], key: String? = nil) async throws -> SaveQuestionOutcome {
                let current = try await Self.reload(context.id, in: vitre, world: world)
                return try await SaveQuestion.run(
                    fields, key: key, questionnaire: current, themes: .builtin, actor: chloe, env: world.env)
            }
            let noKind = try await save(["section": "s1", "label": "Votre âge ?"])
            guard case .invalid(let kindErrors) = noKind else { Issue.record("expected errors, got \(noKind)"); return }
            #expect(kindErrors.items.map(\.field) == ["kind"])
            let noSection = try await save(["kind": "short_text", "section": "s9", "label": ""])
            guard case .invalid(let errors) = noSection else { Issue.record("expected errors"); return }
            #expect(Set(errors.items.map(\.field)) == ["section", "label"])
            #expect(try await save(["section": "s1", "label": "Autre"], key: "q9") == .unknownQuestion)

            #expect(
                try await save(["kind": "short_text", "section": "s2", "label": "Votre âge ?"])
                    == .saved(versioned: false))
            var saved = try await Self.reload(context.id, in: vitre, world: world)
            #expect(saved.definition.sections[1].questions.map(\.label) == ["Votre âge ?"])

            // Moving q1 below the question that depends on it is refused beside the section.
            let below = try await save(
                ["section": "s2", "label": "Avez-vous un médecin traitant ?", "choices": "Oui\nNon"], key: "q1")
            guard case .invalid(let moved) = below else { Issue.record("expected a refusal, got \(below)"); return }
            #expect(moved.items.map(\.field) == ["section"])

            _ = try await Self.answer(saved, ["q1": .choice("oui")], world: world)
            #expect(
                try await save(
                    ["section": "s1", "label": "Avez-vous un médecin ?", "choices": "Oui\nNon", "required": "on"],
                    key: "q1") == .saved(versioned: true))
            saved = try await Self.reload(context.id, in: vitre, world: world)
            #expect(saved.record.version_number == context.record.version_number + 1)
            #expect(saved.definition.question("q1")?.label == "Avez-vous un médecin ?")
            #expect(try await world.audit() == ["questionnaire.question.add", "questionnaire.question.edit"])
        }
    }

    @Test func freeTextIsCodedWithCodesOfItsQuestionOnAnswersOfItsQuestionnaire() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let context = try await Self.questionnaire(in: vitre, status: .published, world: world)
            let other = try await Self.questionnaire(in: vitre, status: .published, world: world)
            let why = try #require(context.definition.question("q2"))
            let response = try await Self.answer(
                context, ["q1": .choice("non"), "q2": .text("Trop loin")], world: world)
            let stranger = try await Self.answer(other, ["q1": .choice("non")], world: world)
            func run(_ change: CodingChange, as actor: Actor = chloe) async throws -> CodeFreeTextOutcome {
                try await CodeFreeText.run(change, question: why, questionnaire: context, actor: actor, env: world.env)
            }
            #expect(try await run(.newCode(name: "Distance"), as: pat) == .forbidden)
            guard case .invalid(let empty) = try await run(.newCode(name: "  ")) else {
                Issue.record("expected an error"); return
            }
            #expect(empty.items.map(\.field) == ["name"])
            #expect(try await run(.newCode(name: " Distance ")) == .saved)
            guard case .invalid(let twice) = try await run(.newCode(name: "Distance")) else {
                Issue.record("expected an error"); return
            }
            #expect(twice.items.first?.message == "Ce code existe déjà pour cette question.")
            let code = try #require(try await QuestionnaireStore.codes(of: context.id, on: world.db).first)
            #expect(code.name == "Distance" && code.question_key == "q2")

            #expect(try await run(.code(response: stranger, code: code.id)) == .notFound)
            #expect(try await run(.code(response: response, code: code.id + 1)) == .notFound)
            #expect(try await run(.code(response: response, code: code.id)) == .saved)
            #expect(try await run(.code(response: response, code: code.id)) == .saved, "twice is once")
            #expect(try await QuestionnaireStore.coded(of: context.id, on: world.db) == [response: [code.id]])
            #expect(try await run(.uncode(response: response, code: code.id)) == .saved)
            #expect(try await QuestionnaireStore.coded(of: context.id, on: world.db).isEmpty)
            #expect(try await world.audit() == Array(repeating: "questionnaire.coding", count: 4))
        }
    }

    @Test func paperAnswersAreImportedAllOrNoneAndOnlyWhileTheQuestionnaireIsOpen() async throws {
        try await UseCaseWorld.with(Self.rooms) { world in
            let vitre = try await world.territory()
            let chloe = try await world.person("Chloé", email: "chloe@example.org", roles: [.coordinator], in: vitre)
            let pat = try await world.person("Pat", email: "pat@example.org", roles: [.patientPartner], in: vitre)
            let draft = try await Self.questionnaire(in: vitre, world: world)
            let open = try await Self.questionnaire(in: vitre, status: .published, world: world)
            let closed = try await Self.questionnaire(in: vitre, status: .closed, world: world)
            let good: [(line: Int, fields: [String])] = [
                (1, ["canal", "q1", "q2"]), (2, ["papier", "oui", ""]), (3, ["telephone", "non", "Trop loin"]),
            ]
            func run(
                _ table: [(line: Int, fields: [String])], _ context: QContext, as actor: Actor = chloe
            )
                async throws -> ImportAnswersOutcome
            {
                try await ImportAnswers.run(table, questionnaire: context, actor: actor, env: world.env)
            }
            #expect(try await run(good, open, as: pat) == .forbidden)
            #expect(try await run(good, draft) == .notOpen)
            #expect(try await run(good, closed) == .closed)
            #expect(
                try await run([(1, ["canal", "q1"])], open)
                    == .problems([
                        AnswerLayout.ImportProblem(
                            line: 2, column: "",
                            message: "Le fichier ne contient aucune réponse sous la ligne des colonnes.")
                    ]))
            // One bad line: nothing of the file is written.
            let bad = try await run(good + [(4, ["papier", "peut-être", ""])], open)
            guard case .problems(let problems) = bad else { Issue.record("expected problems, got \(bad)"); return }
            #expect(problems.map(\.line) == [4] && problems.map(\.column) == ["q1"])
            #expect(try await QuestionnaireStore.responses(of: open.id, after: 0, on: world.db).isEmpty)

            #expect(try await run(good, open) == .imported(count: 2))
            let rows = try await QuestionnaireStore.responses(of: open.id, after: 0, on: world.db)
            #expect(rows.count == 2)
            #expect(try await world.audit() == ["questionnaire.import"])

            // The raw export gives them back, for builders only, and says so in the audit trail.
            #expect(
                try await ExportAnswers.run(questionnaire: open, delimiter: ",", actor: pat, env: world.env)
                    == .forbidden)
            guard
                case .file(let body) = try await ExportAnswers.run(
                    questionnaire: open, delimiter: ";", actor: chloe, env: world.env)
            else { Issue.record("expected a file"); return }
            let lines = body.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 3 && lines[0].hasPrefix("\u{FEFF}"))
            #expect(lines[2].contains("telephone") && lines[2].hasSuffix(";non;Trop loin"))
            #expect(try await world.audit() == ["questionnaire.import", "questionnaire.export"])
        }
    }
}
