import Core
import Fluent
import SQLKit
import Vapor

/// The committees room: local consultative committees of three colleges, their members, calls
/// for candidates and draws by lot, meetings, votes, decisions and minutes, on the public record.
public struct CommitteesModule: FeatureModule {
    public init() {}
    public var name: String { "committees" }
    public var migrations: [any Migration] { CommitteesMigrations.all }

    public var navigation: [NavEntry] {
        [
            NavEntry(label: Text("Instances", "Committees")) { visit in
                visit.territory.map { CommitteesPaths.list.link($0.slug) }
            }
        ]
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        CommitteePages.register(router)
        CallPages.register(router)
        MeetingPages.register(router)
        StrategyPages.register(router)
        DocumentPages.register(router)
    }

    public func loadDemo(on app: Application) async throws -> [String] {
        try await CommitteesDemo.load(on: app.db)
    }

    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        let sql = db.sql
        struct Seat: Decodable {
            let committee: String; let college: String; let function: String; let mandate_start: String;
            let mandate_end: String
        }
        struct Application: Decodable {
            let title: String; let motivation: String; let status: String; let created_at: Date
        }
        let seats = try await sql.raw(
            """
            SELECT c.name AS committee, m.college, m.function, m.mandate_start, m.mandate_end FROM committee_members m
            JOIN committees c ON c.id = m.committee_id WHERE m.person_id = \(bind: personID) ORDER BY m.id
            """
        ).all(decoding: Seat.self)
        let applications = try await sql.raw(
            """
            SELECT k.title, a.motivation, a.status, a.created_at FROM committee_candidacies a
            JOIN committee_calls k ON k.id = a.call_id WHERE a.person_id = \(bind: personID) ORDER BY a.id
            """
        ).all(decoding: Application.self)
        return [
            "committee_seats": .list(
                seats.map {
                    .object([
                        "committee": .string($0.committee), "college": .string($0.college),
                        "function": .string($0.function),
                        "mandate_start": .string($0.mandate_start), "mandate_end": .string($0.mandate_end),
                    ])
                }),
            "committee_applications": .list(
                applications.map {
                    .object([
                        "call": .string($0.title), "motivation": .string($0.motivation),
                        "status": .string($0.status), "created_at": .date($0.created_at),
                    ])
                }),
        ]
    }

    /// Seats and applications go with the person; their votes stay counted in the published
    /// tallies (college and choice), without the member.
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw("DELETE FROM committee_candidacies WHERE person_id = \(bind: personID)").run()
        try await sql.raw("DELETE FROM committee_members WHERE person_id = \(bind: personID)").run()
    }
}
