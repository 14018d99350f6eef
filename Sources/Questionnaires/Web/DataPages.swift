import Core
import Fluent
import Foundation
import Stats
import Vapor

/// Exports (answers, codebook, aggregated results) and the import of paper answers.
enum DataPages {
    static let readers = Access.territory(QuestionnairesPolicy.readers)
    static let builders = Access.territory(QuestionnairesPolicy.builders)

    static func register(_ router: RouteRegistrar) {
        router.get(QuestionnairePaths.answersCSV, access: builders) { req in
            try await answers(req, delimiter: ",", name: "reponses.csv")
        }
        router.get(QuestionnairePaths.answersExcel, access: builders) { req in
            try await answers(req, delimiter: ";", name: "reponses-tableur.csv")
        }
        router.get(QuestionnairePaths.codebook, access: readers) { req in
            let context = try await QContext.load(req)
            let merged = try await ExportAnswers.mergedDefinition(context, on: req.db)
            let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
            var body = CSV.line(["colonne", "question", "type", "codes"]) + "\r\n"
            for row in AnswerLayout.codebook(merged, lang: req.visit.lang, waves: waves) {
                body += CSV.line(row.map(CSV.inert)) + "\r\n"
            }
            return download(body, name: "livre-de-codes.csv")
        }
        router.get(QuestionnairePaths.resultsCSV, access: readers, use: aggregated)
        router.get(QuestionnairePaths.importCSV, access: builders) { req in
            let context = try await QContext.load(req)
            if context.record.status == .closed { return closedImport(req, context) }
            return req.render(importPage(req.visit, context, problems: [], error: nil))
        }
        router.post(QuestionnairePaths.importCSV, access: builders, maxBody: "6mb", use: importAnswers)
    }

    static func download(_ body: String, name: String) -> Response {
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    /// Every complete answer: one row per answer, one column per question, in the audit trail.
    static func answers(_ req: Request, delimiter: Character, name: String) async throws -> Response {
        let context = try await QContext.load(req)
        switch try await ExportAnswers.run(
            questionnaire: context, delimiter: delimiter, actor: AnswerPages.actor(req), env: req.useCases)
        {
        case .forbidden: throw Abort(.forbidden)
        case .file(let body): return download(body, name: name)
        }
    }

    /// Aggregated results with the same filters and small-cell rule as the results page.
    @Sendable static func aggregated(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        let entry = try await req.application.questionnaireResults.entry(for: context.id, on: req.db)
        let rows = ResultsPages.filter(req.queryFields(), waves: waves, definition: context.definition).rows(
            of: entry.data)
        return download(aggregatedCSV(context, entry: entry, rows: rows, visit: visit), name: "resultats.csv")
    }

    /// The aggregated results of `rows` as CSV: a line per answer of each question, under the
    /// small-cell rule. Pure.
    static func aggregatedCSV(_ context: QContext, entry: ResultsCache.Entry, rows: [Int], visit: Visit) -> String {
        var lines = [CSV.line(["question", "libelle", "reponse", "nombre", "part_pourcent"])]
        let hidden = "moins de 5"
        func cell(_ n: Int) -> String { SmallCells.publish(n) == .suppressed ? hidden : String(n) }
        func percent(_ n: Int, _ whole: Int) -> String {
            SmallCells.share(n, of: whole).map { String(format: "%.1f", $0) } ?? ""
        }
        lines.append(CSV.line(["_total", "Réponses comptées", "", cell(rows.count), ""]))
        if Results.publishable(rows.count) {
            for q in context.definition.questions {
                let result = Results.of(q, in: entry.data, rows: rows)
                let label = CSV.inert(q.label)
                switch q.kind {
                case .shortText, .longText: continue
                case .date:
                    // Counts by month (or year), like the results page.
                    let dates = Results.dates(entry.texts[q.key] ?? [], rows: rows, key: q.key)
                    lines.append(CSV.line([q.key, label, "_reponses", cell(dates.answered), ""]))
                    if Results.publishable(dates.answered) {
                        for line in dates.lines {
                            lines.append(
                                CSV.line([
                                    q.key, label, line.key, cell(line.count), percent(line.count, dates.answered),
                                ]))
                        }
                    }
                case .ranking:
                    for item in result.ranked {
                        lines.append(
                            CSV.line([
                                q.key, label,
                                CSV.inert(ResultsPages.label(of: item.key, in: q, context: context, visit: visit))
                                    + " (classé 1er)", cell(item.first), percent(item.first, result.answered),
                            ]))
                    }
                case .matrix:
                    for row in result.matrix {
                        for (i, n) in row.counts.enumerated() {
                            lines.append(
                                CSV.line([
                                    q.key, label,
                                    CSV.inert(ResultsPages.label(of: row.key, in: q, context: context, visit: visit))
                                        + " = \(i + 1)", cell(n), percent(n, row.answered),
                                ]))
                        }
                    }
                case .number:
                    lines.append(CSV.line([q.key, label, "_reponses", cell(result.answered), ""]))
                    if Results.publishable(result.answered), let mean = result.mean, let median = result.median {
                        lines.append(CSV.line([q.key, label, "_moyenne", String(format: "%.2f", mean), ""]))
                        lines.append(CSV.line([q.key, label, "_mediane", String(format: "%.2f", median), ""]))
                        // The distribution in ranges, each count under the small-cell rule.
                        for bin in result.bins {
                            lines.append(
                                CSV.line([
                                    q.key, label, bin.label(.fr), cell(bin.count), percent(bin.count, result.answered),
                                ]))
                        }
                    }
                default:
                    for line in result.lines {
                        lines.append(
                            CSV.line([
                                q.key, label,
                                CSV.inert(ResultsPages.label(of: line.key, in: q, context: context, visit: visit)),
                                cell(line.count), percent(line.count, result.answered),
                            ]))
                    }
                    if Results.publishable(result.answered), let mean = result.mean {
                        lines.append(CSV.line([q.key, label, "_moyenne", String(format: "%.2f", mean), ""]))
                    }
                }
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    // MARK: Import

    static func importPage(
        _ visit: Visit, _ context: QContext, problems: [AnswerLayout.ImportProblem], error: String?,
        status: HTTPStatus = .ok
    ) -> WebPage {
        var errors = FormErrors()
        if let error { errors.add("fichier", error) }
        let report: HTML =
            problems.isEmpty
            ? .empty
            : """
            <div class="error-summary" role="alert" tabindex="-1"><h2>\(visit.t("Rien n'a été importé : le fichier contient \(problems.count) problème(s)", "Nothing was imported: the file has \(problems.count) problem(s)"))</h2>\
            <p>\(visit.t("Corrigez-les puis envoyez à nouveau le fichier entier.", "Fix them then send the whole file again."))</p></div>
            \(View.table(caption: visit.t("Problèmes par ligne et par colonne", "Problems by row and column"), headers: [visit.t("Ligne", "Row"), visit.t("Colonne", "Column"), visit.t("Problème", "Problem")],
                     rows: problems.prefix(500).map { ["\($0.line)", "\($0.column)", "\($0.message)"] }, numericColumns: [0]))
            """
        // A closed questionnaire keeps the explanation but not the form.
        let upload: HTML =
            context.record.status == .closed
            ? """
            <p class="notice" role="alert">\(visit.t("Ce questionnaire est clos : il ne reçoit plus de réponses, et rien n'est importé. Rouvrez-le depuis la page « Construire » pour importer des réponses papier.",
                                                   "This questionnaire is closed: it takes no more answers, and nothing is imported. Reopen it from the “Build” page to import paper answers."))</p>
            """
            : """
            \(Form.open(action: context.link(QuestionnairePaths.importCSV), visit: visit, multipart: true))
            \(Form.input(name: "fichier", label: visit.t("Fichier CSV (obligatoire)", "CSV file (required)"), value: nil, errors: errors, visit: visit, type: "file", accept: ".csv,text/csv"))
            \(Form.submit(visit.t("Importer", "Import")))
            </form>
            """
        let main: HTML = """
            <h1>\(visit.t("Importer des réponses papier", "Import paper answers")) · \(context.record.title)</h1>
            \(QPages.staffNav(context, visit: visit, current: QuestionnairePaths.importCSV))
            \(errors.isEmpty ? HTML.empty : Form.errorSummary(errors, visit: visit))
            \(report)
            <p>\(visit.t("Un fichier CSV (UTF-8, séparé par des virgules ou des points-virgules), une ligne par questionnaire papier, avec en première ligne les noms des colonnes décrits dans le",
                     "A CSV file (UTF-8, separated by commas or semicolons), one row per paper questionnaire, with the column names of the")) <a href="\(context.link(QuestionnairePaths.codebook))">\(visit.t("livre de codes", "codebook"))</a>\
            \(visit.t(". Les colonnes « canal » (papier par défaut), « date » (AAAA-MM-JJ ou JJ/MM/AAAA, aujourd'hui par défaut) et « vague » (son nom ou son numéro ; par défaut la vague en cours à la date de la réponse) sont facultatives : un fichier exporté puis réimporté garde ses vagues. Si une seule ligne pose problème, rien n'est importé.",
                   " on the first row. The “canal” (paper by default), “date” (YYYY-MM-DD or DD/MM/YYYY, today by default) and “vague” (its name or number; by default the wave running on the answer's date) columns are optional: a file exported then imported again keeps its waves. If a single row has a problem, nothing is imported."))</p>
            \(upload)
            """
        return WebPage(
            title: visit.t("Importer · \(context.record.title)", "Import · \(context.record.title)"), main: main,
            status: status, hasErrors: error != nil || !problems.isEmpty)
    }

    struct Upload: Content { var fichier: File? }

    /// A closed questionnaire takes no import: the page says so (409) and nothing is read.
    static func closedImport(_ req: Request, _ context: QContext) -> Response {
        req.render(importPage(req.visit, context, problems: [], error: nil, status: .conflict))
    }

    @Sendable static func importAnswers(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        guard context.record.status != .draft else { return AnswerPages.notOpen(req, context) }
        guard context.record.status != .closed else { return closedImport(req, context) }
        let upload = try? req.content.decode(Upload.self)
        guard let file = upload?.fichier, file.data.readableBytes > 0 else {
            return req.render(
                importPage(
                    visit, context, problems: [], error: visit.t("Choisissez un fichier CSV.", "Choose a CSV file."),
                    status: .unprocessableEntity))
        }
        guard
            let text = file.data.getString(at: file.data.readerIndex, length: file.data.readableBytes, encoding: .utf8)
        else {
            return req.render(
                importPage(
                    visit, context, problems: [],
                    error: visit.t("Le fichier doit être un texte encodé en UTF-8.", "The file must be UTF-8 text."),
                    status: .unprocessableEntity))
        }
        let firstLine = text.prefix { $0 != "\n" }
        let delimiter: Character =
            firstLine.filter { $0 == ";" }.count > firstLine.filter { $0 == "," }.count ? ";" : ","
        let table: [(line: Int, fields: [String])]
        do { table = try CSV.parse(text, delimiter: delimiter) } catch let error as CSV.ParseError {
            return req.render(
                importPage(
                    visit, context,
                    problems: [AnswerLayout.ImportProblem(line: error.line, column: "", message: error.message)],
                    error: nil, status: .unprocessableEntity))
        }
        switch try await ImportAnswers.run(
            table, questionnaire: context, actor: AnswerPages.actor(req), env: req.useCases)
        {
        case .forbidden: throw Abort(.forbidden)
        case .notOpen: return AnswerPages.notOpen(req, context)
        case .closed: return closedImport(req, context)
        case .problems(let problems):
            return req.render(importPage(visit, context, problems: problems, error: nil, status: .unprocessableEntity))
        case .imported(let count):
            return req.redirect(
                to: context.link(QuestionnairePaths.importCSV),
                flash: Flash(
                    .success,
                    count > 1
                        ? visit.t("\(count) réponses importées.", "\(count) answers imported.")
                        : visit.t("\(count) réponse importée.", "\(count) answer imported.")))
        }
    }
}
