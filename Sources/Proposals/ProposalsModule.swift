import Core
import Fluent
import SQLKit
import Vapor

/// The proposals room: propose, support, comment, get an official answer, follow what is done.
public struct ProposalsModule: FeatureModule {
    public init() {}
    public var name: String { "proposals" }
    public var migrations: [any Migration] { ProposalsMigrations.all }

    public var navigation: [NavEntry] {
        [
            NavEntry(label: Text("Propositions", "Proposals")) { visit in
                visit.territory.map { ProposalsPaths.list.link($0.slug) }
            },
            NavEntry(label: Text("Modération", "Moderation")) { visit in
                guard let territory = visit.territory, ProposalsPolicy.can(visit.rolesHere, .moderate) else {
                    return nil
                }
                return ProposalsPaths.moderationQueue.link(territory.slug)
            },
        ]
    }

    public func boot(_ app: Application) async throws {
        let model = ProposalReadModel(clock: app.agora.clock)
        app.proposalReadModel = model
        // A use case's change of a territory's proposals: this instance rebuilds its read model.
        app.agora.changes.listen(room: ProposalsChange.room) { change, _ in
            model.invalidate(territoryID: change.territoryID)
        }
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        ProposalPages.register(router)
        ProposalPages.registerActions(router)
        ResultsPages.register(router)
        ActionPages.register(router)
    }

    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] {
        let count = try await ProposalsBenchData.load(
            count: sizes("proposals", default: 20_000), territory: territory, on: app.db)
        return ["\(count) propositions de charge dans /\(territory.slug)."]
    }

    public func loadDemo(on app: Application) async throws -> [String] {
        try await ProposalsDemo.load(on: app.db)
    }

    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        let sql = db.sql
        struct Mine: Decodable {
            let id: Int; let title: String; let body: String; let status: String; let created_at: Date
        }
        struct Comment: Decodable { let proposal_id: Int; let body: String; let created_at: Date }
        struct Support: Decodable { let proposal_id: Int; let created_at: Date }
        let proposals = try await sql.raw(
            "SELECT id, title, body, status, created_at FROM proposals WHERE author_id = \(bind: personID) OR submitted_by_id = \(bind: personID) ORDER BY id"
        ).all(decoding: Mine.self)
        let comments = try await sql.raw(
            "SELECT proposal_id, body, created_at FROM proposal_comments WHERE author_id = \(bind: personID) ORDER BY id"
        ).all(decoding: Comment.self)
        let supports = try await sql.raw(
            "SELECT proposal_id, created_at FROM proposal_supports WHERE person_id = \(bind: personID) ORDER BY proposal_id"
        ).all(decoding: Support.self)
        return [
            "proposals": .list(
                proposals.map {
                    .object([
                        "id": .int($0.id), "title": .string($0.title), "text": .string($0.body),
                        "status": .string($0.status), "created_at": .date($0.created_at),
                    ])
                }),
            "proposal_comments": .list(
                comments.map {
                    .object([
                        "proposal_id": .int($0.proposal_id), "text": .string($0.body),
                        "created_at": .date($0.created_at),
                    ])
                }),
            "proposal_supports": .list(
                supports.map { .object(["proposal_id": .int($0.proposal_id), "created_at": .date($0.created_at)]) }),
        ]
    }

    /// Drafts are deleted; published proposals and comments stay as contributions to the public
    /// debate but lose their author (shown as "compte supprimé"); supports are withdrawn.
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {
        try await ProposalStore.erase(personID: personID, on: db)
    }
}
