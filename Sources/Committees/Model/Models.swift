import Core
import Fluent
import Foundation
import SQLKit

/// A local consultative committee of a territory, with its rules.
public final class Committee: Model, @unchecked Sendable {
    public static let schema = "committees"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "territory_id") public var territoryID: Int
    @Field(key: "name") public var name: String
    @Field(key: "purpose") public var purpose: String
    @Field(key: "themes_mask") public var themesMask: Int
    /// INSEE codes separated by commas; empty for the whole territory.
    @Field(key: "communes") public var communes: String
    @Field(key: "quorum_percent") public var quorumPercent: Int
    @Field(key: "decision_rule") public var decisionRule: String
    @Field(key: "vote_without_quorum") public var voteWithoutQuorum: Bool
    @Field(key: "min_share_percent") public var minimumSharePercent: Int
    @Field(key: "created_at") public var createdAt: Date
    public init() {}

    public var rule: DecisionRule { DecisionRule(rawValue: decisionRule) ?? .majority }
    public var communeCodes: [String] { communes.split(separator: ",").map(String.init) }
}

/// A seat: a person, in a college, with a function and a mandate; a substitute points at the
/// titular member they replace when absent.
public final class CommitteeMember: Model, @unchecked Sendable {
    public static let schema = "committee_members"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "committee_id") public var committeeID: Int
    @Field(key: "person_id") public var personID: Int
    @Field(key: "college") public var college: String
    @Field(key: "function") public var function: String
    @Field(key: "mandate_start") public var mandateStart: String
    @Field(key: "mandate_end") public var mandateEnd: String
    @OptionalField(key: "substitute_of_id") public var substituteOfID: Int?
    /// Whether the name is public (user members may choose "membre usager").
    @Field(key: "named") public var named: Bool
    @Field(key: "created_at") public var createdAt: Date
    public init() {}

}

public final class CandidateCall: Model, @unchecked Sendable {
    public static let schema = "committee_calls"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "committee_id") public var committeeID: Int
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Field(key: "college") public var college: String
    @Field(key: "closes_on") public var closesOn: String
    @Field(key: "seats") public var seats: Int
    /// "", "commune" or "age": the balance of a draw.
    @Field(key: "balance") public var balance: String
    /// The published seed of the draw, once drawn.
    @OptionalField(key: "seed") public var seed: String?
    /// The seed fixed by the platform when the call opened, kept secret until the draw
    /// (`Committees.004`); its SHA-256 is `seedCommitment`, published from the opening.
    @OptionalField(key: "sealed_seed") public var sealedSeed: String?
    @OptionalField(key: "seed_commitment") public var seedCommitment: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class Candidacy: Model, @unchecked Sendable {
    public static let schema = "committee_candidacies"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "call_id") public var callID: Int
    @Field(key: "person_id") public var personID: Int
    /// The public number of the candidacy (1, 2, 3… in the order received): the draw uses it.
    @Field(key: "number") public var number: Int
    @Field(key: "motivation") public var motivation: String
    @OptionalField(key: "commune_code") public var communeCode: String?
    @OptionalField(key: "age_band") public var ageBand: String?
    /// pending, selected, not_selected
    @Field(key: "status") public var status: String
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class Meeting: Model, @unchecked Sendable {
    public static let schema = "committee_meetings"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "committee_id") public var committeeID: Int
    @Field(key: "starts_at") public var startsAt: Date
    @Field(key: "ends_at") public var endsAt: Date
    @OptionalField(key: "place") public var place: String?
    @OptionalField(key: "online_link") public var onlineLink: String?
    @OptionalField(key: "minutes") public var minutes: String?
    @OptionalField(key: "minutes_approved_at") public var minutesApprovedAt: Date?
    @OptionalField(key: "minutes_approved_in") public var minutesApprovedIn: Int?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class AgendaItem: Model, @unchecked Sendable {
    public static let schema = "committee_agenda_items"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "meeting_id") public var meetingID: Int
    @Field(key: "position") public var position: Int
    @Field(key: "title") public var title: String
    @Field(key: "vote_open") public var voteOpen: Bool
    /// consensus or vote, once decided.
    @OptionalField(key: "decision_mode") public var decisionMode: String?
    @OptionalField(key: "decision_text") public var decisionText: String?
    @OptionalField(key: "adopted") public var adopted: Bool?
    /// Whether the quorum was met when the vote was opened (a vote without it is marked).
    @OptionalField(key: "quorum_met") public var quorumMet: Bool?
    /// Addresses of the proposals, results and actions that fed or follow the decision, one per line.
    @OptionalField(key: "links") public var links: String?
    @OptionalField(key: "decided_at") public var decidedAt: Date?
    public init() {}
}

/// An intervention strategy a committee drafts together: sections that members edit and
/// comment on, a version kept at each change, adopted by a decision and then frozen.
public final class Strategy: Model, @unchecked Sendable {
    public static let schema = "committee_strategies"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "committee_id") public var committeeID: Int
    @Field(key: "title") public var title: String
    @Field(key: "version") public var version: Int
    /// The agenda item whose decision adopted it; nil while it is a draft.
    @OptionalField(key: "adopted_item_id") public var adoptedItemID: Int?
    @OptionalField(key: "adopted_at") public var adoptedAt: Date?
    /// Addresses of the actions that carry it out, one per line.
    @OptionalField(key: "links") public var links: String?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
}

public final class StrategySection: Model, @unchecked Sendable {
    public static let schema = "committee_strategy_sections"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "strategy_id") public var strategyID: Int
    @Field(key: "position") public var position: Int
    @Field(key: "title") public var title: String
    @Field(key: "body") public var body: String
    @Field(key: "updated_at") public var updatedAt: Date
    public init() {}
}

enum CommitteesMigrations {
    static var all: [any Migration] { [CreateTables(), CreateStrategies(), CreateDocuments(), SeedCommitment()] }

    /// The seed of a draw is fixed by the platform when the call opens and only its SHA-256 is
    /// shown until the draw (issue #16, attack 6: a seed typed after seeing the candidates steered
    /// the draw). Calls not decided yet get theirs now; a decided call keeps its published seed.
    struct SeedCommitment: AsyncMigration {
        var name: String { "Committees.004.SeedCommitment" }
        func prepare(on db: any Database) async throws {
            try await db.schema("committee_calls").field("sealed_seed", .string).update()
            try await db.schema("committee_calls").field("seed_commitment", .string).update()
            for call in try await CandidateCall.query(on: db).filter(\.$decidedAt == nil).all() {
                let seed = Draw.freshSeed()
                call.sealedSeed = seed
                call.seedCommitment = Draw.commitment(toSeed: seed)
                try await call.update(on: db)
            }
        }
        func revert(on db: any Database) async throws {
            try await db.schema("committee_calls").deleteField("seed_commitment").update()
            try await db.schema("committee_calls").deleteField("sealed_seed").update()
        }
    }

    /// Working documents of a committee (members only), optionally attached to a meeting.
    struct CreateDocuments: AsyncMigration {
        var name: String { "Committees.003.Documents" }
        func prepare(on db: any Database) async throws {
            try await db.schema("committee_documents")
                .field("id", .int, .identifier(auto: true))
                .field("committee_id", .int, .required, .references("committees", "id", onDelete: .cascade))
                .field("meeting_id", .int, .references("committee_meetings", "id", onDelete: .setNull))
                .field("title", .string, .required)
                .field("file_name", .string, .required)
                .field("file_type", .string, .required)
                .field("bytes", .data, .required)
                .field("uploaded_by", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .create()
            if let sql = db as? any SQLDatabase {
                try await sql.raw(
                    "CREATE INDEX IF NOT EXISTS committee_documents_committee ON committee_documents (committee_id, meeting_id)"
                ).run()
            }
        }
        func revert(on db: any Database) async throws { try await db.schema("committee_documents").delete() }
    }

    struct CreateStrategies: AsyncMigration {
        var name: String { "Committees.002.Strategies" }
        func prepare(on db: any Database) async throws {
            try await db.schema("committee_strategies")
                .field("id", .int, .identifier(auto: true))
                .field("committee_id", .int, .required, .references("committees", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("version", .int, .required)
                .field("adopted_item_id", .int, .references("committee_agenda_items", "id", onDelete: .setNull))
                .field("adopted_at", .datetime)
                .field("links", .string)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("committee_strategy_sections")
                .field("id", .int, .identifier(auto: true))
                .field("strategy_id", .int, .required, .references("committee_strategies", "id", onDelete: .cascade))
                .field("position", .int, .required)
                .field("title", .string, .required)
                .field("body", .string, .required)
                .field("updated_at", .datetime, .required)
                .create()
            // Every saved state of the text, whole, so that any version can be read again.
            try await db.schema("committee_strategy_versions")
                .field("strategy_id", .int, .required, .references("committee_strategies", "id", onDelete: .cascade))
                .field("version", .int, .required)
                .field("text", .string, .required)
                .field("author_id", .int, .references("people", "id", onDelete: .setNull))
                .field("created_at", .datetime, .required)
                .unique(on: "strategy_id", "version")
                .create()
            try await db.schema("committee_strategy_comments")
                .field("id", .int, .identifier(auto: true))
                .field(
                    "section_id", .int, .required, .references("committee_strategy_sections", "id", onDelete: .cascade)
                )
                .field("author_id", .int, .references("people", "id", onDelete: .setNull))
                .field("body", .string, .required)
                .field("created_at", .datetime, .required)
                .create()
        }
        func revert(on db: any Database) async throws {
            for table in [
                "committee_strategy_comments", "committee_strategy_versions", "committee_strategy_sections",
                "committee_strategies",
            ] {
                try await db.schema(table).delete()
            }
        }
    }

    struct CreateTables: AsyncMigration {
        var name: String { "Committees.001.Tables" }
        func prepare(on db: any Database) async throws {
            try await db.schema("committees")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references("territories", "id", onDelete: .cascade))
                .field("name", .string, .required)
                .field("purpose", .string, .required)
                .field("themes_mask", .int, .required)
                .field("communes", .string, .required)
                .field("quorum_percent", .int, .required)
                .field("decision_rule", .string, .required)
                .field("vote_without_quorum", .bool, .required)
                .field("min_share_percent", .int, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("committee_members")
                .field("id", .int, .identifier(auto: true))
                .field("committee_id", .int, .required, .references("committees", "id", onDelete: .cascade))
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .field("college", .string, .required)
                .field("function", .string, .required)
                .field("mandate_start", .string, .required)
                .field("mandate_end", .string, .required)
                .field("substitute_of_id", .int, .references("committee_members", "id", onDelete: .setNull))
                .field("named", .bool, .required)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("committee_calls")
                .field("id", .int, .identifier(auto: true))
                .field("committee_id", .int, .required, .references("committees", "id", onDelete: .cascade))
                .field("title", .string, .required)
                .field("body", .string, .required)
                .field("college", .string, .required)
                .field("closes_on", .string, .required)
                .field("seats", .int, .required)
                .field("balance", .string, .required)
                .field("seed", .string)
                .field("decided_at", .datetime)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("committee_candidacies")
                .field("id", .int, .identifier(auto: true))
                .field("call_id", .int, .required, .references("committee_calls", "id", onDelete: .cascade))
                .field("person_id", .int, .required, .references("people", "id", onDelete: .cascade))
                .field("number", .int, .required)
                .field("motivation", .string, .required)
                .field("commune_code", .string)
                .field("age_band", .string)
                .field("status", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "call_id", "person_id")
                .unique(on: "call_id", "number")
                .create()
            try await db.schema("committee_meetings")
                .field("id", .int, .identifier(auto: true))
                .field("committee_id", .int, .required, .references("committees", "id", onDelete: .cascade))
                .field("starts_at", .datetime, .required)
                .field("ends_at", .datetime, .required)
                .field("place", .string)
                .field("online_link", .string)
                .field("minutes", .string)
                .field("minutes_approved_at", .datetime)
                .field("minutes_approved_in", .int)
                .field("created_at", .datetime, .required)
                .create()
            try await db.schema("committee_agenda_items")
                .field("id", .int, .identifier(auto: true))
                .field("meeting_id", .int, .required, .references("committee_meetings", "id", onDelete: .cascade))
                .field("position", .int, .required)
                .field("title", .string, .required)
                .field("vote_open", .bool, .required)
                .field("decision_mode", .string)
                .field("decision_text", .string)
                .field("adopted", .bool)
                .field("quorum_met", .bool)
                .field("links", .string)
                .field("decided_at", .datetime)
                .create()
            try await db.schema("committee_attendance")
                .field("meeting_id", .int, .required, .references("committee_meetings", "id", onDelete: .cascade))
                .field("member_id", .int, .required, .references("committee_members", "id", onDelete: .cascade))
                .field("status", .string, .required)
                .unique(on: "meeting_id", "member_id")
                .create()
            // One vote per member and item: the unique index refuses a second one even from two tabs.
            try await db.schema("committee_votes")
                .field("item_id", .int, .required, .references("committee_agenda_items", "id", onDelete: .cascade))
                // An erased member's votes stay counted (college and choice), without the member.
                .field("member_id", .int, .references("committee_members", "id", onDelete: .setNull))
                .field("college", .string, .required)
                .field("choice", .string, .required)
                .field("created_at", .datetime, .required)
                .unique(on: "item_id", "member_id")
                .create()
            guard let sql = db as? any SQLDatabase else { return }
            for (name, table, columns) in [
                ("committees_territory", "committees", "territory_id"),
                ("committee_members_committee", "committee_members", "committee_id, college"),
                ("committee_members_person", "committee_members", "person_id"),
                ("committee_calls_committee", "committee_calls", "committee_id"),
                ("committee_candidacies_person", "committee_candidacies", "person_id"),
                ("committee_meetings_committee", "committee_meetings", "committee_id, starts_at"),
                ("committee_agenda_items_meeting", "committee_agenda_items", "meeting_id, position"),
            ] {
                try await sql.raw(
                    "CREATE INDEX IF NOT EXISTS \(unsafeRaw: name) ON \(unsafeRaw: table) (\(unsafeRaw: columns))"
                ).run()
            }
        }
        func revert(on db: any Database) async throws {
            for table in [
                "committee_votes", "committee_attendance", "committee_agenda_items", "committee_meetings",
                "committee_candidacies", "committee_calls", "committee_members", "committees",
            ] {
                try await db.schema(table).delete()
            }
        }
    }
}
