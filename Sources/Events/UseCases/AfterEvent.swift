import Core
import Fluent
import Foundation
import Questionnaires

/// The organiser writes the public minutes of the event.
public enum SaveMinutes {
    public enum Outcome: Sendable, Equatable {
        case saved
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ fields: [String: String], event: EventRecord, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        var errors = FormErrors()
        let minutes = TextRule.optional(fields, "minutes", maxLength: 20000, errors: &errors, lang: actor.lang)
        guard errors.isEmpty else { return .invalid(errors) }
        let now = env.now
        try await env.db.transaction { db in
            try await EventStore.setMinutes(minutes, eventID: event.id, at: now, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "event.minutes", subject: "event \(event.id)",
                on: db)
        }
        env.changed(EventsChange.room, territoryID: territory.id)
        return .saved
    }
}

/// The organiser adds a document (PDF, JPEG or PNG, recognised by its content) to the event.
public enum AddEventDocument {
    public enum Outcome: Sendable, Equatable {
        case added
        case invalid(FormErrors)
        case forbidden
    }

    public static func run(
        _ file: (bytes: [UInt8], filename: String)?, event: EventRecord, territory: TerritoryInfo, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        var errors = FormErrors()
        guard let file, !file.bytes.isEmpty else {
            errors.add("file", actor.t(Text("Choisissez un fichier.", "Choose a file.")))
            return .invalid(errors)
        }
        switch AttachmentCheck.check(file.bytes, filename: file.filename) {
        case .failure(let refusal):
            errors.add("file", actor.t(refusal.message))
            return .invalid(errors)
        case .success(let checked):
            let now = env.now
            try await env.db.transaction { db in
                try await EventStore.insertDocument(
                    eventID: event.id, name: checked.name, kind: checked.kind.rawValue, bytes: file.bytes, at: now,
                    on: db)
                try await AuditEntry.record(
                    actor: actor.personID, territory: territory.id, action: "event.document",
                    subject: "event \(event.id)", on: db)
            }
            env.changed(EventsChange.room, territoryID: territory.id)
            return .added
        }
    }
}

/// E-mails the chosen questionnaire's link (carrying the event) to every attendee with an
/// address who has not had it yet (audited); refused before the event or when nobody came. Once
/// sent, the questionnaire stays the one chosen.
public enum SendFeedback {
    public enum Outcome: Sendable, Equatable {
        /// `sent` e-mails (0: chosen, but nobody who came has an address).
        case sent(Int)
        /// Not open, not the territory's, or no choice.
        case invalid(FormErrors)
        /// Too early, nobody came, or everybody reachable already has it.
        case refused(FormErrors)
        case forbidden
    }

    public static func run(
        questionnaire raw: String?, event: EventRecord, territory: TerritoryInfo, actor: Actor, env: UseCaseEnvironment
    ) async throws -> Outcome {
        guard EventsPolicy.allows(actor, .manage, on: event) else { return .forbidden }
        func error(_ text: Text) -> FormErrors {
            var errors = FormErrors()
            errors.add("questionnaire", actor.t(text))
            return errors
        }
        let state = try await EventStore.feedbackState(eventID: event.id, on: env.db)
        if let refusal = FeedbackLink.refusal(
            start: event.starts_at, status: event.status, attended: state.attended, now: env.now)
        {
            return .refused(error(refusal))
        }
        let existing = FeedbackLink.questionnaireID(in: event.feedback_url, slug: territory.slug)
        let locked = existing != nil && event.feedback_sent_count > 0
        let wanted = locked ? existing : PathID.parse(raw)
        guard let wanted,
            let questionnaire = try await QuestionnaireStore.load(wanted, territoryID: territory.id, on: env.db),
            questionnaire.status == .published
        else {
            return .invalid(
                error(
                    Text(
                        "Choisissez un questionnaire ouvert aux réponses du territoire.",
                        "Choose a questionnaire of the territory that is open for answers.")))
        }
        if locked && state.pending == 0 {
            return .refused(
                error(
                    Text(
                        "Le questionnaire a déjà été envoyé à toutes les personnes venues qui ont une adresse e-mail.",
                        "The questionnaire was already sent to every attendee with an e-mail address.")))
        }
        let path = FeedbackLink.path(slug: territory.slug, questionnaireID: questionnaire.id, eventID: event.id)
        let link = env.baseURL + path
        let now = env.now
        let body = """
            Bonjour,

            Merci d'être venu·e à « \(event.title) ». Donnez-nous votre avis en quelques minutes, c'est anonyme : \(link)

            Thank you for coming. Tell us what you thought (anonymous): \(link)
            """
        let sent: Int = try await env.db.transaction { db in
            let addresses = try await EventStore.claimFeedback(eventID: event.id, at: now, on: db)
            for address in addresses {
                try await Mailer.enqueue(to: address, subject: "Votre avis sur « \(event.title) »", body: body, on: db)
            }
            let sent = addresses.count
            try await EventStore.recordFeedback(
                eventID: event.id, path: path, sentAt: sent > 0 ? now : event.feedback_sent_at, sent: sent, on: db)
            try await AuditEntry.record(
                actor: actor.personID, territory: territory.id, action: "event.feedback",
                subject: "event \(event.id): questionnaire \(questionnaire.id), \(sent) e-mails", on: db)
            return sent
        }
        env.changed(EventsChange.room, territoryID: territory.id)
        return .sent(sent)
    }
}
