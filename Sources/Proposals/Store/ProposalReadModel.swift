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
        public let answeredAt: Date?
    }

    /// The filterable fields sit in plain arrays (no reference counting while scanning 20,000
    /// entries: measured, copying `Entry` values cost 70 % of the list's time in retain/release).
    struct Snapshot: Sendable {
        var version: Int
        var entries: [Entry] = []  // most recent first
        var themeMasks: [Int] = []  // by position in `entries`
        var statuses: [ProposalStatus] = []
        var audiences: [UInt8] = []  // index in ProposalsPolicy.audiences
        var bySupport: [Int32] = []  // positions, most supported first
        var communePositions: [String: [Int32]] = [:]
        var termPositions: [String: [Int32]] = [:]  // the search index: term → positions
        var positionByID: [Int: Int32] = [:]
    }

    struct CachedPage: @unchecked Sendable {  // the models are read, never changed, once cached
        let proposal: Proposal
        let details: ProposalDetails
    }

    struct Slot: Sendable {
        var snapshot: Snapshot?
        /// Proposal id → what its page shows to everyone, for the snapshot's version.
        var pages: [Int: CachedPage] = [:]
        /// Rendered list items ("id/lang" → HTML), for the snapshot's version.
        var items: [String: HTML] = [:]
        /// Whole list pages as anonymous visitors see them (language and query → `main`), for the
        /// snapshot's version; at most `listCacheLimit` (about 10 KB each).
        var lists: [String: HTML] = [:]
        /// The follow-up figures, for the snapshot's version.
        var figures: FollowUpFigures?
        var checkedAt: Date = .distantPast
        var stale = true
        var building = false
    }

    private let slots = NIOLockedValueBox<[Int: Slot]>([:])
    static let checkInterval: TimeInterval = 1
    /// Anonymous list pages kept per territory (the common pages and searches; any query is valid,
    /// so the cache is emptied when full rather than allowed to grow).
    static let listCacheLimit = 500
    static let pageCacheLimit = 2_000

    /// The clock that says when a snapshot is due for a check (the app's, injected).
    let clock: any WallClock

    public init(clock: any WallClock = SystemClock()) { self.clock = clock }

    // MARK: - Writes

    /// Called inside every transaction that changes what the public sees of a territory's proposals.
    public static func bump(territoryID: Int, on db: any Database) async throws {
        let sql = db.sql
        try await sql.raw(
            """
            INSERT INTO proposal_versions (territory_id, version) VALUES (\(bind: territoryID), 1)
            ON CONFLICT (territory_id) DO UPDATE SET version = proposal_versions.version + 1
            """
        ).run()
    }

    /// This instance changed the territory: the next read rebuilds.
    public func invalidate(territoryID: Int) {
        slots.withLockedValue { $0[territoryID, default: Slot()].stale = true }
    }

    // MARK: - Reads

    /// The current snapshot, rebuilt when this instance or another one changed the territory.
    func snapshot(territoryID: Int, on db: any Database) async throws -> Snapshot {
        let now = clock.now
        enum Plan { case use(Snapshot), check(Snapshot?), build, wait }
        let plan: Plan = slots.withLockedValue { slots in
            var slot = slots[territoryID, default: Slot()]
            defer { slots[territoryID] = slot }
            if let snapshot = slot.snapshot, !slot.stale, now.timeIntervalSince(slot.checkedAt) < Self.checkInterval {
                return .use(snapshot)
            }
            // someone is on it: serve the last one, or wait for the first
            if slot.building { return slot.snapshot.map(Plan.use) ?? .wait }
            slot.building = true
            return slot.stale || slot.snapshot == nil ? .build : .check(slot.snapshot)
        }
        switch plan {
        case .use(let snapshot):
            return snapshot
        case .wait:
            try await Task.sleep(nanoseconds: 20_000_000)
            return try await snapshot(territoryID: territoryID, on: db)
        case .check(let current):
            let version = try await Self.version(territoryID: territoryID, on: db)
            if let current, current.version == version {
                slots.withLockedValue {
                    $0[territoryID]?.checkedAt = now; $0[territoryID]?.building = false
                }
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
                if slot.snapshot?.version != snapshot.version || slot.stale {
                    slot.pages = [:]; slot.items = [:]; slot.lists = [:]; slot.figures = nil
                }
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
        return try await db.sql.raw(
            "SELECT version FROM proposal_versions WHERE territory_id = \(bind: territoryID)"
        )
        .first(decoding: Row.self)?.version ?? 0
    }

    /// Three queries: the public proposals, their communes, and their search terms.
    static func load(territoryID: Int, version: Int, on db: any Database) async throws -> Snapshot {
        let sql = db.sql
        struct Row: Decodable {
            let id: Int, title: String, status: String, themes_mask: Int, submitted_at: Date
            let support_count: Int, comment_count: Int, audience: String, answered_at: Date?
        }
        let rows = try await sql.raw(
            """
            SELECT id, title, status, themes_mask, submitted_at, support_count, comment_count, audience, answered_at FROM proposals
            WHERE territory_id = \(bind: territoryID) AND status <> 'draft' AND hidden_reason IS NULL AND submitted_at IS NOT NULL
            ORDER BY submitted_at DESC, id DESC
            """
        ).all(decoding: Row.self)
        struct CommuneRow: Decodable { let proposal_id: Int; let commune_code: String }
        let communeRows = try await sql.raw(
            """
            SELECT c.proposal_id, c.commune_code FROM proposal_communes c JOIN proposals p ON p.id = c.proposal_id
            WHERE p.territory_id = \(bind: territoryID) AND p.status <> 'draft' AND p.hidden_reason IS NULL
            ORDER BY c.commune_code
            """
        ).all(decoding: CommuneRow.self)
        var communes: [Int: [String]] = [:]
        for row in communeRows { communes[row.proposal_id, default: []].append(row.commune_code) }
        var snapshot = Snapshot(version: version)
        snapshot.entries = rows.map { row in
            Entry(
                id: row.id, title: row.title, status: ProposalStatus(rawValue: row.status) ?? .received,
                themesMask: row.themes_mask,
                communes: communes[row.id] ?? [], submittedAt: row.submitted_at, supportCount: row.support_count,
                commentCount: row.comment_count, audience: row.audience, answeredAt: row.answered_at)
        }
        let supports = snapshot.entries.map(\.supportCount)
        let ids = snapshot.entries.map(\.id)
        snapshot.bySupport = snapshot.entries.indices.sorted { a, b in
            supports[a] != supports[b] ? supports[a] > supports[b] : ids[a] > ids[b]
        }.map { Int32($0) }
        snapshot.themeMasks = snapshot.entries.map(\.themesMask)
        snapshot.statuses = snapshot.entries.map(\.status)
        snapshot.audiences = snapshot.entries.map {
            UInt8(ProposalsPolicy.audienceValues.firstIndex(of: $0.audience) ?? 0)
        }
        for (position, entry) in snapshot.entries.enumerated() {
            snapshot.positionByID[entry.id] = Int32(position)
            for code in entry.communes { snapshot.communePositions[code, default: []].append(Int32(position)) }
        }
        struct TermRow: Decodable { let proposal_id: Int; let term: String }
        let termRows = try await sql.raw(
            """
            SELECT t.proposal_id, t.term FROM proposal_terms t JOIN proposals p ON p.id = t.proposal_id
            WHERE p.territory_id = \(bind: territoryID) AND p.status <> 'draft' AND p.hidden_reason IS NULL
            """
        ).all(decoding: TermRow.self)
        for row in termRows {
            guard let position = snapshot.positionByID[row.proposal_id] else { continue }
            snapshot.termPositions[row.term, default: []].append(position)
        }
        for term in snapshot.termPositions.keys { snapshot.termPositions[term]!.sort() }
        return snapshot
    }

    /// One page of the list: search, filters, sorting and paging, all in memory.
    public func list(
        _ query: ProposalQuery, territoryID: Int, themes: ThemeList = .builtin, on db: any Database
    ) async throws -> (rows: [ProposalSummary], total: Int) {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        let count = snapshot.entries.count
        // The positions allowed by the commune and the search words, ascending (nil: all).
        var candidates: [Int32]?
        func narrow(_ positions: [Int32]) {
            candidates = candidates.map { SearchTerms.intersect($0, positions) } ?? positions
        }
        if let commune = query.commune { narrow(snapshot.communePositions[commune] ?? []) }
        let terms = SearchTerms.terms(of: query.text, limit: 8)
        if !terms.isEmpty {
            for term in terms { narrow(snapshot.termPositions[term] ?? []) }
        } else if !query.text.isEmpty {
            narrow([])  // only stop words: nothing to find
        }
        let themeBit = query.theme?.bit
        let status = query.status
        let audience = query.audience.flatMap { ProposalsPolicy.audienceValues.firstIndex(of: $0) }.map(UInt8.init)
        let waiting = query.sort == .waiting
        let start = (query.page - 1) * ProposalQuery.pageSize
        let end = start + ProposalQuery.pageSize
        var total = 0
        var page: [Int] = []
        func visit(_ position: Int) {
            if let themeBit, snapshot.themeMasks[position] & themeBit == 0 { return }
            if let status, snapshot.statuses[position] != status { return }
            if let audience, snapshot.audiences[position] != audience { return }
            if waiting, snapshot.statuses[position] != .received, snapshot.statuses[position] != .underStudy { return }
            if total >= start, total < end { page.append(position) }
            total += 1
        }
        let unfiltered = candidates == nil && themeBit == nil && status == nil && audience == nil && !waiting
        switch query.sort {
        case .recent where unfiltered:
            total = count
            page = Array(min(start, count)..<min(end, count))
        case .recent:
            if let candidates {
                for position in candidates { visit(Int(position)) }
            } else {
                for position in 0..<count { visit(position) }
            }
        case .waiting:
            if let candidates {
                for position in candidates.reversed() { visit(Int(position)) }
            } else {
                for position in stride(from: count - 1, through: 0, by: -1) { visit(position) }
            }
        case .supported:
            if let candidates {
                var allowed = [Bool](repeating: false, count: count)
                for position in candidates { allowed[Int(position)] = true }
                for position in snapshot.bySupport where allowed[Int(position)] { visit(Int(position)) }
            } else {
                for position in snapshot.bySupport { visit(Int(position)) }
            }
        }
        let rows = page.map { position in
            let entry = snapshot.entries[position]
            return ProposalSummary(
                id: entry.id, title: entry.title, status: entry.status, themes: themes.from(mask: entry.themesMask),
                submittedAt: entry.submittedAt, supportCount: entry.supportCount, commentCount: entry.commentCount,
                audience: entry.audience, communes: entry.communes)
        }
        return (rows, total)
    }

    /// The follow-up figures, computed from the snapshot (no query) once per version.
    func figures(territoryID: Int, on db: any Database) async throws -> FollowUpFigures {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        if let cached = slots.withLockedValue({
            $0[territoryID]?.snapshot?.version == snapshot.version ? $0[territoryID]?.figures : nil
        }) {
            return cached
        }
        let figures = FollowUpFigures(entries: snapshot.entries)
        slots.withLockedValue { slots in
            if slots[territoryID]?.snapshot?.version == snapshot.version { slots[territoryID]?.figures = figures }
        }
        return figures
    }

    // MARK: - Pages

    /// The list items of a page, rendered once per language and version (the rest of the list
    /// page is built per request). `render` runs for the items not yet kept.
    public func items(territoryID: Int, keys: [String], render: (Int) throws -> HTML) rethrows -> [HTML] {
        let known = slots.withLockedValue { slots in keys.map { slots[territoryID]?.items[$0] } }
        var fresh: [(String, HTML)] = []
        let out = try known.enumerated().map { index, html -> HTML in
            if let html { return html }
            let made = try render(index)
            fresh.append((keys[index], made))
            return made
        }
        if !fresh.isEmpty {
            slots.withLockedValue { slots in
                guard slots[territoryID] != nil else { return }
                if slots[territoryID]!.items.count > 20_000 {
                    slots[territoryID]!.items.removeAll(keepingCapacity: true)
                }
                for (key, html) in fresh { slots[territoryID]!.items[key] = html }
            }
        }
        return out
    }

    /// A list page as an anonymous visitor sees it (its `main`, by language and canonical query),
    /// and the version the cache is for; the scan and the rendering are skipped when it is known.
    func cachedList(key: String, territoryID: Int, on db: any Database) async throws -> (main: HTML?, version: Int) {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        return (slots.withLockedValue { $0[territoryID]?.lists[key] }, snapshot.version)
    }

    /// Keeps a rendered list page read at `version`, unless the territory changed meanwhile.
    func storeList(_ main: HTML, key: String, territoryID: Int, version: Int) {
        slots.withLockedValue { slots in
            guard slots[territoryID]?.snapshot?.version == version, slots[territoryID]?.stale == false else { return }
            if slots[territoryID]!.lists.count >= Self.listCacheLimit {
                slots[territoryID]!.lists.removeAll(keepingCapacity: true)
            }
            slots[territoryID]!.lists[key] = main
        }
    }

    /// The cached page of a proposal, and the version the cache is for (to store a fresh page).
    func cachedPage(
        proposalID: Int, territoryID: Int, on db: any Database
    ) async throws -> (page: CachedPage?, version: Int) {
        let snapshot = try await snapshot(territoryID: territoryID, on: db)
        let page = slots.withLockedValue { $0[territoryID]?.pages[proposalID] }
        return (page, snapshot.version)
    }

    /// Keeps a page read at `version`, unless the territory changed meanwhile.
    func storePage(_ page: CachedPage, territoryID: Int, version: Int) {
        slots.withLockedValue { slots in
            guard slots[territoryID]?.snapshot?.version == version, slots[territoryID]?.stale == false,
                let id = page.proposal.id
            else { return }
            if slots[territoryID]!.pages.count >= Self.pageCacheLimit {
                slots[territoryID]!.pages.removeAll(keepingCapacity: true)
            }
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
