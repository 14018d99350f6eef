import Core
import Fluent
import Foundation

/// The mails of a registration, in French then English, each with the event's calendar file
/// joined (and linked) and the signed page of the registration (its QR code for the check-in, its
/// one-click cancel). Written to the outbox inside the caller's transaction.
struct RegistrationMails: Sendable {
    let env: UseCaseEnvironment
    let territory: TerritoryInfo

    func links(_ event: EventRecord, registrationID: Int) -> EventLinks {
        EventLinks(
            baseURL: env.baseURL, slug: territory.slug, eventID: event.id, registrationID: registrationID,
            signer: env.signer)
    }

    func calendar(_ event: EventRecord) -> MailAttachment {
        EventText.icsAttachment(event, territory: territory, baseURL: env.baseURL)
    }

    /// The confirmation of a seat, or of a place on the waiting list.
    func confirmation(
        to email: String, event: EventRecord, registrationID: Int, status: RegistrationStatus, on db: any Database
    ) async throws {
        let links = links(event, registrationID: registrationID)
        let place = EventText.place(event, territory: territory)
        let waiting = status == .waiting
        let opening =
            waiting
            ? "C'est complet : vous êtes sur la liste d'attente de « \(event.title) ». Si une place se libère, "
                + "vous serez inscrit·e automatiquement et prévenu·e par e-mail."
            : "Votre inscription à « \(event.title) » est confirmée."
        let english =
            waiting
            ? "It is full: you are on the waiting list of “\(event.title)”."
            : "Your registration for “\(event.title)” is confirmed."
        try await Mailer.enqueue(
            to: email, subject: waiting ? "Liste d'attente : \(event.title)" : "Inscription confirmée : \(event.title)",
            body: """
                Bonjour,

                \(opening)
                Quand : \(EventText.when(event, lang: .fr)) (heure de Paris)
                \(place.isEmpty ? "" : "Où : \(place)\n")\(event.online_url.map { "En ligne : \($0)\n" } ?? "")
                Ajouter à votre agenda : le fichier .ics est joint à ce message ; il est aussi ici : \(links.ics)
                Votre inscription, avec le code à montrer à l'accueil : \(links.mine)
                Vous ne pouvez plus venir ? Annulez en un clic pour laisser la place : \(links.mine)

                \(english) Calendar file (attached): \(links.ics)
                """,
            attachments: [calendar(event)], on: db)
    }

    /// Tells the people who moved up from the waiting list.
    func promotions(_ promoted: [RegistrationRecord], event: EventRecord, on db: any Database) async throws {
        let title = event.title
        for row in promoted {
            guard let email = row.email else { continue }
            let links = links(event, registrationID: row.id)
            try await Mailer.enqueue(
                to: email, subject: "Une place s'est libérée : \(title)",
                body: """
                    Bonjour,

                    Une place s'est libérée : vous êtes maintenant inscrit·e à « \(title) », \(ParisTime.longText(event.starts_at, french: true)).
                    Ajouter à votre agenda : le fichier .ics est joint à ce message ; il est aussi ici : \(links.ics)
                    Votre inscription : \(links.mine)
                    Vous ne pouvez plus venir ? Annulez en un clic : \(links.mine)

                    A seat freed up: you are now registered for “\(title)”. The calendar file is attached.
                    """,
                attachments: [calendar(event)], on: db)
        }
    }
}

/// Sends the reminder of every event starting in the next 30 hours to its registered people who
/// have an address and were not reminded yet; idempotent (`reminded_at`). People told less than
/// 12 hours before the start (`ReminderRule`) are marked without a mail: their confirmation is
/// fresh. Run every ten minutes by the server and by `agora event-reminders`.
public enum SendReminders {
    public static func run(
        territory: @escaping @Sendable (Int) -> TerritoryInfo?, env: UseCaseEnvironment
    ) async throws -> Int {
        let now = env.now
        let due = try await EventStore.dueReminders(now: now, on: env.db)
        var events: [Int: EventRecord] = [:]
        var sent = 0
        for row in due {
            if events[row.event_id] == nil {
                events[row.event_id] = try await EventStore.event(row.event_id, on: env.db)
            }
            guard let event = events[row.event_id], let place = territory(event.territory_id) else { continue }
            let remind = ReminderRule.due(
                start: event.starts_at, toldAt: max(row.created_at, row.promoted_at ?? row.created_at), now: now)
            let mails = RegistrationMails(env: env, territory: place)
            let queued: Bool = try await env.db.transaction { tx in
                guard try await EventStore.claimReminder(registrationID: row.id, now: now, on: tx), remind else {
                    return false
                }
                try await mails.reminder(to: row.email, event: event, registrationID: row.id, now: now, on: tx)
                return true
            }
            if queued { sent += 1 }
        }
        return sent
    }
}

extension RegistrationMails {
    /// The reminder, the day before.
    func reminder(
        to email: String, event: EventRecord, registrationID: Int, now: Date, on db: any Database
    ) async throws {
        let links = links(event, registrationID: registrationID)
        let whereText = [EventText.place(event, territory: territory), event.online_url ?? ""].filter { !$0.isEmpty }
            .joined(separator: " · ")
        let day = ReminderRule.day(start: event.starts_at, now: now, french: true)
        let dayInEnglish = ReminderRule.day(start: event.starts_at, now: now, french: false)
        try await Mailer.enqueue(
            to: email, subject: "Rappel : \(event.title) \(day)",
            body: """
                Bonjour,

                Rappel : vous êtes inscrit·e à « \(event.title) », \(day), \(ParisTime.longText(event.starts_at, french: true)) (heure de Paris).
                \(whereText.isEmpty ? "" : "Lieu : \(whereText)\n")
                Le fichier d'agenda (.ics) est joint à ce message ; il est aussi ici : \(links.ics)
                Votre inscription (code d'accueil) : \(links.mine)
                Vous ne pouvez plus venir ? Annulez en un clic pour laisser la place : \(links.mine)

                Reminder: you are registered for “\(event.title)”, \(dayInEnglish), \(ParisTime.longText(event.starts_at, french: false)) (Paris time). The calendar file is attached.
                """, attachments: [calendar(event)], on: db)
    }
}
