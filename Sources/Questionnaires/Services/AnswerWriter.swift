import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Saves online answers with group commit: answers that arrive while a transaction is being
/// written wait for the next one, which writes them all. Each answer is acknowledged only once
/// its transaction is committed (nothing acknowledged is lost, at SQLite's full durability), and
/// a busy instance pays one commit for many answers instead of one each (docs/PERFORMANCE.md).
public final class AnswerWriter: Sendable {
    struct Pending: Sendable {
        let response: NewResponse
        /// Encoded by the request's task, so that the writer only writes.
        let json: String
        let dropDraft: String?
        let continuation: CheckedContinuation<Int, any Error>
    }

    struct State { var queue: [Pending] = []; var flushing = false }
    let state = NIOLockedValueBox(State())

    public init() {}

    /// Saves one answer to a published questionnaire (and deletes the draft it came from); returns
    /// its id once committed, or throws `QuestionnaireClosed` if it was closed meanwhile.
    public func save(_ response: NewResponse, droppingDraft hash: String? = nil, on db: any Database) async throws -> Int {
        let json = AnswerCodec.json(response.answers)
        return try await withCheckedThrowingContinuation { continuation in
            let start = state.withLockedValue { state -> Bool in
                state.queue.append(Pending(response: response, json: json, dropDraft: hash, continuation: continuation))
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if start { Task { await self.flush(on: db) } }
        }
    }

    func flush(on db: any Database) async {
        while true {
            let batch = state.withLockedValue { state -> [Pending] in
                let batch = Array(state.queue.prefix(500))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                let ids = try await Self.write(batch, on: db)
                for (pending, id) in zip(batch, ids) { pending.continuation.resume(returning: id) }
            } catch {
                // One failing answer must not fail the others: write each alone.
                for pending in batch {
                    do { pending.continuation.resume(returning: try await Self.write([pending], on: db)[0]) } catch { pending.continuation.resume(throwing: error) }
                }
            }
        }
    }

    static func write(_ batch: [Pending], on db: any Database) async throws -> [Int] {
        try await db.transaction { db in
            var ids: [Int] = []
            for pending in batch {
                ids.append(try await QuestionnaireStore.insert(pending.response, json: pending.json, onlyIfOpen: true, on: db))
                if let hash = pending.dropDraft { try await QuestionnaireStore.dropDraft(tokenHash: hash, on: db) }
            }
            return ids
        }
    }
}

extension Application {
    struct AnswerWriterKey: StorageKey { typealias Value = AnswerWriter }
    public var questionnaireWriter: AnswerWriter {
        get { storage[AnswerWriterKey.self]! }
        set { storage[AnswerWriterKey.self] = newValue }
    }
}
