import Core
import Fluent
import Foundation
import SQLKit

/// Events for `make bench`: 5,000 by default in /vitre, published, spread over the next two
/// years (a few past), across the territory's communes, kinds, themes and accessibility, a few
/// registrations each on the first hundred.
enum EventsBenchData {
    static func load(count: Int, territory: TerritoryInfo, on db: any Database) async throws -> Int {
        let sql = db.sql
        struct N: Decodable { let n: Int }
        let existing =
            try await sql.raw("SELECT count(*) AS n FROM events WHERE title LIKE 'Charge %'").first(decoding: N.self)?.n
            ?? 0
        guard existing < count else { return existing }
        let communes = territory.communes.map(\.code)
        let kinds = EventKind.allCases
        let subjects = [
            "l'accès aux soins", "bien vieillir", "la santé des jeunes", "la santé mentale",
            "les transports vers les soins", "les droits des patients",
        ]
        let now = Date()
        let batch = 500
        var created = existing
        while created < count {
            let lower = created, upper = min(created + batch, count)
            try await db.transaction { db in
                let sql = db.sql
                for index in lower..<upper {
                    // Every 5 hours or so from 30 days ago: about two years of agenda.
                    let start = now.addingTimeInterval(Double(index) * 12_600 - 30 * 86400)
                    let input = EventInput(
                        kind: kinds[index % kinds.count],
                        title: "Charge \(index) : parlons de \(subjects[index % subjects.count])",
                        description: "Une rencontre de charge pour mesurer l'agenda.",
                        themes: [Theme.allCases[index % Theme.allCases.count]],
                        start: start, end: start.addingTimeInterval(7200),
                        communeCode: communes[index % communes.count],
                        address: "\(1 + index % 40) rue de la Mairie", room: "Salle \(index % 5)", onlineURL: nil,
                        access: AccessFeature.from(mask: index % 32), capacity: 20 + index % 80, opensOn: nil,
                        closesOn: nil,
                        organisers: "CPTS de charge")
                    let id = try await EventStore.insertBenchEvent(
                        input, territoryID: territory.id, liveCode: "B\(String(format: "%05d", index))", on: db)
                    if index < 100 {
                        for person in 0..<5 {
                            try await sql.raw(
                                """
                                INSERT INTO event_registrations (event_id, name, audience, status, walk_in, created_at)
                                VALUES (\(bind: id), \(bind: "Personne \(person)"), 'resident', 'registered', \(bind: false), \(bind: now))
                                """
                            ).run()
                        }
                    }
                }
            }
            created = upper
        }
        return count
    }
}
