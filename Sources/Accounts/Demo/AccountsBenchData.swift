import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// Accounts for `make bench`: 50,000 by default in the bench territory (residents and, one in
/// ten, professionals), spread over its communes and age bands.
enum AccountsBenchData {
    static func load(_ sizes: BenchSizes, territory: TerritoryInfo, on app: Application) async throws -> [String] {
        let sql = app.db.sql
        let target = sizes("accounts", default: 50_000)
        let existing =
            try await sql.raw("SELECT count(*) AS n FROM people WHERE email LIKE 'bench-%'").first()?.decode(
                column: "n", as: Int.self) ?? 0
        guard existing < target else { return ["\(existing) comptes de charge déjà présents."] }
        let hash = try await app.password.async.hash(AccountsDemo.password)
        let communes = territory.communes.map(\.code)
        let bands = AgeBand.allCases.map(\.rawValue)
        let now = Date()
        let batch = 500
        var created = existing
        while created < target {
            let lower = created, upper = min(created + batch, target)
            try await app.db.transaction { db in
                let sql = db.sql
                for index in lower..<upper {
                    let row = try await sql.raw(
                        """
                        INSERT INTO people (email, password_hash, display_name, email_confirmed_at, is_assisted, commune_code, age_band, created_at)
                        VALUES (\(bind: "bench-\(index)@charge.example"), \(bind: hash), \(bind: "Personne \(index)"), \(bind: now), \(bind: false),
                                \(bind: communes[index % communes.count]), \(bind: bands[index % bands.count]), \(bind: now))
                        RETURNING id
                        """
                    ).first()
                    let id = try row!.decode(column: "id", as: Int.self)
                    let role = index % 10 == 0 ? Role.professional : Role.resident
                    try await sql.raw(
                        """
                        INSERT INTO memberships (person_id, territory_id, role, profession_code, created_at)
                        VALUES (\(bind: id), \(bind: territory.id), \(bind: role.rawValue), \(bind: role == .professional ? "10" : nil as String?), \(bind: now))
                        """
                    ).run()
                }
            }
            created = upper
        }
        return ["\(target) comptes de charge dans /\(territory.slug)."]
    }
}
