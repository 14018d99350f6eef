import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Database")
struct DatabaseTests {
    /// Guards the PostgreSQL run of `make test`: when a server URL is given, the suite must really
    /// talk to PostgreSQL, in a schema of its own, and not fall back to SQLite.
    @Test func testsRunOnTheDatabaseTheyWereAskedFor() async throws {
        let wantsPostgres = ProcessInfo.processInfo.environment["AGORA_TEST_DATABASE_URL"] != nil
        try await withDemoApp { app in
            let sql = try #require(app.db as? any SQLDatabase)
            #expect(sql.dialect.name == (wantsPostgres ? "postgresql" : "sqlite"))
            if wantsPostgres {
                struct Row: Decodable { let schema: String }
                let row = try await sql.raw("SELECT current_schema() AS schema").first(decoding: Row.self)
                #expect(row?.schema.hasPrefix("t_") == true)
            }
        }
    }
}
