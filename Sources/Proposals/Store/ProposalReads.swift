import Core
import Fluent
import Foundation
import SQLKit

/// A line of the territory's list of actions.
public struct ActionListRow: Decodable, Sendable {
    public let id: Int
    public let title: String
    public let lead: String
    public let progress: Int
    public let updated_at: Date
    public let proposals: Int
}

/// A public proposal answered by an action.
public struct LinkedProposal: Decodable, Sendable {
    public let id: Int
    public let title: String
    public let status: ProposalStatus
}

/// An open report, for the moderation queue.
public struct OpenReport: Decodable, Sendable {
    public let proposal_id: Int
    public let title: String
    public let comment_id: Int?
    public let reason: String
    public let created_at: Date
}

extension ProposalStore {
    /// One page of the territory's actions, most recently changed first, and how many there are
    /// (two queries). `page` is brought within the pages that exist.
    static func actions(
        territoryID: Int, page: Int, perPage: Int, on db: any Database
    ) async throws -> (rows: [ActionListRow], total: Int, page: Int) {
        let sql = db.sql
        struct Count: Decodable { let n: Int }
        let total =
            try await sql.raw("SELECT count(*) AS n FROM actions WHERE territory_id = \(bind: territoryID)")
            .first(decoding: Count.self)?.n ?? 0
        let pages = max(1, (total + perPage - 1) / perPage)
        let page = min(max(page, 1), pages)
        let rows = try await sql.raw(
            """
            SELECT a.id, a.title, a.lead, a.progress, a.updated_at,
              (SELECT count(*) FROM action_proposals ap WHERE ap.action_id = a.id) AS proposals
            FROM actions a WHERE a.territory_id = \(bind: territoryID)
            ORDER BY a.updated_at DESC, a.id DESC LIMIT \(bind: perPage) OFFSET \(bind: (page - 1) * perPage)
            """
        ).all(decoding: ActionListRow.self)
        return (rows, total, page)
    }

    /// An action's milestones and the public proposals it answers (hidden ones are not shown;
    /// drafts cannot be linked): two queries.
    static func actionPage(
        _ actionID: Int, on db: any Database
    ) async throws -> (milestones: [ActionMilestone], proposals: [LinkedProposal]) {
        let milestones = try await ActionMilestone.query(on: db).filter(\.$actionID == actionID).sort(\.$id).all()
        let proposals = try await db.sql.raw(
            """
            SELECT p.id, p.title, p.status FROM proposals p JOIN action_proposals ap ON ap.proposal_id = p.id
            WHERE ap.action_id = \(bind: actionID) AND p.hidden_reason IS NULL ORDER BY p.id LIMIT 200
            """
        ).all(decoding: LinkedProposal.self)
        return (milestones, proposals)
    }

    /// The reports not yet dealt with in the territory, oldest first.
    static func openReports(territoryID: Int, on db: any Database) async throws -> [OpenReport] {
        try await db.sql.raw(
            """
            SELECT r.proposal_id, p.title, r.comment_id, r.reason, r.created_at FROM proposal_reports r
            JOIN proposals p ON p.id = r.proposal_id
            WHERE p.territory_id = \(bind: territoryID) AND r.resolved_at IS NULL ORDER BY r.id LIMIT 200
            """
        ).all(decoding: OpenReport.self)
    }
}
