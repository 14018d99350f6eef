import Core
import Fluent
import Foundation
import Stats
import Vapor

/// The cross-analysis of a users' questionnaire with a professionals' one: priority score and
/// rank of each shared theme in each group, the gap, Spearman's agreement, the divergences in
/// words, the priority themes of a wave and each theme's trend from wave to wave.
enum CrossPage {
    struct Side {
        let record: QuestionnaireSummary
        let context: QContext
        let waves: [WaveRecord]
        let entry: ResultsCache.Entry
        let audience: QAudience

        /// The rows of this side's group, in its n-th wave (1-based; nil = all waves), and what
        /// each view with one filter less adds.
        func rows(wave position: Int?) -> Filter.Split? {
            var filter = Filter()
            if context.record.audience == .all { filter.audience = audience }
            if let position {
                guard waves.indices.contains(position - 1) else { return nil }
                filter.wave = waves[position - 1].id
            }
            return filter.split(of: entry.data)
        }

        /// The themes' scores, each resting only on measures the disclosure control publishes.
        func scores(wave: Int?) -> [CrossAnalysis.Score] {
            guard let split = rows(wave: wave) else { return [] }
            return CrossAnalysis.scores(
                definition: context.definition, data: entry.data, split: split,
                disclosure: context.territory.disclosure)
        }
    }

    /// The two questionnaires crossed (users' and professionals'), the wave, and the choices of
    /// the form.
    struct CrossModel: Sendable {
        let territory: TerritoryInfo
        let usersChoices: [QuestionnaireSummary]
        let prosChoices: [QuestionnaireSummary]
        let usersID: Int?
        let prosID: Int?
        let wave: Int?
        let users: Side?
        let pros: Side?
        var waveCount: Int { max(users?.waves.count ?? 0, pros?.waves.count ?? 0) }
    }

    /// By default, each group's questionnaire with the most answers; a questionnaire asked for that
    /// is not one of the territory's published ones is a 404.
    static func load(_ req: Request, territory: TerritoryInfo, query: [String: String]) async throws -> CrossModel {
        let all = try await QuestionnaireStore.list(territoryID: territory.id, includeDrafts: false, on: req.db)
        let usersChoices = all.filter { $0.audience != QAudience.professionals.rawValue }
        let prosChoices = all.filter { $0.audience != QAudience.users.rawValue }
        func busiest(_ list: [QuestionnaireSummary], _ audience: QAudience) -> Int? {
            (list.filter { $0.audience == audience.rawValue }.max { $0.answers < $1.answers }
                ?? list.max { $0.answers < $1.answers })?.id
        }
        let usersID = Int(query["usagers"] ?? "") ?? busiest(usersChoices, .users)
        let prosID = Int(query["professionnels"] ?? "") ?? busiest(prosChoices, .professionals)
        let wave = Int(query["vague"] ?? "").flatMap { $0 >= 1 ? $0 : nil }

        func side(_ id: Int?, in list: [QuestionnaireSummary], audience: QAudience) async throws -> Side? {
            guard let id, let summary = list.first(where: { $0.id == id }),
                let record = try await QuestionnaireStore.load(id, territoryID: territory.id, on: req.db)
            else { return nil }
            let context = QContext(
                record: record, definition: try await req.application.questionnaireForms.definition(record, on: req.db),
                territory: territory)
            return Side(
                record: summary, context: context, waves: try await QuestionnaireStore.waves(of: id, on: req.db),
                entry: try await req.application.questionnaireResults.entry(for: id, on: req.db), audience: audience)
        }
        if query["usagers"] != nil, !usersChoices.contains(where: { $0.id == usersID }) { throw Abort(.notFound) }
        if query["professionnels"] != nil, !prosChoices.contains(where: { $0.id == prosID }) { throw Abort(.notFound) }
        return CrossModel(
            territory: territory, usersChoices: usersChoices, prosChoices: prosChoices, usersID: usersID,
            prosID: prosID, wave: wave, users: try await side(usersID, in: usersChoices, audience: .users),
            pros: try await side(prosID, in: prosChoices, audience: .professionals))
    }

    @Sendable static func show(_ req: Request) async throws -> Response {
        let visit = req.visit
        guard let territory = visit.territory else { throw Abort(.notFound) }
        return req.render(view(try await load(req, territory: territory, query: req.queryFields()), visit: visit))
    }

    /// The cross-analysis page: the form choosing the two questionnaires and the wave, and the
    /// figures. Pure.
    static func view(_ model: CrossModel, visit: Visit) -> WebPage {
        let none = FormErrors()
        let form: HTML = """
            <form method="get" action="\(QuestionnairePaths.cross.link(model.territory.slug))" class="filters"><div class="inline-fields">\
            \(Form.select(name: "usagers", label: visit.t("Questionnaire des usagers", "Users' questionnaire"), options: model.usersChoices.map { Form.Option(String($0.id), $0.title) },
                      selected: model.usersID.map(String.init), errors: none, visit: visit))\
            \(Form.select(name: "professionnels", label: visit.t("Questionnaire des professionnels", "Professionals' questionnaire"), options: model.prosChoices.map { Form.Option(String($0.id), $0.title) },
                      selected: model.prosID.map(String.init), errors: none, visit: visit))\
            \(Form.select(name: "vague", label: visit.t("Vague", "Wave"), options: (0..<model.waveCount).map { Form.Option(String($0 + 1), visit.t("Vague \($0 + 1)", "Wave \($0 + 1)")) },
                      selected: model.wave.map(String.init), errors: none, visit: visit, placeholder: visit.t("Toutes", "All")))\
            </div><button type="submit" class="button secondary">\(visit.t("Croiser", "Cross"))</button></form>
            """
        let body: HTML
        if let users = model.users, let pros = model.pros {
            body = figures(users: users, pros: pros, wave: model.wave, waveCount: model.waveCount, visit: visit)
        } else {
            body =
                "<p>\(visit.t("Il faut un questionnaire publié pour les usagers et un pour les professionnels.", "A published questionnaire for users and one for professionals are needed."))</p>"
        }
        let title = visit.t("Croisement usagers / professionnels", "Users / professionals cross-analysis")
        let main: HTML = """
            <h1>\(title)</h1>
            <p>\(visit.t("Pour chaque thème commun, le score de priorité de chaque groupe (0 à 100) vient des échelles, tableaux et classements de ce thème. Un score ne repose que sur des moyennes que la page des résultats publie : une mesure qui laisserait retrouver un nombre de moins de \(model.territory.disclosure.threshold) personnes est laissée de côté.",
                     "For each shared theme, each group's priority score (0 to 100) comes from that theme's scales, matrices and rankings. A score rests only on means the results page publishes: a measure that would let a count of fewer than \(model.territory.disclosure.threshold) people be worked out is left aside."))</p>
            \(form)
            \(body)
            """
        return WebPage(title: title, main: main)
    }

    static func themeName(_ slug: String, visit: Visit) -> String { visit.themes.label(slug, visit.lang) }

    static func rankText(_ rank: Double, visit: Visit) -> String {
        rank == rank.rounded()
            ? (visit.lang == .fr ? (rank == 1 ? "1er" : "\(Int(rank))e") : "\(Int(rank))")
            : NumberText.decimal(rank, lang: visit.lang)
    }

    /// Which items each group's score turns round, so that a reader sees that a satisfaction
    /// wording and a problem wording are compared like with like.
    static func reversedItems(users: Side, pros: Side, visit: Visit) -> HTML {
        var out: HTML = "<h2>\(visit.t("Questions au score inversé", "Reverse-scored questions"))</h2>"
        out.append(
            "<p>\(visit.t("Une question où être d'accord veut dire être satisfait (« J'obtiens un rendez-vous dans un délai raisonnable ») est retournée avant le calcul : un fort accord y compte comme une faible priorité.", "A question where agreeing means being satisfied (“I get an appointment within a reasonable time”) is turned round before the computation: strong agreement counts as low priority."))</p>"
        )
        for (side, name) in [
            (users, visit.t("Usagers", "Users")), (pros, visit.t("Professionnels", "Professionals")),
        ] {
            let items = CrossAnalysis.reversedItems(of: side.context.definition)
            let list: HTML =
                items.isEmpty
                ? "\(visit.t("Aucune question retournée.", "No question turned round."))"
                : "<ul>\(each: items.map { "<li>« \($0.label) » (\(themeName($0.theme ?? "", visit: visit)))</li>" as HTML })</ul>"
            out.append("<h3>\(name) · \(side.record.title)</h3>")
            out.append(items.isEmpty ? "<p>\(list)</p>" as HTML : list)
        }
        return out
    }

    static func figures(users: Side, pros: Side, wave: Int?, waveCount: Int, visit: Visit) -> HTML {
        let comparison = CrossAnalysis.compare(users: users.scores(wave: wave), professionals: pros.scores(wave: wave))
        let n = comparison.themeCount
        var out = HTML.empty
        if let rho = comparison.rho {
            let words = CrossAnalysis.strength(rho)
            out.append(
                "<p class=\"lead\"><strong>\(visit.t("Concordance des classements (Spearman) : ", "Agreement of the rankings (Spearman): "))\(NumberText.decimal(rho, digits: 2, lang: visit.lang))</strong> — \(visit.t(words.fr, words.en)), \(visit.t("sur \(n) thèmes communs.", "over \(n) shared themes."))</p>"
            )
        } else {
            out.append(
                "<p class=\"notice\">\(visit.t("La concordance se calcule à partir de 3 thèmes communs ayant chacun au moins 5 réponses dans chaque groupe ; il y en a \(n).", "The agreement needs 3 shared themes with at least 5 answers in each group; there are \(n)."))</p>"
            )
        }
        var sentences: [HTML] = []
        for row in comparison.usersFirst {
            sentences.append(
                "<li>\(visit.t("Les usagers placent « \(themeName(row.theme, visit: visit)) » parmi leurs premières priorités (\(rankText(row.usersRank, visit: visit)) sur \(n)), les professionnels parmi les dernières (\(rankText(row.professionalsRank, visit: visit)) sur \(n)).", "Users put “\(themeName(row.theme, visit: visit))” among their first priorities (\(rankText(row.usersRank, visit: visit)) of \(n)), professionals among their last (\(rankText(row.professionalsRank, visit: visit)) of \(n))."))</li>"
            )
        }
        for row in comparison.professionalsFirst {
            sentences.append(
                "<li>\(visit.t("Les professionnels placent « \(themeName(row.theme, visit: visit)) » parmi leurs premières priorités (\(rankText(row.professionalsRank, visit: visit)) sur \(n)), les usagers parmi les dernières (\(rankText(row.usersRank, visit: visit)) sur \(n)).", "Professionals put “\(themeName(row.theme, visit: visit))” among their first priorities (\(rankText(row.professionalsRank, visit: visit)) of \(n)), users among their last (\(rankText(row.usersRank, visit: visit)) of \(n))."))</li>"
            )
        }
        out.append("<h2>\(visit.t("Ce qui sépare les deux groupes", "What divides the two groups"))</h2>")
        out.append(
            sentences.isEmpty
                ? "<p>\(visit.t("Aucun thème n'est en tête pour un groupe et en queue pour l'autre.", "No theme is at the top for one group and at the bottom for the other."))</p>"
                    as HTML : "<ul>\(each: sentences)</ul>")

        let bars = comparison.rows.map {
            BarChart.Bar(
                label: themeName($0.theme, visit: visit), value: $0.combined,
                text: NumberText.decimal($0.combined, digits: 0, lang: visit.lang))
        }
        out.append(
            "<h2>\(visit.t("Thèmes prioritaires", "Priority themes"))\(wave.map { visit.t(" · vague \($0)", " · wave \($0)") } ?? "")</h2>"
        )
        out.append(
            "<p>\(visit.t("Classés par la moyenne des deux scores. Les premiers sont les priorités de la vague.", "Ranked by the mean of the two scores. The first ones are the wave's priorities."))</p>"
        )
        let top = comparison.rows.prefix(5).enumerated().map {
            "<li><strong>\(themeName($0.element.theme, visit: visit))</strong> — \(visit.t("score moyen", "mean score")) \(NumberText.decimal($0.element.combined, digits: 0, lang: visit.lang)) (\(visit.t("usagers", "users")) \(NumberText.decimal($0.element.users.score, digits: 0, lang: visit.lang)), \(visit.t("professionnels", "professionals")) \(NumberText.decimal($0.element.professionals.score, digits: 0, lang: visit.lang)))</li>"
                as HTML
        }
        out.append(
            top.isEmpty
                ? "<p>\(visit.t("Pas assez de réponses pour dégager des priorités.", "Not enough answers to bring out priorities."))</p>"
                    as HTML : "<ol>\(each: top)</ol>")
        if !comparison.rows.isEmpty {
            out.append(
                BarChart.svg(
                    bars, title: visit.t("Score moyen de priorité par thème", "Mean priority score by theme"),
                    id: "priorites-graphique"))
        }
        // The table beside the chart carries the very figures drawn (the mean score), then each group's.
        let tableRows = comparison.rows.map { row -> [HTML] in
            [
                "\(themeName(row.theme, visit: visit))",
                "\(NumberText.decimal(row.combined, digits: 0, lang: visit.lang))",
                "\(NumberText.decimal(row.users.score, digits: 0, lang: visit.lang))",
                "\(rankText(row.usersRank, visit: visit))",
                "\(NumberText.decimal(row.professionals.score, digits: 0, lang: visit.lang))",
                "\(rankText(row.professionalsRank, visit: visit))",
                "\(row.gap > 0 ? "+" : "")\(NumberText.decimal(row.gap, lang: visit.lang))",
                "\(View.number(row.users.answers, lang: visit.lang)) / \(View.number(row.professionals.answers, lang: visit.lang))",
            ]
        }
        out.append(
            View.table(
                caption: visit.t(
                    "Score moyen (celui du graphique), score et rang de chaque thème dans chaque groupe (écart : rang des professionnels moins rang des usagers)",
                    "Mean score (the chart's), score and rank of each theme in each group (gap: professionals' rank minus users' rank)"
                ),
                headers: [
                    visit.t("Thème", "Theme"), visit.t("Score moyen", "Mean score"),
                    visit.t("Score usagers", "Users' score"), visit.t("Rang usagers", "Users' rank"),
                    visit.t("Score professionnels", "Professionals' score"),
                    visit.t("Rang professionnels", "Professionals' rank"), visit.t("Écart de rang", "Rank gap"),
                    visit.t("Réponses (usagers / professionnels)", "Answers (users / professionals)"),
                ],
                rows: tableRows, numericColumns: [1, 2, 3, 4, 5, 6, 7]))
        if !comparison.hidden.isEmpty {
            out.append(
                "<p>\(visit.t("Thèmes laissés de côté faute de mesure publiable dans un groupe : ", "Themes left aside for lack of a publishable measure in a group: "))\(comparison.hidden.map { themeName($0, visit: visit) }.joined(separator: ", ")).</p>"
            )
        }
        out.append(reversedItems(users: users, pros: pros, visit: visit))
        if waveCount > 1 {
            var trend: [[HTML]] = []
            let perWave = (1...waveCount).map { w in
                CrossAnalysis.compare(users: users.scores(wave: w), professionals: pros.scores(wave: w))
            }
            let themes = Array(Set(perWave.flatMap { $0.rows.map(\.theme) })).sorted {
                themeName($0, visit: visit) < themeName($1, visit: visit)
            }
            for theme in themes {
                var cells: [HTML] = ["\(themeName(theme, visit: visit))"]
                for comparison in perWave {
                    if let row = comparison.rows.first(where: { $0.theme == theme }) {
                        cells.append(
                            "\(NumberText.decimal(row.users.score, digits: 0, lang: visit.lang)) / \(NumberText.decimal(row.professionals.score, digits: 0, lang: visit.lang))"
                        )
                    } else {
                        cells.append("—")
                    }
                }
                trend.append(cells)
            }
            out.append("<h2>\(visit.t("Évolution d'une vague à l'autre", "Trend from wave to wave"))</h2>")
            out.append(
                View.table(
                    caption: visit.t(
                        "Score des usagers / score des professionnels, par vague",
                        "Users' score / professionals' score, by wave"),
                    headers: [visit.t("Thème", "Theme")] + (1...waveCount).map { visit.t("Vague \($0)", "Wave \($0)") },
                    rows: trend, numericColumns: Set(1...waveCount)))
        }
        return out
    }
}
