import Core
import Fluent
import Foundation

/// What became of a new questionnaire.
enum CreateQuestionnaireOutcome: Sendable, Equatable {
    /// Made as a draft with one empty section.
    case created(id: Int)
    /// Only the territory's builders make questionnaires.
    case forbidden
}

/// A builder makes a questionnaire: a draft with one empty section, in the audit trail.
enum CreateQuestionnaire {
    static func run(
        _ settings: QuestionnaireSettings, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> CreateQuestionnaireOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: nil) else { return .forbidden }
        var definition = Definition()
        definition.sections.append(Section(key: definition.newKey("s"), title: actor.t(Text("Questions", "Questions"))))
        let initial = definition
        let id = try await env.db.transaction { db in
            let id = try await QuestionnaireStore.create(
                territoryID: territory.id, title: settings.title, intro: settings.intro, audience: settings.audience,
                linkAccounts: settings.linkAccounts, definition: initial, by: actor.personID, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "questionnaire.create",
                subject: "questionnaire \(id)", on: db)
            return id
        }
        return .created(id: id)
    }
}

/// Publishing a questionnaire, closing it, or opening it again.
enum StatusChange: String, Sendable, CaseIterable {
    case publish, close, reopen

    var status: QStatus { self == .close ? .closed : .published }
}

/// What became of a questionnaire's status change.
enum PublishQuestionnaireOutcome: Sendable, Equatable {
    case changed(QStatus)
    /// A questionnaire without a question is not published.
    case noQuestion
    /// Only the territory's builders publish and close questionnaires.
    case forbidden
}

/// A builder publishes a questionnaire (once it has a question), closes it or opens it again,
/// in the audit trail.
enum PublishQuestionnaire {
    static func run(
        _ change: StatusChange, questionnaire context: QContext, actor: Actor, env: UseCaseEnvironment
    ) async throws -> PublishQuestionnaireOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        if change == .publish && context.definition.questions.isEmpty { return .noQuestion }
        let id = context.id, territoryID = context.territory.id
        try await env.db.transaction { db in
            try await QuestionnaireStore.setStatus(id, change.status, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territoryID, action: "questionnaire.\(change.rawValue)",
                subject: "questionnaire \(id)", on: db)
        }
        return .changed(change.status)
    }
}
