import Core
import Fluent
import SQLKit
import Vapor

/// The experiences room: calls for experiences of participatory approaches in health (national or
/// local), submissions written by several co-authors, the review on a grid, and the public catalogue.
public struct ExperiencesModule: FeatureModule {
    public init() {}
    public var name: String { "experiences" }
    public var migrations: [any Migration] { ExperiencesMigrations.all }

    public var navigation: [NavEntry] {
        [NavEntry(label: Text("Expériences", "Experiences")) { _ in ExperiencesPaths.catalogue.link() }]
    }

    public func boot(_ app: Application) async throws {
        app.experienceCatalogue = Catalogue()
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        CallPages.register(router)
        SubmissionPages.register(router)
        ReviewPages.register(router)
        CataloguePages.register(router)
    }

    public func commands() -> [(name: String, command: any AnyAsyncCommand)] {
        [("national-organiser", NationalOrganiserCommand())]
    }

    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] {
        let count = try await ExperiencesBenchData.load(count: sizes("experiences", default: 10_000), on: app.db)
        return ["\(count) expériences de charge publiées au catalogue."]
    }

    public func loadDemo(on app: Application) async throws -> [String] {
        let lines = try await ExperiencesDemo.load(on: app.db)
        app.experienceCatalogue.invalidate()
        return lines
    }

    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        try await ExperienceStore.personalData(of: personID, on: db)
    }

    /// Drafts and unpublished submissions written by this person alone are deleted; a submission
    /// with other authors stays theirs; a published one stays in the catalogue without this
    /// person's contact. Reviews and messages stay, without their author.
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {
        try await ExperienceStore.erase(personID: personID, on: db)
    }
}
