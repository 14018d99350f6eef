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
            uid: "event-\(event.id)@agora-sante", start: event.starts_at, end: event.ends_at, summary: event.title,
            description: event.description, location: location,
            url: baseURL + EventsPaths.event.link(territory.slug, event.id),
            cancelled: event.status == .cancelled)
    }

    /// The event's calendar file, to join to an e-mail.
    public static func icsAttachment(_ event: EventRecord, territory: TerritoryInfo, baseURL: String) -> MailAttachment
    {
        MailAttachment.calendar(
            ICS.calendar([icsEvent(event, territory: territory, baseURL: baseURL)], name: event.title),
            filename: "rencontre-\(event.id).ics")
    }
}
