import Accounts
import Events
import Experiences
import Questionnaires
import Proposals
import Committees
import Core
import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// The rooms of the platform, in the order their migrations run.
public func featureModules() -> [any FeatureModule] {
    [
        CoreModule(), AccountsModule(), ProposalsModule(), CommitteesModule(), ExperiencesModule(),
        QuestionnairesModule(), EventsModule(),
    ]
}

/// Configures the application from an already-read configuration. Tests call this with their own
/// configuration and database; the executable calls it with the environment's.
public func configure(
    _ app: Application, config: AppConfig, database: DatabaseChoice? = nil, clock: any WallClock = SystemClock()
) async throws {
    do {
        // Owner only: the folder holds health data and the secret key.
        try FileManager.default.createDirectory(
            atPath: config.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    } catch {
        throw StartupFailure(
            "AGORA_DATA_DIR : impossible de créer le dossier « \(config.dataDirectory) »",
            "AGORA_DATA_DIR: cannot create the folder “\(config.dataDirectory)”")
    }
    let secret = try config.secretKey ?? SecretKeyFile.loadOrCreate(path: config.secretKeyPath)

    let choice = database ?? (config.databaseURL.map(DatabaseChoice.postgres) ?? .sqliteFile(config.sqlitePath))
    switch choice {
    case .postgres(let url):
        var postgres = try postgresConfiguration(url)
        postgres.searchPath = choice.searchPath
        app.databases.use(
            .postgres(configuration: postgres, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
    case .postgresSchema(let url, _):
        var postgres = try postgresConfiguration(url)
        postgres.searchPath = choice.searchPath
        app.databases.use(
            .postgres(configuration: postgres, maxConnectionsPerEventLoop: 2, sqlLogLevel: .trace), as: .psql)
    case .sqliteFile(let path):
        try DataFile.ownerOnly(path)
        app.databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: .trace), as: .sqlite)
    case .sqliteMemory:
        app.databases.use(.sqlite(.memory, sqlLogLevel: .trace), as: .sqlite)
    }

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.http.server.configuration.hostname = config.host
    app.http.server.configuration.port = config.port
    app.routes.defaultMaxBodySize = "2mb"

    let modules = featureModules()
    app.featureModules = modules
    for module in modules { app.migrations.add(module.migrations) }

    let assets = try config.publicDirectory.map(StaticAssets.directory) ?? .embedded
    let directory = TerritoryDirectory(loader: AccountsDirectory.loader(app))
    app.agora = AgoraServices(
        config: config, secret: secret, territories: directory, assets: assets, batchedWrites: choice.isSQLite,
        clock: clock)

    app.middleware = .init()
    app.middleware.use(SecurityHeadersMiddleware(https: config.secureCookies))
    app.middleware.use(ErrorPageMiddleware())

    let router = RouteRegistrar(app: app)
    for module in modules {
        app.agora.addNavigation(module.navigation)
        try await module.boot(app)
        try module.routes(router, app: app)
    }

    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(DemoCommand(), as: "demo")
    app.asyncCommands.use(BenchDataCommand(), as: "bench-data")
    for module in modules {
        for (name, command) in module.commands() { app.asyncCommands.use(command, as: name) }
    }
    app.lifecycle.use(StartupLifecycle(isSQLite: choice.isSQLite))
}

/// Where the data lives.
public enum DatabaseChoice: Sendable {
    case postgres(String)
    /// A PostgreSQL schema of its own (tests run side by side in one database).
    case postgresSchema(String, schema: String)
    case sqliteFile(String)
    case sqliteMemory

    var isSQLite: Bool {
        switch self {
        case .sqliteFile, .sqliteMemory: true
        default: false
        }
    }
    var searchPath: [String]? {
        if case .postgresSchema(_, let schema) = self { return [schema] }
        return nil
    }
}

/// Migrates at start-up (every command needs the schema) and loads the territory directory.
struct StartupLifecycle: LifecycleHandler {
    let isSQLite: Bool

    func willBootAsync(_ app: Application) async throws {
        do {
            if isSQLite, let sql = app.db as? any SQLDatabase {
                try await sql.raw("PRAGMA journal_mode=WAL").run()
            }
            try await app.autoMigrate()
        } catch {
            // PostgreSQL's errors describe themselves only when reflected (host and port, no secret).
            let reason = String(
                String(reflecting: error).split(whereSeparator: \.isNewline).joined(separator: " ").prefix(300))
            throw StartupFailure(
                "la base de données n'a pas pu être ouverte ou mise à jour (\(reason))",
                "the database could not be opened or migrated (\(reason))")
        }
        try await app.agora.territories.reload()
    }
}

/// The secret key, generated once and kept in the data folder (readable by its owner only).
enum SecretKeyFile {
    static func loadOrCreate(path: String) throws -> String {
        if let data = FileManager.default.contents(atPath: path),
            let key = String(data: data, encoding: .utf8)?
                .trimmingCharacters(in: .whitespacesAndNewlines), key.count >= 32
        {
            return key
        }
        let key = Tokens.random(bytes: 48)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw StartupFailure(
                "impossible d'écrire la clé secrète dans « \(path) » (AGORA_DATA_DIR)",
                "cannot write the secret key to “\(path)” (AGORA_DATA_DIR)")
        }
        return key
    }
}

/// A PostgreSQL address that cannot be read is one clear line, not the driver's error.
func postgresConfiguration(_ url: String) throws -> SQLPostgresConfiguration {
    do {
        return try SQLPostgresConfiguration(url: url)
    } catch {
        throw StartupFailure(
            "DATABASE_URL illisible (attendu : postgres://utilisateur:motdepasse@hôte:port/base)",
            "DATABASE_URL cannot be read (expected: postgres://user:password@host:port/database)")
    }
}

/// The SQLite file is readable by its owner only (SQLite gives its WAL and shared-memory files the
/// same permissions as the database file): created so before SQLite opens it, and brought back
/// to it if an older version left it readable by all.
enum DataFile {
    static func ownerOnly(_ path: String) throws {
        let files = FileManager.default
        do {
            if !files.fileExists(atPath: path) {
                guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                    throw CocoaError(.fileWriteUnknown)
                }
            }
            for file in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: file) {
                try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
            }
        } catch {
            throw StartupFailure(
                "AGORA_DATA_DIR : impossible de protéger le fichier de données « \(path) »",
                "AGORA_DATA_DIR: cannot restrict the data file “\(path)” to its owner")
        }
    }
}
