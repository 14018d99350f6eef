import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Group commit", .serialized)
struct GroupCommitTests {
    struct Failure: Error {}

    @Test func concurrentJobsAreAllCommittedAndOneFailureFailsOnlyItsJob() async throws {
        try await withDemoApp { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE gc_items (label TEXT NOT NULL UNIQUE)").run()
            for commit in [GroupCommit(batching: true, maxBatch: 7), GroupCommit(batching: false)] {
                try await sql.raw("DELETE FROM gc_items").run()
                let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                    for n in 0..<60 {
                        group.addTask {
                            do {
                                let value = try await commit.perform(on: app.db) { db -> Int in
                                    let sql = db as! any SQLDatabase
                                    try await sql.raw("INSERT INTO gc_items (label) VALUES (\(bind: "item \(n)"))")
                                        .run()
                                    // Every tenth job fails after writing: its row must not stay.
                                    if n % 10 == 3 { throw Failure() }
                                    return n * 2
                                }
                                return (n, value == n * 2)
                            } catch {
                                return (n, false)
                            }
                        }
                    }
                    var all: [Int: Bool] = [:]
                    for await (n, ok) in group { all[n] = ok }
                    return all
                }
                #expect(outcomes.count == 60)
                #expect(outcomes.filter { !$0.value }.keys.sorted() == [3, 13, 23, 33, 43, 53])
                struct Row: Decodable { let label: String }
                let labels = Set(try await sql.raw("SELECT label FROM gc_items").all(decoding: Row.self).map(\.label))
                #expect(labels.count == 54)
                #expect(!labels.contains("item 3") && labels.contains("item 4"))
            }
            try await sql.raw("DROP TABLE gc_items").run()
        }
    }
}
