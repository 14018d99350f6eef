import Core
import Fluent
import Foundation

public final class Territory: Model, @unchecked Sendable {
    public static let schema = "territories"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "slug") public var slug: String
    @Field(key: "name") public var name: String
    @OptionalField(key: "epci_siren") public var epciSiren: String?
    @Field(key: "created_at") public var createdAt: Date
    /// Nothing about fewer than this many people is published (nil: the platform's 5).
    @OptionalField(key: "disclosure_threshold") public var disclosureThreshold: Int?
    public init() {}
    public init(slug: String, name: String, epciSiren: String?) {
        self.slug = slug; self.name = name; self.epciSiren = epciSiren; self.createdAt = Date()
    }
}

public final class Commune: Model, @unchecked Sendable {
    public static let schema = "communes"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "territory_id") public var territoryID: Int
    @Field(key: "code_insee") public var code: String
    @Field(key: "name") public var name: String
    /// Postal codes separated by "|", as in the INSEE/La Poste data.
    @Field(key: "postal_codes") public var postalCodes: String
    @Field(key: "population") public var population: Int
    public init() {}
    public init(territoryID: Int, code: String, name: String, postalCodes: [String], population: Int) {
        self.territoryID = territoryID; self.code = code; self.name = name
        self.postalCodes = postalCodes.joined(separator: "|"); self.population = population
    }
}

public final class Person: Model, @unchecked Sendable {
    public static let schema = "people"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    /// Lower-cased; nil for an assisted profile.
    @OptionalField(key: "email") public var email: String?
    @OptionalField(key: "password_hash") public var passwordHash: String?
    @Field(key: "display_name") public var displayName: String
    @OptionalField(key: "email_confirmed_at") public var emailConfirmedAt: Date?
    @Field(key: "is_assisted") public var isAssisted: Bool
    @OptionalField(key: "phone") public var phone: String?
    /// INSEE code of the person's commune (optional profile fact).
    @OptionalField(key: "commune_code") public var communeCode: String?
    @OptionalField(key: "age_band") public var ageBand: String?
    /// Who created this assisted profile.
    @OptionalField(key: "created_by_id") public var createdByID: Int?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
    public init(email: String?, passwordHash: String?, displayName: String, isAssisted: Bool = false) {
        self.email = email; self.passwordHash = passwordHash; self.displayName = displayName
        self.isAssisted = isAssisted; self.createdAt = Date()
    }
}

public final class Membership: Model, @unchecked Sendable {
    public static let schema = "memberships"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "person_id") public var personID: Int
    @Field(key: "territory_id") public var territoryID: Int
    @Field(key: "role") public var role: String
    @OptionalField(key: "profession_code") public var professionCode: String?
    @Field(key: "created_at") public var createdAt: Date
    public init() {}
    public init(personID: Int, territoryID: Int, role: Role, professionCode: String? = nil) {
        self.personID = personID; self.territoryID = territoryID; self.role = role.rawValue
        self.professionCode = professionCode; self.createdAt = Date()
    }
}

public final class Consent: Model, @unchecked Sendable {
    public static let schema = "consents"
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "person_id") public var personID: Int
    @Field(key: "kind") public var kind: String
    @Field(key: "version") public var version: String
    @Field(key: "accepted_at") public var acceptedAt: Date
    /// For an assisted profile: who collected the oral agreement.
    @OptionalField(key: "collected_by_id") public var collectedByID: Int?
    public init() {}
    public init(personID: Int, kind: ConsentKind, version: String, collectedByID: Int? = nil) {
        self.personID = personID; self.kind = kind.rawValue; self.version = version
        self.acceptedAt = Date(); self.collectedByID = collectedByID
    }
}

public final class SessionRecord: Model, @unchecked Sendable {
    public static let schema = "sessions"
    /// SHA-256 of the cookie's token: the token itself is never stored.
    @ID(custom: "id", generatedBy: .user) public var id: String?
    @Field(key: "person_id") public var personID: Int
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    public init() {}
    public init(tokenHash: String, personID: Int, lifetime: TimeInterval) {
        self.id = tokenHash; self.personID = personID; self.createdAt = Date()
        self.expiresAt = Date().addingTimeInterval(lifetime)
    }
}

/// A single-use token sent by e-mail (confirmation, password reset, one-time login).
public final class AuthToken: Model, @unchecked Sendable {
    public static let schema = "auth_tokens"
    public enum Purpose: String, Sendable {
        case confirmEmail = "confirm", resetPassword = "reset", login
        public var lifetime: TimeInterval {
            switch self {
            case .confirmEmail: 48 * 3600
            case .resetPassword: 3600
            case .login: 20 * 60
            }
        }
    }
    @ID(custom: "id", generatedBy: .database) public var id: Int?
    @Field(key: "person_id") public var personID: Int
    @Field(key: "purpose") public var purpose: String
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?
    public init() {}
    public init(personID: Int, purpose: Purpose, tokenHash: String) {
        self.personID = personID; self.purpose = purpose.rawValue; self.tokenHash = tokenHash
        self.expiresAt = Date().addingTimeInterval(purpose.lifetime)
    }
}

/// Migrations of the accounts room, numbered, never edited once landed.
enum AccountsMigrations {
    struct M001Territories: AsyncMigration {
        var name: String { "Accounts.001.Territories" }
        func prepare(on db: any Database) async throws {
            try await db.schema(Territory.schema)
                .field("id", .int, .identifier(auto: true))
                .field("slug", .string, .required)
                .field("name", .string, .required)
                .field("epci_siren", .string)
                .field("created_at", .datetime, .required)
                .unique(on: "slug")
                .create()
            try await db.schema(Commune.schema)
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references(Territory.schema, "id", onDelete: .cascade))
                .field("code_insee", .string, .required)
                .field("name", .string, .required)
                .field("postal_codes", .string, .required)
                .field("population", .int, .required)
                .unique(on: "territory_id", "code_insee")
                .create()
        }
        func revert(on db: any Database) async throws {
            try await db.schema(Commune.schema).delete()
            try await db.schema(Territory.schema).delete()
        }
    }

    struct M002People: AsyncMigration {
        var name: String { "Accounts.002.People" }
        func prepare(on db: any Database) async throws {
            try await db.schema(Person.schema)
                .field("id", .int, .identifier(auto: true))
                .field("email", .string)
                .field("password_hash", .string)
                .field("display_name", .string, .required)
                .field("email_confirmed_at", .datetime)
                .field("is_assisted", .bool, .required)
                .field("phone", .string)
                .field("commune_code", .string)
                .field("age_band", .string)
                .field("created_by_id", .int)
                .field("created_at", .datetime, .required)
                .unique(on: "email")
                .create()
            try await db.schema(Membership.schema)
                .field("id", .int, .identifier(auto: true))
                .field("person_id", .int, .required, .references(Person.schema, "id", onDelete: .cascade))
                .field("territory_id", .int, .required, .references(Territory.schema, "id", onDelete: .cascade))
                .field("role", .string, .required)
                .field("profession_code", .string)
                .field("created_at", .datetime, .required)
                .unique(on: "person_id", "territory_id", "role")
                .create()
            try await db.schema(Consent.schema)
                .field("id", .int, .identifier(auto: true))
                .field("person_id", .int, .required, .references(Person.schema, "id", onDelete: .cascade))
                .field("kind", .string, .required)
                .field("version", .string, .required)
                .field("accepted_at", .datetime, .required)
                .field("collected_by_id", .int)
                .create()
            try await db.schema(SessionRecord.schema)
                .field("id", .string, .identifier(auto: false))
                .field("person_id", .int, .required, .references(Person.schema, "id", onDelete: .cascade))
                .field("created_at", .datetime, .required)
                .field("expires_at", .datetime, .required)
                .create()
            try await db.schema(AuthToken.schema)
                .field("id", .int, .identifier(auto: true))
                .field("person_id", .int, .required, .references(Person.schema, "id", onDelete: .cascade))
                .field("purpose", .string, .required)
                .field("token_hash", .string, .required)
                .field("expires_at", .datetime, .required)
                .field("used_at", .datetime)
                .unique(on: "token_hash")
                .create()
        }
        func revert(on db: any Database) async throws {
            for schema in [AuthToken.schema, SessionRecord.schema, Consent.schema, Membership.schema, Person.schema] {
                try await db.schema(schema).delete()
            }
        }
    }

    /// Indexes the hot queries need: memberships by territory, sessions by person.
    struct M003Indexes: AsyncMigration {
        var name: String { "Accounts.003.Indexes" }
        func prepare(on db: any Database) async throws {
            guard let sql = db as? any SQLDatabase else { return }
            try await sql.raw("CREATE INDEX IF NOT EXISTS memberships_territory ON memberships (territory_id, role)")
                .run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS sessions_person ON sessions (person_id)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS people_created_by ON people (created_by_id)").run()
            try await sql.raw("CREATE INDEX IF NOT EXISTS consents_person ON consents (person_id)").run()
        }
        func revert(on db: any Database) async throws {
            guard let sql = db as? any SQLDatabase else { return }
            for index in ["memberships_territory", "sessions_person", "people_created_by", "consents_person"] {
                try await sql.raw("DROP INDEX IF EXISTS \(unsafeRaw: index)").run()
            }
        }
    }

    /// A territory's theme list: renamed or hidden platform themes (their slug) and its own
    /// (a bit from 16 to 62, never reused within the territory).
    struct M004TerritoryThemes: AsyncMigration {
        var name: String { "Accounts.004.TerritoryThemes" }
        func prepare(on db: any Database) async throws {
            try await db.schema("territory_themes")
                .field("id", .int, .identifier(auto: true))
                .field("territory_id", .int, .required, .references(Territory.schema, "id", onDelete: .cascade))
                .field("slug", .string, .required)
                .field("label_fr", .string, .required)
                .field("label_en", .string)
                .field("bit_index", .int, .required)
                .field("hidden", .bool, .required)
                .field("position", .int, .required)
                .field("updated_at", .datetime, .required)
                .unique(on: "territory_id", "slug")
                .unique(on: "territory_id", "bit_index")
                .create()
        }
        func revert(on db: any Database) async throws { try await db.schema("territory_themes").delete() }
    }

    /// The territory's disclosure threshold (nil: the platform's 5; 11 for the health-data rule).
    struct M005DisclosureThreshold: AsyncMigration {
        var name: String { "Accounts.005.DisclosureThreshold" }
        func prepare(on db: any Database) async throws {
            try await db.schema(Territory.schema).field("disclosure_threshold", .int).update()
        }
        func revert(on db: any Database) async throws {
            try await db.schema(Territory.schema).deleteField("disclosure_threshold").update()
        }
    }

    static let all: [any Migration] = [
        M001Territories(), M002People(), M003Indexes(), M004TerritoryThemes(), M005DisclosureThreshold(),
    ]
}

import SQLKit
