import Core
import Fluent
import Foundation
import SQLKit

/// The accounts room's reads and writes of people, their roles, consents and single-use
/// tokens: typed rows in, typed rows out. Writes run in the caller's transaction.
public enum AccountStore {
    public static func person(_ id: Int, on db: any Database) async throws -> Person? {
        try await Person.find(id, on: db)
    }

    /// The account with this (normalized) address.
    public static func person(email: String, on db: any Database) async throws -> Person? {
        guard !email.isEmpty else { return nil }
        return try await Person.query(on: db).filter(\.$email == email).first()
    }

    /// A new account: the person, their first role in the territory, and their consent to the
    /// current terms and privacy notice.
    static func createAccount(
        _ input: SignupInput, passwordHash: String, territoryID: Int, now: Date, on db: any Database
    ) async throws -> Person {
        let person = Person(email: input.email, passwordHash: passwordHash, displayName: input.displayName)
        person.createdAt = now
        try await person.create(on: db)
        let personID = try person.requireID()
        try await addRole(
            input.role, personID: personID, territoryID: territoryID, professionCode: input.professionCode, now: now,
            on: db)
        for document in LegalDocument.allCases {
            let consent = Consent(
                personID: personID, kind: document == .terms ? .terms : .privacy, version: document.currentVersion)
            consent.acceptedAt = now
            try await consent.create(on: db)
        }
        return person
    }

    /// Marks the address confirmed (once: a later confirmation keeps the first date).
    static func confirmEmail(personID: Int, now: Date, on db: any Database) async throws {
        try await Person.query(on: db).filter(\.$id == personID).filter(\.$emailConfirmedAt == nil)
            .set(\.$emailConfirmedAt, to: now).update()
    }

    /// A new password; the link that allowed it proves the address too.
    static func setPassword(personID: Int, hash: String, now: Date, on db: any Database) async throws {
        try await Person.query(on: db).filter(\.$id == personID).set(\.$passwordHash, to: hash).update()
        try await confirmEmail(personID: personID, now: now, on: db)
    }

    static func updateProfile(_ input: ProfileInput, personID: Int, on db: any Database) async throws {
        try await Person.query(on: db).filter(\.$id == personID)
            .set(\.$displayName, to: input.displayName)
            .set(\.$communeCode, to: input.communeCode)
            .set(\.$ageBand, to: input.ageBand?.rawValue)
            .update()
    }

    // MARK: - Roles

    public static func memberships(personID: Int, on db: any Database) async throws -> [Membership] {
        try await Membership.query(on: db).filter(\.$personID == personID).sort(\.$id).all()
    }

    public static func consents(personID: Int, on db: any Database) async throws -> [Consent] {
        try await Consent.query(on: db).filter(\.$personID == personID).sort(\.$id).all()
    }

    /// The roles a person holds in a territory.
    public static func roles(personID: Int, territoryID: Int, on db: any Database) async throws -> Set<Role> {
        let rows = try await Membership.query(on: db).filter(\.$personID == personID)
            .filter(\.$territoryID == territoryID).all()
        return Set(rows.compactMap { Role(rawValue: $0.role) })
    }

    /// Adds a role unless the person holds it already; true when added.
    @discardableResult
    static func addRole(
        _ role: Role, personID: Int, territoryID: Int, professionCode: String? = nil, now: Date, on db: any Database
    ) async throws -> Bool {
        let existing = try await Membership.query(on: db).filter(\.$personID == personID)
            .filter(\.$territoryID == territoryID).filter(\.$role == role.rawValue).first()
        guard existing == nil else { return false }
        let membership = Membership(
            personID: personID, territoryID: territoryID, role: role, professionCode: professionCode)
        membership.createdAt = now
        try await membership.create(on: db)
        return true
    }

    static func removeRole(_ role: Role, personID: Int, territoryID: Int, on db: any Database) async throws {
        try await Membership.query(on: db).filter(\.$personID == personID).filter(\.$territoryID == territoryID)
            .filter(\.$role == role.rawValue).delete()
    }

    // MARK: - Assisted profiles

    /// A new assisted profile, a resident of the territory, with the oral agreement collected.
    static func createAssisted(
        _ input: AssistedProfileInput, by creatorID: Int, territoryID: Int, now: Date, on db: any Database
    ) async throws -> Int {
        let person = Person(email: nil, passwordHash: nil, displayName: input.alias, isAssisted: true)
        person.communeCode = input.communeCode
        person.phone = input.phone
        person.createdByID = creatorID
        person.createdAt = now
        try await person.create(on: db)
        let id = try person.requireID()
        try await addRole(.resident, personID: id, territoryID: territoryID, now: now, on: db)
        let consent = Consent(
            personID: id, kind: .assistedOral, version: LegalDocument.privacy.currentVersion, collectedByID: creatorID)
        consent.acceptedAt = now
        try await consent.create(on: db)
        return id
    }

    /// A person as the policy sees them from a territory: assisted or not, member there or not.
    public static func profileFacts(
        personID: Int, territoryID: Int, on db: any Database
    ) async throws -> AccountsPolicy.Subject? {
        guard let person = try await Person.find(personID, on: db) else { return nil }
        let memberHere =
            try await Membership.query(on: db).filter(\.$personID == personID)
            .filter(\.$territoryID == territoryID).first() != nil
        return .profile(personID: personID, isAssisted: person.isAssisted, memberHere: memberHere)
    }

    // MARK: - Erasure

    /// Erases a person: every room first, then the account (memberships, consents, sessions and
    /// tokens go with it); assisted profiles they created forget who created them.
    static func erase(
        personID: Int, modules: [any FeatureModule], env: UseCaseEnvironment, on db: any Database
    ) async throws {
        for module in modules { try await module.erase(personID: personID, env: env, on: db) }
        try await Person.query(on: db).filter(\.$createdByID == personID).set(\.$createdByID, to: nil).update()
        try await AuthToken.query(on: db).filter(\.$personID == personID).delete()
        try await SessionRecord.query(on: db).filter(\.$personID == personID).delete()
        try await Consent.query(on: db).filter(\.$personID == personID).delete()
        try await Membership.query(on: db).filter(\.$personID == personID).delete()
        try await Person.query(on: db).filter(\.$id == personID).delete()
    }
}

/// Single-use tokens sent by e-mail: only their SHA-256 is stored.
public enum EmailTokens {
    /// Creates a token and returns the secret to put in the link.
    public static func issue(
        _ purpose: AuthToken.Purpose, personID: Int, now: Date, on db: any Database
    ) async throws -> String {
        let secret = Tokens.random()
        let token = AuthToken(personID: personID, purpose: purpose, tokenHash: Tokens.sha256Hex(secret))
        token.expiresAt = now.addingTimeInterval(purpose.lifetime)
        try await token.create(on: db)
        return secret
    }

    /// The token if it exists, has this purpose, is unused and not expired.
    public static func find(
        _ secret: String, purpose: AuthToken.Purpose, now: Date, on db: any Database
    ) async throws -> AuthToken? {
        guard secret.count <= 100 else { return nil }
        return try await AuthToken.query(on: db)
            .filter(\.$tokenHash == Tokens.sha256Hex(secret))
            .filter(\.$purpose == purpose.rawValue)
            .filter(\.$usedAt == nil)
            .filter(\.$expiresAt > now)
            .first()
    }

    /// Uses a valid token: marks it used and answers whose it was, in one statement, so that two
    /// requests with the same link never both use it. Nil when it is unknown, used or expired.
    public static func consume(
        _ secret: String, purpose: AuthToken.Purpose, now: Date, on db: any Database
    ) async throws -> Int? {
        guard secret.count <= 100 else { return nil }
        let row = try await db.sql.raw(
            """
            UPDATE auth_tokens SET used_at = \(bind: now)
            WHERE token_hash = \(bind: Tokens.sha256Hex(secret)) AND purpose = \(bind: purpose.rawValue)
            AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING person_id
            """
        ).first()
        return try row?.decode(column: "person_id", as: Int.self)
    }

    /// Every link of the person not used yet stops working (after a password reset: an older
    /// login link must not open the account any more).
    public static func revokeAll(personID: Int, now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            "UPDATE auth_tokens SET used_at = \(bind: now) WHERE person_id = \(bind: personID) AND used_at IS NULL"
        ).run()
    }
}

/// One line of the assisted-profiles list, read in a single query with its creator's name.
public struct AssistedProfileRow: Sendable, Equatable {
    public let id: Int
    public let alias: String
    public let communeCode: String?
    public let phone: String?
    public let createdBy: String?

    public static func all(territoryID: Int, on db: any Database) async throws -> [AssistedProfileRow] {
        let rows = try await db.sql.raw(
            """
            SELECT p.id, p.display_name, p.commune_code, p.phone, c.display_name AS creator
            FROM people p JOIN memberships m ON m.person_id = p.id AND m.territory_id = \(bind: territoryID)
            LEFT JOIN people c ON c.id = p.created_by_id
            WHERE p.is_assisted = \(bind: true)
            ORDER BY p.display_name LIMIT 500
            """
        ).all()
        return try rows.map { row in
            AssistedProfileRow(
                id: try row.decode(column: "id", as: Int.self),
                alias: try row.decode(column: "display_name", as: String.self),
                communeCode: try row.decode(column: "commune_code", as: String?.self),
                phone: try row.decode(column: "phone", as: String?.self),
                createdBy: try row.decode(column: "creator", as: String?.self))
        }
    }
}

/// One member with their roles, from one query (people × memberships), at most `limit` people.
public struct MemberRow: Sendable, Equatable {
    public let id: Int
    public let name: String
    public let email: String?
    public var roles: Set<Role>

    public static func search(
        territoryID: Int, text: String, limit: Int, on db: any Database
    ) async throws -> [MemberRow] {
        let pattern =
            "%" + text.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
            + "%"
        let rows = try await db.sql.raw(
            """
            SELECT p.id, p.display_name, p.email, m.role FROM people p
            JOIN memberships m ON m.person_id = p.id AND m.territory_id = \(bind: territoryID)
            WHERE p.id IN (
                SELECT p2.id FROM people p2 JOIN memberships m2 ON m2.person_id = p2.id AND m2.territory_id = \(bind: territoryID)
                WHERE lower(p2.display_name) LIKE \(bind: pattern) OR lower(coalesce(p2.email, '')) LIKE \(bind: pattern)
                GROUP BY p2.id ORDER BY p2.id DESC LIMIT \(bind: limit))
            ORDER BY p.id DESC
            """
        ).all()
        var result: [MemberRow] = []
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            let role = Role(rawValue: try row.decode(column: "role", as: String.self))
            if let last = result.last, last.id == id {
                if let role { result[result.count - 1].roles.insert(role) }
            } else {
                result.append(
                    MemberRow(
                        id: id, name: try row.decode(column: "display_name", as: String.self),
                        email: try row.decode(column: "email", as: String?.self), roles: role.map { [$0] } ?? []))
            }
        }
        return result
    }
}

/// A person with their memberships and consents, read in three queries.
public struct AccountSnapshot: Sendable {
    public let person: Person
    public let memberships: [Membership]
    public let consents: [Consent]

    /// Nil when the person is gone.
    public static func load(personID: Int, on db: any Database) async throws -> AccountSnapshot? {
        guard let person = try await Person.find(personID, on: db) else { return nil }
        return AccountSnapshot(
            person: person, memberships: try await AccountStore.memberships(personID: personID, on: db),
            consents: try await AccountStore.consents(personID: personID, on: db))
    }

    public var formFields: [String: String] {
        var fields = ["display_name": person.displayName]
        if let commune = person.communeCode { fields["commune"] = commune }
        if let band = person.ageBand { fields["age_band"] = band }
        return fields
    }
}
