import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Sessions live in the database so several instances share them. The cookie carries a random
/// token; the table keeps its SHA-256. Logging in always creates a new session (the id changes).
public enum Sessions {
    public static let lifetime: TimeInterval = 14 * 24 * 3600

    /// Reads the viewer behind a session token in one query (person and all their roles).
    public static func viewer(token: String, on db: any Database, now: Date = Date()) async throws -> Viewer? {
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

    /// Starts a new session for a person, ending the one the request came with (if any).
    public static func start(personID: Int, request: Request, response: Response) async throws {
        if let old = request.cookies[CookieName.session]?.string {
            try await SessionRecord.query(on: request.db).filter(\.$id == Tokens.sha256Hex(old)).delete()
        }
        let token = Tokens.random()
        try await SessionRecord(tokenHash: Tokens.sha256Hex(token), personID: personID, lifetime: lifetime).create(
            on: request.db)
        response.cookies[CookieName.session] = .init(
            string: token, maxAge: Int(lifetime), path: "/", isSecure: request.agora.config.secureCookies,
            isHTTPOnly: true, sameSite: .lax)
    }

    public static func end(request: Request, response: Response) async throws {
        if let token = request.cookies[CookieName.session]?.string {
            try await SessionRecord.query(on: request.db).filter(\.$id == Tokens.sha256Hex(token)).delete()
        }
        response.cookies[CookieName.session] = .expired
    }

    public static func purgeExpired(on db: any Database, now: Date = Date()) async throws {
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
                themes: .territory(themes[id] ?? []))
        }
    }
}

/// Single-use tokens sent by e-mail.
public enum EmailTokens {
    /// Creates a token and returns the secret to put in the link.
    public static func issue(_ purpose: AuthToken.Purpose, personID: Int, on db: any Database) async throws -> String {
        let secret = Tokens.random()
        try await AuthToken(personID: personID, purpose: purpose, tokenHash: Tokens.sha256Hex(secret)).create(on: db)
        return secret
    }

    /// The token if it exists, has this purpose, is unused and not expired.
    public static func find(
        _ secret: String, purpose: AuthToken.Purpose, on db: any Database, now: Date = Date()
    ) async throws -> AuthToken? {
        guard secret.count <= 100 else { return nil }
        return try await AuthToken.query(on: db)
            .filter(\.$tokenHash == Tokens.sha256Hex(secret))
            .filter(\.$purpose == purpose.rawValue)
            .filter(\.$usedAt == nil)
            .filter(\.$expiresAt > now)
            .first()
    }
}
