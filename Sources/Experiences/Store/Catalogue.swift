import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What the catalogue asks for: filters, full-text search and page.
public struct CatalogueQuery: Sendable, Equatable {
    public var text = ""
    public var context: ExperienceContext?
    public var level: EngagementLevel?
    public var theme: ExperienceTheme?
    public var region: Region?
    public var population: Population?
    public var year: Int?
    public var remarkableOnly = false
    public var page = 1
    public static let pageSize = 20

    public init() {}

    /// Reads the query string leniently: an unknown value is ignored, never an error.
    public init(query: [String: String]) {
        text = String((query["q"] ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        context = query["contexte"].flatMap(ExperienceContext.init(rawValue:))
        level = query["niveau"].flatMap(EngagementLevel.init(rawValue:))
        theme = query["theme"].flatMap(ExperienceTheme.init(rawValue:))
        region = query["region"].flatMap(Region.init(rawValue:))
        population = query["population"].flatMap(Population.init(rawValue:))
        year = query["annee"].flatMap { Int($0) }.flatMap { (1950...2100).contains($0) ? $0 : nil }
        remarkableOnly = query["remarquables"] == "1"
        page = min(max(Int(query["page"] ?? "") ?? 1, 1), 100_000)
    }

    /// The keys of the catalogue's filter index this query asks for.
    public var filterKeys: [String] {
        var keys: [String] = []
        if let context { keys.append("contexte=" + context.rawValue) }
        if let level { keys.append("niveau=" + level.rawValue) }
        if let theme { keys.append("theme=" + theme.rawValue) }
        if let region { keys.append("region=" + region.rawValue) }
        if let population { keys.append("population=" + population.rawValue) }
        if let year { keys.append("annee=" + String(year)) }
        if remarkableOnly { keys.append("remarquables=1") }
        return keys
    }

    /// The keys under which an experience is found by the filters (the same as `filterKeys`).
    public static func filterKeys(of record: ExperienceRecord) -> [String] {
        var keys: [String] = []
        if let context = record.context { keys.append("contexte=" + context) }
        if let level = record.level { keys.append("niveau=" + level) }
        keys += Mask.values(record.themes_mask, ExperienceTheme.self).map { "theme=" + $0.rawValue }
        if let region = record.region { keys.append("region=" + region) }
        keys += Mask.values(record.populations_mask, Population.self).map { "population=" + $0.rawValue }
        if let year = record.start_year { keys.append("annee=" + String(year)) }
        if record.remarkable { keys.append("remarquables=1") }
        return keys
    }

    public func queryString(page newPage: Int? = nil) -> String {
        var items: [(String, String)] = []
        if !text.isEmpty { items.append(("q", text)) }
        if let context { items.append(("contexte", context.rawValue)) }
        if let level { items.append(("niveau", level.rawValue)) }
        if let theme { items.append(("theme", theme.rawValue)) }
        if let region { items.append(("region", region.rawValue)) }
        if let population { items.append(("population", population.rawValue)) }
        if let year { items.append(("annee", String(year))) }
        if remarkableOnly { items.append(("remarquables", "1")) }
        let p = newPage ?? page
        if p > 1 { items.append(("page", String(p))) }
        var components = URLComponents()
        components.queryItems = items.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.percentEncodedQuery.map { "?" + $0 } ?? ""
    }
}

/// The public catalogue of published experiences, in memory: the list (filters, search, pages)
/// and each experience's page are served without a query. Every write that changes it bumps
/// `experience_versions` in its transaction; an instance checks that version at most once a
/// second and rebuilds when it changed (its own writes mark the model stale at once).
public final class Catalogue: Sendable {
    /// A published experience, with everything its page and the exports show.
    public struct Entry: Sendable {
        public let record: ExperienceRecord
        public let callTitle: String
        public let attachments: [(id: Int, name: String, size: Int)]
        public var slugged: String { record.slugged }
    }

    struct Snapshot: Sendable {
        var version = -1
        var entries: [Entry] = []  // remarkable first, then the most recently published
        /// The search index (term → positions) and the filters' index ("contexte=…", "annee=2015",
        /// "remarquables=1"… → positions), each list ascending: a query intersects lists.
        var terms: [String: [Int32]] = [:]
        var filters: [String: [Int32]] = [:]
        var byID: [Int: Int] = [:]
        var years: [Int] = []  // the years present, for the filter
    }

    struct State: Sendable {
        var snapshot = Snapshot()
        var checkedAt = Date.distantPast
        var stale = true
        /// Rendered fragments ("page/ID/lang", "csv", "json"…) for the snapshot's version.
        var fragments: [String: String] = [:]
    }

    private let state = NIOLockedValueBox(State())
    private let building = NIOLockedValueBox(false)
    static let checkInterval: TimeInterval = 1

    public init() {}

    public func invalidate() { state.withLockedValue { $0.stale = true } }

    func snapshot(on db: any Database, now: Date = Date()) async throws -> Snapshot {
        let (current, fresh, stale) = state.withLockedValue {
            ($0.snapshot, now.timeIntervalSince($0.checkedAt) < Self.checkInterval, $0.stale)
        }
        if fresh, !stale { return current }
        // One request rebuilds; the others keep the last snapshot meanwhile (the first waits).
        let mine = building.withLockedValue { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard mine else {
            if current.version >= 0 { return current }
            try await Task.sleep(nanoseconds: 20_000_000)
            return try await snapshot(on: db, now: Date())
        }
        defer { building.withLockedValue { $0 = false } }
        let version = try await ExperienceStore.version(on: db)
        if version == current.version, !stale {
            state.withLockedValue { $0.checkedAt = now }
            return current
        }
        let snapshot = try await Self.load(version: version, on: db)
        state.withLockedValue { state in
            state.snapshot = snapshot
            state.checkedAt = now
            state.stale = false
            state.fragments = [:]
        }
        return snapshot
    }

    /// Four queries: the published experiences, the calls' titles, the attachments and the search terms.
    static func load(version: Int, on db: any Database) async throws -> Snapshot {
        let sql = db.sql
        let records = try await sql.raw(
            """
            SELECT \(ExperienceStore.experienceColumns) FROM experiences WHERE status = 'published' ORDER BY remarkable DESC, published_at DESC, id DESC
            """
        ).all(decoding: ExperienceRecord.self)
        struct CallRow: Decodable { let id: Int; let title: String }
        let calls = Dictionary(
            try await sql.raw("SELECT id, title FROM experience_calls").all(decoding: CallRow.self).map {
                ($0.id, $0.title)
            },
            uniquingKeysWith: { a, _ in a })
        struct FileRow: Decodable { let id: Int; let experience_id: Int; let name: String; let size: Int }
        var files: [Int: [(Int, String, Int)]] = [:]
        for row in try await sql.raw(
            """
            SELECT f.id, f.experience_id, f.name, f.size FROM experience_attachments f JOIN experiences e ON e.id = f.experience_id
            WHERE e.status = 'published' ORDER BY f.id
            """
        ).all(decoding: FileRow.self) { files[row.experience_id, default: []].append((row.id, row.name, row.size)) }
        var snapshot = Snapshot(version: version)
        var years = Set<Int>()
        for (position, record) in records.enumerated() {
            snapshot.entries.append(
                Entry(
                    record: record, callTitle: calls[record.call_id] ?? "",
                    attachments: (files[record.id] ?? []).map { (id: $0.0, name: $0.1, size: $0.2) }))
            snapshot.byID[record.id] = position
            for key in CatalogueQuery.filterKeys(of: record) {
                snapshot.filters[key, default: []].append(Int32(position))
            }
            if let year = record.start_year { years.insert(year) }
        }
        snapshot.years = years.sorted(by: >)
        struct TermRow: Decodable { let experience_id: Int; let term: String }
        for row in try await sql.raw(
            """
            SELECT t.experience_id, t.term FROM experience_terms t JOIN experiences e ON e.id = t.experience_id WHERE e.status = 'published'
            """
        ).all(decoding: TermRow.self) {
            guard let position = snapshot.byID[row.experience_id] else { continue }
            snapshot.terms[row.term, default: []].append(Int32(position))
        }
        for term in snapshot.terms.keys { snapshot.terms[term]!.sort() }
        return snapshot
    }

    /// One page of the catalogue, and the number of experiences that match.
    public func list(
        _ query: CatalogueQuery, on db: any Database
    ) async throws -> (rows: [Entry], total: Int, years: [Int], version: Int) {
        let s = try await snapshot(on: db)
        // Every search term and every filter is a sorted list of positions: intersect the lists,
        // the shortest first (no filter, no search: every position, in order).
        let terms = SearchTerms.terms(of: query.text, limit: 8)
        var lists = terms.map { s.terms[$0] ?? [] } + query.filterKeys.map { s.filters[$0] ?? [] }
        if terms.isEmpty, !query.text.isEmpty { lists.append([]) }  // only stop words: nothing to find
        let start = (query.page - 1) * CatalogueQuery.pageSize
        let rows: [Entry], total: Int
        if lists.isEmpty {
            total = s.entries.count
            rows = Array(s.entries[min(start, total)..<min(start + CatalogueQuery.pageSize, total)])
        } else {
            lists.sort { $0.count < $1.count }
            var positions = lists[0]
            for list in lists.dropFirst() where !positions.isEmpty {
                positions = SearchTerms.intersect(positions, list)
            }
            total = positions.count
            rows = positions[min(start, total)..<min(start + CatalogueQuery.pageSize, total)].map { s.entries[Int($0)] }
        }
        return (rows, total, s.years, s.version)
    }

    /// A published experience by id (nil when it is not published).
    public func entry(_ id: Int, on db: any Database) async throws -> Entry? {
        let s = try await snapshot(on: db)
        return s.byID[id].map { s.entries[$0] }
    }

    /// Every published experience, for the exports.
    public func all(on db: any Database) async throws -> [Entry] { try await snapshot(on: db).entries }

    /// A piece of page or export that depends only on the catalogue: made once per version.
    public func fragment(_ key: String, on db: any Database, make: ([Entry]) -> String) async throws -> String {
        let s = try await snapshot(on: db)
        return fragments([key], version: s.version) { _ in make(s.entries) }[0]
    }

    /// Several fragments at once (the items of a page), with one look at the kept ones and one
    /// store of the new ones; `make` runs for those not kept for `version`.
    func fragments(_ keys: [String], version: Int, make: (Int) -> String) -> [String] {
        let kept = state.withLockedValue { state in
            keys.map { state.snapshot.version == version ? state.fragments[$0] : nil }
        }
        var fresh: [(String, String)] = []
        let out = kept.enumerated().map { index, value -> String in
            if let value { return value }
            let made = make(index)
            fresh.append((keys[index], made))
            return made
        }
        if !fresh.isEmpty {
            state.withLockedValue { state in
                guard state.snapshot.version == version else { return }
                if state.fragments.count > 20_000 { state.fragments.removeAll(keepingCapacity: true) }
                for (key, value) in fresh { state.fragments[key] = value }
            }
        }
        return out
    }
}

extension Application {
    private struct CatalogueKey: StorageKey { typealias Value = Catalogue }
    /// Set once at boot (`ExperiencesModule.boot`).
    public var experienceCatalogue: Catalogue {
        get { storage[CatalogueKey.self]! }
        set { storage[CatalogueKey.self] = newValue }
    }
}
