import Core
import Fluent
import Foundation

/// What became of a decision on a submission.
enum DecisionOutcome: Sendable, Equatable {
    /// The submission moved to this status; its authors were told by mail.
    case decided(ExperienceStatus)
    /// The status or the message is wrong, said next to its field.
    case invalid(FormErrors)
    /// Only the call's organisers decide.
    case notOrganiser
    /// An organiser who is an author of the submission: another organiser decides.
    case ownSubmission
}

/// An organiser decides a submission's status (asks for information, selects, publishes,
/// refuses…): the status, the message to the authors, their mails and the audit entry are written
/// in one transaction with the catalogue's version.
enum DecideSubmission {
    static func run(
        fields: [String: String], submission context: SubmissionContext, env: UseCaseEnvironment
    ) async throws -> DecisionOutcome {
        let actor = context.call.actor
        guard context.call.allows(.manageCall) else { return .notOrganiser }
        guard context.allows(.decide) else { return .ownSubmission }
        var errors = FormErrors()
        let current = context.status
        let target = ExperienceStatus(rawValue: fields["status"] ?? "")
        let message = (fields["message"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let target {
            if !ExperienceStatus.transition(from: current, to: target) {
                errors.add(
                    "status",
                    actor.t(
                        Text(
                            "Une contribution « \(current.label.fr) » ne peut pas passer à « \(target.label.fr) ».",
                            "A submission “\(current.label.en)” cannot move to “\(target.label.en)”.")))
            }
            if target == .moreInfo, message.isEmpty {
                errors.add(
                    "message",
                    actor.t(
                        Text(
                            "Écrivez les précisions que vous demandez : elles sont envoyées aux auteur·rices.",
                            "Write the information you ask for: it is sent to the authors.")))
            }
        } else {
            errors.add(
                "status",
                actor.t(Text("Choisissez le nouvel état dans la liste.", "Choose the new status from the list.")))
        }
        if message.count > 4000 {
            errors.add("message", actor.t(Text("4000 caractères au plus.", "4000 characters at most.")))
        }
        guard errors.isEmpty, let target else { return .invalid(errors) }

        let record = context.record, call = context.call.call, personID = actor.personID
        let emails = context.authorEmails, now = env.now
        let link = env.absolute(ExperiencesPaths.submission.link(call.id, record.id))
        let remarkable = ExperienceStatus.marksRemarkable(from: current, to: target)
        try await env.catalogueWrite { db in
            try await ExperienceStore.setStatus(record.id, to: target, remarkable: remarkable, now: now, on: db)
            if !message.isEmpty {
                try await ExperienceStore.addMessage(
                    record.id, kind: "question", body: message, by: personID, now: now, on: db)
            }
            try await AuditEntry.record(
                actor: personID, territory: call.territory_id, action: "experience.status",
                subject: "experience \(record.id): \(record.status) → \(target.rawValue)", on: db)
            let subject =
                target == .moreInfo
                ? "Précisions demandées : \(record.title)" : "Votre contribution : \(target.label.fr)"
            let intro =
                target == .moreInfo
                ? "Les organisateurs de l'appel « \(call.title) » vous demandent des précisions sur votre contribution « \(record.title) » :\n\n\(message)\n\nRépondez sur la page de la contribution"
                : "Votre contribution « \(record.title) » à l'appel « \(call.title) » est maintenant : \(target.label.fr).\(message.isEmpty ? "" : "\n\n\(message)")\n\nLa suivre"
            for email in emails {
                try await Mailer.enqueue(to: email, subject: subject, body: "Bonjour,\n\n\(intro) : \(link)\n", on: db)
            }
        }
        return .decided(target)
    }
}

/// What became of a reviewer's scores.
enum ScoreOutcome: Sendable, Equatable {
    case scored
    /// A score is missing or out of the grid, said next to its field.
    case invalid(FormErrors)
    /// Not a reviewer of this call, an author of the submission, or its review is closed.
    case refused(ReviewRights)
}

/// A reviewer of the call scores a submission on the call's grid (replacing their earlier
/// scores); a submission just sent moves to "under review".
enum ScoreSubmission {
    static func run(
        fields: [String: String], submission context: SubmissionContext, env: UseCaseEnvironment
    ) async throws -> ScoreOutcome {
        let rights = ReviewRights.check(
            isReviewerOfCall: context.call.reviews, isAuthor: context.isAuthor, status: context.status)
        guard rights == .allowed, context.allows(.score), let reviewer = context.call.viewerID else {
            return .refused(rights == .allowed ? .notReviewerOfCall : rights)
        }
        let grid = try await ReviewGrid.of(context.call.call, on: env.db)
        switch grid.validate(fields: fields, lang: context.call.actor.lang) {
        case .failure(let box): return .invalid(box.errors)
        case .success(let (scores, comments)):
            let id = context.record.id, weighted = grid.weightedScore(scores), now = env.now
            let moveToReview = context.status == .submitted
            try await env.catalogueWrite { db in
                try await ExperienceStore.saveReview(
                    experienceID: id, reviewerID: reviewer, scores: scores, comments: comments, weighted: weighted,
                    now: now, on: db)
                if moveToReview { try await ExperienceStore.setStatus(id, to: .underReview, now: now, on: db) }
            }
            return .scored
        }
    }
}

extension ReviewGrid {
    /// The grid of a call: its criteria and its maximum score.
    static func of(_ call: CallRecord, on db: any Database) async throws -> ReviewGrid {
        ReviewGrid(criteria: try await ExperienceStore.criteria(callID: call.id, on: db), maxScore: call.max_score)
    }
}

/// What became of a reviewer added to a call.
enum AddReviewerOutcome: Sendable, Equatable {
    case added(personID: Int)
    /// Not an address, or no account has it.
    case invalid(FormErrors)
    /// Only the call's organisers choose its reviewers.
    case forbidden
}

/// An organiser adds a reviewer to the call by the e-mail address of their account, in the
/// audit trail.
enum AddReviewer {
    static func run(
        email raw: String, call context: CallContext, env: UseCaseEnvironment
    ) async throws
        -> AddReviewerOutcome
    {
        guard context.allows(.manageCall) else { return .forbidden }
        let actor = context.actor
        let email = EmailAddress.normalize(raw)
        var errors = FormErrors()
        let person =
            EmailAddress.isValid(email) ? try await ExperienceStore.people(emails: [email], on: env.db)[email] : nil
        if !EmailAddress.isValid(email) {
            errors.add(
                "email",
                actor.t(
                    Text(
                        "Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.",
                        "Write a full e-mail address, e.g. name@example.org.")))
        } else if person == nil {
            errors.add(
                "email",
                actor.t(
                    Text(
                        "Aucun compte pour \(email) : demandez à la personne de créer son compte, puis ajoutez-la.",
                        "No account for \(email): ask the person to sign up, then add them.")))
        }
        guard errors.isEmpty, let person else { return .invalid(errors) }
        let call = context.call
        try await env.db.transaction { db in
            try await ExperienceStore.addReviewers([person], callID: call.id, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: call.territory_id, action: "experience_call.reviewer_added",
                subject: "call \(call.id): person \(person)", on: db)
        }
        return .added(personID: person)
    }
}
