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

    /// What became of an answer written once.
    public enum Written: Sendable, Equatable {
        case saved(id: Int, replaced: Bool)
        /// The form's token was already used: nothing written.
        case tokenUsed
        /// The person already answered this wave and did not ask to change it: nothing written.
        case alreadyAnswered
    }

    /// Saves one online answer that counts once, in one transaction: the form's nonce is consumed
    /// (a unique row: a second answer with the same token writes nothing), a signed-in person's
    /// earlier answer of the wave is replaced only when `replacing` (else nothing is written),
    /// the answer is inserted (the questionnaire still open) and the drafts it came from dropped.
    /// A replacement is an insert (a new, higher id) and a delete, never an update in place: the
    /// results cache sees the count unchanged and a new last id, and reads the answers again.
    public func submit(
        _ response: NewResponse, nonceHash: String, replacing: Bool, droppingDraft hash: String?,
        draftOwners: [String], on db: any Database
    ) async throws -> Written {
        let json = AnswerCodec.json(response.answers)
        return try await commit.perform(on: db) { db in
            if let respondent = response.respondentHash, !replacing,
                try await QuestionnaireStore.ownAnswer(respondentHash: respondent, on: db) != nil
            {
                return .alreadyAnswered
            }
            guard
                try await QuestionnaireStore.consumeFormToken(
                    nonceHash, questionnaireID: response.questionnaireID, at: response.at, on: db)
            else { return .tokenUsed }
            // The earlier answer gives up its hash, the new one is inserted, then the earlier one
            // is deleted: inserted while the earlier row still exists, the new id is above it
            // (SQLite would reuse the highest id of a row deleted first).
            var earlier: Int? = nil
            if let respondent = response.respondentHash {
                earlier = try await QuestionnaireStore.releaseAnswer(respondentHash: respondent, on: db)
            }
            let id = try await QuestionnaireStore.insert(response, json: json, onlyIfOpen: true, on: db)
            if let earlier { try await QuestionnaireStore.deleteAnswer(earlier, on: db) }
            let replaced = earlier != nil
            if let hash { try await QuestionnaireStore.dropDraft(tokenHash: hash, on: db) }
            try await QuestionnaireStore.dropDrafts(
                questionnaireID: response.questionnaireID, owners: draftOwners, on: db)
            return .saved(id: id, replaced: replaced)
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
