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

    /// Aggregated results with the same filters and disclosure control as the results page.
    @Sendable static func aggregated(_ req: Request) async throws -> Response {
        let context = try await QContext.load(req)
        let visit = req.visit
        let waves = try await QuestionnaireStore.waves(of: context.id, on: req.db)
        let entry = try await req.application.questionnaireResults.entry(for: context.id, on: req.db)
        let split = ResultsPages.filter(req.queryFields(), waves: waves, definition: context.definition).split(
            of: entry.data)
        return download(aggregatedCSV(context, entry: entry, split: split, visit: visit), name: "resultats.csv")
    }

    /// The aggregated results of a view as CSV: a line per answer of each question, exactly the
    /// figures the results page publishes (`Publication`). Pure.
    static func aggregatedCSV(
        _ context: QContext, entry: ResultsCache.Entry, split: Filter.Split, visit: Visit
    ) -> String {
        let disclosure = context.territory.disclosure
        var lines = [CSV.line(["question", "libelle", "reponse", "nombre", "part_pourcent"])]
        let hidden = "moins de \(disclosure.threshold)"
        func cell(_ c: Disclosure.Cell) -> String { c.value.map(String.init) ?? "masqué" }
        func answered(_ p: PublishedQuestion) -> String {
            p.answered.value.map(String.init) ?? (p.answeredIsSmall ? hidden : "non publié")
        }
        func percent(_ share: Double?) -> String { share.map { Rounding.text($0, digits: 1) } ?? "" }
        let check = disclosure.view(population: split.rows.count, differences: split.differences.map(\.count))
        let total: String =
            switch check {
            case .publishable: String(split.rows.count)
            case .tooFew: hidden
            case .tooClose: "non publié"
            }
        lines.append(CSV.line(["_total", "Réponses comptées", "", total, ""]))
        guard check == .publishable else { return lines.joined(separator: "\r\n") + "\r\n" }
        for q in context.definition.questions where !q.kind.isText {
            let published = Publication.of(
                q, in: entry.data, split: split, texts: entry.texts[q.key] ?? [], disclosure: disclosure)
            let label = CSV.inert(q.label)
            func choice(_ key: String) -> String {
                CSV.inert(ResultsPages.label(of: key, in: q, context: context, visit: visit))
            }
            lines.append(CSV.line([q.key, label, "_reponses", answered(published), ""]))
            switch q.kind {
            case .ranking:
                for item in published.ranked {
                    lines.append(CSV.line([q.key, label, choice(item.key) + " (classé 1er)", cell(item.first), ""]))
                    lines.append(CSV.line([q.key, label, choice(item.key) + " (classé)", cell(item.ranked), ""]))
                    lines.append(
                        CSV.line([
                            q.key, label, choice(item.key) + " (score 0 à 100)",
                            item.score.map { Rounding.text($0, digits: 1) } ?? "", "",
                        ]))
                }
            case .matrix:
                for row in published.matrix {
                    for (i, c) in row.cells.enumerated() {
                        lines.append(
                            CSV.line([q.key, label, choice(row.key) + " = \(i + 1)", cell(c), percent(row.shares[i])]))
                    }
                    if let mean = row.mean {
                        lines.append(
                            CSV.line([q.key, label, choice(row.key) + " _moyenne", Rounding.text(mean, digits: 2), ""]))
                    }
                }
            case .number:
                if let mean = published.mean, let median = published.median {
                    lines.append(CSV.line([q.key, label, "_moyenne", Rounding.text(mean, digits: 2), ""]))
                    lines.append(CSV.line([q.key, label, "_mediane", Rounding.text(median, digits: 2), ""]))
                }
                for (bin, line) in zip(published.bins, published.lines) {
                    lines.append(CSV.line([q.key, label, bin.label(.fr), cell(line.cell), percent(line.share)]))
                }
            case .date:
                for line in published.lines {
                    lines.append(CSV.line([q.key, label, line.key, cell(line.cell), percent(line.share)]))
                }
            default:
                for line in published.lines {
                    lines.append(CSV.line([q.key, label, choice(line.key), cell(line.cell), percent(line.share)]))
                }
                if let mean = published.mean {
                    lines.append(CSV.line([q.key, label, "_moyenne", Rounding.text(mean, digits: 2), ""]))
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
