import Core
import Fluent
import Foundation
import SQLKit

/// The rows of `territory_themes`: how each territory renamed or hid the platform's themes and
/// which of its own it added. Read with the territories into the in-memory directory.
public enum TerritoryThemes {
    /// Every territory's rows, by territory id (one query).
    public static func rows(on db: any Database) async throws -> [Int: [ThemeList.Row]] {
        let sql = db.sql
        struct Raw: Decodable {
            let territory_id: Int; let slug: String; let label_fr: String; let label_en: String?; let bit_index: Int;
            let hidden: Bool; let position: Int
        }
        let rows = try await sql.raw(
            "SELECT territory_id, slug, label_fr, label_en, bit_index, hidden, position FROM territory_themes ORDER BY territory_id, position, id"
        )
        .all(decoding: Raw.self)
        return Dictionary(grouping: rows, by: \.territory_id).mapValues { list in
            list.map {
                ThemeList.Row(
                    slug: $0.slug, labelFR: $0.label_fr, labelEN: $0.label_en, bitIndex: $0.bit_index,
                    hidden: $0.hidden, position: $0.position)
            }
        }
    }

    /// Adds a territory's own theme with the bit given (the caller checked the name and the free bit).
    public static func add(
        territoryID: Int, slug: String, labelFR: String, labelEN: String?, bitIndex: Int, now: Date,
        on db: any Database
    ) async throws {
        let sql = db.sql
        try await sql.raw(
            """
            INSERT INTO territory_themes (territory_id, slug, label_fr, label_en, bit_index, hidden, position, updated_at)
            VALUES (\(bind: territoryID), \(bind: slug), \(bind: labelFR), \(bind: labelEN), \(bind: bitIndex), \(bind: false), \(bind: bitIndex), \(bind: now))
            """
        ).run()
    }

    /// Renames and shows or hides a theme: updates its row, or creates the row of a platform theme.
    public static func change(
        territoryID: Int, theme: Theme, labelFR: String, labelEN: String?, hidden: Bool, now: Date,
        on db: any Database
    ) async throws {
        let sql = db.sql
        let bitIndex = theme.bit.trailingZeroBitCount
        struct Count: Decodable { let n: Int }
        let exists =
            try await sql.raw(
                "SELECT count(*) AS n FROM territory_themes WHERE territory_id = \(bind: territoryID) AND slug = \(bind: theme.slug)"
            )
            .first(decoding: Count.self)?.n ?? 0
        if exists > 0 {
            try await sql.raw(
                """
                UPDATE territory_themes SET label_fr = \(bind: labelFR), label_en = \(bind: labelEN), hidden = \(bind: hidden), updated_at = \(bind: now)
                WHERE territory_id = \(bind: territoryID) AND slug = \(bind: theme.slug)
                """
            ).run()
        } else {
            try await sql.raw(
                """
                INSERT INTO territory_themes (territory_id, slug, label_fr, label_en, bit_index, hidden, position, updated_at)
                VALUES (\(bind: territoryID), \(bind: theme.slug), \(bind: labelFR), \(bind: labelEN), \(bind: bitIndex), \(bind: hidden), \(bind: bitIndex), \(bind: now))
                """
            ).run()
        }
    }
}
