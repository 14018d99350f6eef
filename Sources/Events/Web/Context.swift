import Core
import Foundation
import NIOConcurrencyHelpers
import Fluent
import SQLKit
import Stats
import Vapor

/// The event of the URL as one visitor sees it.
struct EventContext: Sendable {
    let event: EventRecord
    let territory: TerritoryInfo
    let visit: Visit
    var manages: Bool {
        EventsPolicy.manages(
            rolesHere: visit.rolesHere, viewerID: visit.viewer?.personID, createdBy: event.created_by_id,
            kind: event.kind)
    }

    /// The event of the URL in the territory of the URL: 404 for an unknown or tampered id, an
    /// event of another territory, or a draft the visitor may not see.
    static func load(_ req: Request) async throws -> EventContext {
        guard let territory = req.visit.territory, let id = PathID.parse(req.parameters.get("event")),
            let event = try await EventStore.event(id, on: req.db), event.territory_id == territory.id
        else { throw Abort(.notFound) }
        let context = EventContext(event: event, territory: territory, visit: req.visit)
        if event.status == .draft, !context.manages { throw Abort(.notFound) }
        return context
    }

    /// The same, for organisers only (403 for the others).
    static func managed(_ req: Request) async throws -> EventContext {
        let context = try await load(req)
        guard context.manages else { throw Abort(.forbidden) }
        return context
    }

    var path: String { EventsPaths.event.link(territory.slug, event.id) }
}

enum EventsPages {

    /// The platform's refusal page, its way back leading to the event.
    static func refusal(_ req: Request, status: HTTPStatus, title: Text, message: Text, back: String? = nil) -> Response
    {
        req.refusal(
            status: status, title: title, message: message, back: back,
            backLabel: Text("Revenir à la rencontre", "Back to the event"))
    }

    static func links(_ req: Request, slug: String, eventID: Int, registrationID: Int) -> EventLinks {
        EventLinks(
            baseURL: req.agora.config.baseURL, slug: slug, eventID: eventID, registrationID: registrationID,
            signer: req.agora.signer)
    }

    /// "Brouillon", "Annulé", "Passé", or nothing for an upcoming published event.
    static func badge(_ event: EventRecord, now: Date, visit: Visit) -> HTML {
        if event.status == .cancelled {
            return "<strong class=\"badge badge-cancelled\">\(visit.t("Annulé", "Cancelled"))</strong> "
        }
        if event.status == .draft { return "<strong class=\"badge\">\(visit.t("Brouillon", "Draft"))</strong> " }
        if event.isPast(now: now) { return "<strong class=\"badge\">\(visit.t("Passé", "Past"))</strong> " }
        return .empty
    }

    static func calendarResponse(_ body: String, filename: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/calendar; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    /// A count beside its total, as the disclosure control lets it be shown: hidden, it reads
    /// "masqué" whether it is small or hidden with a small one (saying which would undo it).
    static func published(_ cell: Disclosure.Cell, visit: Visit) -> String {
        switch cell {
        case .shown(let value): View.number(value, lang: visit.lang)
        case .hidden: visit.t("masqué", "hidden")
        }
    }

    /// A count standing alone: a small one reads "moins de 5" (the territory's threshold).
    static func published(alone count: Int, _ disclosure: Disclosure, visit: Visit) -> String {
        disclosure.isSmall(count)
            ? visit.t("moins de \(disclosure.threshold)", "fewer than \(disclosure.threshold)")
            : View.number(count, lang: visit.lang)
    }
}

/// The agenda, the month view, the feed and event pages as an anonymous visitor sees them are
/// kept whole in Core's `PageCache` under the room's `Change` of the territory: they hold nothing
/// personal, and a busy agenda then costs no query. Every write of this room publishes that
/// change (`eventsChanged`), which drops them at once; another instance's writes show within the
/// cache's lifetime, two seconds (the figures they carry — seats left — are informative: a
/// registration is always decided by the database).
enum EventPageCache {
    /// The room's one name in the feed, shared with the use cases that publish its changes.
    static func change(_ territoryID: Int) -> Change { Change(room: EventsChange.room, territoryID: territoryID) }

    /// The key of a request: its path and query without the language (the language is part of it).
    static func key(_ req: Request) -> String {
        let query = (req.url.query ?? "").split(separator: "&").filter { !$0.hasPrefix("lang=") }.sorted().joined(
            separator: "&")
        return req.visit.lang.rawValue + " " + req.url.path + "?" + query
    }
}

extension Request {
    /// A page of the room for an anonymous visitor, kept whole for a moment (see `EventPageCache`).
    func anonymousPage(_ build: () async throws -> WebPage) async throws -> Response {
        guard visit.viewer == nil, visit.flash == nil else { return render(try await build()) }
        var built: WebPage?
        let territory = try visit.territoryHere()
        let kept = try await agora.pages.value(
            EventPageCache.change(territory.id), key: EventPageCache.key(self), now: now
        ) {
            let page = try await build()
            built = page
            return page.status == .ok && !page.hasErrors ? page.title + "\n" + page.main.rendered : nil
        }
        if let built { return render(built) }
        guard let kept, let cut = kept.firstIndex(of: "\n") else { return render(try await build()) }
        return render(
            WebPage(title: String(kept[..<cut]), main: HTML(unsafeRaw: String(kept[kept.index(after: cut)...]))))
    }

    /// After a write of the room: anonymous pages are built again.
    func eventsChanged() {
        guard let territory = visit.territory else { return }
        agora.changes.publish(EventPageCache.change(territory.id))
    }
}
