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

    /// The event's calendar file for `attendee`: an invitation, or a cancellation once the event
    /// is cancelled.
    func calendar(_ event: EventRecord, attendee: String) -> MailAttachment {
        EventText.icsAttachment(
            event, territory: territory, baseURL: env.baseURL, sender: env.sender, attendee: attendee, now: env.now)
    }

    /// The confirmation of a seat, or of a place on the waiting list. A person on the waiting list
    /// has no seat: the mail says what that means (their place in the list, the e-mail that will
    /// come if a seat frees up, how to leave the list), shows no check-in code and joins no
    /// invitation.
    func confirmation(
        to email: String, event: EventRecord, registrationID: Int, status: RegistrationStatus,
        waitingPosition: Int? = nil, on db: any Database
    ) async throws {
        let links = links(event, registrationID: registrationID)
        let place = EventText.place(event, territory: territory)
        let whereLines =
            (place.isEmpty ? "" : "Où : \(place)\n") + (event.online_url.map { "En ligne : \($0)\n" } ?? "")
        let when = EventText.when(event, lang: .fr)
        guard status == .waiting else {
            try await Mailer.enqueue(
                to: email, subject: "Inscription confirmée : \(event.title)",
                body: """
                    Bonjour,

                    Votre inscription à « \(event.title) » est confirmée.
                    Quand : \(when) (heure de Paris)
                    \(whereLines)
                    Ajouter à votre agenda : le fichier .ics est joint à ce message ; il est aussi ici : \(links.ics)
                    Votre inscription, avec le code à montrer à l'accueil : \(links.mine)
                    Vous ne pouvez plus venir ? Annulez en un clic pour laisser la place : \(links.mine)

                    Your registration for “\(event.title)” is confirmed. Calendar file (attached): \(links.ics)
                    """,
                attachments: [calendar(event, attendee: email)], on: db)
            return
        }
        let body = Self.waitingListBody(
            title: event.title, when: when, whereLines: whereLines, position: waitingPosition, mine: links.mine)
        try await Mailer.enqueue(to: email, subject: "Liste d'attente : \(event.title)", body: body, on: db)
    }

    /// The mail of a person put on the waiting list (a pure function of its parts, tested).
    static func waitingListBody(
        title: String, when: String, whereLines: String, position: Int?, mine: String
    ) -> String {
        let rankFR = position.map { " ; vous êtes en \(FrenchText.ordinal($0)) position" } ?? ""
        let ahead = position.map { FrenchText.peopleAhead($0 - 1) } ?? ""
        let rankEN = position.map { " (number \($0) in line)" } ?? ""
        return """
            Bonjour,

            La rencontre « \(title) » est complète : vous êtes sur sa liste d'attente\(rankFR).\(ahead.isEmpty ? "" : " \(ahead)")
            Vous n'avez donc pas encore de place. Si une place se libère (une personne annule, ou l'équipe ajoute des places), \
            les personnes de la liste sont inscrites dans l'ordre : vous recevrez alors un e-mail qui confirme votre place. \
            Sans cet e-mail, vous n'avez pas de place.
            Quand : \(when) (heure de Paris)
            \(whereLines)
            Où en est votre demande : \(mine)
            Vous ne voulez plus attendre ? Retirez-vous de la liste d'attente en un clic, à la même adresse : \(mine)

            The event “\(title)” is full: you are on its waiting list\(rankEN) and have no seat yet. If a seat frees up, \
            people are registered in the order of the list and you will get an e-mail confirming your seat. \
            To leave the waiting list: \(mine)
            """
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
                attachments: [calendar(event, attendee: email)], on: db)
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
                """, attachments: [calendar(event, attendee: email)], on: db)
    }
}
