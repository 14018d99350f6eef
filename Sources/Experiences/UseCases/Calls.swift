import Core
import Fluent
import Foundation

/// What became of a call's form.
enum SaveCallOutcome: Sendable, Equatable {
    /// A new call is open.
    case opened(callID: Int)
    /// The changes of an existing call are saved.
    case saved(callID: Int)
    /// Something typed is wrong (an unknown reviewer, a grid already used), said next to its field.
    case invalid(FormErrors)
    /// National calls are opened by national organisers, local ones by the territory's
    /// coordinators; a call is changed by its organisers.
    case forbidden
}

/// Opening a call (national, or of a territory) with its grid and its reviewers, or saving the
/// changes of one: its grid changes only while nobody has scored with it; a call already closed
/// may keep its deadline (to correct its text), a new date must be to come. In the audit trail.
enum SaveCall {
    /// `call` is nil for a new call; `subject` is the call's (a new national call: whether the
    /// actor is a national organiser; a new local call: its territory's roles are the actor's).
    static func run(
        fields: [String: String], territory: TerritoryInfo?, call: CallRecord?, subject: ExperiencesPolicy.Subject,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> SaveCallOutcome {
        guard ExperiencesPolicy.allows(actor, call == nil ? .openCall : .manageCall, on: subject) else {
            return .forbidden
        }
        let today = call.map { min(Day(env.now), $0.window.closesOn) } ?? Day(env.now)
        var errors = FormErrors()
        var parsed: CallInput?
        switch CallInput.validate(fields: fields, national: territory == nil, today: today, lang: actor.lang) {
        case .success(let input): parsed = input
        case .failure(let box): errors = box.errors
        }
        var reviewerIDs: [Int] = []
        var gridChanged = call == nil
        if let input = parsed {
            let known = try await ExperienceStore.people(emails: input.reviewerEmails, on: env.db)
            let unknown = input.reviewerEmails.filter { known[$0] == nil }
            if !unknown.isEmpty {
                errors.add(
                    "reviewers",
                    actor.t(
                        Text(
                            "Aucun compte pour : \(unknown.joined(separator: ", ")). Demandez à ces personnes de créer leur compte, puis ajoutez-les.",
                            "No account for: \(unknown.joined(separator: ", ")). Ask these people to sign up, then add them."
                        )))
            }
            reviewerIDs = input.reviewerEmails.compactMap { known[$0] }
            if let call {
                let current = try await ExperienceStore.criteria(callID: call.id, on: env.db)
                gridChanged =
                    current.map { "\($0.label)|\($0.weight)" } != input.criteria.map { "\($0.label)|\($0.weight)" }
                    || call.max_score != input.maxScore
                if gridChanged, !(try await ExperienceStore.reviewScores(callID: call.id, on: env.db).isEmpty) {
                    errors.add(
                        "criteria",
                        actor.t(
                            Text(
                                "La grille ne change plus : des contributions ont déjà été notées avec elle.",
                                "The grid can no longer change: submissions were already scored with it.")))
                }
            }
        }
        guard errors.isEmpty, let input = parsed else { return .invalid(errors) }
        let personID = actor.personID, ids = reviewerIDs, replaceGrid = gridChanged, now = env.now
        return try await env.catalogueWrite { db -> SaveCallOutcome in
            guard let call else {
                let id = try await ExperienceStore.createCall(
                    title: input.title, territoryID: territory?.id, opens: input.window.opensOn.description,
                    closes: input.window.closesOn.description, audience: input.audience, criteria: input.criteria,
                    maxScore: input.maxScore, required: input.requiredReviews, reviewers: ids, by: personID,
                    body: input.body, now: now, on: db)
                try await AuditEntry.record(
                    actor: personID, territory: territory?.id, action: "experience_call.opened", subject: "call \(id)",
                    on: db)
                return .opened(callID: id)
            }
            try await ExperienceStore.updateCall(
                call.id, input: input, reviewers: ids, replaceGrid: replaceGrid, on: db)
            try await AuditEntry.record(
                actor: personID, territory: call.territory_id, action: "experience_call.changed",
                subject: "call \(call.id)", on: db)
            return .saved(callID: call.id)
        }
    }
}
