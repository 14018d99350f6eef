import Core
import Fluent
import Foundation
import Vapor

/// The territory's agenda: a filtered list, a month view, and the iCalendar feed.
enum AgendaPages {
    static let pageSize = 30

    static func register(_ router: RouteRegistrar) {
        router.get(EventsPaths.agenda, access: .everyone, use: list)
        router.get(EventsPaths.month, access: .everyone, use: month)
        router.get(EventsPaths.feed, access: .everyone) { req in
            let territory = try req.visit.territoryHere()
            // The same for everyone (published events only): kept a moment like anonymous pages.
            let body =
                try await req.agora.pages.value(EventPageCache.change(territory.id), key: "feed", now: req.now) {
                    let events = try await EventStore.feed(
                        territoryID: territory.id, since: req.now.addingTimeInterval(-90 * 86400), on: req.db)
                    let base = req.agora.config.baseURL
                    return ICS.calendar(
                        events.map { EventText.icsEvent($0, territory: territory, baseURL: base) },
                        name: "Agora Santé · \(territory.name)")
                } ?? ""
            return EventsPages.calendarResponse(body, filename: "evenements-\(territory.slug).ics")
        }
    }

    /// The filters read from the query string; unknown values are ignored.
    static func filter(_ query: [String: String], territory: TerritoryInfo) -> AgendaFilter {
        var filter = AgendaFilter()
        filter.past = query["quand"] == "passes"
        filter.kind = query["type"].flatMap(EventKind.init(rawValue:))
        filter.theme = query["theme"].flatMap(territory.themes.find)
        filter.access = query["accessibilite"].flatMap(AccessFeature.init(rawValue:))
        let codes = territory.communes.map(\.code)
        if let commune = query["commune"], codes.contains(commune) {
            if let km = query["rayon"].flatMap(Int.init), [5, 10, 20, 30].contains(km) {
                filter.communes = Distance.communes(within: Double(km), of: commune, among: codes) ?? [commune]
            } else {
                filter.communes = [commune]
            }
        }
        return filter
    }

    static func filterForm(
        _ visit: Visit, territory: TerritoryInfo, query: [String: String], action: String, keepMonth: String?
    ) -> HTML {
        let none = FormErrors()
        let communes = territory.communes.map { Form.Option($0.code, $0.name) }
        let radius =
            [Form.Option("", visit.t("cette commune seulement", "this municipality only"))]
            + [5, 10, 20, 30].map { Form.Option(String($0), visit.t("jusqu'à \($0) km", "within \($0) km")) }
        let month: HTML = keepMonth.map { "<input type=\"hidden\" name=\"mois\" value=\"\($0)\">" } ?? .empty
        return """
            <form method="get" action="\(action)" class="filters" aria-label="\(visit.t("Filtrer les rencontres", "Filter the events"))">\(month)
            \(Form.select(name: "commune", label: visit.t("Commune", "Municipality"), options: communes, selected: query["commune"], errors: none, visit: visit,
                      placeholder: visit.t("Toutes les communes", "All municipalities")))
            \(Form.select(name: "rayon", label: visit.t("Distance autour de la commune", "Distance around the municipality"), options: radius,
                      selected: query["rayon"], errors: none, visit: visit, placeholder: nil as String?))
            \(Form.select(name: "type", label: visit.t("Type", "Kind"), options: EventKind.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: query["type"], errors: none, visit: visit, placeholder: visit.t("Tous les types", "All kinds")))
            \(Form.select(name: "theme", label: visit.t("Thème", "Theme"), options: territory.themes.options(keeping: query["theme"].map { [$0] } ?? [], visit: visit),
                      selected: query["theme"], errors: none, visit: visit, placeholder: visit.t("Tous les thèmes", "All themes")))
            \(Form.select(name: "accessibilite", label: visit.t("Accessibilité", "Accessibility"),
                      options: AccessFeature.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                      selected: query["accessibilite"], errors: none, visit: visit, placeholder: visit.t("Sans exigence", "No requirement")))
            <button type="submit" class="button secondary">\(visit.t("Filtrer", "Filter"))</button>
            </form>
            """
    }

    static func item(_ event: EventRecord, territory: TerritoryInfo, now: Date, visit: Visit) -> HTML {
        let place = EventText.place(event, territory: territory)
        let where_: String = [place, event.online_url == nil ? "" : visit.t("en ligne", "online")].filter {
            !$0.isEmpty
        }.joined(separator: " · ")
        let seats: String =
            event.status == .published && !event.isPast(now: now)
            ? (event.seatsLeft > 0
                ? visit.t("\(event.seatsLeft) places restantes", "\(event.seatsLeft) seats left")
                : visit.t("Complet : liste d'attente", "Full: waiting list"))
            : ""
        let access = AccessFeature.from(mask: event.access_mask)
        let accessText: HTML =
            access.isEmpty
            ? .empty
            : "<p class=\"meta\">\(visit.t("Accessibilité", "Accessibility")) : \(access.map { visit.t($0.label) }.joined(separator: ", "))</p>"
        return """
            <li><h2><a href="\(EventsPaths.event.link(territory.slug, event.id))">\(event.title)</a></h2>\
            <p class="meta">\(EventsPages.badge(event, now: now, visit: visit))\(visit.t(event.kind.label)) · \(EventText.when(event, lang: visit.lang))</p>\
            <p class="meta">\(where_)\(seats.isEmpty ? "" : " · " + seats)</p>\(accessText)</li>
            """
    }

    /// The agenda's events for this visitor (drafts for the staff and their creators).
    static func fetch(
        _ req: Request, filter: AgendaFilter, now: Date, limit: Int, offset: Int
    ) async throws -> (events: [EventRecord], total: Int) {
        let visit = req.visit
        return try await EventStore.agenda(
            territoryID: (try visit.territoryHere()).id, filter: filter, viewerID: visit.viewer?.personID,
            staff: !visit.rolesHere.isDisjoint(with: EventsPolicy.staff), now: now, limit: limit, offset: offset,
            on: req.db)
    }

    /// `base` with the same filters and one value set (a page, a month); the language is left out.
    static func link(_ base: String, _ query: [String: String], set: (String, String)) -> String {
        var kept = query
        kept.removeValue(forKey: "lang")
        kept[set.0] = set.1
        return base + "?"
            + kept.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(
                separator: "&")
    }

    // MARK: - List

    @Sendable static func list(_ req: Request) async throws -> Response {
        try await req.anonymousPage { try await listPage(req) }
    }

    static func listPage(_ req: Request) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let query = req.queryFields()
        let filter = filter(query, territory: territory)
        let page = max(1, min(1000, query["page"].flatMap(Int.init) ?? 1))
        let now = req.now
        let (events, total) = try await fetch(
            req, filter: filter, now: now, limit: pageSize, offset: (page - 1) * pageSize)
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let title = visit.t("Forums et ateliers · \(territory.name)", "Forums and workshops · \(territory.name)")
        var actions: [HTML] = []
        if !visit.rolesHere.isDisjoint(with: EventsPolicy.creators) {
            actions.append(
                "<a class=\"button\" href=\"\(EventsPaths.new.link(territory.slug))\">\(visit.t("Créer une rencontre", "Create an event"))</a>"
            )
        }
        actions.append(
            "<a href=\"\(EventsPaths.month.link(territory.slug))\">\(visit.t("Voir par mois", "Month view"))</a>")
        actions.append(
            filter.past
                ? "<a href=\"\(EventsPaths.agenda.link(territory.slug))\">\(visit.t("Rencontres à venir", "Upcoming events"))</a>"
                : "<a href=\"\(EventsPaths.agenda.link(territory.slug))?quand=passes\">\(visit.t("Rencontres passées", "Past events"))</a>"
        )
        actions.append(
            "<a href=\"\(EventsPaths.feed.link(territory.slug))\">\(visit.t("S'abonner à l'agenda (iCalendar)", "Subscribe to the agenda (iCalendar)"))</a>"
        )
        let items = events.map { item($0, territory: territory, now: now, visit: visit) }
        let base = EventsPaths.agenda.link(territory.slug)
        let pager =
            pages > 1
            ? View.pager(page: page, pages: pages, visit: visit) { n in link(base, query, set: ("page", String(n))) }
            : .empty
        let main: HTML = """
            <h1>\(title)</h1>
            <p class="lead">\(visit.t("Des forums, des ateliers et des réunions près de chez vous, pour dire ce dont vous avez besoin et construire ensemble la santé du territoire. C'est gratuit et ouvert à tous.",
                                  "Forums, workshops and meetings near you, to say what you need and build the territory's health together. Free and open to all."))</p>
            <p class="actions">\(HTML.join(actions, separator: " "))</p>
            \(filterForm(visit, territory: territory, query: query, action: base, keepMonth: nil))
            <p role="status">\(visit.t("\(total) rencontre\(total > 1 ? "s" : "")", "\(total) event\(total == 1 ? "" : "s")"))</p>
            \(items.isEmpty ? "<p>\(visit.t("Aucune rencontre ne correspond.", "No event matches."))</p>" as HTML : "<ul class=\"proposal-list\">\(each: items)</ul>")
            \(pager)
            """
        return WebPage(title: title, main: main)
    }

    // MARK: - Month

    @Sendable static func month(_ req: Request) async throws -> Response {
        try await req.anonymousPage { try await monthPage(req) }
    }

    static func monthPage(_ req: Request) async throws -> WebPage {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let query = req.queryFields()
        let now = req.now
        let today = ParisTime.local(now)
        let chosen = MonthGrid.parse(query["mois"]) ?? (today.year, today.month)
        let grid = MonthGrid(year: chosen.year, month: chosen.month)
        var filter = filter(query, territory: territory)
        filter.range = grid.range
        let (events, _) = try await fetch(req, filter: filter, now: now, limit: 500, offset: 0)
        let byDay = Dictionary(grouping: events) { ParisTime.local($0.starts_at).day }
        let monthName = ParisTime.monthName(grid.month, french: visit.lang == .fr)
        let title = visit.t(
            "Agenda de \(monthName) \(grid.year) · \(territory.name)",
            "Agenda for \(monthName) \(grid.year) · \(territory.name)")
        let base = EventsPaths.month.link(territory.slug)
        func monthLink(_ m: (year: Int, month: Int)) -> String {
            link(base, query, set: ("mois", MonthGrid.key(m.year, m.month)))
        }
        let dayNames =
            visit.lang == .fr
            ? ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"]
            : ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        let head = dayNames.map { name -> HTML in
            "<th scope=\"col\"><abbr title=\"\(name)\">\(String(name.prefix(3)))</abbr></th>"
        }
        let rows = grid.weeks.map { week -> HTML in
            let cells = week.map { day -> HTML in
                guard let day else { return "<td class=\"empty\"></td>" }
                let list = (byDay[day] ?? []).map { event -> HTML in
                    "<li><a href=\"\(EventsPaths.event.link(territory.slug, event.id))\">\(ParisTime.timeText(event.starts_at, french: visit.lang == .fr)) \(event.title)</a></li>"
                }
                return
                    "<td><span class=\"day-number\">\(day)</span>\(list.isEmpty ? HTML.empty : "<ul>\(each: list)</ul>")</td>"
            }
            return "<tr>\(each: cells)</tr>"
        }
        let main: HTML = """
            <h1>\(title)</h1>
            <nav aria-label="\(visit.t("Mois", "Months"))"><ul class="pagination">\
            <li><a href="\(monthLink(grid.previous))" rel="prev">\(visit.t("← Mois précédent", "← Previous month"))</a></li>\
            <li><a href="\(EventsPaths.agenda.link(territory.slug))">\(visit.t("Voir en liste", "List view"))</a></li>\
            <li><a href="\(monthLink(grid.next))" rel="next">\(visit.t("Mois suivant →", "Next month →"))</a></li></ul></nav>
            \(filterForm(visit, territory: territory, query: query, action: base, keepMonth: MonthGrid.key(grid.year, grid.month)))
            <div class="table-wrap month-view" tabindex="0" role="region" aria-label="\(title)"><table><caption>\(monthName) \(grid.year)</caption>\
            <thead><tr>\(each: head)</tr></thead><tbody>\(each: rows)</tbody></table></div>
            \(events.isEmpty ? "<p>\(visit.t("Aucune rencontre ce mois-ci.", "No event this month."))</p>" as HTML : .empty)
            <p><a href="\(EventsPaths.agenda.link(territory.slug))">\(visit.t("Les mêmes rencontres en liste, avec leur lieu et leurs places", "The same events as a list, with their place and seats"))</a></p>
            """
        return WebPage(title: title, main: main)
    }
}
