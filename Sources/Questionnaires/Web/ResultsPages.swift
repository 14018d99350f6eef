import Core
import Fluent
import Foundation
import Stats
import Vapor

/// Aggregated results with the small-cell rule, participation against targets, free text and
/// its coding, and the users / professionals cross-analysis.
enum ResultsPages {
    static let readers = Access.territory(QuestionnairesPolicy.readers)
    static let builders = Access.territory(QuestionnairesPolicy.builders)

    static func register(_ router: RouteRegistrar) {
        router.get(QuestionnairePaths.results, access: readers, use: results)
        router.get(QuestionnairePaths.participation, access: readers, use: participation)
        router.get(QuestionnairePaths.texts, access: builders, use: texts)
        router.post(QuestionnairePaths.texts, access: builders, use: code)
        router.get(QuestionnairePaths.cross, access: readers, use: CrossPage.show)
    }

    // MARK: Counts as they may be shown

    /// "moins de 5" (or the territory's threshold).
    static func hiddenText(_ disclosure: Disclosure, visit: Visit) -> String {
        visit.t("moins de \(disclosure.threshold)", "fewer than \(disclosure.threshold)")
    }

    /// A count standing alone, under the territory's threshold: the number or "moins de 5".
    static func count(_ n: Int, _ disclosure: Disclosure, visit: Visit) -> String {
        disclosure.count(n).value.map { View.number($0, lang: visit.lang) } ?? hiddenText(disclosure, visit: visit)
    }

    /// "masqué": a cell of a line or table hidden by the disclosure control, whether it counts
    /// fewer than 5 people or was hidden with one that does (saying which would undo it).
    static func maskedText(_ visit: Visit) -> String { visit.t("masqué", "hidden") }

    /// A cell of a line or table: the number or "masqué".
    static func cell(_ cell: Disclosure.Cell, _ disclosure: Disclosure, visit: Visit) -> String {
        cell.value.map { View.number($0, lang: visit.lang) } ?? maskedText(visit)
    }

    /// The number of answers to a question: shown, "moins de 5", or "non publié" (too close to a
    /// view with one filter less).
    static func answered(_ published: PublishedQuestion, _ disclosure: Disclosure, visit: Visit) -> String {
        if let n = published.answered.value { return View.number(n, lang: visit.lang) }
        return published.answeredIsSmall ? hiddenText(disclosure, visit: visit) : visit.t("non publié", "not published")
    }

    static func percent(_ share: Double?, visit: Visit) -> String {
        share.map { NumberText.decimal($0, lang: visit.lang) + " %" } ?? "—"
    }

    /// A chart value, nil when the count is hidden.
    static func barValue(_ cell: Disclosure.Cell) -> Double? { cell.value.map(Double.init) }

    // MARK: Filters

    static func filter(_ query: [String: String], waves: [WaveRecord], definition: Definition) -> Filter {
        var filter = Filter()
        filter.wave = query["vague"].flatMap(Int.init).flatMap { id in waves.contains { $0.id == id } ? id : nil }
        filter.channel = query["canal"].flatMap(Channel.init(rawValue:))
        filter.commune = query["commune"].flatMap { $0.isEmpty ? nil : $0 }
        filter.audience = query["public"].flatMap(QAudience.init(rawValue:)).flatMap { $0 == .all ? nil : $0 }
        if let raw = query["profil"], let eq = raw.firstIndex(of: "=") {
            let key = String(raw[..<eq]), value = String(raw[raw.index(after: eq)...])
            if definition.question(key)?.profile == true { filter.profile = (key, value) }
        }
        return filter
    }

    static func filterForm(
        _ context: QContext, action: String, query: [String: String], waves: [WaveRecord], visit: Visit, full: Bool
    ) -> HTML {
        let none = FormErrors()
        var profiles: [Form.OptionGroup] = []
        for q in context.definition.questions where q.profile {
            let values = q.kind == .commune ? [] : ConditionValues.of(q, lang: visit.lang)
            if !values.isEmpty {
                profiles.append(
                    Form.OptionGroup(String(q.label.prefix(80)), values.map { Form.Option("\(q.key)=\($0.0)", $0.1) }))
            }
        }
        var fields: HTML = Form.select(
            name: "vague", label: visit.t("Vague", "Wave"), options: waves.map { Form.Option(String($0.id), $0.name) },
            selected: query["vague"],
            errors: none, visit: visit, placeholder: visit.t("Toutes", "All"))
        if full {
            fields.append(
                Form.select(
                    name: "canal", label: visit.t("Canal", "Channel"),
                    options: Channel.allCases.map { Form.Option($0.rawValue, visit.t($0.label)) },
                    selected: query["canal"], errors: none, visit: visit, placeholder: visit.t("Tous", "All")))
            fields.append(
                Form.select(
                    name: "commune", label: visit.t("Commune", "Commune"),
                    options: context.territory.communes.map { Form.Option($0.code, $0.name) },
                    selected: query["commune"], errors: none, visit: visit, placeholder: visit.t("Toutes", "All")))
            if context.record.audience == .all {
                fields.append(
                    Form.select(
                        name: "public", label: visit.t("Public", "Audience"),
                        options: [QAudience.users, .professionals].map { Form.Option($0.rawValue, visit.t($0.label)) },
                        selected: query["public"], errors: none, visit: visit, placeholder: visit.t("Tous", "All")))
            }
            if !profiles.isEmpty {
                fields.append(
                    Form.select(
                        name: "profil", label: visit.t("Profil", "Profile"), options: [], selected: query["profil"],
                        errors: none, visit: visit,
                        placeholder: visit.t("Tous", "All"), groups: profiles))
            }
        }
        let question: HTML =
            query["question"].map { "<input type=\"hidden\" name=\"question\" value=\"\($0)\">" } ?? .empty
        return """
            <form method="get" action="\(action)" class="filters">\(question)<div class="inline-fields">\(fields)</div>\
            <button type="submit" class="button secondary">\(visit.t("Filtrer", "Filter"))</button></form>
            """
    }

    // MARK: Results

    @Sendable static func results(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let query = req.queryFields()
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        let entry = try await req.application.questionnaireResults.entry(for: context.id, on: req.db)
        let filter = filter(query, waves: waves, definition: context.definition)
        let split = filter.split(of: entry.data)
        var questions = context.definition.questions
        if let only = query["question"] {
            questions = questions.filter { $0.key == only }
            if questions.isEmpty { throw Abort(.notFound) }
        }
        let disclosure = context.territory.disclosure
        let check = disclosure.view(population: split.rows.count, differences: split.differences.map(\.count))
        var body = HTML.empty
        switch check {
        case .publishable:
            for (i, q) in questions.enumerated() {
                let published = Publication.of(
                    q, in: entry.data, split: split, texts: entry.texts[q.key] ?? [], disclosure: disclosure)
                body.append(
                    block(
                        q, published, number: (context.definition.questions.firstIndex { $0.key == q.key } ?? i) + 1,
                        context: context, visit: visit))
            }
        case .tooFew, .tooClose:
            body = "<p class=\"notice\">\(viewRefusal(check, disclosure, visit: visit))</p>"
        }
        let csvQuery = req.url.query.map { "?" + $0 } ?? ""
        let builds = QuestionnairesPolicy.builds(visit.rolesHere)
        let exports: HTML = """
            <p class="actions"><a href="\(context.link(QuestionnairePaths.resultsCSV))\(csvQuery)">\(visit.t("Résultats agrégés (CSV)", "Aggregated results (CSV)"))</a> \
            <a href="\(context.link(QuestionnairePaths.codebook))">\(visit.t("Livre de codes (CSV)", "Codebook (CSV)"))</a>\
            \(builds ? " <a href=\"\(context.link(QuestionnairePaths.answersCSV))\">\(visit.t("Toutes les réponses (CSV)", "All answers (CSV)"))</a> <a href=\"\(context.link(QuestionnairePaths.answersExcel))\">\(visit.t("Toutes les réponses pour tableur français (CSV ;)", "All answers for French spreadsheets (CSV ;)"))</a>" as HTML : HTML.empty)</p>
            """
        let main: HTML = """
            <h1>\(visit.t("Résultats", "Results")) · \(context.record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.results))
            \(filterForm(context, action: context.link(QuestionnairePaths.results), query: query, waves: waves, visit: visit, full: true))
            <p><strong>\(visit.t("Réponses comptées :", "Answers counted:")) \(populationText(split.rows.count, check, disclosure, visit: visit))</strong> \
            · \(ruleText(disclosure, visit: visit))</p>
            <p class="meta">\(visit.t(AnswerAudience.resultsNote(context.record.audience)))</p>
            \(exports)
            \(body)
            """
        // A view the disclosure control refuses is a request that cannot be answered as asked:
        // 422, with the filters kept to change them.
        return req.render(
            WebPage(
                title: visit.t("Résultats · \(context.record.title)", "Results · \(context.record.title)"), main: main,
                status: check == .publishable ? .ok : .unprocessableEntity))
    }

    static func label(of key: String, in q: Question, context: QContext, visit: Visit) -> String {
        switch q.kind {
        case .agreement:
            Int(key).flatMap { Agreement.points.indices.contains($0 - 1) ? visit.t(Agreement.points[$0 - 1]) : nil }
                ?? key
        case .commune: context.territory.commune(code: key)?.name ?? key
        case .matrix: q.rows.first { $0.key == key }?.label ?? key
        default: q.choice(key)?.label ?? key
        }
    }

    /// How many answers a view counts, as it may be said.
    static func populationText(
        _ n: Int, _ check: Disclosure.ViewCheck, _ disclosure: Disclosure, visit: Visit
    ) -> String {
        switch check {
        case .publishable: View.number(n, lang: visit.lang)
        case .tooFew: hiddenText(disclosure, visit: visit)
        case .tooClose: visit.t("non publié", "not published")
        }
    }

    /// The rule, in one sentence under the count.
    static func ruleText(_ disclosure: Disclosure, visit: Visit) -> String {
        let t = disclosure.threshold
        return visit.t(
            "Aucun chiffre portant sur moins de \(t) personnes n'est affiché, ni ne peut se déduire d'autres chiffres. Un nombre « masqué » compte moins de \(t) personnes, ou est masqué avec lui pour qu'on ne le retrouve pas par soustraction ; une moyenne ou un score qui en dépend n'est pas montré.",
            "No figure about fewer than \(t) people is shown, or can be worked out from others. A “hidden” count is about fewer than \(t) people, or is hidden with one so that it cannot be found by subtraction; a mean or score that depends on it is not shown."
        )
    }

    /// Why a view shows no result.
    static func viewRefusal(_ check: Disclosure.ViewCheck, _ disclosure: Disclosure, visit: Visit) -> String {
        let t = disclosure.threshold
        return check == .tooClose
            ? visit.t(
                "Ces filtres ne retirent que quelques réponses (moins de \(t)) par rapport à une vue avec un filtre de moins : en comparant les deux, on pourrait les reconnaître. Aucun résultat n'est montré ; enlevez ou changez un filtre.",
                "These filters leave out only a few answers (fewer than \(t)) compared with a view with one filter less: comparing the two could single them out. No result is shown; remove or change a filter."
            )
            : visit.t(
                "Moins de \(t) réponses correspondent à ces filtres : aucun résultat n'est montré, pour que personne ne puisse être reconnu.",
                "Fewer than \(t) answers match these filters: no result is shown, so that nobody can be recognised.")
    }

    /// One question's published figures: a chart and the table of the same figures, the hidden
    /// ones written "moins de 5". Pure.
    static func block(
        _ q: Question, _ published: PublishedQuestion, number: Int, context: QContext, visit: Visit
    ) -> HTML {
        let disclosure = context.territory.disclosure
        func show(_ c: Disclosure.Cell) -> String { cell(c, disclosure, visit: visit) }
        let id = "resultat-\(q.key)"
        let heading: HTML = "<h2 id=\"\(id)\">\(number). \(q.label)</h2>"
        var figures: HTML =
            "<p>\(answeredLabel(q, visit: visit)) \(answered(published, disclosure, visit: visit))\(q.kind == .multiple ? visit.t(" (plusieurs choix possibles : les parts dépassent 100 %)", " (several choices allowed: shares exceed 100 %)") : "")</p>"
        if published.withheld {
            figures.append(
                "<p class=\"notice\">\(visit.t("Trop peu de réponses à cette question pour ces filtres, ou trop proches d'une vue avec un filtre de moins : ses chiffres ne sont pas montrés.", "Too few answers to this question for these filters, or too close to a view with one filter less: its figures are not shown."))</p>"
            )
            return "<section class=\"result\" aria-labelledby=\"\(id)\">\(heading)\(figures)</section>"
        }
        switch q.kind {
        case .shortText, .longText:
            if QuestionnairesPolicy.builds(visit.rolesHere) {
                figures.append(
                    "<p><a href=\"\(context.link(QuestionnairePaths.texts))?question=\(q.key)\">\(visit.t("Lire et coder les réponses", "Read and code the answers"))</a></p>"
                )
            }
        case .date:
            guard !published.lines.isEmpty else { break }
            let byYear = !published.lines[0].key.contains("-")
            figures.append(
                distribution(
                    published.lines.map { (Results.periodLabel($0.key, lang: visit.lang), $0) }, title: q.label,
                    caption: byYear
                        ? visit.t(
                            "Réponses à la question \(number), par année", "Answers to question \(number), by year")
                        : visit.t(
                            "Réponses à la question \(number), par mois", "Answers to question \(number), by month"),
                    header: byYear ? visit.t("Année", "Year") : visit.t("Mois", "Month"), id: id,
                    disclosure: disclosure,
                    visit: visit))
        case .ranking:
            let bars = published.ranked.map {
                BarChart.Bar(
                    label: label(of: $0.key, in: q, context: context, visit: visit), value: $0.score,
                    text: $0.score.map { NumberText.decimal($0, lang: visit.lang) }
                        ?? visit.t("non publié", "not published"))
            }
            let table = View.table(
                caption: visit.t(
                    "Classement : score de 0 à 100 (100 = classé premier par tous)",
                    "Ranking: score from 0 to 100 (100 = ranked first by all)"),
                headers: [
                    visit.t("Choix", "Choice"), visit.t("Classé 1er", "Ranked first"), visit.t("Classé", "Ranked"),
                    visit.t("Score", "Score"),
                ],
                rows: published.ranked.map {
                    [
                        "\(label(of: $0.key, in: q, context: context, visit: visit))", "\(show($0.first))",
                        "\(show($0.ranked))", "\($0.score.map { NumberText.decimal($0, lang: visit.lang) } ?? "—")",
                    ]
                }, numericColumns: [1, 2, 3])
            figures.append(BarChart.svg(bars, title: q.label, id: id + "-graphique") + table)
        case .matrix:
            let headers =
                [visit.t("Ligne", "Row")] + Agreement.points.map { visit.t($0) } + [
                    visit.t("Moyenne (1 à 5)", "Mean (1 to 5)")
                ]
            let mean = { (m: Double?) in m.map { NumberText.decimal($0, digits: 2, lang: visit.lang) } }
            let tableRows = published.matrix.map { row -> [HTML] in
                ["\(label(of: row.key, in: q, context: context, visit: visit))"]
                    + row.cells.map { "\(show($0))" as HTML } + ["\(mean(row.mean) ?? "—")"]
            }
            let bars = published.matrix.map { row in
                BarChart.Bar(
                    label: label(of: row.key, in: q, context: context, visit: visit), value: row.mean,
                    text: mean(row.mean) ?? visit.t("non publiée", "not published"))
            }
            figures.append(
                BarChart.svg(
                    bars, title: q.label + visit.t(" (moyenne de 1 à 5)", " (mean from 1 to 5)"), id: id + "-graphique")
                    + View.table(
                        caption: visit.t("Réponses par ligne", "Answers by row"), headers: headers, rows: tableRows,
                        numericColumns: Set(1...6)))
        case .number:
            figures.append(statistics(published, digits: 1, visit: visit))
            figures.append(
                distribution(
                    zip(published.bins, published.lines).map { ($0.label(visit.lang), $1) }, title: q.label,
                    caption: visit.t(
                        "Réponses à la question \(number), par tranche", "Answers to question \(number), by range"),
                    header: visit.t("Tranche", "Range"), id: id, disclosure: disclosure, visit: visit))
        default:
            if q.kind == .agreement || q.kind == .scale {
                figures.append(statistics(published, digits: 2, visit: visit))
            }
            figures.append(
                distribution(
                    published.lines.map { (label(of: $0.key, in: q, context: context, visit: visit), $0) },
                    title: q.label,
                    caption: visit.t("Réponses à la question \(number)", "Answers to question \(number)"),
                    header: visit.t("Réponse", "Answer"), id: id, disclosure: disclosure, visit: visit))
        }
        return "<section class=\"result\" aria-labelledby=\"\(id)\">\(heading)\(figures)</section>"
    }

    static func answeredLabel(_ q: Question, visit: Visit) -> String {
        switch q.kind {
        case .shortText, .longText: visit.t("Réponses libres :", "Free answers:")
        case .ranking: visit.t("Personnes ayant classé :", "People who ranked:")
        default: visit.t("Réponses :", "Answers:")
        }
    }

    /// The mean and median, or why they are not shown.
    static func statistics(_ published: PublishedQuestion, digits: Int, visit: Visit) -> HTML {
        if let mean = published.mean, let median = published.median {
            return
                "<p>\(visit.t("Moyenne", "Mean")) : \(NumberText.decimal(mean, digits: digits, lang: visit.lang)) · \(visit.t("Médiane", "Median")) : \(NumberText.decimal(median, lang: visit.lang))</p>"
        }
        return
            "<p>\(visit.t("Moyenne et médiane non publiées : elles permettraient de retrouver un nombre masqué.", "Mean and median not published: they would let a hidden count be worked out."))</p>"
    }

    /// A distribution as a bar chart and the table of the same figures. Pure.
    static func distribution(
        _ lines: [(label: String, line: PublishedQuestion.Line)], title: String, caption: String, header: String,
        id: String, disclosure: Disclosure, visit: Visit
    ) -> HTML {
        let bars = lines.map {
            BarChart.Bar(
                label: $0.label, value: barValue($0.line.cell), text: cell($0.line.cell, disclosure, visit: visit))
        }
        let rows = lines.map { item -> [HTML] in
            [
                "\(item.label)", "\(cell(item.line.cell, disclosure, visit: visit))",
                "\(percent(item.line.share, visit: visit))",
            ]
        }
        return BarChart.svg(bars, title: title, id: id + "-graphique")
            + View.table(
                caption: caption, headers: [header, visit.t("Nombre", "Count"), visit.t("Part", "Share")], rows: rows,
                numericColumns: [1, 2])
    }

    /// How many of `b` are in `a` (both ascending).
    static func sortedOverlap(_ a: [Int], _ b: [Int]) -> Int {
        var i = 0, j = 0, n = 0
        while i < a.count, j < b.count {
            if a[i] == b[j] { n += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return n
    }

    // MARK: Participation

    /// Who answered among some rows: by commune, audience, channel and week.
    struct Tally: Sendable, Equatable {
        var answers = 0
        /// Answers by commune code, and those with no commune given.
        var byCommune: [String: Int] = [:]
        var noCommune = 0
        var byChannel: [Channel: Int] = [:]
        var byAudience: [QAudience: Int] = [:]
        /// Answers by week, keyed by the week's Monday (days since 1970-01-01).
        var byWeek: [Int: Int] = [:]

        init(
            answers: Int = 0, byCommune: [String: Int] = [:], noCommune: Int = 0, byChannel: [Channel: Int] = [:],
            byAudience: [QAudience: Int] = [:], byWeek: [Int: Int] = [:]
        ) {
            self.answers = answers; self.byCommune = byCommune; self.noCommune = noCommune
            self.byChannel = byChannel; self.byAudience = byAudience; self.byWeek = byWeek
        }

        init(rows: [Int], of data: Dataset) {
            answers = rows.count
            for r in rows {
                let c = data.communes[r]
                if c >= 0 { byCommune[data.communeCodes[Int(c)], default: 0] += 1 } else { noCommune += 1 }
                byChannel[Channel.allCases[Int(data.channels[r])], default: 0] += 1
                byAudience[QAudience.allCases[Int(data.audiences[r])], default: 0] += 1
                // Weeks start on Monday: day 0 (1970-01-01) was a Thursday.
                let day = Int(data.days[r])
                byWeek[day - ((day + 3) % 7), default: 0] += 1
            }
        }
    }

    /// Who answered, counted over the rows of the chosen wave, and what the view of all waves
    /// adds to it (for the disclosure control's differencing). Counted here; the view publishes
    /// each line through the territory's disclosure control.
    struct ParticipationModel: Sendable {
        let context: QContext
        let waves: [WaveRecord]
        /// The waves counted (all of them without a wave filter).
        let chosen: [WaveRecord]
        let tally: Tally
        /// With a wave chosen: the answers of the other waves.
        var added: [Tally] = []
        /// Each commune's target summed over the waves counted: proportional to its population
        /// unless set by hand.
        let communeTargets: [String: Int]

        var target: Int { chosen.reduce(0) { $0 + $1.target_total } }
    }

    static func loadParticipation(_ req: Request, _ context: QContext) async throws -> ParticipationModel {
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        let entry = try await req.application.questionnaireResults.entry(for: context.id, on: req.db)
        let filter = filter(["vague": req.queryFields()["vague"] ?? ""], waves: waves, definition: context.definition)
        let split = filter.split(of: entry.data)
        let chosen = waves.filter { filter.wave == nil || $0.id == filter.wave }
        var communeTargets: [String: Int] = [:]
        for wave in chosen {
            let overrides = wave.overrides
            let spread = Targets.proportional(
                total: max(0, wave.target_total - overrides.values.reduce(0, +)),
                populations: context.territory.communes.filter { overrides[$0.code] == nil }.map {
                    ($0.code, $0.population)
                })
            for (code, n) in spread.merging(overrides, uniquingKeysWith: { $1 }) {
                communeTargets[code, default: 0] += n
            }
        }
        return ParticipationModel(
            context: context, waves: waves, chosen: chosen, tally: Tally(rows: split.rows, of: entry.data),
            added: split.differences.map { Tally(rows: $0, of: entry.data) }, communeTargets: communeTargets)
    }

    @Sendable static func participation(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let model = try await loadParticipation(req, context)
        return req.render(participationView(model, visit: req.visit, query: req.queryFields()))
    }

    /// A breakdown of the answers (every answer in exactly one cell), as it may be published.
    static func breakdown<Key: Hashable>(
        _ keys: [Key], _ counts: (Tally) -> [Key: Int], extra: ((Tally) -> Int)? = nil, model: ParticipationModel
    ) -> Disclosure.Line {
        func cells(_ tally: Tally) -> [Int] {
            let byKey = counts(tally)
            return keys.map { byKey[$0] ?? 0 } + (extra.map { [$0(tally)] } ?? [])
        }
        return model.context.territory.disclosure.line(
            cells(model.tally), total: model.tally.answers,
            differences: model.added.map { Disclosure.Difference(counts: cells($0), total: $0.answers) })
    }

    /// The participation page. Pure.
    static func participationView(_ model: ParticipationModel, visit: Visit, query: [String: String]) -> WebPage {
        let context = model.context, target = model.target
        let chosen = model.chosen
        let disclosure = context.territory.disclosure
        func show(_ c: Disclosure.Cell) -> String { cell(c, disclosure, visit: visit) }
        let check = disclosure.view(population: model.tally.answers, differences: model.added.map(\.answers))
        let audiences = [QAudience.users, .professionals]
        let byAudience = breakdown(QAudience.allCases, \.byAudience, model: model)
        let audienceRows: [[HTML]] = audiences.map { audience in
            let i = QAudience.allCases.firstIndex(of: audience) ?? 0
            let goal = chosen.reduce(0) { $0 + (audience == .users ? $1.target_users : $1.target_professionals) }
            return [
                "\(visit.t(audience == .users ? "Usagers" : "Professionnels", audience == .users ? "Users" : "Professionals"))",
                "\(show(byAudience.cell(i)))", "\(View.number(goal, lang: visit.lang))",
            ]
        }
        let byChannel = breakdown(Channel.allCases, \.byChannel, model: model)
        let channelBars = Channel.allCases.enumerated().map { i, channel in
            BarChart.Bar(
                label: visit.t(channel.label), value: barValue(byChannel.cell(i)), text: show(byChannel.cell(i)))
        }
        let total = check == .publishable ? Disclosure.Cell.shown(model.tally.answers) : .hidden
        let shareOfTarget =
            total.value.flatMap { n in target > 0 ? Double(n) * 100 / Double(target) : nil }
        let targetText: String =
            target > 0
            ? " "
                + visit.t(
                    "sur un objectif de \(View.number(target, lang: visit.lang)) (\(percent(shareOfTarget, visit: visit)))",
                    "of a target of \(View.number(target, lang: visit.lang)) (\(percent(shareOfTarget, visit: visit)))")
            : ""
        let figures: HTML
        if check == .publishable {
            let communes = context.territory.communes
            let byCommune = breakdown(communes.map(\.code), \.byCommune, extra: \.noCommune, model: model)
            figures = """
                <h2>\(visit.t("Par commune", "By commune"))</h2>
                <p>\(visit.t("L'objectif de chaque commune suit sa population, sauf s'il a été fixé à la main. Sans commune indiquée : \(show(byCommune.cell(communes.count))).",
                         "Each commune's target follows its population unless set by hand. No commune given: \(show(byCommune.cell(communes.count)))."))</p>
                \(communeTable(model, line: byCommune, visit: visit))
                <h2>\(visit.t("Par public", "By audience"))</h2>
                \(View.table(caption: visit.t("Réponses par public", "Answers by audience"), headers: [visit.t("Public", "Audience"), visit.t("Réponses", "Answers"), visit.t("Objectif", "Target")],
                         rows: audienceRows, numericColumns: [1, 2]))
                <h2>\(visit.t("Par canal", "By channel"))</h2>
                \(BarChart.svg(channelBars, title: visit.t("Réponses par canal", "Answers by channel"), id: "canal-graphique"))
                \(View.table(caption: visit.t("Réponses par canal", "Answers by channel"), headers: [visit.t("Canal", "Channel"), visit.t("Réponses", "Answers")],
                         rows: Channel.allCases.enumerated().map { ["\(visit.t($1.label))", "\(show(byChannel.cell($0)))"] }, numericColumns: [1]))
                <h2>\(visit.t("Dans le temps", "Over time"))</h2>
                \(weeksBlock(model, visit: visit))
                """
        } else {
            figures = "<p class=\"notice\">\(viewRefusal(check, disclosure, visit: visit))</p>"
        }
        let main: HTML = """
            <h1>\(visit.t("Participation", "Participation")) · \(context.record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.participation))
            \(filterForm(context, action: context.link(QuestionnairePaths.participation), query: query, waves: model.waves, visit: visit, full: false))
            <p><strong>\(visit.t("Réponses :", "Answers:")) \(populationText(model.tally.answers, check, disclosure, visit: visit))</strong>\(targetText)</p>
            <p>\(ruleText(disclosure, visit: visit))</p>
            \(figures)
            """
        return WebPage(
            title: visit.t("Participation · \(context.record.title)", "Participation · \(context.record.title)"),
            main: main)
    }

    /// Answers by commune, against each commune's target and population.
    static func communeTable(_ model: ParticipationModel, line: Disclosure.Line, visit: Visit) -> HTML {
        let disclosure = model.context.territory.disclosure
        let rows = model.context.territory.communes.enumerated().map { i, commune -> [HTML] in
            let goal = model.communeTargets[commune.code] ?? 0
            let n = line.cell(i).value
            return [
                "\(commune.name)", "\(View.number(commune.population, lang: visit.lang))",
                "\(goal > 0 ? View.number(goal, lang: visit.lang) : "—")",
                "\(cell(line.cell(i), disclosure, visit: visit))",
                "\(goal > 0 ? n.map { NumberText.decimal(Double($0) * 100 / Double(goal), digits: 0, lang: visit.lang) + " %" } ?? "—" : "—")",
                "\(n.flatMap { Targets.perThousand($0, population: commune.population) }.map { NumberText.decimal($0, lang: visit.lang) } ?? "—")",
            ]
        }
        return View.table(
            caption: visit.t("Réponses par commune", "Answers by commune"),
            headers: [
                visit.t("Commune", "Commune"), visit.t("Population", "Population"), visit.t("Objectif", "Target"),
                visit.t("Réponses", "Answers"), visit.t("Part de l'objectif", "Share of target"),
                visit.t("Pour 1 000 habitants", "Per 1,000 inhabitants"),
            ], rows: rows, numericColumns: [1, 2, 3, 4, 5])
    }

    /// Answers by week: a chart and its table.
    static func weeksBlock(_ model: ParticipationModel, visit: Visit) -> HTML {
        let weeks = model.tally.byWeek.keys.sorted()
        guard !weeks.isEmpty else { return "<p>\(visit.t("Aucune réponse.", "No answer."))</p>" }
        let disclosure = model.context.territory.disclosure
        let line = breakdown(weeks, \.byWeek, model: model)
        let weekLabel = { (day: Int) in DateText.day(Date(timeIntervalSince1970: Double(day) * 86400), lang: visit.lang)
        }
        let bars = weeks.enumerated().map { i, week in
            BarChart.Bar(
                label: visit.t("sem. du ", "week of ") + weekLabel(week), value: barValue(line.cell(i)),
                text: cell(line.cell(i), disclosure, visit: visit))
        }
        return BarChart.svg(bars, title: visit.t("Réponses par semaine", "Answers by week"), id: "semaines-graphique")
            + View.table(
                caption: visit.t("Réponses par semaine", "Answers by week"),
                headers: [visit.t("Semaine du", "Week of"), visit.t("Réponses", "Answers")],
                rows: weeks.enumerated().map { i, week in
                    ["\(weekLabel(week))", "\(cell(line.cell(i), disclosure, visit: visit))"]
                }, numericColumns: [1])
    }

    // MARK: Free text

    /// Reading the free-text answers is reading raw answers: in the audit trail, with the question.
    @Sendable static func texts(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let page = try await textsPage(req, context, errors: FormErrors(), typed: [:])
        try await ReadFreeTexts.run(
            context, question: req.queryFields()["question"], actor: AnswerPages.actor(req), env: req.useCases)
        return req.render(page)
    }

    /// The free-text answers of one question, searched and paged, with their codes.
    struct TextsModel: Sendable {
        struct Item: Sendable {
            let responseID: Int
            let text: String
            /// The codes this answer has.
            let codes: [QuestionnaireStore.Code]
        }
        let context: QContext
        let textQuestions: [Question]
        /// The question shown (nil: the questionnaire has no free-text question).
        let question: Question?
        let codes: [QuestionnaireStore.Code]
        /// How many answers each code has, by code id.
        let codeCounts: [Int: Int]
        let search: String
        /// How many answers match the search, and the page of them shown, newest first.
        let matching: Int
        let items: [Item]
        let page: Int
        let pages: Int
    }

    static func loadTexts(_ req: Request, _ context: QContext, query: [String: String]) async throws -> TextsModel {
        let textQuestions = context.definition.questions.filter { $0.kind.isText }
        let search = (query["q"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let q = textQuestions.first(where: { $0.key == query["question"] }) ?? textQuestions.first else {
            return TextsModel(
                context: context, textQuestions: [], question: nil, codes: [], codeCounts: [:], search: search,
                matching: 0, items: [], page: 1, pages: 1)
        }
        let entry = try await req.application.questionnaireResults.entry(for: context.id, on: req.db)
        let codes = try await QuestionnaireStore.codes(of: context.id, on: req.db).filter { $0.question_key == q.key }
        let coded = try await QuestionnaireStore.coded(of: context.id, on: req.db)
        let needle = search.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var list = entry.texts[q.key] ?? []
        if !needle.isEmpty {
            list = list.filter {
                $0.text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).contains(needle)
            }
        }
        list.reverse()
        let pages = max(1, (list.count + 49) / 50)
        let page = min(max(1, Int(query["page"] ?? "") ?? 1), pages)
        let items = list.dropFirst((page - 1) * 50).prefix(50).map { item in
            let responseID = entry.data.ids[item.row]
            let mine = (coded[responseID] ?? []).compactMap { id in codes.first { $0.id == id } }
            return TextsModel.Item(responseID: responseID, text: item.text, codes: mine)
        }
        var codeCounts: [Int: Int] = [:]
        for ids in coded.values { for id in ids { codeCounts[id, default: 0] += 1 } }
        return TextsModel(
            context: context, textQuestions: textQuestions, question: q, codes: codes, codeCounts: codeCounts,
            search: search, matching: list.count, items: Array(items), page: page, pages: pages)
    }

    /// The free-text page loaded and shown (the handlers' shorthand).
    static func textsPage(
        _ req: Request, _ context: QContext, errors: FormErrors, typed: [String: String], status: HTTPStatus = .ok
    ) async throws -> WebPage {
        let model = try await loadTexts(req, context, query: req.queryFields().merging(typed) { $1 })
        return textsView(model, visit: req.visit, errors: errors, typed: typed, status: status)
    }

    /// The free-text page: the question and search, its codes with their counts, a new code, and
    /// the answers with their codes and a form to code each. Pure.
    static func textsView(
        _ model: TextsModel, visit: Visit, errors: FormErrors, typed: [String: String], status: HTTPStatus = .ok
    ) -> WebPage {
        let context = model.context
        let body: HTML
        if let q = model.question {
            let action = context.link(QuestionnairePaths.texts)
            let countRows = model.codes.map {
                ["\($0.name)", "\(count(model.codeCounts[$0.id] ?? 0, context.territory.disclosure, visit: visit))"]
                    as [HTML]
            }
            let qOptions = model.textQuestions.map { Form.Option($0.key, String($0.label.prefix(90))) }
            let search = model.search
            let items = model.items.map { textItem($0, question: q, model: model, visit: visit) }
            body = """
                <form method="get" action="\(action)" class="filters"><div class="inline-fields">\
                \(Form.select(name: "question", label: visit.t("Question", "Question"), options: qOptions, selected: q.key, errors: FormErrors(), visit: visit))\
                \(Form.input(name: "q", label: visit.t("Rechercher dans les réponses", "Search the answers"), value: search, errors: FormErrors(), visit: visit, type: "search", maxLength: 100))\
                </div><button type="submit" class="button secondary">\(visit.t("Afficher", "Show"))</button></form>
                <h2>\(visit.t("Codes de cette question", "Codes of this question"))</h2>
                \(model.codes.isEmpty ? "<p>\(visit.t("Aucun code encore. Créez des codes (des thèmes) puis rangez chaque réponse sous un ou plusieurs codes.", "No code yet. Create codes (themes) then file each answer under one or more codes."))</p>" as HTML
                : View.table(caption: visit.t("Réponses par code", "Answers by code"), headers: [visit.t("Code", "Code"), visit.t("Réponses", "Answers")], rows: countRows, numericColumns: [1]))
                <form method="post" action="\(action)" class="form">\(Form.csrf(visit))<input type="hidden" name="op" value="new-code"><input type="hidden" name="question" value="\(q.key)">\
                \(Form.input(name: "name", label: visit.t("Nouveau code", "New code"), value: typed["name"], errors: errors, visit: visit, hint: visit.t("Par exemple : « Délais de rendez-vous »", "For example: “Waiting times”"), maxLength: 80))\
                \(Form.submit(visit.t("Créer le code", "Create the code"), secondary: true))</form>
                <h2>\(visit.t("Réponses", "Answers")) (\(View.number(model.matching, lang: visit.lang)))</h2>
                \(items.isEmpty ? "<p>\(visit.t("Aucune réponse.", "No answer."))</p>" as HTML : "<ol class=\"text-answers\">\(each: items)</ol>")
                \(View.pager(page: model.page, pages: model.pages, visit: visit) { "\(action)?question=\(q.key)&q=\(search.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")&page=\($0)" })
                """
        } else {
            body =
                "<p>\(visit.t("Ce questionnaire n'a pas de question à réponse libre.", "This questionnaire has no free-text question."))</p>"
        }
        let main: HTML = """
            <h1>\(visit.t("Réponses libres", "Free-text answers")) · \(context.record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.texts))
            \(Form.errorSummary(errors, visit: visit))
            <p>\(visit.t("Ces réponses sont anonymes. Ne les publiez pas telles quelles : elles peuvent contenir des détails personnels.", "These answers are anonymous. Do not publish them as they are: they may hold personal details."))</p>
            \(body)
            """
        return WebPage(
            title: visit.t("Réponses libres · \(context.record.title)", "Free-text answers · \(context.record.title)"),
            main: main, status: status, hasErrors: !errors.isEmpty)
    }

    /// One free-text answer: its text, its codes (each with a button to take it away) and the form
    /// that gives it one more.
    static func textItem(_ item: TextsModel.Item, question q: Question, model: TextsModel, visit: Visit) -> HTML {
        let action = model.context.link(QuestionnairePaths.texts)
        let responseID = item.responseID
        let tags = item.codes.map { code -> HTML in
            "<li>\(code.name) <form method=\"post\" action=\"\(action)\" class=\"inline-form\">\(Form.csrf(visit))<input type=\"hidden\" name=\"op\" value=\"uncode\"><input type=\"hidden\" name=\"question\" value=\"\(q.key)\"><input type=\"hidden\" name=\"response\" value=\"\(responseID)\"><input type=\"hidden\" name=\"code\" value=\"\(code.id)\"><button type=\"submit\" class=\"link-button\">\(visit.t("Retirer", "Remove"))<span class=\"visually-hidden\"> \(code.name), \(visit.t("réponse", "answer")) \(responseID)</span></button></form></li>"
        }
        let codeOptions = model.codes.map { Form.Option(String($0.id), $0.name) }
        let form: HTML =
            model.codes.isEmpty
            ? .empty
            : """
            <form method="post" action="\(action)" class="inline-form code-form">\(Form.csrf(visit))<input type="hidden" name="op" value="code"><input type="hidden" name="question" value="\(q.key)"><input type="hidden" name="response" value="\(responseID)">\
            \(Form.select(name: "code", label: visit.t("Code pour la réponse \(responseID)", "Code for answer \(responseID)"), options: codeOptions, selected: nil, errors: FormErrors(), visit: visit, field: "code-\(responseID)"))\
            \(Form.submit(visit.t("Coder", "Code"), secondary: true))</form>
            """
        return
            "<li class=\"text-answer\"><blockquote><p>\(item.text)</p></blockquote><p class=\"meta\">\(visit.t("Réponse", "Answer")) \(responseID)</p>\(item.codes.isEmpty ? HTML.empty : "<ul class=\"tags\">\(each: tags)</ul>")\(form)</li>"
    }

    @Sendable static func code(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        guard let q = context.definition.question(fields["question"] ?? ""), q.kind.isText else {
            return QPages.unknownPart(req, context)
        }
        let back = context.link(QuestionnairePaths.texts) + "?question=\(q.key)"
        let change: CodingChange
        switch fields["op"] {
        case "new-code": change = .newCode(name: fields["name"] ?? "")
        case "code", "uncode":
            guard let response = PathID.parse(fields["response"]), let code = PathID.parse(fields["code"])
            else {
                return req.redirect(to: back, flash: Flash(.error, visit.t("Choisissez un code.", "Choose a code.")))
            }
            change =
                fields["op"] == "code" ? .code(response: response, code: code) : .uncode(response: response, code: code)
        default:
            return req.refusal(
                status: .badRequest, title: Text("Action inconnue", "Unknown action"),
                message: Text(
                    "Cette action n'existe pas pour le codage des réponses libres : rien n'a été modifié.",
                    "This action does not exist for coding free-text answers: nothing was changed."),
                back: back)
        }
        switch try await CodeFreeText.run(
            change, question: q, questionnaire: context, actor: AnswerPages.actor(req), env: req.useCases)
        {
        case .forbidden: throw Abort(.forbidden)
        case .notFound: throw Abort(.notFound)
        case .invalid(let errors):
            let typed = [
                "name": (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines), "question": q.key,
            ]
            return req.render(
                try await textsPage(req, context, errors: errors, typed: typed, status: .unprocessableEntity))
        case .saved:
            return req.redirect(to: back, flash: Flash(.success, visit.t("Codage enregistré.", "Coding saved.")))
        }
    }
}
