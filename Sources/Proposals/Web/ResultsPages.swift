import Core
import Fluent
import SQLKit
import Vapor

/// "Vous avez proposé, voici ce qui a été fait": figures by theme and by commune, and the
/// moderators' queue of reports.
enum ResultsPages {
    static func register(_ router: RouteRegistrar) {
        router.get(ProposalsPaths.results, access: .everyone) { req in
            let territory = try req.visit.territoryHere()
            let model = req.application.proposalReadModel
            let figures = try await model.figures(territoryID: territory.id, on: req.db)
            // The same for every visitor in a language, until the next change: rendered once.
            let main = try model.items(territoryID: territory.id, keys: ["follow-up/\(req.visit.lang.rawValue)"]) { _ in
                try page(visit: req.visit, figures: figures).main
            }[0]
            return req.render(
                WebPage(
                    title: req.visit.t("Suivi des propositions", "Proposals follow-up") + " · " + territory.name,
                    main: main))
        }
        router.get(ProposalsPaths.moderationQueue, access: .territory(ProposalsPolicy.roles(for: .moderate))) { req in
            try await queue(req)
        }
    }

    static func page(visit: Visit, figures: FollowUpFigures) throws -> WebPage {
        let territory = try visit.territoryHere()
        func row(_ label: String, _ c: FollowUpFigures.Counts) -> [HTML] {
            [
                "\(label)", "\(View.number(c.received, lang: visit.lang))",
                "\(View.number(c.answered, lang: visit.lang))",
                "\(View.number(c.accepted, lang: visit.lang))", "\(View.number(c.done, lang: visit.lang))",
            ]
        }
        let headers = [
            visit.t("Thème", "Theme"), visit.t("Reçues", "Received"), visit.t("Avec réponse", "Answered"),
            visit.t("Retenues", "Accepted"), visit.t("Réalisées", "Done"),
        ]
        let themeRows = territory.themes.all.compactMap { theme -> [HTML]? in
            let counts = figures.byBit[theme.bit] ?? .init()
            // A hidden theme with nothing filed under it is not listed.
            if territory.themes.hidden.contains(theme.slug), counts.received == 0 { return nil }
            return row(visit.t(theme.label), counts)
        }
        let communeRows = territory.communes.compactMap { commune -> [HTML]? in
            guard let counts = figures.byCommune[commune.code], counts.received > 0 else { return nil }
            return row(commune.name, counts)
        }
        var communeHeaders = headers
        communeHeaders[0] = visit.t("Commune", "Municipality")
        let median: String =
            figures.medianDaysToAnswer.map {
                visit.t("\(View.number(Int($0.rounded()), lang: visit.lang)) jours", "\(Int($0.rounded())) days")
            } ?? visit.t("pas encore de réponse", "no answer yet")
        let total = figures.total
        let main: HTML = """
            <h1>\(visit.t("Vous avez proposé, voici ce qui a été fait", "You proposed, here is what was done"))</h1>
            <p class="lead">\(territory.name)</p>
            <ul class="figures">
            <li><strong>\(View.number(total.received, lang: visit.lang))</strong> \(visit.t("propositions reçues", "proposals received"))</li>
            <li><strong>\(View.number(total.answered, lang: visit.lang))</strong> \(visit.t("avec une réponse officielle", "with an official answer"))</li>
            <li><strong>\(View.number(total.accepted, lang: visit.lang))</strong> \(visit.t("retenues (en tout ou partie)", "accepted (in whole or part)"))</li>
            <li><strong>\(View.number(total.done, lang: visit.lang))</strong> \(visit.t("réalisées", "done"))</li>
            <li><strong>\(median)</strong> \(visit.t("délai médian de réponse", "median time to an answer"))</li>
            </ul>
            <p>\(visit.t("Une proposition peut porter sur plusieurs thèmes et plusieurs communes : elle est alors comptée dans chacun. Chiffres à jour.",
                     "A proposal may concern several themes and municipalities: it is then counted in each. Figures are up to date."))</p>
            <h2>\(visit.t("Par thème", "By theme"))</h2>
            \(View.table(caption: visit.t("Propositions par thème", "Proposals by theme"), headers: headers, rows: themeRows, numericColumns: [1, 2, 3, 4]))
            <h2>\(visit.t("Par commune", "By municipality"))</h2>
            \(communeRows.isEmpty ? "<p>\(visit.t("Aucune proposition ne vise encore une commune en particulier.", "No proposal concerns a particular municipality yet."))</p>" as HTML
            : View.table(caption: visit.t("Propositions par commune concernée", "Proposals by municipality concerned"), headers: communeHeaders, rows: communeRows, numericColumns: [1, 2, 3, 4]))
            <p><a href="\(ProposalsPaths.actions.link(territory.slug))">\(visit.t("Voir les actions engagées, leur avancement et leurs étapes", "See the actions under way, their progress and milestones"))</a></p>
            <p><a href="\(ProposalsPaths.list.link(territory.slug))">\(visit.t("Voir toutes les propositions", "See all proposals"))</a></p>
            """
        return WebPage(
            title: visit.t("Suivi des propositions", "Proposals follow-up") + " · " + territory.name, main: main)
    }

    static func queue(_ req: Request) async throws -> Response {
        let visit = req.visit
        let territory = try visit.territoryHere()
        let rows = try await ProposalStore.openReports(territoryID: territory.id, on: req.db)
        let tableRows = rows.map { row -> [HTML] in
            let anchor = row.comment_id.map { "#commentaire-\($0)" } ?? ""
            return [
                "<a href=\"\(ProposalsPaths.show.link(territory.slug, row.proposal_id))\(anchor)\">\(row.title)</a>",
                "\(row.comment_id == nil ? visit.t("la proposition", "the proposal") : visit.t("un commentaire", "a comment"))",
                "\(row.reason)", "\(DateText.day(row.created_at, lang: visit.lang))",
            ]
        }
        let main: HTML = """
            <h1>\(visit.t("Modération", "Moderation"))</h1>
            <p>\(visit.t("Les signalements en attente. Ouvrez la proposition pour masquer le contenu (avec une raison visible par son auteur) ; un signalement est clos quand le contenu est masqué.",
                     "Open reports. Open the proposal to hide the content (with a reason its author sees); a report is closed when the content is hidden."))</p>
            \(rows.isEmpty ? "<p>\(visit.t("Aucun signalement en attente.", "No open report."))</p>" as HTML
            : View.table(caption: visit.t("Signalements en attente", "Open reports"),
                         headers: [visit.t("Proposition", "Proposal"), visit.t("Contenu", "Content"), visit.t("Raison", "Reason"), visit.t("Date", "Date")], rows: tableRows))
            """
        return req.render(WebPage(title: visit.t("Modération", "Moderation"), main: main))
    }
}

/// The follow-up figures of a territory, computed in memory from the read model, once per version.
struct FollowUpFigures: Sendable {
    struct Counts: Sendable, Equatable {
        var received = 0, answered = 0, accepted = 0, done = 0
        mutating func add(status: ProposalStatus, count: Int) {
            guard status.isPublic else { return }
            received += count
            if status.isAnswer || status == .inProgress || status == .done { answered += count }
            if status.isAcceptedOrLater { accepted += count }
            if status == .done { done += count }
        }
    }
    var total = Counts()
    /// Counts by theme bit (the territory's list names them).
    var byBit: [Int: Counts] = [:]
    var byCommune: [String: Counts] = [:]
    var medianDaysToAnswer: Double?

    init() {}

    /// Counts every public proposal of the read model (hidden ones are not in it).
    init(entries: [ProposalReadModel.Entry]) {
        var delays: [Double] = []
        for entry in entries {
            total.add(status: entry.status, count: 1)
            var mask = entry.themesMask
            while mask != 0 {
                let bit = mask & -mask
                byBit[bit, default: .init()].add(status: entry.status, count: 1)
                mask &= mask - 1
            }
            for code in entry.communes { byCommune[code, default: .init()].add(status: entry.status, count: 1) }
            if let answered = entry.answeredAt { delays.append(answered.timeIntervalSince(entry.submittedAt) / 86_400) }
        }
        medianDaysToAnswer = Median.of(delays)
    }
}
