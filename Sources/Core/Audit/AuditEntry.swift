import Fluent
import Foundation

/// One staff action on the record: who did what, to what, in which territory, when.
public final class AuditEntry: Model, @unchecked Sendable {
    public static let schema = "audit_log"

    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "at") public var at: Date
    @OptionalField(key: "actor_id") public var actorID: Int?
    @OptionalField(key: "territory_id") public var territoryID: Int?
    @Field(key: "action") public var action: String
    @Field(key: "subject") public var subject: String

    public init() {}
    public init(actorID: Int?, territoryID: Int?, action: String, subject: String, at: Date = Date()) {
        self.actorID = actorID; self.territoryID = territoryID; self.action = action; self.subject = subject;
        self.at = at
    }

    public static func record(
        actor: Int?, territory: Int?, action: String, subject: String, on db: any Database
    ) async throws {
        try await AuditEntry(actorID: actor, territoryID: territory, action: action, subject: subject).create(on: db)
    }

    public struct Create: AsyncMigration {
        public init() {}
        public var name: String { "Core.002.AuditLog" }
        public func prepare(on database: any Database) async throws {
            try await database.schema(AuditEntry.schema)
                .field("id", .int, .identifier(auto: true))
                .field("at", .datetime, .required)
                .field("actor_id", .int)
                .field("territory_id", .int)
                .field("action", .string, .required)
                .field("subject", .string, .required)
                .create()
        }
        public func revert(on database: any Database) async throws {
            try await database.schema(AuditEntry.schema).delete()
        }
    }
}
