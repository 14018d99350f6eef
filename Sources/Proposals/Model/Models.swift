import Core
import Fluent
import Foundation
import SQLKit

/// A proposal. Counters (supports, comments) are kept on the row so that lists read one table.
public final class Proposal: Model, @unchecked Sendable {
    public static let schema = "proposals"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "territory_id") public var territoryID: Int
    /// The person the proposal speaks for (nil once they erased their account).
    @OptionalField(key: "author_id") public var authorID: Int?
    /// The patient partner who typed it for an assisted person.
    @OptionalField(key: "submitted_by_id") public var submittedByID: Int?
    @Field(key: "is_assisted") public var isAssisted: Bool
    /// The author's audience when they proposed (resident, professional, patient_partner).
    @Field(key: "audience") public var audience: String
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Field(key: "themes_mask") public var themesMask: Int
    @Field(key: "origin") public var origin: String
    @OptionalField(key: "origin_detail") public var originDetail: String?
    @Field(key: "status") public var status: ProposalStatus
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "submitted_at") public var submittedAt: Date?
    @Field(key: "status_changed_at") public var statusChangedAt: Date
    @OptionalField(key: "answered_at") public var answeredAt: Date?
    @OptionalField(key: "answer") public var answer: String?
    @OptionalField(key: "answer_role") public var answerRole: String?
    @OptionalField(key: "hidden_reason") public var hiddenReason: String?
    @Field(key: "support_count") public var supportCount: Int
    @Field(key: "comment_count") public var commentCount: Int
    @Field(key: "progress") public var progress: Int
    @OptionalField(key: "attachment_name") public var attachmentName: String?
    @OptionalField(key: "attachment_type") public var attachmentType: String?
    public init() {}
}

/// One line of a proposal's history: who (by role) moved it where, when, and why.
public final class ProposalEvent: Model, @unchecked Sendable {
    public static let schema = "proposal_events"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "proposal_id") public var proposalID: Int
    @OptionalField(key: "from_status") public var fromStatus: String?
    @Field(key: "to_status") public var toStatus: String
    @Field(key: "role") public var role: String
    @OptionalField(key: "note") public var note: String?
    @OptionalField(key: "actor_id") public var actorID: Int?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
    public init(
        proposalID: Int, from: ProposalStatus?, to: ProposalStatus, role: String, note: String?, actorID: Int?,
        at time: Date
    ) {
        self.proposalID = proposalID; self.fromStatus = from?.rawValue; self.toStatus = to.rawValue
        self.role = role; self.note = note; self.actorID = actorID; self.createdAt = time
    }
}

public final class ProposalComment: Model, @unchecked Sendable {
    public static let schema = "proposal_comments"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "proposal_id") public var proposalID: Int
    @OptionalField(key: "parent_id") public var parentID: Int?
    @OptionalField(key: "author_id") public var authorID: Int?
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "hidden_reason") public var hiddenReason: String?
    public init() {}
}

/// What a territory does in answer to proposals: one action may answer several proposals, and
/// a proposal may be answered by several actions. Its progress and milestones are public.
public final class HealthAction: Model, @unchecked Sendable {
    public static let schema = "actions"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "territory_id") public var territoryID: Int
    @Field(key: "title") public var title: String
    @Field(key: "description") public var description: String
    /// Who carries it (a service, an association, a CPTS…), in plain words.
    @Field(key: "lead") public var lead: String
    @Field(key: "progress") public var progress: Int
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    public init() {}
}

public final class ActionMilestone: Model, @unchecked Sendable {
    public static let schema = "action_milestones"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "action_id") public var actionID: Int
    @Field(key: "title") public var title: String
    @OptionalField(key: "due_on") public var dueOn: String?
    @OptionalField(key: "done_at") public var doneAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

enum ProposalsMigrations {
    static var all: [any Migration] { [CreateTables(), CreateIndexes(), CreateVersions(), CreateActions()] }

    /// Actions shared by several proposals replace the per-proposal milestones: each proposal that
    /// had a follow-up becomes the first proposal of an action of the same title, with its
    /// milestones. `proposals.progress` stays, as the progress of its most advanced action.
    struct CreateActions: AsyncMigration {
        var name: String { "Proposals.004.Actions" }
        func prepare(on db: any Database) async throws {
            try await db.schema("actions")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("description", .string, .required)
                .field("lead", .string, .required)
                .field("progress", .int, .required)
                .field("created_at", .datetime, .required)
                .field("updated_at", .datetime, .required)
                .create()
            try await db.schema("action_milestones")
                .field("id", .int, .identifier(auto: true))
                .field("action_id", .int, .required, .references("actions", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("due_on", .string)
                .field("done_at", .datetime)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("action_proposals")
                .field("action_id", .int, .required, .references("actions", "id", onDelete: .cascade))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .unique(on: "action_id", "proposal_id")
                .create()
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("CREATE INDEX IF NOT EXISTS actions_recent ON actions (territory_id, updated_at)").run()
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS action_milestones_action ON action_milestones (action_id, id)"
            ).run()
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS action_proposals_proposal ON action_proposals (proposal_id, action_id)"
            ).run()
            struct Old: Decodable {
                let id: Int; let territory_id: Int; let title: String; let progress: Int; let status_changed_at: Date
            }
            let old = try await sql.raw(
                """
                SELECT id, territory_id, title, progress, status_changed_at FROM proposals
                WHERE progress > 0 OR id IN (SELECT proposal_id FROM proposal_milestones) ORDER BY id
                """
            ).all(decoding: Old.self)
            for proposal in old {
                let action = HealthAction()
                action.territoryID = proposal.territory_id
                action.title = proposal.title
                action.description = ""
                action.lead = ""
                action.progress = proposal.progress
                action.createdAt = proposal.status_changed_at
                action.updatedAt = proposal.status_changed_at
                try await action.create(on: db)
                let actionID = try action.requireID()
                try await sql.raw(
                    "INSERT INTO action_proposals (action_id, proposal_id) VALUES (\(bind: actionID), \(bind: proposal.id))"
                ).run()
                try await sql.raw(
                    """
                    INSERT INTO action_milestones (action_id, title, due_on, done_at, created_at)
                    SELECT \(bind: actionID), title, due_on, done_at, created_at FROM proposal_milestones WHERE proposal_id = \(bind: proposal.id) ORDER BY id
                    """
                ).run()
            }
            try await sql.raw("DROP INDEX IF EXISTS proposal_milestones_proposal").run()
            try await db.schema("proposal_milestones").delete()
        }
        func revert(on db: any Database) async throws {
            try await db.schema("proposal_milestones")
                .field("id", .int, .identifier(auto: true))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("due_on", .string)
                .field("done_at", .datetime)
                .field("created_at", .datetime, .required)
                .create()
            for table in ["action_proposals", "action_milestones", "actions"] { try await db.schema(table).delete() }
        }
    }

    /// A counter per territory, bumped by every write the public sees: instances compare it to
    /// the version of their in-memory read model.
    struct CreateVersions: AsyncMigration {
        var name: String { "Proposals.003.Versions" }
        func prepare(on db: any Database) async throws {
            try await db.schema("proposal_versions")
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("version", .int, .required)
                .unique(on: "territory_id")
                .create()
        }
        func revert(on db: any Database) async throws { try await db.schema("proposal_versions").delete() }
    }

    struct CreateTables: AsyncMigration {
        var name: String { "Proposals.001.Tables" }
        func prepare(on db: any Database) async throws {
            try await db.schema("proposals")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("author_id", .int, .references("people", "id", onDelete: .setNull))
                .field("submitted_by_id", .int, .references("people", "id", onDelete: .setNull))
                .field("is_assisted", .bool, .required)
                .field("audience", .string, .required)
                .field("title", .string, .required)
                .field("body", .string, .required)
                .field("themes_mask", .int, .required)
                .field("origin", .string, .required)
                .field("origin_detail", .string)
                .field("status", .string, .required)
                .field("created_at", .datetime, .required)
                .field("submitted_at", .datetime)
                .field("status_changed_at", .datetime, .required)
                .field("answered_at", .datetime)
                .field("answer", .string)
                .field("answer_role", .string)
                .field("hidden_reason", .string)
                .field("support_count", .int, .required)
                .field("comment_count", .int, .required)
                .field("progress", .int, .required)
                .field("attachment_name", .string)
                .field("attachment_type", .string)
                .create()
            try await db.schema("proposal_communes")
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("commune_code", .string, .required)
                .unique(on: "proposal_id", "commune_code")
                .create()
            try await db.schema("proposal_terms")
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("term", .string, .required)
                .unique(on: "term", "proposal_id")
                .create()
            try await db.schema("proposal_events")
                .field("id", .int, .identifier(auto: true))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("from_status", .string)
                .field("to_status", .string, .required)
                .field("role", .string, .required)
                .field("note", .string)
                .field("actor_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("proposal_supports")
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .field("created_at", .datetime, .required)
                .unique(on: "proposal_id", "person_id")
                .create()
            try await db.schema("proposal_comments")
                .field("id", .int, .identifier(auto: true))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("parent_id", .int, .references("proposal_comments", "id", onDelete: .cascade))
                .field("author_id", .int, .references("people", "id", onDelete: .setNull))
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .field("hidden_reason", .string)
                .create()
            try await db.schema("proposal_reports")
                .field("id", .int, .identifier(auto: true))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("comment_id", .int, .references("proposal_comments", "id", onDelete: .cascade))
                .field("reporter_id", .int, .references("people", "id", onDelete: .setNull))
                .field("reason", .string, .required)
                .field("created_at", .datetime, .required)
                .field("resolved_at", .datetime)
                .create()
            try await db.schema("proposal_attachments")
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("bytes", .data, .required)
                .unique(on: "proposal_id")
                .create()
            try await db.schema("proposal_milestones")
                .field("id", .int, .identifier(auto: true))
                .field("proposal_id", .int, .required, .references("proposals", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("due_on", .string)
                .field("done_at", .datetime)
                .field("created_at", .datetime, .required)
                .create()
        }
        func revert(on db: any Database) async throws {
            for table in [
                "proposal_milestones", "proposal_attachments", "proposal_reports", "proposal_comments",
                "proposal_supports", "proposal_events", "proposal_terms", "proposal_communes", "proposals",
            ] {
                try await db.schema(table).delete()
            }
        }
    }

    /// The indexes of the list, its filters and sorts, and of each proposal's page.
    struct CreateIndexes: AsyncMigration {
        var name: String { "Proposals.002.Indexes" }
        static let indexes: [(String, String, String)] = [
            ("proposals_recent", "proposals", "territory_id, submitted_at"),
            ("proposals_supported", "proposals", "territory_id, support_count"),
            ("proposals_status", "proposals", "territory_id, status, status_changed_at"),
            ("proposals_author", "proposals", "author_id"),
            ("proposal_communes_code", "proposal_communes", "commune_code, proposal_id"),
            ("proposal_events_proposal", "proposal_events", "proposal_id, id"),
            ("proposal_supports_person", "proposal_supports", "person_id"),
            ("proposal_comments_proposal", "proposal_comments", "proposal_id, id"),
            ("proposal_comments_author", "proposal_comments", "author_id"),
            ("proposal_reports_open", "proposal_reports", "proposal_id, resolved_at"),
            ("proposal_milestones_proposal", "proposal_milestones", "proposal_id, id"),
        ]
        func prepare(on db: any Database) async throws {
            guard let sql = db as? any SQLDatabase else { return }
            for (name, table, columns) in Self.indexes {
                try await sql.raw(
                    "CREATE INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: table) (\(unsafeRaw: columns))"
                ).run()
            }
        }
        func revert(on db: any Database) async throws {
            guard let sql = db as? any SQLDatabase else { return }
            for (name, _, _) in Self.indexes { try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: name)").run() }
        }
    }
}
