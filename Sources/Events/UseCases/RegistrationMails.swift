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
