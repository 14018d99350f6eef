import Fluent
import Foundation
import NIOConcurrencyHelpers

/// Write transactions funnelled through one writer and committed together (group commit).
///
/// SQLite has one writer: when many requests write at the same second (2,000 registrations for
/// an event), each transaction waits for the previous one and pays its own `fsync`, and the
/// last ones time out in the connection pool. Here the jobs that arrive while a batch is being
/// written are run one after the other inside ONE transaction, and each caller is answered once
/// that transaction has committed — full durability, a fraction of the syncs. If a batch fails,
/// nothing of it is kept and each of its jobs runs again alone, so one bad job fails only its own
/// request. A job must only use the database it is given, and keep its other effects (mail in
/// the outbox is fine: it is a row) for after it returns.
///
/// On PostgreSQL (`batching: false`) a job is simply its own transaction: rows are locked, and
/// several writers proceed at once.
public final class GroupCommit: Sendable {
    struct Pending: Sendable {
        let work: @Sendable (any Database) async throws -> Void
        let done: @Sendable (Result<Void, any Error>) -> Void
    }

    private struct State { var queue: [Pending] = []; var flushing = false }
    private let state = NIOLockedValueBox(State())
    public let batching: Bool
    /// The most jobs written in one transaction.
    public let maxBatch: Int

    public init(batching: Bool, maxBatch: Int = 500) {
        self.batching = batching
        self.maxBatch = maxBatch
    }

    /// Runs `work` in a write transaction, alone or with the others waiting, and returns its result
    /// once committed.
    public func perform<T: Sendable>(
        on db: any Database, _ work: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        guard batching else { return try await db.transaction { try await work($0) } }
        let result = NIOLockedValueBox<T?>(nil)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let pending = Pending(
                work: { db in
                    let value = try await work(db)
                    result.withLockedValue { $0 = value }
                }, done: { continuation.resume(with: $0) })
            let start = state.withLockedValue { state -> Bool in
                state.queue.append(pending)
                if state.flushing { return false }
                state.flushing = true
                return true
            }
            if start { Task { await self.flush(on: db) } }
        }
        return result.withLockedValue { $0! }
    }

    private func flush(on db: any Database) async {
        while true {
            let batch = state.withLockedValue { state -> [Pending] in
                let batch = Array(state.queue.prefix(maxBatch))
                state.queue.removeFirst(batch.count)
                if batch.isEmpty { state.flushing = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try await db.transaction { tx in
                    for pending in batch { try await pending.work(tx) }
                }
                for pending in batch { pending.done(.success(())) }
            } catch {
                if batch.count == 1 {
                    batch[0].done(.failure(error))
                    continue
                }
                // Nothing of the batch was kept: each job again, alone, so that only the failing one fails.
                for pending in batch {
                    do {
                        try await db.transaction { tx in try await pending.work(tx) }
                        pending.done(.success(()))
                    } catch {
                        pending.done(.failure(error))
                    }
                }
            }
        }
    }
}
