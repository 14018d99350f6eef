import Core
import Foundation

/// The documented CSV layout of answers, shared by the export and the import of paper answers:
/// one row per answer, one column per question, and
/// - multiple choice: one column `qN_CHOICE` per choice, 1 when ticked, 0 when not;
/// - ranking: one column `qN_PLACE` per place (1 = first), holding the chosen choice's code;
/// - matrix: one column `qN_ROW` per row, holding the point 1–5;
/// - single choice: the choice's code; agreement 1–5; scale 0–10; commune: INSEE code.
/// The codebook (`codebook.csv`) lists every column with its question and its codes.
public enum AnswerLayout {
    public static let meta = ["reponse", "version", "vague", "canal", "public", "date"]

    public struct Column: Sendable, Equatable {
        public let name: String
        public let question: Question
        /// The choice (multiple), place number (ranking) or row key (matrix) of a split column.
        public let part: String?
    }

    public static func columns(_ definition: Definition) -> [Column] {
        definition.questions.flatMap { q -> [Column] in
            switch q.kind {
            case .multiple: q.choices.map { Column(name: "\(q.key)_\($0.key)", question: q, part: $0.key) }
            case .ranking:
                (1...max(1, q.rankCount)).map { Column(name: "\(q.key)_\($0)", question: q, part: String($0)) }
            case .matrix: q.rows.map { Column(name: "\(q.key)_\($0.key)", question: q, part: $0.key) }
            default: [Column(name: q.key, question: q, part: nil)]
            }
        }
    }

    /// The cells of one answer, in the order of `columns`. `decimalComma` writes 7,5 instead of
    /// 7.5 (the `;`-separated file French spreadsheets open as is).
    public static func cells(_ answers: Answers, columns: [Column], decimalComma: Bool = false) -> [String] {
        columns.map { column in
            guard let value = answers[column.question.key] else { return "" }
            switch value {
            case .choice(let v), .text(let v): return v
            case .point(let p): return String(p)
            case .number(let n):
                return decimalComma ? NumberText.plain(n).replacingOccurrences(of: ".", with: ",") : NumberText.plain(n)
            case .choices(let keys): return keys.contains(column.part ?? "") ? "1" : "0"
            case .ranking(let order):
                let place = Int(column.part ?? "") ?? 0
                return order.indices.contains(place - 1) ? order[place - 1] : ""
            case .matrix(let points): return points[column.part ?? ""].map(String.init) ?? ""
            }
        }
    }

    /// Codebook rows: column, question, type, codes.
    public static func codebook(_ definition: Definition, lang: Lang, waves: [WaveRecord] = []) -> [[String]] {
        let t = { (fr: String, en: String) in lang == .fr ? fr : en }
        var rows: [[String]] = [
            ["reponse", t("Numéro de la réponse", "Answer number"), t("nombre", "number"), ""],
            [
                "version",
                t("Version du questionnaire à laquelle la personne a répondu", "Questionnaire version answered"),
                t("nombre", "number"), "",
            ],
            [
                "vague",
                t(
                    "Vague : son nom ou son numéro ; vide = la vague en cours à la date de la réponse (hors vague si aucune)",
                    "Wave: its name or number; empty = the wave running on the answer's date (none if no wave runs)"),
                t("texte", "text"),
                waves.map { "\($0.id) = \($0.name)" }.joined(separator: " ; "),
            ],
            [
                "canal", t("Canal de réponse", "Channel"), t("code", "code"),
                Channel.allCases.map { "\($0.rawValue) = \($0.label.in(lang))" }.joined(separator: " ; "),
            ],
            ["public", t("Public", "Audience"), t("code", "code"), "usagers ; professionnels"],
            [
                "date", t("Date de la réponse ; vide = aujourd'hui", "Date of the answer; empty = today"),
                t("date", "date"), t("AAAA-MM-JJ ou JJ/MM/AAAA", "YYYY-MM-DD or DD/MM/YYYY"),
            ],
        ]
        for column in columns(definition) {
            let q = column.question
            let codes: String
            switch q.kind {
            case .single: codes = q.choices.map { "\($0.key) = \($0.label)" }.joined(separator: " ; ")
            case .multiple:
                codes =
                    t("1 = coché, 0 = non coché : ", "1 = ticked, 0 = not ticked: ")
                    + (q.choice(column.part ?? "")?.label ?? "")
            case .ranking:
                codes =
                    t("place \(column.part ?? "") : ", "place \(column.part ?? ""): ")
                    + q.choices.map { "\($0.key) = \($0.label)" }.joined(separator: " ; ")
            case .matrix:
                codes =
                    (q.rows.first { $0.key == column.part }?.label ?? "") + " : "
                    + Agreement.points.enumerated().map { "\($0.offset + 1) = \($0.element.in(lang))" }.joined(
                        separator: " ; ")
            case .agreement:
                codes = Agreement.points.enumerated().map { "\($0.offset + 1) = \($0.element.in(lang))" }.joined(
                    separator: " ; ")
            case .scale: codes = "0 – 10"
            case .number:
                codes = [
                    q.minValue.map { "min \(NumberText.plain($0))" }, q.maxValue.map { "max \(NumberText.plain($0))" },
                ].compactMap { $0 }.joined(separator: ", ")
            case .commune: codes = t("code INSEE de la commune", "INSEE code of the commune")
            case .date: codes = "AAAA-MM-JJ"
            case .shortText, .longText: codes = t("texte libre", "free text")
            }
            rows.append([column.name, q.label, q.kind.label.in(lang), codes])
        }
        return rows
    }

    /// One row of an imported file, ready for validation: the typed answer, its channel, its
    /// day (YYYY-MM-DD, today when not given) and its wave (nil: hors vague).
    public struct ImportedRow: Sendable {
        public let line: Int
        public let typed: TypedAnswers
        public let channel: Channel
        public let audience: QAudience?
        public let day: String
        public let wave: Int?
    }

    public struct ImportProblem: Sendable, Equatable {
        public let line: Int
        public let column: String
        public let message: String
    }

    /// Reads the header and rows of a paper-answers file. Header problems stop everything.
    /// The `vague` column names a wave (by name or number); the `date` column is the day of the
    /// answer (YYYY-MM-DD or DD/MM/YYYY, not after `today`). Without a wave, the answer goes to
    /// the wave running on its day, if any. `reponse` and `version` are read by nobody.
    public static func read(
        _ table: [(line: Int, fields: [String])], definition: Definition, waves: [WaveRecord], today: String
    ) -> (rows: [ImportedRow], problems: [ImportProblem]) {
        guard let header = table.first else {
            return (
                [],
                [
                    ImportProblem(
                        line: 1, column: "",
                        message: "Le fichier est vide : la première ligne doit nommer les colonnes.")
                ]
            )
        }
        let known = Dictionary(uniqueKeysWithValues: columns(definition).map { ($0.name, $0) })
        var problems: [ImportProblem] = []
        let names = header.fields.map {
            $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "\u{FEFF}", with: "")
        }
        for name in names where known[name] == nil && !meta.contains(name) {
            problems.append(
                ImportProblem(
                    line: header.line, column: name,
                    message: "Colonne inconnue : « \(name) ». Les colonnes sont décrites dans le livre de codes."))
        }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            problems.append(
                ImportProblem(line: header.line, column: name, message: "La colonne « \(name) » apparaît deux fois."))
        }
        if !problems.isEmpty { return ([], problems) }
        var rows: [ImportedRow] = []
        for record in table.dropFirst() {
            if record.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            if record.fields.count != names.count {
                problems.append(
                    ImportProblem(
                        line: record.line, column: "",
                        message: "Cette ligne a \(record.fields.count) cellules au lieu de \(names.count)."))
                continue
            }
            var typed = TypedAnswers()
            var channel = Channel.paper
            var audience: QAudience?
            var day = today
            var wave: WaveRecord?
            var waveGiven = false
            for (name, raw) in zip(names, record.fields) {
                let value = raw.trimmingCharacters(in: .whitespaces)
                if name == "vague" {
                    if value.isEmpty { continue }
                    switch Waves.named(value, in: waves) {
                    case .success(let found): wave = found; waveGiven = true
                    case .failure(let error):
                        problems.append(ImportProblem(line: record.line, column: name, message: error.message))
                    }
                    continue
                }
                if name == "date" {
                    if value.isEmpty { continue }
                    guard let parsed = Waves.day(value) else {
                        problems.append(
                            ImportProblem(
                                line: record.line, column: name,
                                message:
                                    "Date invalide « \(value) » : écrivez-la AAAA-MM-JJ (2026-03-31) ou JJ/MM/AAAA (31/03/2026)."
                            ))
                        continue
                    }
                    guard parsed <= today else {
                        problems.append(
                            ImportProblem(
                                line: record.line, column: name,
                                message:
                                    "La date « \(value) » est dans le futur : écrivez le jour où la personne a répondu."
                            ))
                        continue
                    }
                    day = parsed
                    continue
                }
                if name == "canal" {
                    if value.isEmpty { continue }
                    guard let c = Channel(rawValue: value) else {
                        problems.append(
                            ImportProblem(
                                line: record.line, column: name,
                                message: "Canal inconnu « \(value) » : écrivez "
                                    + Channel.allCases.map(\.rawValue).joined(separator: ", ") + "."))
                        continue
                    }
                    channel = c
                    continue
                }
                if name == "public" {
                    if value.isEmpty { continue }
                    guard let a = QAudience(rawValue: value), a != .all else {
                        problems.append(
                            ImportProblem(
                                line: record.line, column: name,
                                message: "Public inconnu « \(value) » : écrivez usagers ou professionnels."))
                        continue
                    }
                    audience = a
                    continue
                }
                guard let column = known[name], !value.isEmpty else { continue }
                let key = column.question.key
                switch column.question.kind {
                case .multiple:
                    if value == "1" {
                        typed.lists[key + "[]", default: []].append(column.part ?? "")
                    } else if value != "0" {
                        problems.append(
                            ImportProblem(
                                line: record.line, column: name,
                                message: "Écrivez 1 (coché) ou 0 (non coché), pas « \(value) »."))
                    }
                case .ranking, .matrix: typed.fields["\(key)-\(column.part ?? "")"] = value
                default: typed.fields[key] = value
                }
            }
            if !waveGiven { wave = Waves.running(on: day, in: waves) }
            rows.append(
                ImportedRow(
                    line: record.line, typed: typed, channel: channel, audience: audience, day: day, wave: wave?.id))
        }
        return (rows, problems)
    }

    /// The column a problem with question `key` points at (its first column).
    public static func columnName(of key: String, in definition: Definition) -> String {
        columns(definition).first { $0.question.key == key }?.name ?? key
    }
}
