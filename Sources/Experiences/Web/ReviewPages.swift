import Core
import Fluent
import SQLKit
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
        ReviewGrid(
            criteria: try await ExperienceStore.criteria(callID: context.call.call.id, on: db),
            maxScore: context.call.call.max_score)
    }

    /// Nil when the viewer may score this submission, else the page that says why not (403).
    static func mayScore(_ req: Request, _ context: SubmissionContext) -> Response? {
        let rights = ReviewRights.check(
            isReviewerOfCall: context.call.reviews, isAuthor: context.isAuthor, status: context.status)
        guard rights != .allowed else { return nil }
        return req.refusal(
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
        if let refused = mayScore(req, context) { return refused }
        let grid = try await grid(context, on: req.db)
        let fields = req.formFields()
        switch grid.validate(fields: fields, lang: req.visit.lang) {
        case .failure(let box):
            return req.render(
                scoreForm(
                    req.visit, context, grid: grid, fields: fields, errors: box.errors, status: .unprocessableEntity))
        case .success(let (scores, comments)):
            let id = context.record.id, reviewer = context.call.viewerID!, weighted = grid.weightedScore(scores)
            let moveToReview = context.status == .submitted
            try await ExperiencesPages.write(req) { db in
                try await ExperienceStore.saveReview(
                    experienceID: id, reviewerID: reviewer, scores: scores, comments: comments, weighted: weighted,
                    on: db)
                if moveToReview { try await ExperienceStore.setStatus(id, to: .underReview, on: db) }
            }
            return req.redirect(
                to: ExperiencesPaths.submission.link(context.call.call.id, id),
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
        guard context.call.organises else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les organisateurs de l'appel décident de l'état d'une contribution.",
                    "Only the call's organisers decide a submission's status."))
        }
        guard !context.isAuthor else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Vous êtes auteur·rice de cette contribution : un·e autre organisateur·rice décide de son état.",
                    "You are an author of this submission: another organiser decides its status."))
        }
        let fields = req.formFields()
        var errors = FormErrors()
        let target = ExperienceStatus(rawValue: fields["status"] ?? "")
        let message = (fields["message"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if let target {
            if !ExperienceStatus.transition(from: context.status, to: target) {
                errors.add(
                    "status",
                    visit.t(
                        "Une contribution « \(context.status.label.fr) » ne peut pas passer à « \(target.label.fr) ».",
                        "A submission “\(context.status.label.en)” cannot move to “\(target.label.en)”."))
            }
            if target == .moreInfo, message.isEmpty {
                errors.add(
                    "message",
                    visit.t(
                        "Écrivez les précisions que vous demandez : elles sont envoyées aux auteur·rices.",
                        "Write the information you ask for: it is sent to the authors."))
            }
        } else {
            errors.add(
                "status", visit.t("Choisissez le nouvel état dans la liste.", "Choose the new status from the list."))
        }
        if message.count > 4000 {
            errors.add("message", visit.t("4000 caractères au plus.", "4000 characters at most."))
        }
        guard errors.isEmpty, let target else {
            return try await SubmissionShow.render(
                req, context, errors: errors, fields: fields, status: .unprocessableEntity)
        }
        let record = context.record, actor = (try visit.signedInViewer()).personID, callRecord = context.call.call
        let emails = ExperiencesPages.authorEmails(context)
        let link = ExperiencesPages.absolute(req, ExperiencesPaths.submission.link(callRecord.id, record.id))
        let remarkable: Bool? =
            target == .published
            ? context.status == .remarkable : (target == .remarkable ? true : (target == .notSelected ? false : nil))
        try await ExperiencesPages.write(req) { db in
            try await ExperienceStore.setStatus(record.id, to: target, remarkable: remarkable, on: db)
            if !message.isEmpty {
                try await ExperienceStore.addMessage(record.id, kind: "question", body: message, by: actor, on: db)
            }
            try await AuditEntry.record(
                actor: actor, territory: callRecord.territory_id, action: "experience.status",
                subject: "experience \(record.id): \(record.status) → \(target.rawValue)", on: db)
            let subject =
                target == .moreInfo
                ? "Précisions demandées : \(record.title)" : "Votre contribution : \(target.label.fr)"
            let intro =
                target == .moreInfo
                ? "Les organisateurs de l'appel « \(callRecord.title) » vous demandent des précisions sur votre contribution « \(record.title) » :\n\n\(message)\n\nRépondez sur la page de la contribution"
                : "Votre contribution « \(record.title) » à l'appel « \(callRecord.title) » est maintenant : \(target.label.fr).\(message.isEmpty ? "" : "\n\n\(message)")\n\nLa suivre"
            for email in emails {
                try await Mailer.enqueue(to: email, subject: subject, body: "Bonjour,\n\n\(intro) : \(link)\n", on: db)
            }
        }
        let done =
            target == .moreInfo
            ? visit.t(
                "Précisions demandées : les auteur·rices sont prévenu·es par e-mail.",
                "Information requested: the authors are told by e-mail.")
            : visit.t("État enregistré : « \(target.label.fr) ».", "Status saved: “\(target.label.en)”.")
        return req.redirect(
            to: ExperiencesPaths.submission.link(callRecord.id, record.id), flash: Flash(.success, done))
    }

    // MARK: - Ranking

    static func dashboard(
        _ req: Request, errors: FormErrors, fields: [String: String], status: HTTPStatus = .ok
    ) async throws -> Response {
        let context = try await CallContext.load(req)
        let visit = req.visit
        guard context.reviews || context.organises else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Cette page est réservée aux relecteur·rices et aux organisateurs de l'appel.",
                    "This page is for the call's reviewers and organisers."))
        }
        let call = context.call
        let submissions = try await req.db.sql.raw(
            """
            SELECT \(ExperienceStore.experienceColumns) FROM experiences WHERE call_id = \(bind: call.id) AND status <> 'draft' ORDER BY id
            """
        ).all(decoding: ExperienceRecord.self)
        let scores = try await ExperienceStore.reviewScores(callID: call.id, on: req.db)
        struct AuthorRow: Decodable { let experience_id: Int }
        let own = Set(
            try await req.db.sql.raw(
                """
                SELECT a.experience_id FROM experience_authors a JOIN experiences e ON e.id = a.experience_id
                WHERE e.call_id = \(bind: call.id) AND a.person_id = \(bind: context.viewerID ?? -1)
                """
            ).all(decoding: AuthorRow.self).map(\.experience_id))
        let byID = Dictionary(submissions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let summaries = submissions.map {
            ReviewSummary(
                submissionID: $0.id, scores: (scores[$0.id] ?? []).map(\.score), required: call.required_reviews)
        }
        let ranked = ReviewSummary.ranking(summaries)
        var position = 0
        let rows = ranked.map { summary -> [HTML] in
            let record = byID[summary.submissionID]!
            let reviewed = (scores[record.id] ?? []).contains { $0.reviewer == context.viewerID }
            let sees = ReviewRights.seesOthersScores(
                hasReviewed: reviewed, isReviewerOfCall: context.reviews, isOrganiser: context.organises)
            if summary.isComplete { position += 1 }
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
                "\(summary.isComplete ? "\(position)" : "—")",
                "<a href=\"\(ExperiencesPaths.submission.link(call.id, record.id))\">\(record.title)</a>",
                "\(visit.t(record.status.label))", "\(summary.scores.count) / \(summary.required)", mean, flag,
                "\(yours)",
            ]
        }
        var team: HTML = .empty
        if context.organises {
            let names = try await ExperienceStore.reviewers(callID: call.id, on: req.db).map(\.name)
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
        return req.render(
            WebPage(
                title: visit.t("Évaluer et classer", "Review and rank") + " · " + call.title, main: main,
                status: status, hasErrors: !errors.isEmpty))
    }

    /// An organiser adds a reviewer to the call, by the e-mail address of their account.
    @Sendable static func addReviewer(_ req: Request) async throws -> Response {
        let context = try await CallContext.load(req)
        let visit = req.visit
        guard context.organises else {
            return req.refusal(
                status: .forbidden, title: Text("Accès refusé", "Access denied"),
                message: Text(
                    "Seuls les organisateurs de l'appel choisissent ses relecteur·rices.",
                    "Only the call's organisers choose its reviewers."))
        }
        let raw = req.formFields()["email"] ?? ""
        let email = EmailAddress.normalize(raw)
        var errors = FormErrors()
        let person =
            EmailAddress.isValid(email) ? try await ExperienceStore.people(emails: [email], on: req.db)[email] : nil
        if !EmailAddress.isValid(email) {
            errors.add(
                "email",
                visit.t(
                    "Écrivez une adresse e-mail complète, par exemple nom@exemple.fr.",
                    "Write a full e-mail address, e.g. name@example.org."))
        } else if person == nil {
            errors.add(
                "email",
                visit.t(
                    "Aucun compte pour \(email) : demandez à la personne de créer son compte, puis ajoutez-la.",
                    "No account for \(email): ask the person to sign up, then add them."))
        }
        guard errors.isEmpty, let person else {
            return try await dashboard(req, errors: errors, fields: ["email": raw], status: .unprocessableEntity)
        }
        let call = context.call, actor = (try visit.signedInViewer()).personID
        try await req.db.transaction { db in
            try await ExperienceStore.addReviewers([person], callID: call.id, on: db)
            try await AuditEntry.record(
                actor: actor, territory: call.territory_id, action: "experience_call.reviewer_added",
                subject: "call \(call.id): person \(person)", on: db)
        }
        return req.redirect(
            to: ExperiencesPaths.review.link(call.id),
            flash: Flash(.success, visit.t("Relecteur·rice ajouté·e.", "Reviewer added.")))
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
        struct Row: Decodable {
            let status: String; let context: String?; let level: String?; let region: String?;
            let participant_count: Int?
        }
        let rows = try await req.db.sql.raw(
            """
            SELECT status, context, level, region, participant_count FROM experiences WHERE call_id = \(bind: context.call.id) AND status <> 'draft'
            """
        ).all(decoding: Row.self)
        let figures = CallFigures(
            rows: rows.map {
                CallFigures.Row(
                    status: $0.status, context: $0.context, level: $0.level, region: $0.region,
                    people: $0.participant_count)
            })
        func table(_ caption: String, _ first: String, _ lines: [(label: String, counts: CallFigures.Counts)]) -> HTML {
            View.table(
                caption: caption,
                headers: [
                    first, visit.t("Contributions", "Submissions"),
                    visit.t("Personnes impliquées (déclarées)", "People involved (declared)"),
                ],
                rows: lines.map { line in
                    let people: String =
                        switch SmallCells.publish(line.counts.people) {
                        case .count(let n): View.number(n, lang: visit.lang)
                        case .suppressed: visit.t("moins de 5", "fewer than 5")
                        }
                    return ["\(line.label)", "\(View.number(line.counts.submissions, lang: visit.lang))", "\(people)"]
                }, numericColumns: [1, 2])
        }
        let main: HTML = """
            <p class="meta"><a href="\(ExperiencesPaths.call.link(context.call.id))">\(context.call.title)</a></p>
            <h1>\(visit.t("Chiffres de l'appel", "Figures of the call"))</h1>
            <p class="lead">\(visit.t("\(View.number(figures.total, lang: .fr)) contributions envoyées (brouillons non comptés). Aucun nombre de personnes inférieur à 5 n'est affiché.",
                                  "\(figures.total) submissions sent (drafts not counted). No number of people under 5 is shown."))</p>
            <h2>\(visit.t("Par état", "By status"))</h2>
            \(table(visit.t("Contributions par état", "Submissions by status"), visit.t("État", "Status"),
                ExperienceStatus.allCases.filter { $0 != .draft }.map { (visit.t($0.label), figures.byStatus[$0.rawValue] ?? .init()) }))
            <h2>\(visit.t("Par contexte", "By context"))</h2>
            \(table(visit.t("Contributions par contexte", "Submissions by context"), visit.t("Contexte", "Context"),
                ExperienceContext.allCases.map { (visit.t($0.label), figures.byContext[$0.rawValue] ?? .init()) }))
            <h2>\(visit.t("Par niveau d'engagement", "By level of engagement"))</h2>
            \(table(visit.t("Contributions par niveau d'engagement", "Submissions by level of engagement"), visit.t("Niveau", "Level"),
                EngagementLevel.allCases.map { (visit.t($0.label), figures.byLevel[$0.rawValue] ?? .init()) }))
            <h2>\(visit.t("Par région", "By region"))</h2>
            \(table(visit.t("Contributions par région", "Submissions by region"), visit.t("Région", "Region"),
                Region.sorted.compactMap { r in figures.byRegion[r.rawValue].map { (r.name, $0) } }))
            """
        return req.render(
            WebPage(
                title: visit.t("Chiffres de l'appel", "Figures of the call") + " · " + context.call.title, main: main))
    }
}
