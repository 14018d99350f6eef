import Core
import Foundation

/// How an event is written in pages, mails and calendar files: its place, its time in Paris, its
/// `.ics`. Pure functions of the event's row and its territory.
public enum EventText {
    /// "Salle des fêtes, 2 rue de la Mairie, Vitré" and/or the online link, as text.
    public static func place(_ event: EventRecord, territory: TerritoryInfo) -> String {
        let commune = event.commune_code.flatMap { territory.commune(code: $0)?.name }
        return [event.room, event.address, commune].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
    }

    public static func when(_ event: EventRecord, lang: Lang) -> String {
        let french = lang == .fr
        let sameDay = ParisTime.local(event.starts_at).dayText == ParisTime.local(event.ends_at).dayText
        let end =
            sameDay
            ? ParisTime.timeText(event.ends_at, french: french) : ParisTime.longText(event.ends_at, french: french)
        return ParisTime.longText(event.starts_at, french: french) + (french ? " à " : " to ") + end
    }

    public static func icsEvent(_ event: EventRecord, territory: TerritoryInfo, baseURL: String) -> ICS.Event {
        let location = [place(event, territory: territory), event.online_url ?? ""].filter { !$0.isEmpty }.joined(
            separator: " · ")
        return ICS.Event(
            uid: ICS.uid("event-\(event.id)", baseURL: baseURL), start: event.starts_at, end: event.ends_at,
            summary: event.title, description: event.description, location: location,
            url: baseURL + EventsPaths.event.link(territory.slug, event.id),
            cancelled: event.status == .cancelled, sequence: event.calendar_sequence, lastModified: event.updated_at)
    }

    /// The event's calendar file, to join to an e-mail sent to `attendee`: an invitation
    /// (`METHOD:REQUEST`), or its cancellation (`METHOD:CANCEL`) once the event is cancelled; the
    /// platform's sender address is the organiser.
    public static func icsAttachment(
        _ event: EventRecord, territory: TerritoryInfo, baseURL: String, sender: String, attendee: String, now: Date
    ) -> MailAttachment {
        let invitation = ICS.Invitation(organizer: sender, attendee: attendee)
        let events = [icsEvent(event, territory: territory, baseURL: baseURL)]
        return MailAttachment.calendar(
            ICS.calendar(events, name: event.title, now: now, invitation: invitation),
            filename: "rencontre-\(event.id).ics", method: ICS.method(of: events, invitation: invitation))
    }
}

extension EventInput {
    /// Whether saving this form changes what a calendar shows of `event`: its time, place, title
    /// or text (then the `.ics` file's `SEQUENCE` grows).
    public func changesCalendar(of event: EventRecord) -> Bool {
        start != event.starts_at || end != event.ends_at || title != event.title || description != event.description
            || (communeCode ?? "") != (event.commune_code ?? "") || (address ?? "") != (event.address ?? "")
            || (room ?? "") != (event.room ?? "") || (onlineURL ?? "") != (event.online_url ?? "")
    }
}

/// Small pieces of French that depend on a number.
public enum FrenchText {
    /// 1 → "1re" (position, rang: feminine), 2 → "2e", 10 → "10e".
    public static func ordinal(_ n: Int) -> String { n == 1 ? "1re" : "\(n)e" }

    /// How many people come before on a waiting list, as a sentence (empty for none: the first
    /// needs no such sentence).
    public static func peopleAhead(_ n: Int) -> String {
        switch n {
        case ..<1: ""
        case 1: "Une personne est avant vous."
        default: "\(n) personnes sont avant vous."
        }
    }
}
