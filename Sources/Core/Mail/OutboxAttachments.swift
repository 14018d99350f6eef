import Fluent

extension OutboxMail {
    /// Mails may carry files (the `.ics` of an event): an optional JSON column on the outbox.
    public struct AddAttachments: AsyncMigration {
        public init() {}
        public var name: String { "Core.003.OutboxAttachments" }
        public func prepare(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema).field("attachments", .string).update()
        }
        public func revert(on database: any Database) async throws {
            try await database.schema(OutboxMail.schema).deleteField("attachments").update()
        }
    }
}
