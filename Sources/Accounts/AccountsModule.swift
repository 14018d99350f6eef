import Core
import Fluent
import Vapor

/// The accounts room: territories and communes, people and their roles, sign-up and login,
/// assisted profiles, consent, personal data export and erasure, legal pages.
public struct AccountsModule: FeatureModule {
    public init() {}
    public var name: String { "accounts" }
    public var migrations: [any Migration] { AccountsMigrations.all }

    public var navigation: [NavEntry] {
        [
            NavEntry(label: Text("Profils accompagnés", "Assisted profiles")) { visit in
                guard let territory = visit.territory, AccountsPolicy.can(visit.rolesHere, .manageAssistedProfiles)
                else { return nil }
                return AccountsPaths.assistedList.link(territory.slug)
            },
            NavEntry(label: Text("Thèmes", "Themes")) { visit in
                guard let territory = visit.territory, AccountsPolicy.can(visit.rolesHere, .editThemes) else {
                    return nil
                }
                return AccountsPaths.themes.link(territory.slug)
            },
            NavEntry(label: Text("Membres", "Members")) { visit in
                guard let territory = visit.territory, AccountsPolicy.can(visit.rolesHere, .manageMembers) else {
                    return nil
                }
                return AccountsPaths.members.link(territory.slug)
            },
        ]
    }

    public func boot(_ app: Application) async throws {
        app.agora.setViewerResolver(SessionViewers())
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        TerritoryPages.register(router)
        AuthPages.register(router)
        AccountPages.register(router)
        AssistedPages.register(router)
        MembersPages.register(router)
        OutboxPages.register(router)
        ThemesPages.register(router)
        DisclosurePages.register(router)
        LegalPages.register(router)
    }

    public func commands() -> [(name: String, command: any AnyAsyncCommand)] {
        [("import-communes", ImportCommunesCommand()), ("create-admin", CreateAdminCommand())]
    }

    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] {
        try await AccountsBenchData.load(sizes, territory: territory, on: app)
    }

    /// The account itself goes last, once every room has erased its part (`AccountStore.erase`).
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {}

    public func loadDemo(on app: Application) async throws -> [String] {
        let hash = try await app.password.async.hash(AccountsDemo.password)
        return try await AccountsDemo.load(passwordHash: hash, on: app.db)
    }
}

/// What the App needs to build the territory directory.
public enum AccountsDirectory {
    public static func loader(_ app: Application) -> TerritoryDirectory.Loader {
        { try await TerritoryLoader.load(on: app.db) }
    }
}

/// Resolves the viewer of a request's session cookie (one query: session ⋈ person ⋈ memberships).
struct SessionViewers: ViewerResolving {
    func viewer(sessionToken: String, request: Request) async throws -> Viewer? {
        try await Sessions.viewer(token: sessionToken, now: request.now, on: request.db)
    }
}
