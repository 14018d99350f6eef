import Core
import Foundation
import Vapor

/// The public catalogue: search and filters, each experience's citable page, open-data exports.
/// Everything here is served from the in-memory `Catalogue` (no query per request).
enum CataloguePages {
    static func register(_ router: RouteRegistrar) {
        router.get(ExperiencesPaths.catalogue, access: .everyone, use: list)
        router.get(ExperiencesPaths.experience, access: .everyone, use: show)
        router.get(ExperiencesPaths.exportCSV, access: .everyone) { req in
            let body = try await req.application.experienceCatalogue.fragment("export.csv", on: req.db) { entries in
                csv(entries, base: req.agora.config.baseURL)
            }
            return download(body, type: "text/csv; charset=utf-8", name: "experiences-participatives.csv")
        }
        router.get(ExperiencesPaths.exportJSON, access: .everyone) { req in
            let body = try await req.application.experienceCatalogue.fragment("export.json", on: req.db) { entries in
                json(entries, base: req.agora.config.baseURL)
            }
            return download(body, type: "application/json; charset=utf-8", name: "experiences-participatives.json")
        }
    }

    static func download(_ body: String, type: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: type)
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    // MARK: - List

    @Sendable static func list(_ req: Request) async throws -> Response {
        let visit = req.visit
        let lang = visit.lang.rawValue
        let query = CatalogueQuery(query: req.queryFields())
        let catalogue = req.application.experienceCatalogue
        let (rows, total, years, version) = try await catalogue.list(query, on: req.db)
        // The page holds nothing personal (a GET form, no token): kept whole per language and
        // canonical query for the catalogue's version, like its items.
        let main = catalogue.fragments(["list/\(lang)/\(query.queryString(page: query.page))"], version: version) { _ in
            listMain(
                visit: visit, query: query, rows: rows, total: total, years: years, version: version,
                catalogue: catalogue
            ).rendered
        }[0]
        return req.render(
            WebPage(
                title: visit.t("Catalogue des expériences", "Catalogue of experiences"), main: HTML(unsafeRaw: main)))
    }

    static func listMain(
        visit: Visit, query: CatalogueQuery, rows: [Catalogue.Entry], total: Int, years: [Int], version: Int,
        catalogue: Catalogue
    ) -> HTML {
        let lang = visit.lang.rawValue
        let pages = max(1, (total + CatalogueQuery.pageSize - 1) / CatalogueQuery.pageSize)
        // Items depend only on the experience and the language: rendered (and escaped) by `item`
        // once per version of the catalogue.
        let items = catalogue.fragments(rows.map { "item/\($0.record.id)/\(lang)" }, version: version) {
            item(rows[$0], visit: visit).rendered
        }
        .map { HTML(unsafeRaw: $0) }
        // The option lists depend only on the language and the catalogue's years: rendered once
        // per version, the chosen option marked per request.
        func select<T>(
            _ name: String, _ label: String, all: String, _ values: [T], value: @escaping (T) -> String,
            text: @escaping (T) -> String, selected: String?
        ) -> HTML {
            let options = catalogue.fragments(["filter/\(lang)/\(name)"], version: version) { _ in
                HTML.join(values.map { "<option value=\"\(value($0))\">\(text($0))</option>" as HTML }).rendered
            }[0]
            return """
                <div class="field"><label for="filtre-\(name)">\(label)</label><select id="filtre-\(name)" name="\(name)"><option value="">\(all)</option>\
                \(Form.selecting(selected, in: HTML(unsafeRaw: options)))</select></div>
                """
        }
        let base = ExperiencesPaths.catalogue.link()
        let filters: HTML = """
            <form method="get" action="\(base)" class="filters" role="search" aria-label="\(visit.t("Chercher dans le catalogue", "Search the catalogue"))">
            <div class="field"><label for="recherche">\(visit.t("Mots-clés", "Keywords"))</label><input id="recherche" name="q" type="search" value="\(query.text)"></div>
            \(select("contexte", visit.t("Contexte", "Context"), all: visit.t("Tous les contextes", "All contexts"), ExperienceContext.allCases, value: \.rawValue, text: { visit.t($0.label) }, selected: query.context?.rawValue))
            \(select("niveau", visit.t("Niveau d'engagement", "Level of engagement"), all: visit.t("Tous les niveaux", "All levels"), EngagementLevel.allCases, value: \.rawValue, text: { visit.t($0.label) }, selected: query.level?.rawValue))
            \(select("theme", visit.t("Thème", "Theme"), all: visit.t("Tous les thèmes", "All themes"), ExperienceTheme.allCases, value: \.rawValue, text: { visit.t($0.label) }, selected: query.theme?.rawValue))
            \(select("region", visit.t("Région", "Region"), all: visit.t("Toutes les régions", "All regions"), Region.sorted, value: \.rawValue, text: \.name, selected: query.region?.rawValue))
            \(select("population", visit.t("Public concerné", "Population involved"), all: visit.t("Tous les publics", "All populations"), Population.allCases, value: \.rawValue, text: { visit.t($0.label) }, selected: query.population?.rawValue))
            \(select("annee", visit.t("Année de début", "Starting year"), all: visit.t("Toutes les années", "All years"), years, value: { String($0) }, text: { String($0) }, selected: query.year.map(String.init)))
            <div class="field checkbox"><input id="filtre-remarquables" name="remarquables" type="checkbox" value="1"\(attr: "checked", when: query.remarkableOnly)><label for="filtre-remarquables">\(visit.t("Seulement les expériences remarquables", "Remarkable experiences only"))</label></div>
            \(Form.submit(visit.t("Afficher", "Show")))
            </form>
            """
        let main: HTML = """
            <h1>\(visit.t("Catalogue des expériences participatives en santé", "Catalogue of participatory experiences in health"))</h1>
            <p class="lead">\(visit.t("Des démarches où usagers, patients, personnes accompagnées et professionnels ont travaillé ensemble, recueillies par des appels à expériences et relues. Les expériences remarquables sont signalées.",
                                  "Approaches where users, patients, people supported and professionals worked together, collected through calls for experiences and reviewed. Remarkable experiences are marked."))</p>
            <p class="actions no-print"><a href="\(ExperiencesPaths.calls.link())">\(visit.t("Les appels en cours", "Current calls"))</a> \
            <a href="\(ExperiencesPaths.exportCSV.link())" download>\(visit.t("Télécharger le catalogue (CSV)", "Download the catalogue (CSV)"))</a> \
            <a href="\(ExperiencesPaths.exportJSON.link())" download>\(visit.t("Télécharger le catalogue (JSON)", "Download the catalogue (JSON)"))</a></p>
            \(filters)
            <h2 class="visually-hidden">\(visit.t("Résultats", "Results"))</h2>
            <p role="status">\(visit.t("\(View.number(total, lang: .fr)) expérience\(total > 1 ? "s" : "")", "\(total) experience\(total == 1 ? "" : "s")"))</p>
            \(rows.isEmpty ? "<p>\(visit.t("Aucune expérience ne correspond à ces critères.", "No experience matches these criteria."))</p>" as HTML : "<ul class=\"proposal-list\">\(each: items)</ul>")
            \(View.pager(page: query.page, pages: pages, visit: visit) { base + query.queryString(page: $0) })
            """
        return main
    }

    static func item(_ entry: Catalogue.Entry, visit: Visit) -> HTML {
        let record = entry.record
        let context = record.context.flatMap(ExperienceContext.init(rawValue:)).map { visit.t($0.label) } ?? ""
        let level = record.level.flatMap(EngagementLevel.init(rawValue:)).map { visit.t($0.label) } ?? ""
        let region = record.region.flatMap(Region.init(rawValue:))?.name ?? ""
        let badge: HTML =
            record.remarkable ? "<span class=\"badge\">\(visit.t("Remarquable", "Remarkable"))</span> " : ""
        let summary = record.summary.count > 200 ? String(record.summary.prefix(197)) + "…" : record.summary
        return """
            <li\(record.remarkable ? " class=\"remarkable\"" as HTML : "")><h2><a href="\(ExperiencesPaths.experience.link(entry.slugged))">\(record.title)</a></h2>\
            <p class="meta">\(badge)\(context) · \(level) · \(region)\(record.start_year.map { " · \($0)" } ?? "")</p><p>\(summary)</p></li>
            """
    }

    // MARK: - An experience

    @Sendable static func show(_ req: Request) async throws -> Response {
        guard let id = Slug.id(req.parameters.get("experience")),
            let entry = try await req.application.experienceCatalogue.entry(id, on: req.db)
        else { throw Abort(.notFound) }
        if req.parameters.get("experience") != entry.slugged {
            // the title changed: the id still leads here
            return req.redirect(to: ExperiencesPaths.experience.link(entry.slugged), redirectType: .permanent)
        }
        let visit = req.visit
        let base = req.agora.config.baseURL
        let main = try await req.application.experienceCatalogue.fragment(
            "page/\(id)/\(visit.lang.rawValue)", on: req.db
        ) { _ in
            page(entry, visit: visit, base: base).rendered
        }
        // rendered (escaped) by `page` for this version
        return req.render(WebPage(title: entry.record.title, main: HTML(unsafeRaw: main)))
    }

    static func page(_ entry: Catalogue.Entry, visit: Visit, base: String) -> HTML {
        let record = entry.record
        let url = base + ExperiencesPaths.experience.link(entry.slugged)
        let year = Calendar(identifier: .gregorian).component(.year, from: record.published_at ?? record.created_at)
        let source = record.contact_public && !record.contact_name.isEmpty ? record.contact_name + ". " : ""
        let badge: HTML =
            record.remarkable
            ? "<p class=\"remarkable\"><strong>\(visit.t("Expérience remarquable", "Remarkable experience"))</strong> — \(visit.t("retenue par les relecteur·rices de l'appel.", "selected by the call's reviewers."))</p>"
            : ""
        return """
            <p class="meta no-print"><a href="\(ExperiencesPaths.catalogue.link())">\(visit.t("Catalogue des expériences", "Catalogue of experiences"))</a></p>
            <h1>\(record.title)</h1>
            \(badge)
            <p class="meta">\(visit.t("Recueillie par l'appel « \(entry.callTitle) »", "Collected by the call “\(entry.callTitle)”"))\
            \(record.published_at.map { visit.t(", publiée le ", ", published on ") + DateText.day($0, lang: visit.lang) } ?? "")</p>
            \(ExperienceView.details(record, visit: visit, showContact: record.contact_public, files: entry.attachments, callID: record.call_id))
            <h2>\(visit.t("Citer cette expérience", "Cite this experience"))</h2>
            <p class="citation">\(source)« \(record.title) ». \(entry.callTitle), Agora Santé, \(year). <a href="\(url)">\(url)</a></p>
            """
    }

    // MARK: - Open data

    /// The open-data columns. The contact is filled only when its author chose to publish it.
    static let columns = [
        "id", "url", "titre", "resume", "contexte", "niveau_engagement", "acteurs", "nombre_personnes", "objectifs",
        "actions", "resultats",
        "evaluation", "enseignements", "region_insee", "region", "lieu", "annee_debut", "annee_fin", "themes",
        "publics", "remarquable", "appel",
        "publiee_le", "contact_nom", "contact_email",
    ]

    /// The values of an experience, in the order of `columns`.
    static func values(_ entry: Catalogue.Entry, base: String) -> [String] {
        let r = entry.record
        func list<T: StoredBits & RawRepresentable>(_ mask: Int, _ type: T.Type) -> String
        where T.RawValue == String {
            Mask.values(mask, type).map(\.rawValue).joined(separator: "|")
        }
        return [
            String(r.id), base + ExperiencesPaths.experience.link(entry.slugged), r.title, r.summary, r.context ?? "",
            r.level ?? "",
            list(r.participants_mask, Participant.self), r.participant_count.map(String.init) ?? "", r.objectives,
            r.actions, r.results,
            r.evaluation, r.lessons, r.region ?? "", r.region.flatMap(Region.init(rawValue:))?.name ?? "", r.place,
            r.start_year.map(String.init) ?? "", r.end_year.map(String.init) ?? "",
            list(r.themes_mask, ExperienceTheme.self),
            list(r.populations_mask, Population.self), r.remarkable ? "oui" : "non", entry.callTitle,
            r.published_at.map { ISO8601DateFormatter().string(from: $0) } ?? "",
            r.contact_public ? r.contact_name : "", r.contact_public ? r.contact_email : "",
        ]
    }

    static func csv(_ entries: [Catalogue.Entry], base: String) -> String {
        ([CSV.line(columns)] + entries.map { CSV.line(values($0, base: base).map(inert)) }).joined(separator: "\r\n")
            + "\r\n"
    }

    /// A cell a spreadsheet would run as a formula (=, +, -, @ first) starts with an apostrophe.
    static func inert(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return cell }
        return "'" + cell
    }

    static func json(_ entries: [Catalogue.Entry], base: String) -> String {
        let objects = entries.map { entry in
            Dictionary(zip(columns, values(entry, base: base)).map { ($0, $1) }, uniquingKeysWith: { a, _ in a })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(objects), as: UTF8.self)) ?? "[]"
    }
}
