import Core
import Fluent
import Stats
import Vapor

/// The review: scoring on the call's grid, the ranking, the organisers' decisions, the figures.
enum ReviewPages {
    static func register(_ router: RouteRegistrar) {
        router.get(ExperiencesPaths.review, access: .signedIn) { req in
            try await dashboard(req, errors: FormErrors(), fields: [:])
        }
        router.post(ExperiencesPaths.reviewers, access: .signedIn, use: addReviewer)
        router.get(ExperiencesPaths.score, access: .signedIn) { req in
            let context = try await SubmissionContext.load(req)
            if let refused = mayScore(req, context) { return refused }
            let grid = try await grid(context, on: req.db)
            let own = try await ExperienceStore.scores(of: context.record.id, on: req.db).filter {
                $0.reviewer_id == context.call.viewerID
            }
            var fields: [String: String] = [:]
            for row in own {
                fields["score-\(row.criterion_id)"] = String(row.score);
                fields["comment-\(row.criterion_id)"] = row.comment
            }
            return req.render(scoreForm(req.visit, context, grid: grid, fields: fields, errors: FormErrors()))
        }
        router.post(ExperiencesPaths.score, access: .signedIn, use: score)
        router.post(ExperiencesPaths.status, access: .signedIn, use: changeStatus)
        router.get(ExperiencesPaths.figures, access: .signedIn, use: figures)
    }

    static func grid(_ context: SubmissionContext, on db: any Database) async throws -> ReviewGrid {
        try await ReviewGrid.of(context.call.call, on: db)
    }

    /// Nil when the viewer may score this submission, else the page that says why not (403).
    static func mayScore(_ req: Request, _ context: SubmissionContext) -> Response? {
        let rights = ReviewRights.check(
            isReviewerOfCall: context.call.reviews, isAuthor: context.isAuthor, status: context.status)
        guard rights != .allowed else { return nil }
        return refusal(req, context, rights)
    }

    static func refusal(_ req: Request, _ context: SubmissionContext, _ rights: ReviewRights) -> Response {
        req.refusal(
            status: rights == .closed ? .conflict : .forbidden,
            title: Text("Évaluation impossible", "Review not possible"),
            message: rights.message, back: ExperiencesPaths.submission.link(context.call.call.id, context.record.id))
    }

    static func scoreForm(
        _ visit: Visit, _ context: SubmissionContext, grid: ReviewGrid, fields: [String: String], errors: FormErrors,
        status: HTTPStatus = .ok
    ) -> WebPage {
        let callID = context.call.call.id
        let scale = (0...grid.maxScore).map { Form.Option(String($0), String($0)) }
        let items = grid.criteria.map { criterion -> HTML in
            """
            <fieldset class="group"><legend>\(criterion.label) <span class="meta">(\(visit.t("poids", "weight")) \(criterion.weight))</span></legend>
            \(Form.radios(name: "score-\(criterion.id)", legend: visit.t("Note de 0 à \(grid.maxScore)", "Score from 0 to \(grid.maxScore)"), options: scale,
                          selected: fields["score-\(criterion.id)"], errors: errors, visit: visit, required: true))
            \(Form.textarea(name: "comment-\(criterion.id)", label: visit.t("Commentaire", "Comment"), value: fields["comment-\(criterion.id)"], errors: errors, visit: visit, rows: 3, maxLength: 1000))
            </fieldset>
            """
        }
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.submission.link(callID, context.record.id))">\(context.record.title)</a></p>
            <h1>\(visit.t("Noter la contribution", "Score the submission"))</h1>
            <p>\(visit.t("Les notes des autres relecteur·rices restent cachées tant que vous n'avez pas donné les vôtres.", "Other reviewers' scores stay hidden until you have given yours."))</p>
            \(Form.errorSummary(errors, visit: visit))
            \(Form.open(action: ExperiencesPaths.score.link(callID, context.record.id), visit: visit))
            \(HTML.join(items))
            <p class="actions">\(Form.submit(visit.t("Enregistrer mes notes", "Save my scores")))</p>
            </form>
            """
        return WebPage(
            title: visit.t("Noter la contribution", "Score the submission"), main: main, status: status,
            hasErrors: !errors.isEmpty)
    }

    @Sendable static func score(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        let fields = req.formFields()
        switch try await ScoreSubmission.run(fields: fields, submission: context, env: req.useCases) {
        case .refused(let rights): return refusal(req, context, rights)
        case .invalid(let errors):
            let grid = try await grid(context, on: req.db)
            return req.render(
                scoreForm(req.visit, context, grid: grid, fields: fields, errors: errors, status: .unprocessableEntity))
        case .scored:
            ExperiencesPages.changed(req)
            return req.redirect(
                to: ExperiencesPaths.submission.link(context.call.call.id, context.record.id),
                flash: Flash(.success, req.visit.t("Vos notes sont enregistrées.", "Your scores are saved.")))
        }
    }

    // MARK: - The panel on a submission's page

    static func panel(
        _ req: Request, _ context: SubmissionContext, errors: FormErrors, fields: [String: String]
    ) async throws -> HTML {
        let visit = req.visit
        let callID = context.call.call.id
        let grid = try await grid(context, on: req.db)
        let rows = try await ExperienceStore.scores(of: context.record.id, on: req.db)
        let mine = rows.contains { $0.reviewer_id == context.call.viewerID }
        let rights = ReviewRights.check(
            isReviewerOfCall: context.call.reviews, isAuthor: context.isAuthor, status: context.status)
        var out: [HTML] = []
        if rights == .allowed {
            out.append(
                "<p><a class=\"button\" href=\"\(ExperiencesPaths.score.link(callID, context.record.id))\">\(mine ? visit.t("Modifier mes notes", "Change my scores") : visit.t("Noter cette contribution", "Score this submission"))</a></p>"
            )
        } else if context.call.reviews, rights != .closed {
            out.append("<p class=\"notice\">\(visit.t(rights.message))</p>")
        }
        let reviews = Dictionary(grouping: rows, by: \.review_id).values.sorted { $0[0].review_id < $1[0].review_id }
        if ReviewRights.seesOthersScores(
            hasReviewed: mine, isReviewerOfCall: context.call.reviews, isOrganiser: context.call.organises)
        {
            let summary = ReviewSummary(
                submissionID: context.record.id, scores: reviews.map { $0[0].weighted_score },
                required: context.call.call.required_reviews)
            let headers =
                [visit.t("Relecteur·rice", "Reviewer")] + grid.criteria.map { "\($0.label) (×\($0.weight))" } + [
                    visit.t("Score sur 100", "Score out of 100")
                ]
            let table = reviews.map { review -> [HTML] in
                let byCriterion = Dictionary(review.map { ($0.criterion_id, $0) }, uniquingKeysWith: { a, _ in a })
                let cells = grid.criteria.map { c -> HTML in
                    guard let s = byCriterion[c.id] else { return "—" }
                    return s.comment.isEmpty ? "\(s.score)" : "\(s.score)<br><span class=\"meta\">\(s.comment)</span>"
                }
                return ["\(review[0].display_name ?? visit.t("compte supprimé", "deleted account"))"] + cells + [
                    "\(Int(review[0].weighted_score.rounded()))"
                ]
            }
            out.append(
                reviews.isEmpty
                    ? "<p>\(visit.t("Pas encore de note.", "No score yet."))</p>"
                    : View.table(
                        caption: visit.t("Notes des relecteur·rices", "Reviewers' scores"), headers: headers,
                        rows: table, numericColumns: Set(1...(grid.criteria.count + 1))))
            if summary.disagreement {
                out.append(
                    "<p class=\"notice\"><strong>\(visit.t("Désaccord entre relecteur·rices", "Reviewers disagree"))</strong> : \(visit.t("écart de \(Int(summary.spread.rounded())) points sur 100.", "a gap of \(Int(summary.spread.rounded())) points out of 100."))</p>"
                )
            }
            out.append(
                "<p>\(visit.t("\(reviews.count) évaluation(s) sur \(summary.required) demandée(s).", "\(reviews.count) review(s) of \(summary.required) required."))</p>"
            )
        } else if context.call.reviews, !context.isAuthor {
            out.append(
                "<p>\(visit.t("Les notes des autres relecteur·rices s'afficheront une fois les vôtres données.", "Other reviewers' scores will show once you have given yours."))</p>"
            )
        }
        if context.call.organises, !context.isAuthor, !context.status.next.isEmpty {
            let options = context.status.next.map { Form.Option($0.rawValue, visit.t($0.label)) }
            out.append(
                """
                \(Form.open(action: ExperiencesPaths.status.link(callID, context.record.id), visit: visit))
                \(Form.select(name: "status", label: visit.t("Nouvel état", "New status"), options: options, selected: fields["status"], errors: errors, visit: visit, required: true))
                \(Form.textarea(name: "message", label: visit.t("Message aux auteur·rices", "Message to the authors"), value: fields["message"], errors: errors, visit: visit,
                            hint: visit.t("Obligatoire pour demander des précisions : il leur est envoyé par e-mail.", "Required to ask for more information: it is sent to them by e-mail."), rows: 4, maxLength: 4000))
                <p class="actions">\(Form.submit(visit.t("Enregistrer la décision", "Save the decision")))</p>
                </form>
                """)
        }
        return
            "<section class=\"panel staff\" aria-labelledby=\"evaluation\"><h2 id=\"evaluation\">\(visit.t("Évaluation", "Review"))</h2>\(HTML.join(out))</section>"
    }

    // MARK: - Decisions

    @Sendable static func changeStatus(_ req: Request) async throws -> Response {
        let context = try await SubmissionContext.load(req)
        let visit = req.visit
        let fields = req.formFields()
        switch try await DecideSubmission.run(fields: fields, submission: context, env: req.useCases) {
        case .notOrganiser:
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les organisateurs de l'appel décident de l'état d'une contribution.",
                    "Only the call's organisers decide a submission's status."))
        case .ownSubmission:
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Vous êtes auteur·rice de cette contribution : un·e autre organisateur·rice décide de son état.",
                    "You are an author of this submission: another organiser decides its status."))
        case .invalid(let errors):
            return try await SubmissionShow.render(
                req, context, errors: errors, fields: fields, status: .unprocessableEntity)
        case .decided(let target):
            ExperiencesPages.changed(req)
            let done =
                target == .moreInfo
                ? visit.t(
                    "Précisions demandées : les auteur·rices sont prévenu·es par e-mail.",
                    "Information requested: the authors are told by e-mail.")
                : visit.t("État enregistré : « \(target.label.fr) ».", "Status saved: “\(target.label.en)”.")
            return req.redirect(
                to: ExperiencesPaths.submission.link(context.call.call.id, context.record.id),
                flash: Flash(.success, done))
        }
    }

    // MARK: - Ranking

    /// The review dashboard: the call's sent submissions with every score (the view shows each
    /// reader only what the rules let them see), the reader's own submissions, and the reviewers.
    struct DashboardModel: Sendable {
        let context: CallContext
        let submissions: [ExperienceRecord]
        let scores: [Int: [(reviewer: Int?, score: Double)]]
        let own: Set<Int>
        /// The reviewers' names, for organisers only (nil for the others).
        let reviewers: [String]?
    }

    static func loadDashboard(_ req: Request, _ context: CallContext) async throws -> DashboardModel {
        let call = context.call
        return DashboardModel(
            context: context, submissions: try await ExperienceStore.sentSubmissions(callID: call.id, on: req.db),
            scores: try await ExperienceStore.reviewScores(callID: call.id, on: req.db),
            own: try await ExperienceStore.authoredIDs(personID: context.viewerID, callID: call.id, on: req.db),
            reviewers: context.organises
                ? try await ExperienceStore.reviewers(callID: call.id, on: req.db).map(\.name) : nil)
    }

    static func dashboard(
        _ req: Request, errors: FormErrors, fields: [String: String], status: HTTPStatus = .ok
    ) async throws -> Response {
        let context = try await CallContext.load(req)
        guard context.allows(.seeReview) else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Cette page est réservée aux relecteur·rices et aux organisateurs de l'appel.",
                    "This page is for the call's reviewers and organisers."))
        }
        let model = try await loadDashboard(req, context)
        return req.render(dashboardView(model, visit: req.visit, errors: errors, fields: fields, status: status))
    }

    /// The dashboard. Pure.
    static func dashboardView(
        _ model: DashboardModel, visit: Visit, errors: FormErrors, fields: [String: String], status: HTTPStatus = .ok
    ) -> WebPage {
        let call = model.context.call
        let rows = rankingRows(model, visit: visit)
        var team: HTML = .empty
        if let names = model.reviewers {
            team = """
                <h2>\(visit.t("Relecteur·rices de l'appel", "Reviewers of the call"))</h2>
                <p>\(names.isEmpty ? visit.t("Aucun pour le moment.", "None yet.") : names.joined(separator: ", "))</p>
                \(Form.errorSummary(errors, visit: visit))
                \(Form.open(action: ExperiencesPaths.reviewers.link(call.id), visit: visit))
                \(Form.input(name: "email", label: visit.t("Ajouter un·e relecteur·rice", "Add a reviewer"), value: fields["email"], errors: errors, visit: visit, type: "email",
                         hint: visit.t("L'adresse e-mail de son compte.", "The e-mail address of their account."), autocomplete: "off"))
                <p class="actions">\(Form.submit(visit.t("Ajouter", "Add"), secondary: true))</p>
                </form>
                """
        }
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.call.link(call.id))">\(call.title)</a></p>
            <h1>\(visit.t("Évaluer et classer", "Review and rank"))</h1>
            <p>\(visit.t("Classement par score pondéré moyen (sur 100) des contributions dont toutes les évaluations sont faites ; un désaccord est signalé quand deux notes s'écartent de \(Int(ReviewSummary.disagreementThreshold)) points ou plus.",
                     "Ranking by mean weighted score (out of 100) of the submissions whose reviews are all done; a disagreement is shown when two scores differ by \(Int(ReviewSummary.disagreementThreshold)) points or more."))</p>
            \(rows.isEmpty ? "<p>\(visit.t("Aucune contribution envoyée pour le moment.", "No submission sent yet."))</p>" as HTML
            : View.table(caption: visit.t("Contributions classées", "Ranked submissions"),
                         headers: [visit.t("Rang", "Rank"), visit.t("Contribution", "Submission"), visit.t("État", "Status"), visit.t("Évaluations", "Reviews"),
                                   visit.t("Score moyen", "Mean score"), visit.t("Désaccord", "Disagreement"), visit.t("Vous", "You")],
                         rows: rows, numericColumns: [3, 4]))
            \(team)
            """
        return WebPage(
            title: visit.t("Évaluer et classer", "Review and rank") + " · " + call.title, main: main,
            status: status, hasErrors: !errors.isEmpty)
    }

    /// The table's rows, ranked as `ReviewSummary.ranking` says: a row whose scores the reader may
    /// not see yet (before their own) is unranked and shows no mean (issue #16, attack 5).
    static func rankingRows(_ model: DashboardModel, visit: Visit) -> [[HTML]] {
        let context = model.context, call = context.call
        let submissions = model.submissions, scores = model.scores, own = model.own
        let byID = Dictionary(submissions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let summaries = submissions.map {
            ReviewSummary(
                submissionID: $0.id, scores: (scores[$0.id] ?? []).map(\.score), required: call.required_reviews)
        }
        func reviewed(_ id: Int) -> Bool { (scores[id] ?? []).contains { $0.reviewer == context.viewerID } }
        func sees(_ id: Int) -> Bool {
            ReviewRights.seesOthersScores(
                hasReviewed: reviewed(id), isReviewerOfCall: context.reviews, isOrganiser: context.organises)
        }
        let ranked = ReviewSummary.ranking(summaries, sees: sees)
        var position = 0
        let rows = ranked.compactMap { summary -> [HTML]? in
            guard let record = byID[summary.submissionID] else { return nil }
            let reviewed = reviewed(record.id)
            let sees = sees(record.id)
            if summary.isComplete && sees { position += 1 }
            let mean: HTML =
                sees
                ? summary.mean.map { "\(Int($0.rounded()))" } ?? "—"
                : "<span class=\"meta\">\(visit.t("après votre note", "after your score"))</span>"
            let flag: HTML =
                sees && summary.disagreement
                ? "<strong>\(visit.t("désaccord", "disagreement"))</strong> (\(Int(summary.spread.rounded())))" : ""
            let yours: String =
                own.contains(record.id)
                ? visit.t("vous êtes auteur·rice", "you are an author")
                : !context.reviews ? "" : reviewed ? visit.t("notée", "scored") : visit.t("à noter", "to score")
            return [
                "\(summary.isComplete && sees ? "\(position)" : "—")",
                "<a href=\"\(ExperiencesPaths.submission.link(call.id, record.id))\">\(record.title)</a>",
                "\(visit.t(record.status.label))", "\(summary.scores.count) / \(summary.required)", mean, flag,
                "\(yours)",
            ]
        }
        return rows
    }

    /// An organiser adds a reviewer to the call, by the e-mail address of their account.
    @Sendable static func addReviewer(_ req: Request) async throws -> Response {
        let context = try await CallContext.load(req)
        let raw = req.formFields()["email"] ?? ""
        switch try await AddReviewer.run(email: raw, call: context, env: req.useCases) {
        case .forbidden:
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les organisateurs de l'appel choisissent ses relecteur·rices.",
                    "Only the call's organisers choose its reviewers."))
        case .invalid(let errors):
            return try await dashboard(req, errors: errors, fields: ["email": raw], status: .unprocessableEntity)
        case .added:
            return req.redirect(
                to: ExperiencesPaths.review.link(context.call.id),
                flash: Flash(.success, req.visit.t("Relecteur·rice ajouté·e.", "Reviewer added.")))
        }
    }

    // MARK: - Figures

    @Sendable static func figures(_ req: Request) async throws -> Response {
        let context = try await CallContext.load(req)
        let visit = req.visit
        guard context.seesFigures else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Les chiffres d'un appel sont réservés à ses organisateurs et aux décideurs de son territoire.",
                    "A call's figures are for its organisers and the decision makers of its territory."))
        }
        let figures = CallFigures(rows: try await ExperienceStore.figureRows(callID: context.call.id, on: req.db))
        let unsaid = visit.t("Non précisé", "Not given")
        func table(_ caption: String, _ first: String, _ lines: [CallFigures.Line]) -> HTML {
            View.table(
                caption: caption,
                headers: [
                    first, visit.t("Contributions", "Submissions"),
                    visit.t("Personnes impliquées (déclarées)", "People involved (declared)"),
                ],
                rows: lines.map { line in
                    let people: String =
                        switch line.people {
                        case .shown(let n): View.number(n, lang: visit.lang)
                        case .hidden: visit.t("masqué", "hidden")
                        }
                    return ["\(line.label)", "\(View.number(line.submissions, lang: visit.lang))", "\(people)"]
                }, numericColumns: [1, 2])
        }
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.call.link(context.call.id))">\(context.call.title)</a></p>
            <h1>\(visit.t("Chiffres de l'appel", "Figures of the call"))</h1>
            <p class="lead">\(visit.t("\(View.number(figures.total, lang: .fr)) contributions envoyées (brouillons non comptés). Aucun nombre de personnes inférieur à 5 n'est affiché, ni un nombre qu'on retrouverait en soustrayant les autres du total (il est alors « masqué »).",
                                  "\(figures.total) submissions sent (drafts not counted). No number of people under 5 is shown, nor one that could be worked out by subtracting the others from the total (it then reads “hidden”)."))</p>
            <h2>\(visit.t("Par état", "By status"))</h2>
            \(table(visit.t("Contributions par état", "Submissions by status"), visit.t("État", "Status"),
                figures.lines(ExperienceStatus.allCases.filter { $0 != .draft }.map { ($0.rawValue, visit.t($0.label)) }, of: figures.byStatus, unsaid: unsaid)))
            <h2>\(visit.t("Par contexte", "By context"))</h2>
            \(table(visit.t("Contributions par contexte", "Submissions by context"), visit.t("Contexte", "Context"),
                figures.lines(ExperienceContext.allCases.map { ($0.rawValue, visit.t($0.label)) }, of: figures.byContext, unsaid: unsaid)))
            <h2>\(visit.t("Par niveau d'engagement", "By level of engagement"))</h2>
            \(table(visit.t("Contributions par niveau d'engagement", "Submissions by level of engagement"), visit.t("Niveau", "Level"),
                figures.lines(EngagementLevel.allCases.map { ($0.rawValue, visit.t($0.label)) }, of: figures.byLevel, unsaid: unsaid)))
            <h2>\(visit.t("Par région", "By region"))</h2>
            \(table(visit.t("Contributions par région", "Submissions by region"), visit.t("Région", "Region"),
                figures.lines(Region.sorted.filter { figures.byRegion[$0.rawValue] != nil }.map { ($0.rawValue, $0.name) }, of: figures.byRegion, unsaid: unsaid)))
            """
        return req.render(
            WebPage(
                title: visit.t("Chiffres de l'appel", "Figures of the call") + " · " + context.call.title, main: main))
    }
}
