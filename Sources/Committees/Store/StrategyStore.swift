import Core
import Fluent
import Foundation
import SQLKit

/// The strategies' SQL: drafts, their sections and versions, their adoption.
enum StrategyStore {

    /// The strategy of this id in this committee.
    static func strategy(_ id: Int, committeeID: Int, on db: any Database) async throws -> Strategy? {
        guard let strategy = try await Strategy.find(id, on: db), strategy.committeeID == committeeID else {
            return nil
        }
        return strategy
    }

    /// A committee's adopted strategies, the latest first.
    static func adopted(committeeID: Int, on db: any Database) async throws -> [Strategy] {
        try await Strategy.query(on: db).filter(\.$committeeID == committeeID).filter(\.$adoptedAt != nil)
            .sort(\.$adoptedAt, .descending).limit(50).all()
    }

    /// A committee's drafts, the latest first.
    static func drafts(committeeID: Int, on db: any Database) async throws -> [Strategy] {
        try await Strategy.query(on: db).filter(\.$committeeID == committeeID).filter(\.$adoptedAt == nil)
            .sort(\.$id, .descending).limit(50).all()
    }

    static func sections(strategyID: Int, on db: any Database) async throws -> [StrategySection] {
        try await StrategySection.query(on: db).filter(\.$strategyID == strategyID).sort(\.$position).all()
    }

    /// A comment on a section, with its author's name (nil: a deleted account).
    struct CommentRow: Decodable, Sendable {
        let section_id: Int
        let body: String
        let created_at: Date
        let display_name: String?
    }

    static func comments(strategyID: Int, on db: any Database) async throws -> [CommentRow] {
        try await db.sql.raw(
            """
            SELECT c.section_id, c.body, c.created_at, p.display_name FROM committee_strategy_comments c
            JOIN committee_strategy_sections s ON s.id = c.section_id LEFT JOIN people p ON p.id = c.author_id
            WHERE s.strategy_id = \(bind: strategyID) ORDER BY c.id LIMIT 500
            """
        ).all(decoding: CommentRow.self)
    }

    /// A version of a strategy's text, with its author's name.
    struct VersionRow: Decodable, Sendable {
        let version: Int
        let text: String
        let created_at: Date
        let display_name: String?
    }

    static func versions(strategyID: Int, on db: any Database) async throws -> [VersionRow] {
        try await db.sql.raw(
            """
            SELECT v.version, v.text, v.created_at, p.display_name FROM committee_strategy_versions v LEFT JOIN people p ON p.id = v.author_id
            WHERE v.strategy_id = \(bind: strategyID) ORDER BY v.version DESC LIMIT 100
            """
        ).all(decoding: VersionRow.self)
    }

    /// An adopted decision of the committee, that may adopt a strategy.
    struct DecidedItem: Decodable, Sendable {
        let id: Int
        let title: String
        let starts_at: Date
    }

    static func adoptedDecisions(committeeID: Int, on db: any Database) async throws -> [DecidedItem] {
        try await db.sql.raw(
            """
            SELECT i.id, i.title, s.starts_at FROM committee_agenda_items i JOIN committee_meetings s ON s.id = i.meeting_id
            WHERE s.committee_id = \(bind: committeeID) AND i.adopted = \(bind: true) ORDER BY s.starts_at DESC LIMIT 100
            """
        ).all(decoding: DecidedItem.self)
    }

    /// The section of this id in this strategy.
    static func section(_ id: Int, strategyID: Int, on db: any Database) async throws -> StrategySection? {
        guard let section = try await StrategySection.find(id, on: db), section.strategyID == strategyID else {
            return nil
        }
        return section
    }

    /// A new draft, version 0 (the caller keeps its first version with `snapshot`).
    static func insertStrategy(title: String, committeeID: Int, now: Date, on db: any Database) async throws -> Strategy
    {
        let strategy = Strategy()
        strategy.committeeID = committeeID
        strategy.title = title
        strategy.version = 0
        strategy.createdAt = now
        try await strategy.create(on: db)
        return strategy
    }

    /// The whole text of a strategy, as kept in each version.
    static func text(_ strategy: Strategy, sections: [StrategySection]) -> String {
        ([strategy.title] + sections.map { "\($0.position). \($0.title)\n\n\($0.body)" }).joined(separator: "\n\n")
    }

    /// Saves the current text as the next version (inside the caller's transaction).
    static func snapshot(_ strategy: Strategy, author: Int?, now: Date, on db: any Database) async throws {
        let id = try strategy.requireID()
        let sections = try await StrategySection.query(on: db).filter(\.$strategyID == id).sort(\.$position).all()
        strategy.version += 1
        try await strategy.update(on: db)
        try await db.sql.raw(
            """
            INSERT INTO committee_strategy_versions (strategy_id, version, text, author_id, created_at)
            VALUES (\(bind: id), \(bind: strategy.version), \(bind: text(strategy, sections: sections)), \(bind: author), \(bind: now))
            """
        ).run()
    }

    /// Adds a section at the end of a strategy.
    static func appendSection(
        strategyID: Int, title: String, body: String, now: Date, on db: any Database
    ) async throws {
        let count = try await StrategySection.query(on: db).filter(\.$strategyID == strategyID).count()
        let section = StrategySection()
        section.strategyID = strategyID
        section.position = count + 1
        section.title = title
        section.body = body
        section.updatedAt = now
        try await section.create(on: db)
    }

    static func updateSection(
        _ section: StrategySection, title: String, body: String, now: Date, on db: any Database
    ) async throws {
        section.title = title
        section.body = body
        section.updatedAt = now
        try await section.update(on: db)
    }

    static func insertComment(
        sectionID: Int, authorID: Int?, body: String, now: Date, on db: any Database
    ) async throws {
        try await db.sql.raw(
            """
            INSERT INTO committee_strategy_comments (section_id, author_id, body, created_at)
            VALUES (\(bind: sectionID), \(bind: authorID), \(bind: body), \(bind: now))
            """
        ).run()
    }

    /// Whether `itemID` is an adopted agenda item of this committee's meetings.
    static func isAdoptedDecision(itemID: Int, committeeID: Int, on db: any Database) async throws -> Bool {
        struct Found: Decodable { let id: Int }
        return try await db.sql.raw(
            """
            SELECT i.id FROM committee_agenda_items i JOIN committee_meetings s ON s.id = i.meeting_id
            WHERE i.id = \(bind: itemID) AND s.committee_id = \(bind: committeeID) AND i.adopted = \(bind: true)
            """
        ).first(decoding: Found.self) != nil
    }

    static func adopt(
        _ strategy: Strategy, byItem itemID: Int, links: [String], now: Date, on db: any Database
    ) async throws {
        strategy.adoptedItemID = itemID
        strategy.adoptedAt = now
        strategy.links = links.isEmpty ? nil : links.joined(separator: "\n")
        try await strategy.update(on: db)
    }
}
