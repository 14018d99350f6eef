import Core
import Fluent
import Foundation
import SQLKit

/// Sessions live in the database so several instances share them. The cookie carries a random
/// token; the table keeps its SHA-256. Logging in always creates a new session (the id changes).
public enum Sessions {
    public static let lifetime: TimeInterval = 14 * 24 * 3600

    /// Reads the viewer behind a session token in one query (person and all their roles).
    public static func viewer(token: String, now: Date, on db: any Database) async throws -> Viewer? {
        guard token.count <= 100 else { return nil }
        let sql = db.sql
        let hash = Tokens.sha256Hex(token)
        let rows = try await sql.raw(
            """
            SELECT p.id AS pid, p.display_name AS name, p.email AS email, m.territory_id AS tid, m.role AS role
            FROM sessions s JOIN people p ON p.id = s.person_id
            LEFT JOIN memberships m ON m.person_id = p.id
            WHERE s.id = \(bind: hash) AND s.expires_at > \(bind: now)
            """
        ).all()
        guard let first = rows.first else { return nil }
        var roles: [Int: Set<Role>] = [:]
        for row in rows {
            if let tid = try row.decodeNil(column: "tid") ? nil : row.decode(column: "tid", as: Int.self),
                let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            {
                roles[tid, default: []].insert(role)
            }
        }
        return Viewer(
            personID: try first.decode(column: "pid", as: Int.self),
            displayName: try first.decode(column: "name", as: String.self),
            email: try first.decode(column: "email", as: String?.self),
            rolesByTerritory: roles, sessionID: hash)
    }

    /// Starts a new session for a person, ending the one they came with (if any); answers the
    /// token to put in the cookie.
    static func start(personID: Int, replacing old: String?, now: Date, on db: any Database) async throws -> String {
        if let old { try await end(token: old, on: db) }
        let token = Tokens.random()
        let record = SessionRecord(tokenHash: Tokens.sha256Hex(token), personID: personID, lifetime: lifetime)
        record.createdAt = now
        record.expiresAt = now.addingTimeInterval(lifetime)
        try await record.create(on: db)
        return token
    }

    /// Ends the session of this cookie token.
    static func end(token: String, on db: any Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$id == Tokens.sha256Hex(token)).delete()
    }

    /// Ends every session of a person (their password changed).
    static func endAll(personID: Int, on db: any Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$personID == personID).delete()
    }

    public static func purgeExpired(now: Date, on db: any Database) async throws {
        try await SessionRecord.query(on: db).filter(\.$expiresAt < now).delete()
    }
}

/// Reads all territories with their communes, for the in-memory directory.
public enum TerritoryLoader {
    public static func load(on db: any Database) async throws -> [TerritoryInfo] {
        let territories = try await Territory.query(on: db).all()
        let communes = try await Commune.query(on: db).all()
        let byTerritory = Dictionary(grouping: communes, by: \.territoryID)
        let themes = try await TerritoryThemes.rows(on: db)
        return territories.compactMap { territory in
            guard let id = territory.id else { return nil }
            let list = (byTerritory[id] ?? []).compactMap { commune -> CommuneInfo? in
                guard let cid = commune.id else { return nil }
                return CommuneInfo(
                    id: cid, code: commune.code, name: commune.name,
                    postalCodes: commune.postalCodes.split(separator: "|").map(String.init),
                    population: commune.population)
            }
            return TerritoryInfo(
                id: id, slug: territory.slug, name: territory.name, epciSiren: territory.epciSiren, communes: list,
                themes: .territory(themes[id] ?? []),
                disclosure: territory.disclosureThreshold.map(Disclosure.init(threshold:)) ?? .standard)
        }
    }
}
