import Core
import Fluent
import Foundation
import SQLKit

extension Proposal {
    /// What the policy decides on.
    public var facts: ProposalFacts {
        ProposalFacts(status: status, hidden: hiddenReason != nil, authorID: authorID, submittedByID: submittedByID)
    }
}

/// A comment as the proposal page shows it.
public struct CommentRow: Decodable, Sendable {
    public let id: Int
    public let parent_id: Int?
    public let author_id: Int?
    public let body: String
    public let created_at: Date
    public let hidden_reason: String?
    public let display_name: String?
}

/// An action with its milestones, as shown on its page and on the proposals it answers.
public struct ShownAction: @unchecked Sendable {  // the models are read, never changed, once loaded
    public let action: HealthAction
    public let milestones: [ActionMilestone]
}

/// What the page of a proposal shows besides the proposal: a fixed number of queries.
public struct ProposalDetails: @unchecked Sendable {  // the models are read, never changed, once loaded
    public var events: [ProposalEvent]
    public var comments: [CommentRow]
    public var communes: [String]
    /// The actions answering the proposal, with their milestones.
    public var actions: [ShownAction]
    /// The territory's actions it could be linked to (staff who answer only).
    public var actionChoices: [(id: Int, title: String)]
    public var names: [Int: String]
    public var supportedByViewer: Bool
    public var openReports: Int
}

extension ProposalStore {
    // MARK: - Reads of one proposal

    /// The proposal `id` of the territory, whoever may see it (the policy decides that).
    public static func proposal(_ id: Int, territoryID: Int, on db: any Database) async throws -> Proposal? {
        guard let proposal = try await Proposal.find(id, on: db), proposal.territoryID == territoryID else {
            return nil
        }
        return proposal
    }

    /// What the proposal's page shows. `personID` is the viewer (their support); `staffAnswers`
    /// and `moderates` ask for the action choices and the open reports.
    static func details(
        of proposal: Proposal, personID: Int?, staffAnswers: Bool, moderates: Bool, on db: any Database
    ) async throws -> ProposalDetails {
        let id = try proposal.requireID()
        let sql = db.sql
        let events = try await ProposalEvent.query(on: db).filter(\.$proposalID == id).sort(\.$id).all()
        let comments = try await sql.raw(
            """
            SELECT c.id, c.parent_id, c.author_id, c.body, c.created_at, c.hidden_reason, p.display_name
            FROM proposal_comments c LEFT JOIN people p ON p.id = c.author_id
            WHERE c.proposal_id = \(bind: id) ORDER BY c.id LIMIT 500
            """
        ).all(decoding: CommentRow.self)
        let communes = try await communeCodes(of: [id], on: db)[id] ?? []
        let actions = try await shownActions(forProposal: id, on: db)
        let choices =
            staffAnswers && proposal.status.isAcceptedOrLater
            ? try await actionChoices(territoryID: proposal.territoryID, on: db) : []
        let names = try await names(of: [proposal.authorID, proposal.submittedByID].compactMap { $0 }, on: db)
        var supported = false
        if let personID {
            supported =
                try await sql.raw(
                    "SELECT 1 AS one FROM proposal_supports WHERE proposal_id = \(bind: id) AND person_id = \(bind: personID)"
                ).first() != nil
        }
        var reports = 0
        if moderates {
            struct Count: Decodable { let n: Int }
            reports =
                try await sql.raw(
                    "SELECT count(*) AS n FROM proposal_reports WHERE proposal_id = \(bind: id) AND resolved_at IS NULL"
                )
                .first(decoding: Count.self)?.n ?? 0
        }
        return ProposalDetails(
            events: events, comments: comments, communes: communes, actions: actions, actionChoices: choices,
            names: names, supportedByViewer: supported, openReports: reports)
    }

    /// The bytes of the proposal's attached file.
    static func attachment(of proposalID: Int, on db: any Database) async throws -> Data? {
        try await db.sql.raw("SELECT bytes FROM proposal_attachments WHERE proposal_id = \(bind: proposalID)")
            .first()?.decode(column: "bytes", as: Data.self)
    }

    /// The comment `id` of the proposal: its parent, whether it is hidden, its author; nil when it
    /// is not this proposal's.
    static func comment(
        _ id: Int, of proposalID: Int, on db: any Database
    ) async throws -> (parentID: Int?, hidden: Bool, authorID: Int?)? {
        struct Row: Decodable { let parent_id: Int?; let hidden_reason: String?; let author_id: Int? }
        guard
            let row = try await db.sql.raw(
                "SELECT parent_id, hidden_reason, author_id FROM proposal_comments WHERE id = \(bind: id) AND proposal_id = \(bind: proposalID)"
            ).first(decoding: Row.self)
        else { return nil }
        return (row.parent_id, row.hidden_reason != nil, row.author_id)
    }

    // MARK: - Writes (each inside `write`)

    /// A write of the territory's proposals, in one transaction with the bump of the territory's
    /// version (which other instances read).
    static func write<T: Sendable>(
        territoryID: Int, on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        try await db.transaction { db in
            let value = try await body(db)
            try await ProposalReadModel.bump(territoryID: territoryID, on: db)
            return value
        }
    }

    static func insertAttachment(_ bytes: Data, proposalID: Int, on db: any Database) async throws {
        try await db.sql.raw(
            "INSERT INTO proposal_attachments (proposal_id, bytes) VALUES (\(bind: proposalID), \(bind: bytes))"
        ).run()
    }

    /// Adds the person's support, or withdraws it when they had given it; true when added. The
    /// unique index makes a double support impossible, even from two tabs at once.
    static func toggleSupport(proposalID id: Int, personID: Int, at now: Date, on db: any Database) async throws -> Bool
    {
        let sql = db.sql
        let removed = try await sql.raw(
            "DELETE FROM proposal_supports WHERE proposal_id = \(bind: id) AND person_id = \(bind: personID) RETURNING person_id"
        ).all()
        if removed.isEmpty {
            try await sql.raw(
                """
                INSERT INTO proposal_supports (proposal_id, person_id, created_at) VALUES (\(bind: id), \(bind: personID), \(bind: now))
                ON CONFLICT DO NOTHING
                """
            ).run()
        }
        try await sql.raw(
            "UPDATE proposals SET support_count = (SELECT count(*) FROM proposal_supports WHERE proposal_id = \(bind: id)) WHERE id = \(bind: id)"
        ).run()
        return removed.isEmpty
    }

    static func insertComment(_ comment: ProposalComment, on db: any Database) async throws {
        try await comment.create(on: db)
        try await db.sql.raw(
            "UPDATE proposals SET comment_count = comment_count + 1 WHERE id = \(bind: comment.proposalID)"
        ).run()
    }

    static func insertReport(
        proposalID: Int, commentID: Int?, reporterID: Int, reason: String, at now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO proposal_reports (proposal_id, comment_id, reporter_id, reason, created_at)
            VALUES (\(bind: proposalID), \(bind: commentID), \(bind: reporterID), \(bind: reason), \(bind: now))
            """
        ).run()
    }

    /// Hides (with the reason) or restores the proposal or one of its comments, and closes the
    /// reports about it.
    static func setHidden(
        proposalID id: Int, commentID: Int?, reason: String?, at now: Date, on db: any Database
    ) async throws {
        let sql = db.sql
        if let commentID {
            try await sql.raw(
                "UPDATE proposal_comments SET hidden_reason = \(bind: reason) WHERE id = \(bind: commentID)"
            ).run()
            try await sql.raw(
                "UPDATE proposal_reports SET resolved_at = \(bind: now) WHERE comment_id = \(bind: commentID) AND resolved_at IS NULL"
            ).run()
        } else {
            try await sql.raw("UPDATE proposals SET hidden_reason = \(bind: reason) WHERE id = \(bind: id)").run()
            try await sql.raw(
                "UPDATE proposal_reports SET resolved_at = \(bind: now) WHERE proposal_id = \(bind: id) AND comment_id IS NULL AND resolved_at IS NULL"
            ).run()
        }
    }

    // MARK: - Actions

    /// The actions answering one proposal, with their milestones: two queries.
    static func shownActions(forProposal id: Int, on db: any Database) async throws -> [ShownAction] {
        let links = try await db.sql.raw(
            "SELECT action_id FROM action_proposals WHERE proposal_id = \(bind: id)"
        ).all()
            .map { try $0.decode(column: "action_id", as: Int.self) }
        guard !links.isEmpty else { return [] }
        let actions = try await HealthAction.query(on: db).filter(\.$id ~~ links).sort(\.$id).all()
        return try await withMilestones(actions, on: db)
    }

    static func withMilestones(_ actions: [HealthAction], on db: any Database) async throws -> [ShownAction] {
        let ids = actions.compactMap(\.id)
        guard !ids.isEmpty else { return [] }
        let milestones = try await ActionMilestone.query(on: db).filter(\.$actionID ~~ ids).sort(\.$id).all()
        let byAction = Dictionary(grouping: milestones, by: \.actionID)
        return actions.compactMap { action in
            action.id.map { ShownAction(action: action, milestones: byAction[$0] ?? []) }
        }
    }

    /// The territory's actions a proposal may be linked to, most recently changed first.
    static func actionChoices(territoryID: Int, on db: any Database) async throws -> [(id: Int, title: String)] {
        try await HealthAction.query(on: db).filter(\.$territoryID == territoryID).sort(\.$updatedAt, .descending)
            .limit(300).all()
            .compactMap { action in action.id.map { ($0, action.title) } }
    }

    /// The action `id` of the territory; nil when it is another territory's or none.
    public static func action(_ id: Int, territoryID: Int, on db: any Database) async throws -> HealthAction? {
        guard let action = try await HealthAction.find(id, on: db), action.territoryID == territoryID else {
            return nil
        }
        return action
    }

    static func milestone(_ id: Int, of actionID: Int, on db: any Database) async throws -> ActionMilestone? {
        try await ActionMilestone.query(on: db).filter(\.$id == id).filter(\.$actionID == actionID).first()
    }

    /// Links the proposal to the action (once: linking twice changes nothing).
    static func link(actionID: Int, proposalID: Int, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO action_proposals (action_id, proposal_id) VALUES (\(bind: actionID), \(bind: proposalID)) ON CONFLICT DO NOTHING
            """
        ).run()
        try await refreshProgress(of: "SELECT \(bind: proposalID)", on: db)
    }

    /// Unlinks the proposal from the action; false when they were not linked.
    static func unlink(actionID: Int, proposalID: Int, on db: any Database) async throws -> Bool {
        let rows = try await db.sql.raw(
            """
            DELETE FROM action_proposals WHERE action_id = \(bind: actionID) AND proposal_id = \(bind: proposalID) RETURNING proposal_id
            """
        ).all()
        guard !rows.isEmpty else { return false }
        try await refreshProgress(of: "SELECT \(bind: proposalID)", on: db)
        return true
    }

    /// The proposals answered by an action take its progress.
    static func refreshProgress(ofActionProposals actionID: Int, on db: any Database) async throws {
        try await refreshProgress(
            of: "SELECT proposal_id FROM action_proposals WHERE action_id = \(bind: actionID)", on: db)
    }

    // MARK: - Erasure

    /// Drafts are deleted; published proposals and comments stay as contributions to the public
    /// debate but lose their author (shown as "compte supprimé"); supports are withdrawn.
    static func erase(personID: Int, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw("DELETE FROM proposals WHERE author_id = \(bind: personID) AND status = 'draft'").run()
        try await sql.raw("UPDATE proposals SET author_id = NULL WHERE author_id = \(bind: personID)").run()
        try await sql.raw("UPDATE proposals SET submitted_by_id = NULL WHERE submitted_by_id = \(bind: personID)").run()
        try await sql.raw("UPDATE proposal_comments SET author_id = NULL WHERE author_id = \(bind: personID)").run()
        try await sql.raw("UPDATE proposal_reports SET reporter_id = NULL WHERE reporter_id = \(bind: personID)").run()
        try await sql.raw("UPDATE proposal_events SET actor_id = NULL WHERE actor_id = \(bind: personID)").run()
        try await sql.raw(
            """
            UPDATE proposals SET support_count = support_count - 1
            WHERE id IN (SELECT proposal_id FROM proposal_supports WHERE person_id = \(bind: personID))
            """
        ).run()
        try await sql.raw("DELETE FROM proposal_supports WHERE person_id = \(bind: personID)").run()
        // Names and counts changed wherever this person took part: every territory's model is renewed.
        try await sql.raw("UPDATE proposal_versions SET version = version + 1").run()
    }
}
