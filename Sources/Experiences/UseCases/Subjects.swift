import Core
import Fluent
import Foundation

/// A call as one actor sees it: the call, its territory, and the facts the policy decides from
/// (whether the actor is a national organiser, a reviewer of this call).
struct CallContext: Sendable {
    let call: CallRecord
    let territory: TerritoryInfo?
    /// The person, with the roles they hold in the call's territory (none for a national call).
    let actor: Actor
    let subject: ExperiencesPolicy.Subject

    var viewerID: Int? { actor.personID }
    var rolesThere: Set<Role> { actor.roles }
    var reviews: Bool { subject.isReviewerOfCall }
    var organises: Bool { allows(.manageCall) }
    var mayAnswer: Bool { allows(.answerCall) }
    var seesFigures: Bool { allows(.seeFigures) }

    func allows(_ action: ExperiencesPolicy.Action) -> Bool { ExperiencesPolicy.allows(actor, action, on: subject) }

    /// The actor's rights on the call: one query when signed in, none otherwise.
    static func load(
        _ call: CallRecord, territory: TerritoryInfo?, actor: Actor, on db: any Database
    ) async throws -> CallContext {
        var rights = (nationalOrganiser: false, reviewer: false)
        if let personID = actor.personID {
            rights = try await ExperienceStore.rights(personID: personID, callID: call.id, on: db)
        }
        return CallContext(
            call: call, territory: territory, actor: actor,
            subject: ExperiencesPolicy.Subject(
                national: call.isNational, audience: call.audience, isNationalOrganiser: rights.nationalOrganiser,
                isReviewerOfCall: rights.reviewer))
    }

    var scopeName: Text {
        territory.map { Text("Appel local · \($0.name)", "Local call · \($0.name)") }
            ?? Text("Appel national", "National call")
    }
}

/// A submission as one actor sees it, with its call and its authors.
struct SubmissionContext: Sendable {
    let call: CallContext
    let record: ExperienceRecord
    let authors: [(id: Int, name: String, email: String?)]
    var status: ExperienceStatus { record.status }
    var subject: ExperiencesPolicy.Subject { call.subject.with(authorIDs: authors.map(\.id), status: record.status) }
    var isAuthor: Bool { call.viewerID.map { id in authors.contains { $0.id == id } } ?? false }
    /// The e-mail addresses of the authors.
    var authorEmails: [String] { authors.compactMap(\.email) }

    func allows(_ action: ExperiencesPolicy.Action) -> Bool {
        ExperiencesPolicy.allows(call.actor, action, on: subject)
    }

    /// The submission `id` of the call with its authors; nil when it is not of this call.
    static func load(_ id: Int, in call: CallContext, on db: any Database) async throws -> SubmissionContext? {
        guard let record = try await ExperienceStore.experience(id, on: db), record.call_id == call.call.id else {
            return nil
        }
        let authors = try await ExperienceStore.authors(of: id, on: db)
        return SubmissionContext(call: call, record: record, authors: authors)
    }
}

extension UseCaseEnvironment {
    /// A write the catalogue may show: in one transaction with the bump of its version (the
    /// page then marks this instance's catalogue stale; others see the bump within a second).
    @discardableResult
    func catalogueWrite<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await db.transaction { db in
            let value = try await body(db)
            try await ExperienceStore.bump(on: db)
            return value
        }
    }

    func absolute(_ path: String) -> String { baseURL + path }
}
