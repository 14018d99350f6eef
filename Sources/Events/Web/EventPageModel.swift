import Core
import Foundation
import Vapor

/// What an event's page shows, read once by `load`: the event of the URL as this visitor sees it,
/// the visitor's own registration, and the rows only some visitors get (the assisted profiles for
/// who registers others, the people to call for the organiser of a cancelled event). The view,
/// `EventPages.view`, is a pure function of it and the visit.
struct EventPageModel: Sendable {
    /// The visitor's own registration: its state and the signed address of its page.
    struct MyRegistration: Sendable {
        let status: RegistrationStatus
        let path: String
    }

    let context: EventContext
    /// The moment the page is rendered for (past, registration window).
    let now: Date
    let mine: MyRegistration?
    /// The territory's assisted profiles, when the visitor may register someone else here and now
    /// (nil: the form is not shown).
    let assisted: [(id: Int, name: String, commune: String?)]?
    /// For the organiser of a cancelled event: the registrants without an e-mail address (nil
    /// otherwise).
    let toCall: [(name: String, phone: String?)]?
    let documents: [EventDocumentRow]

    var event: EventRecord { context.event }

    /// Whether the visit's roles may register someone else for this event at `now`.
    static func offersRegisteringOthers(_ context: EventContext, now: Date) -> Bool {
        let event = context.event
        let window = RegistrationWindow.state(
            opensOn: event.opens_on, closesOn: event.closes_on, start: event.starts_at, now: now)
        return !context.visit.rolesHere.isDisjoint(with: EventsPolicy.registerOthers) && event.status == .published
            && !event.isPast(now: now) && window == .open
    }

    /// Every query of the page, in the order the page always ran them: the visitor's registration
    /// (signed in), the assisted profiles (who registers others, while registration is open), the
    /// people to call (organiser, cancelled event), the documents.
    static func load(_ req: Request, context: EventContext) async throws -> EventPageModel {
        let event = context.event
        let now = req.now
        var mine: MyRegistration?
        if let viewer = context.visit.viewer,
            let record = try await EventStore.registration(eventID: event.id, personID: viewer.personID, on: req.db)
        {
            let links = EventsPages.links(
                req, slug: context.territory.slug, eventID: event.id, registrationID: record.id)
            mine = MyRegistration(status: record.status, path: links.minePath)
        }
        var assisted: [(id: Int, name: String, commune: String?)]?
        if offersRegisteringOthers(context, now: now) {
            assisted = try await EventStore.assistedProfiles(territoryID: context.territory.id, on: req.db)
        }
        var toCall: [(name: String, phone: String?)]?
        if context.manages, event.status == .cancelled {
            toCall = try await EventStore.withoutEmail(eventID: event.id, attendedOnly: false, on: req.db)
        }
        let documents = try await EventStore.documents(eventID: event.id, on: req.db)
        return EventPageModel(
            context: context, now: now, mine: mine, assisted: assisted, toCall: toCall, documents: documents)
    }
}
