import Core
import Fluent
import Foundation
import SQLKit

/// What the list asks for: filters, search, sort and page.
public struct ProposalQuery: Sendable, Equatable {
    public enum Sort: String, Sendable, CaseIterable {
        case recent = "recentes", supported = "soutenues", waiting = "en-attente"
        public var label: Text {
            switch self {
            case .recent: Text("Les plus récentes", "Most recent")
            case .supported: Text("Les plus soutenues", "Most supported")
            case .waiting: Text("En attente de réponse depuis le plus longtemps", "Waiting longest for an answer")
            }
        }
    }
    public var text = ""
    public var theme: Theme?
    public var commune: String?
    public var status: ProposalStatus?
    public var audience: String?
    public var sort: Sort = .recent
    public var page = 1
    public static let pageSize = 20

    public init() {}

    /// Reads the query string leniently: an unknown value is ignored, never an error.
    public init(query: [String: String], communes: Set<String>, themes: ThemeList = .builtin) {
        text = String((query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        theme = query["theme"].flatMap(themes.find)
        commune = query["commune"].flatMap { communes.contains($0) ? $0 : nil }
        status = query["etat"].flatMap(ProposalStatus.init(rawValue:)).flatMap { $0.isPublic ? $0 : nil }
        audience = query["public"].flatMap { ProposalsPolicy.audienceValues.contains($0) ? $0 : nil }
        sort = query["tri"].flatMap(Sort.init(rawValue:)) ?? .recent
        page = min(max(Int(query["page"] ?? "") ?? 1, 1), 100_000)
    }

    /// The query string of this list, with one parameter changed (for pagination links).
    public func queryString(page newPage: Int? = nil) -> String {
        var items: [(String, String)] = []
        if !text.isEmpty { items.append(("q", text)) }
        if let theme { items.append(("theme", theme.rawValue)) }
        if let commune { items.append(("commune", commune)) }
        if let status { items.append(("etat", status.rawValue)) }
        if let audience { items.append(("public", audience)) }
        if sort != .recent { items.append(("tri", sort.rawValue)) }
        let p = newPage ?? page
        if p > 1 { items.append(("page", String(p))) }
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.percentEncodedQuery.map { "?" + $0 } ?? ""
    }
}

/// One line of the list.
public struct ProposalSummary: Sendable {
    public let id: Int
    public let title: String
    public let status: ProposalStatus
    public let themes: [Theme]
    public let submittedAt: Date?
    public let supportCount: Int
    public let commentCount: Int
    public let audience: String
    public var communes: [String] = []
}

/// SQL helpers of the proposals room (the list itself is served by `ProposalReadModel`).
public enum ProposalStore {

    /// The communes of several proposals, in one query.
    public static func communeCodes(of ids: [Int], on db: any Database) async throws -> [Int: [String]] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.raw(
            """
            SELECT proposal_id, commune_code FROM proposal_communes WHERE proposal_id IN (\(binds: ids)) ORDER BY commune_code
            """
        ).all()
        var out: [Int: [String]] = [:]
        for row in rows {
            out[try row.decode(column: "proposal_id", as: Int.self), default: []].append(
                try row.decode(column: "commune_code", as: String.self))
        }
        return out
    }

    /// Replaces the communes and search terms of a proposal (inside the caller's transaction).
    static func index(_ proposal: Proposal, communes: [String], on db: any Database) async throws {
        let sql = db.sql
        let id = try proposal.requireID()
        try await sql.raw("DELETE FROM proposal_communes WHERE proposal_id = \(bind: id)").run()
        for code in communes {
            try await sql.raw(
                "INSERT INTO proposal_communes (proposal_id, commune_code) VALUES (\(bind: id), \(bind: code))"
            ).run()
        }
        try await sql.raw("DELETE FROM proposal_terms WHERE proposal_id = \(bind: id)").run()
        let terms = SearchTerms.terms(of: proposal.title + " " + proposal.body)
        for chunk in stride(from: 0, to: terms.count, by: 100) {
            let slice = terms[chunk..<min(chunk + 100, terms.count)]
            let values = SQLList(slice.map { SQLQueryString("(\(bind: id), \(bind: $0))") })
            try await sql.raw("INSERT INTO proposal_terms (proposal_id, term) VALUES \(values)").run()
        }
    }

    /// A person's name for display (nil when erased).
    struct NamedRow: Decodable { let id: Int; let display_name: String }

    public static func names(of ids: [Int], on db: any Database) async throws -> [Int: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.raw("SELECT id, display_name FROM people WHERE id IN (\(binds: Array(Set(ids))))")
            .all(decoding: NamedRow.self)
        return Dictionary(rows.map { ($0.id, $0.display_name) }, uniquingKeysWith: { a, _ in a })
    }

    /// The e-mail addresses to notify about a proposal: its author and its supporters.
    static func followers(of proposal: Proposal, on db: any Database) async throws -> [(email: String, name: String)] {
        struct Row: Decodable { let email: String; let display_name: String }
        let id = try proposal.requireID()
        let rows = try await db.sql.raw(
            """
            SELECT DISTINCT p.email, p.display_name FROM people p
            WHERE p.email IS NOT NULL AND (p.id = \(bind: proposal.authorID ?? -1) OR p.id = \(bind: proposal.submittedByID ?? -1)
               OR p.id IN (SELECT s.person_id FROM proposal_supports s WHERE s.proposal_id = \(bind: id)))
            """
        ).all(decoding: Row.self)
        return rows.map { ($0.email, $0.display_name) }
    }

    /// The proposals whose ids `target` selects take the progress of their most advanced action
    /// (100 once done): the list shows it without reading the actions.
    static func refreshProgress(of target: SQLQueryString, on db: any Database) async throws {
        try await db.sql.raw(
            """
            UPDATE proposals SET progress = CASE WHEN status = 'done' THEN 100 ELSE COALESCE(
              (SELECT max(a.progress) FROM actions a JOIN action_proposals ap ON ap.action_id = a.id WHERE ap.proposal_id = proposals.id), 0) END
            WHERE id IN (\(target))
            """
        ).run()
    }

    /// The people among `ids` who can be written to (assisted profiles and erased accounts have no e-mail).
    static func reachable(_ ids: [Int], on db: any Database) async throws -> [(id: Int, email: String, name: String)] {
        guard !ids.isEmpty else { return [] }
        struct Row: Decodable { let id: Int; let email: String; let display_name: String }
        let rows = try await db.sql.raw(
            """
            SELECT id, email, display_name FROM people WHERE email IS NOT NULL AND id IN (\(binds: ids)) ORDER BY id
            """
        ).all(decoding: Row.self)
        return rows.map { ($0.id, $0.email, $0.display_name) }
    }

    /// The assisted profiles of a territory (for "propose on behalf of"), one query.
    public static func assistedProfiles(territoryID: Int, on db: any Database) async throws -> [(id: Int, name: String)]
    {
        let rows = try await db.sql.raw(
            """
            SELECT p.id, p.display_name FROM people p JOIN memberships m ON m.person_id = p.id
            WHERE p.is_assisted = \(bind: true) AND m.territory_id = \(bind: territoryID)
            GROUP BY p.id, p.display_name ORDER BY p.display_name LIMIT 500
            """
        ).all(decoding: NamedRow.self)
        return rows.map { ($0.id, $0.display_name) }
    }
}
