import Core
import Fluent
import Foundation
import Vapor

/// Saves online answers with group commit (`GroupCommit`, shared with the other busy writes of
/// the instance): answers that arrive while a transaction is being written go into the next one,
/// which writes them all. Each answer is acknowledged only once its transaction is committed
/// (nothing acknowledged is lost, at SQLite's full durability), and a busy instance pays one
/// commit for many answers instead of one each (docs/PERFORMANCE.md).
public final class AnswerWriter: Sendable {
    let commit: GroupCommit

    public init(commit: GroupCommit) { self.commit = commit }

    /// Saves one answer to a published questionnaire (and deletes the draft it came from); returns
    /// its id once committed, or throws `QuestionnaireClosed` if it was closed meanwhile.
    public func save(
        _ response: NewResponse, droppingDraft hash: String? = nil, on db: any Database
    ) async throws -> Int {
        // Encoded by the request's task, so that the writer only writes.
        let json = AnswerCodec.json(response.answers)
        return try await commit.perform(on: db) { db in
            let id = try await QuestionnaireStore.insert(response, json: json, onlyIfOpen: true, on: db)
            if let hash { try await QuestionnaireStore.dropDraft(tokenHash: hash, on: db) }
            return id
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
