import Core
import Fluent
import Foundation

/// What became of a committee created.
enum CreationOutcome: Sendable, Equatable {
    case created(committeeID: Int)
    case forbidden
}

/// Creating a committee in a territory, with its rules (read by `CommitteeInput.validate`); in
/// the audit trail.
enum CreateCommittee {
    static func run(
        _ input: CommitteeInput, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> CreationOutcome {
        guard CommitteesPolicy.allows(actor, .run, on: .committee) else { return .forbidden }
        let now = env.now
        return try await env.db.transaction { db -> CreationOutcome in
            let committeeID = try await CommitteeStore.insertCommittee(
                input, territoryID: territory.id, now: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "committee.created",
                subject: "committee \(committeeID)", on: db)
            return .created(committeeID: committeeID)
        }
    }
}
