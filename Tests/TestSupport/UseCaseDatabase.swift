import Accounts
import Core
import Fluent
import FluentSQLiteDriver
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A small world for use-case tests: an in-memory SQLite database migrated with the rooms a test
/// names (Core and Accounts always), a `ManualClock`, and only the rows the test writes — no
/// server, no demo. Each test gets its own database.
public struct UseCaseWorld: Sendable {
    public let app: Application
    public let clock: ManualClock
    public let env: UseCaseEnvironment
    public var db: any Database { app.db }
    /// The territories written by `territory(…)`, which `env.territory` finds.
    let territories: NIOLockedValueBox<[Int: TerritoryInfo]>

    /// Runs `body` in a fresh world; the application is shut down afterwards, whatever happens.
    public static func with(
        _ rooms: [any FeatureModule], now: Date = Date(timeIntervalSince1970: 1_800_000_000),
        _ body: (UseCaseWorld) async throws -> Void
    ) async throws {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .warning
        do {
            app.databases.use(.sqlite(.memory), as: .sqlite)
            for module in [CoreModule(), AccountsModule()] + rooms { app.migrations.add(module.migrations) }
            try await app.autoMigrate()
            let clock = ManualClock(now)
            let territories = NIOLockedValueBox<[Int: TerritoryInfo]>([:])
            let env = UseCaseEnvironment(
                db: app.db, clock: clock, writes: GroupCommit(batching: false), baseURL: "https://agora.example",
                signer: Signer(secret: String(repeating: "k", count: 40)),
                territory: { id in territories.withLockedValue { $0[id] } })
            try await body(UseCaseWorld(app: app, clock: clock, env: env, territories: territories))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }

    /// A territory with the given communes (INSEE code and name).
    public func territory(
        slug: String = "vitre", name: String = "Vitré Communauté",
        communes: [(code: String, name: String)] = [("35360", "Vitré"), ("35068", "Châteaubourg")]
    ) async throws -> TerritoryInfo {
        let territory = Territory(slug: slug, name: name, epciSiren: nil)
        try await territory.create(on: db)
        let id = try territory.requireID()
        var infos: [CommuneInfo] = []
        for commune in communes {
            let row = Commune(
                territoryID: id, code: commune.code, name: commune.name, postalCodes: [], population: 1000)
            try await row.create(on: db)
            infos.append(
                CommuneInfo(
                    id: try row.requireID(), code: commune.code, name: commune.name, postalCodes: [], population: 1000))
        }
        let info = TerritoryInfo(id: id, slug: slug, name: name, epciSiren: nil, communes: infos)
        territories.withLockedValue { $0[id] = info }
        return info
    }

    /// A person holding `roles` in the territory, and the actor they are there.
    public func person(
        _ name: String, email: String?, roles: Set<Role>, in territory: TerritoryInfo, commune: String? = nil,
        assisted: Bool = false
    ) async throws -> Actor {
        let person = Person(email: email, passwordHash: nil, displayName: name, isAssisted: assisted)
        person.communeCode = commune
        try await person.create(on: db)
        let id = try person.requireID()
        for role in roles { try await Membership(personID: id, territoryID: territory.id, role: role).create(on: db) }
        return Actor(personID: id, name: name, email: email, roles: roles)
    }

    /// Nobody signed in.
    public static let anonymous = Actor(personID: nil, roles: [])

    /// The mails waiting in the outbox, oldest first.
    public func outbox() async throws -> [(to: String, subject: String, body: String)] {
        try await OutboxMail.query(on: db).sort(\.$id).all().map { ($0.recipient, $0.subject, $0.body) }
    }

    /// The actions written to the audit trail, oldest first.
    public func audit() async throws -> [String] {
        try await AuditEntry.query(on: db).sort(\.$id).all().map(\.action)
    }
}
