import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The read model of a territory's proposals, kept in memory: the public list (filtered, sorted
/// and paginated without a query) and the pages of recently seen proposals.
///
/// Every write that changes what the public sees bumps the territory's row in
/// `proposal_versions`, in the write's own transaction. An instance checks that version at most
/// once a second per territory (one small query per second, not per request) and rebuilds its
/// model when it changed; its own writes mark the model stale at once. With several instances,
/// another instance's change is visible within about a second.
public final class ProposalReadModel: Sendable {
    public struct Entry: Sendable {
        public let id: Int
        public let title: String
        public let status: ProposalStatus
        public let themesMask: Int
        public var communes: [String]
        public let submittedAt: Date
        public let supportCount: Int
        public let commentCount: Int
        public let audience: String
    }

    struct Snapshot: Sendable {
        var version: Int
        var entries: [Entry] = []          // most recent first
        var bySupport: [Int] = []          // positions in `entries`, most supported first
    }

    struct CachedPage: @unchecked Sendable { // the models are read, never changed, once cached
        let proposal: Proposal
        let details: ProposalPages.Details
    }

    struct Slot: Sendable {
        var snapshot: Snapshot?
        /// Proposal id → what its page shows to everyone, for the snapshot's version.
        var pages: [Int: CachedPage] = [:]
        var checkedAt: Date = .distantPast
        var stale = true
        var building = false
    }

    private let slots = NIOLockedValueBox<[Int: Slot]>([:])
    static let checkInterval: TimeInterval = 1
    static let pageCacheLimit = 2_000

    public init() {}

    // MARK: - Writes

    /// Called inside every transaction that changes what the public sees of a territory's proposals.
    public static func bump(territoryID: Int, on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        try await sql.raw("""
            INSERT INTO proposal_versions (territory_id, version) VALUES (\(bind: territoryID), 1)
            ON CONFLICT (territory_id) DO UPDATE SET version = proposal_versions.version + 1
            """).run()
    }

    /// This instance changed the territory: the next read rebuilds.
    public func invalidate(territoryID: Int) {
        slots.withLockedValue { $0[territoryID, default: Slot()].stale = true }
    }

    // MARK: - Reads

    /// The current snapshot, rebuilt when this instance or another one changed the territory.
    func snapshot(territoryID: Int, on db: any Database, now: Date = Date()) async throws -> Snapshot {
        enum Plan { case use(Snapshot), check(Snapshot?), build }
        let plan: Plan = slots.withLockedValue { slots in
            var slot = slots[territoryID, default: Slot()]
            defer { slots[territoryID] = slot }
            if let snapshot = slot.snapshot, !slot.stale, now.timeIntervalSince(slot.checkedAt) < Self.checkInterval { return .use(snapshot) }
            if slot.building, let snapshot = slot.snapshot { return .use(snapshot) } // someone is on it: serve the last one
            slot.building = true
            return slot.stale || slot.snapshot == nil ? .build : .check(slot.snapshot)
        }
        switch plan {
        case .use(let snapshot):
            return snapshot
        case .check(let current):
            let version = try await Self.version(territoryID: territoryID, on: db)
            if let current, current.version == version {
                slots.withLockedValue { $0[territoryID]?.checkedAt = now; $0[territoryID]?.building = false }
                return current
            }
            return try await build(territoryID: territoryID, on: db, now: now)
        case .build:
            return try await build(territoryID: territoryID, on: db, now: now)
        }
    }

    private func build(territoryID: Int, on db: any Database, now: Date) async throws -> Snapshot {
        do {
            let version = try await Self.version(territoryID: territoryID, on: db)
            let snapshot = try await Self.load(territoryID: territoryID, version: version, on: db)
            slots.withLockedValue { slots in
                var slot = slots[territoryID, default: Slot()]
                if slot.snapshot?.version != snapshot.version || slot.stale { slot.pages = [:] }
                slot.snapshot = snapshot
                slot.checkedAt = now
                slot.stale = false
                slot.building = false
                slots[territoryID] = slot
            }
            return snapshot
        } catch {
            slots.withLockedValue { $0[territoryID]?.building = false }
            throw error
        }
    }

    static func version(territoryID: Int, on db: any Database) async throws -> Int {
        struct Row: Decodable { let version: Int }
        return try await (db as! any SQLDatabase).raw("SELECT version FROM proposal_versions WHERE territory_id = \(bind: territoryID)")
            .first(decoding: Row.self)?.version ?? 0
    }

    /// Two queries: the public proposals, and their communes.
    static func load(territoryID: Int, version: Int, on db: any Database) async throws -> Snapshot {
        let sql = db as! any SQLDatabase
        struct Row: Decodable {
            let id: Int, title: String, status: String, themes_mask: Int, submitted_at: Date
            let support_count: Int, comment_count: Int, audience: String
        }
        let rows = try await sql.raw("""
            SELECT id, title, status, themes_mask, submitted_at, support_count, comment_count, audience FROM proposals
            WHERE territory_id = \(bind: territoryID) AND status <> 'draft' AND hidden_reason IS NULL AND submitted_at IS NOT NULL
            ORDER BY submitted_at DESC, id DESC
            """).all(decoding: Row.self)
        struct CommuneRow: Decodable { let proposal_id: Int; let commune_code: String }
        let communeRows = try await sql.raw("""
            SELECT c.proposal_id, c.commune_code FROM proposal_communes c JOIN proposals p ON p.id = c.proposal_id
            WHERE p.territory_id = \(bind: territoryID) AND p.status <> 'draft' AND p.hidden_reason IS NULL
            ORDER BY c.commune_code
            """).all(decoding: CommuneRow.self)
        var communes: [Int: [String]] = [:]
        for row in communeRows { communes[row.proposal_id, default: []].append(row.commune_code) }
        var snapshot = Snapshot(version: version)
        snapshot.entries = rows.map { row in
            Entry(id: row.id, title: row.title, status: ProposalStatus(rawValue: row.status) ?? .received, themesMask: row.themes_mask,
                  communes: communes[row.id] ?? [], submittedAt: row.submitted_at, supportCount: row.support_count,
                  commentCount: row.comment_count, audience: row.audience)
        }
        snapshot.bySupport = snapshot.entries.indices.sorted { a, b in
            let x = snapshot.entries[a], y = snapshot.entries[b]
            return x.supportCount != y.supportCount ? x.supportCount > y.supportCount : x.id > y.id
        }
        return snapshot
    }

    /// One page of the list: filters and sorting in memory; a search adds one indexed query.
    public func list(_ query: ProposalQuery, territoryID: Int, on db: any Database) async throws -> (rows: [ProposalSummary], total: Int) {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        var allowed: Set<Int>?
        let terms = SearchTerms.terms(of: query.text, limit: 8)
        if !terms.isEmpty {
            let ids = try await (db as! any SQLDatabase).raw("""
                SELECT proposal_id FROM proposal_terms WHERE term IN (\(binds: terms))
                GROUP BY proposal_id HAVING count(*) = \(literal: terms.count)
                """).all().map { try $0.decode(column: "proposal_id", as: Int.self) }
            allowed = Set(ids)
        } else if !query.text.isEmpty {
            allowed = [] // only stop words: nothing to find
        }
        let themeBit = query.theme?.bit
        func matches(_ entry: Entry) -> Bool {
            if let themeBit, entry.themesMask & themeBit == 0 { return false }
            if let status = query.status, entry.status != status { return false }
            if let audience = query.audience, entry.audience != audience { return false }
            if query.sort == .waiting, entry.status != .received, entry.status != .underStudy { return false }
            if let commune = query.commune, !entry.communes.contains(commune) { return false }
            if let allowed, !allowed.contains(entry.id) { return false }
            return true
        }
        let start = (query.page - 1) * ProposalQuery.pageSize
        let end = start + ProposalQuery.pageSize
        var total = 0
        var page: [Entry] = []
        func visit(_ entry: Entry) {
            guard matches(entry) else { return }
            if total >= start, total < end { page.append(entry) }
            total += 1
        }
        switch query.sort {
        case .recent: for entry in snapshot.entries { visit(entry) }
        case .supported: for index in snapshot.bySupport { visit(snapshot.entries[index]) }
        case .waiting: for entry in snapshot.entries.reversed() { visit(entry) }
        }
        let rows = page.map { entry in
            ProposalSummary(id: entry.id, title: entry.title, status: entry.status, themes: Theme.from(mask: entry.themesMask),
                            submittedAt: entry.submittedAt, supportCount: entry.supportCount, commentCount: entry.commentCount,
                            audience: entry.audience, communes: entry.communes)
        }
        return (rows, total)
    }

    // MARK: - Pages

    /// The cached page of a proposal, and the version the cache is for (to store a fresh page).
    func cachedPage(proposalID: Int, territoryID: Int, on db: any Database) async throws -> (page: CachedPage?, version: Int) {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        let page = slots.withLockedValue { $0[territoryID]?.pages[proposalID] }
        return (page, snapshot.version)
    }

    /// Keeps a page read at `version`, unless the territory changed meanwhile.
    func storePage(_ page: CachedPage, territoryID: Int, version: Int) {
        slots.withLockedValue { slots in
            guard slots[territoryID]?.snapshot?.version == version, slots[territoryID]?.stale == false, let id = page.proposal.id else { return }
            if slots[territoryID]!.pages.count >= Self.pageCacheLimit { slots[territoryID]!.pages.removeAll(keepingCapacity: true) }
            slots[territoryID]!.pages[id] = page
        }
    }
}

extension Application {
    private struct ProposalReadModelKey: StorageKey { typealias Value = ProposalReadModel }
    /// Set once at boot (`ProposalsModule.boot`), read by every request.
    public var proposalReadModel: ProposalReadModel {
        get { storage[ProposalReadModelKey.self]! }
        set { storage[ProposalReadModelKey.self] = newValue }
    }
}
