import Core
import Fluent
import SQLKit
import Vapor

/// The events room: forums and participatory workshops — the agenda, registration with a waiting
/// list and on someone's behalf, reminders, check-in, live participation, and what follows.
public struct EventsModule: FeatureModule {
    public init() {}
    public var name: String { "events" }
    public var migrations: [any Migration] { EventsMigrations.all + LiveMigrations.all + EventsMigrations.later }

    public var navigation: [NavEntry] {
        [
            NavEntry(label: Text("Forums et ateliers", "Forums and workshops")) { visit in
                visit.territory.map { EventsPaths.agenda.link($0.slug) }
            }
        ]
    }

    public func boot(_ app: Application) async throws {
        app.liveHub = LiveHub()
    }

    public func routes(_ router: RouteRegistrar, app: Application) throws {
        AgendaPages.register(router)
        EventPages.register(router)
        RegistrationPages.register(router)
        LivePages.register(router, app: app)
        AfterPages.register(router)
    }

    public func commands() -> [(name: String, command: any AnyAsyncCommand)] {
        [("event-reminders", EventRemindersCommand())]
    }

    public func loadBenchData(
        _ sizes: BenchSizes, territory: TerritoryInfo, on app: Application
    ) async throws -> [String] {
        let count = try await EventsBenchData.load(
            count: sizes("events", default: 5_000), territory: territory, on: app.db)
        return ["\(count) rencontres de charge dans l'agenda de /\(territory.slug)."]
    }

    public func loadDemo(on app: Application) async throws -> [String] {
        try await EventsDemo.load(on: app.db)
    }

    /// Sends the reminders due (the day before); used by the periodic task and `agora event-reminders`.
    public static func sendReminders(_ app: Application) async throws -> Int {
        let territories = app.agora.territories
        return try await SendReminders.run(territory: { territories.find(id: $0) }, env: app.useCases())
    }

    public func personalData(of personID: Int, on db: any Database) async throws -> [String: PersonalData] {
        struct Row: Decodable {
            let event_id: Int; let title: String; let status: String; let needs: String?; let created_at: Date;
            let checked_in_at: Date?
        }
        let rows = try await db.sql.raw(
            """
            SELECT r.event_id, e.title, r.status, r.needs, r.created_at, r.checked_in_at FROM event_registrations r JOIN events e ON e.id = r.event_id
            WHERE r.person_id = \(bind: personID) ORDER BY r.id
            """
        ).all(decoding: Row.self)
        return [
            "event_registrations": .list(
                rows.map {
                    .object([
                        "event_id": .int($0.event_id), "event": .string($0.title), "status": .string($0.status),
                        "needs": .string($0.needs),
                        "registered_at": .date($0.created_at), "checked_in_at": .date($0.checked_in_at),
                    ])
                })
        ]
    }

    /// Registrations to events to come are cancelled (the waiting list moves up); past ones stay,
    /// anonymised, so the event's figures hold. Live contributions carry no account.
    /// A person's upcoming registrations are cancelled (the waiting list moves up, and the people
    /// promoted are told as on any cancellation); their past ones are kept, anonymised, for the
    /// figures.
    public func erase(personID: Int, env: UseCaseEnvironment, on db: any Database) async throws {
        let now = env.now
        for row in try await EventStore.upcomingRegistrations(of: personID, now: now, on: db) {
            let promoted = try await EventStore.cancel(registrationID: row.id, eventID: row.eventID, now: now, on: db)
            guard !promoted.isEmpty, let event = try await EventStore.event(row.eventID, on: db),
                let territory = env.territory(event.territory_id)
            else { continue }
            try await RegistrationMails(env: env, territory: territory).promotions(promoted, event: event, on: db)
        }
        try await EventStore.anonymise(personID: personID, on: db)
    }
}
