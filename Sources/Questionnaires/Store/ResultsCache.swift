import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The answers of each questionnaire held in memory for the result pages. Saving an answer never
/// touches it: a result page asks the database how many answers exist (one query) and reads only
/// the new ones, so every instance stays exact without being told.
public final class ResultsCache: Sendable {
    public struct Entry: Sendable {
        public var data = Dataset()
        /// Free-text and date answers by question: (row in `data`, text).
        public var texts: [String: [(row: Int, text: String)]] = [:]
        /// Version number of each row.
        public var versions: [Int32] = []
    }

    let state = NIOLockedValueBox<[Int: Entry]>([:])

    public init() {}

    public func entry(for questionnaireID: Int, on db: any Database) async throws -> Entry {
        let tally = try await QuestionnaireStore.tally(of: questionnaireID, on: db)
        let cached = state.withLockedValue { $0[questionnaireID] }
        if let cached, cached.data.count == tally.n, cached.data.lastID == (tally.last ?? 0) { return cached }
        var entry = cached ?? Entry()
        var after = entry.data.lastID
        // Answers removed (a person erased) or a gap: start again from nothing.
        if let cached, cached.data.count > tally.n || (tally.last ?? 0) < cached.data.lastID {
            entry = Entry()
            after = 0
        }
        let versions = try await QuestionnaireStore.versions(of: questionnaireID, on: db)
        entry.data.reserve(tally.n)
        try await Self.read(
            questionnaireID, after: after, upTo: tally.last ?? 0, versions: versions, into: &entry, on: db)
        if entry.data.count != tally.n {
            // An id below the last was committed late: read everything again.
            entry = Entry()
            entry.data.reserve(tally.n)
            try await Self.read(
                questionnaireID, after: 0, upTo: tally.last ?? 0, versions: versions, into: &entry, on: db)
        }
        let fresh = entry
        state.withLockedValue { store in
            if (store[questionnaireID]?.data.count ?? 0) <= fresh.data.count { store[questionnaireID] = fresh }
        }
        return fresh
    }

    /// Reads the answers after `after` up to the id counted, by chunks of 2,000 (a 100,000-answer
    /// questionnaire never holds all its JSON in memory at once).
    static func read(
        _ id: Int, after: Int, upTo last: Int, versions: [Int: (number: Int, definition: Definition)],
        into entry: inout Entry,
        on db: any Database
    ) async throws {
        let chunk = 2000
        var from = after
        while true {
            let rows = try await QuestionnaireStore.responses(of: id, after: from, limit: chunk, on: db).filter {
                $0.id <= last
            }
            append(rows, versions: versions, to: &entry)
            guard rows.count == chunk, let next = rows.last?.id else { break }
            from = next
        }
    }

    static func append(
        _ rows: [ResponseRow], versions: [Int: (number: Int, definition: Definition)], to entry: inout Entry
    ) {
        for row in rows {
            guard let version = versions[row.version_id] else { continue }
            let answers = AnswerCodec.decode(row.answers, definition: version.definition)
            let meta = Dataset.Meta(
                wave: row.wave_id ?? 0, channel: Channel(rawValue: row.channel) ?? .online,
                audience: QAudience(rawValue: row.audience) ?? .users, commune: row.commune,
                day: Int((row.submitted_at.timeIntervalSince1970 / 86400).rounded(.down)))
            let index = entry.data.count
            entry.data.append(id: row.id, meta: meta, answers: answers, questions: version.definition.questions)
            entry.versions.append(Int32(version.number))
            for question in version.definition.questions where question.kind.isText || question.kind == .date {
                if case .text(let text)? = answers[question.key] {
                    entry.texts[question.key, default: []].append((index, text))
                }
            }
        }
        entry.data.seal()
    }

    public func forget(_ questionnaireID: Int) {
        _ = state.withLockedValue { $0.removeValue(forKey: questionnaireID) }
    }
}

/// Rendered answer forms, by version and last change, per language (the CSRF token is added per request).
public final class FormCache: Sendable {
    let state = NIOLockedValueBox<[String: HTML]>([:])
    let definitions = NIOLockedValueBox<[String: Definition]>([:])
    let records = NIOLockedValueBox<[Int: (record: QuestionnaireRecord, at: Date)]>([:])
    /// How long a public page may use a questionnaire read earlier (0 in tests: always fresh).
    let window: TimeInterval
    public init(window: TimeInterval = 1) { self.window = window }

    /// A questionnaire as read at most a second ago, for the public answering pages: a change made
    /// on this instance is seen at once (`forget`), one made on another within a second.
    public func record(_ id: Int, territoryID: Int, on db: any Database) async throws -> QuestionnaireRecord? {
        let now = Date()
        if let hit = records.withLockedValue({ $0[id] }), now.timeIntervalSince(hit.at) < window,
            hit.record.territory_id == territoryID
        {
            return hit.record
        }
        guard let record = try await QuestionnaireStore.load(id, territoryID: territoryID, on: db) else { return nil }
        records.withLockedValue { store in
            if store.count > 1000 { store.removeAll() }
            store[id] = (record, now)
        }
        return record
    }

    let waveLists = NIOLockedValueBox<[Int: (waves: [WaveRecord], at: Date)]>([:])

    /// A questionnaire's waves as read at most a second ago (to date each answer).
    public func waves(_ id: Int, on db: any Database) async throws -> [WaveRecord] {
        let now = Date()
        if let hit = waveLists.withLockedValue({ $0[id] }), now.timeIntervalSince(hit.at) < window { return hit.waves }
        let waves = try await QuestionnaireStore.waves(of: id, on: db)
        waveLists.withLockedValue { store in
            if store.count > 1000 { store.removeAll() }
            store[id] = (waves, now)
        }
        return waves
    }

    public func forget(_ id: Int) {
        _ = records.withLockedValue { $0.removeValue(forKey: id) }
        _ = waveLists.withLockedValue { $0.removeValue(forKey: id) }
    }

    static func key(_ record: QuestionnaireRecord) -> String {
        "\(record.current_version_id)-\(record.updated_at.timeIntervalSince1970)"
    }

    /// The current version's content: read from the database once per version and change.
    public func definition(_ record: QuestionnaireRecord, on db: any Database) async throws -> Definition {
        let key = Self.key(record)
        if let found = definitions.withLockedValue({ $0[key] }) { return found }
        let definition = Definition.decode(
            try await QuestionnaireStore.definitionText(versionID: record.current_version_id, on: db))
        definitions.withLockedValue { store in
            if store.count > 200 { store.removeAll() }
            store[key] = definition
        }
        return definition
    }

    public func form(_ record: QuestionnaireRecord, lang: Lang, render: () -> HTML) -> HTML {
        let key = Self.key(record) + lang.rawValue
        if let found = state.withLockedValue({ $0[key] }) { return found }
        let html = render()
        state.withLockedValue { store in
            if store.count > 200 { store.removeAll() }
            store[key] = html
        }
        return html
    }
}

extension Application {
    struct ResultsCacheKey: StorageKey { typealias Value = ResultsCache }
    struct FormCacheKey: StorageKey { typealias Value = FormCache }

    public var questionnaireResults: ResultsCache {
        get { storage[ResultsCacheKey.self]! }
        set { storage[ResultsCacheKey.self] = newValue }
    }

    public var questionnaireForms: FormCache {
        get { storage[FormCacheKey.self]! }
        set { storage[FormCacheKey.self] = newValue }
    }
}
