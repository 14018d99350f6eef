import Core
import Fluent
import Foundation

/// What became of a change to a questionnaire's settings.
enum UpdateSettingsOutcome: Sendable, Equatable {
    case saved
    /// Something typed is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// Only the territory's builders change a questionnaire.
    case forbidden
}

/// A builder changes a questionnaire's title, introduction, audience and whether answers may be
/// linked to accounts, in the audit trail.
enum UpdateQuestionnaireSettings {
    static func run(
        _ fields: [String: String], questionnaire context: QContext, actor: Actor, env: UseCaseEnvironment
    ) async throws -> UpdateSettingsOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        let read = QuestionnaireSettings.read(fields, lang: actor.lang)
        guard let settings = read.settings else { return .invalid(read.errors) }
        try await env.db.transaction { db in
            try await QuestionnaireStore.updateSettings(
                context.id, title: settings.title, intro: settings.intro, audience: settings.audience,
                linkAccounts: settings.linkAccounts, on: db)
            try await Editing.audit("settings", context, actor: actor, on: db)
        }
        return .saved
    }
}

/// What became of a change to the outline or to one question.
enum EditQuestionnaireOutcome: Sendable, Equatable {
    /// Saved: in a new version when answers were already received under the current one (they
    /// keep theirs); `cleared` names the questions whose display condition went with a deleted one.
    case saved(versioned: Bool, cleared: [String])
    /// Refused, nothing changed.
    case refused(StructureProblem)
    /// Only the territory's builders change a questionnaire.
    case forbidden
}

/// A builder adds, renames, moves or deletes a section, or moves or deletes a question.
enum EditStructure {
    static func run(
        _ change: StructureChange, questionnaire context: QContext, actor: Actor, env: UseCaseEnvironment
    ) async throws -> EditQuestionnaireOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        let changed: (definition: Definition, cleared: [String])
        do { changed = try context.definition.applying(change) } catch { return .refused(error) }
        let versioned = try await Editing.save(changed.definition, context, action: change.name, actor: actor, env: env)
        return .saved(versioned: versioned, cleared: changed.cleared)
    }
}

/// What became of a question's form.
enum SaveQuestionOutcome: Sendable, Equatable {
    /// Saved (in a new version when answers were already received).
    case saved(versioned: Bool)
    /// Something typed is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// The question edited is not, or no longer, in the questionnaire.
    case unknownQuestion
    case forbidden
}

/// A builder writes a new question (`key` nil) or edits one: its text, choices, section and
/// display condition.
enum SaveQuestion {
    static func run(
        _ fields: [String: String], key: String?, questionnaire context: QContext, themes: ThemeList, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> SaveQuestionOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        let saved: (definition: Definition, key: String)
        do {
            saved = try QuestionInput.save(fields, key: key, in: context.definition, themes: themes, lang: actor.lang)
        } catch .unknownQuestion {
            return .unknownQuestion
        } catch .invalid(let errors) {
            return .invalid(errors)
        }
        let versioned = try await Editing.save(
            saved.definition, context, action: key == nil ? "question.add" : "question.edit", subject: saved.key,
            actor: actor, env: env)
        return .saved(versioned: versioned)
    }
}

/// A builder's work on the answers to a free-text question: naming a code, giving it to an answer
/// or taking it away.
enum CodingChange: Sendable, Equatable {
    case newCode(name: String)
    case code(response: Int, code: Int)
    case uncode(response: Int, code: Int)
}

/// What became of a coding change.
enum CodeFreeTextOutcome: Sendable, Equatable {
    case saved
    /// The code's name is missing, too long or taken, said next to its field.
    case invalid(FormErrors)
    /// The answer or the code is not this questionnaire's, or not this question's.
    case notFound
    case forbidden
}

/// Coding free-text answers: codes belong to one question, answers to the questionnaire; every
/// change is in the audit trail.
enum CodeFreeText {
    static func run(
        _ change: CodingChange, question: Question, questionnaire context: QContext, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> CodeFreeTextOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        guard question.kind.isText, context.definition.question(question.key) != nil else { return .notFound }
        let codes = try await QuestionnaireStore.codes(of: context.id, on: env.db)
        let id = context.id
        switch change {
        case .newCode(let typed):
            let name = typed.trimmingCharacters(in: .whitespacesAndNewlines)
            var errors = FormErrors()
            if name.isEmpty {
                errors.add("name", actor.t(Text("Donnez un nom au code.", "Name the code.")))
            } else if name.count > 80 {
                errors.add("name", actor.t(Text("80 caractères au plus.", "80 characters at most.")))
            } else if codes.contains(where: { $0.question_key == question.key && $0.name == name }) {
                let taken = Text(
                    "Ce code existe déjà pour cette question.", "This code already exists for this question.")
                errors.add("name", actor.t(taken))
            }
            guard errors.isEmpty else { return .invalid(errors) }
            try await env.db.transaction { db in
                try await QuestionnaireStore.addCode(questionnaireID: id, questionKey: question.key, name: name, on: db)
                try await Editing.audit("coding", context, subject: question.key, actor: actor, on: db)
            }
        case .code(let response, let code), .uncode(let response, let code):
            guard codes.contains(where: { $0.id == code && $0.question_key == question.key }),
                try await QuestionnaireStore.holds(response: response, questionnaireID: id, on: env.db)
            else { return .notFound }
            let adding = change == .code(response: response, code: code)
            try await env.db.transaction { db in
                try await QuestionnaireStore.setCoded(response: response, code: code, adding, on: db)
                try await Editing.audit("coding", context, subject: question.key, actor: actor, on: db)
            }
        }
        return .saved
    }
}

/// What became of a file of answers collected on paper.
enum ImportAnswersOutcome: Sendable, Equatable {
    case imported(count: Int)
    /// What is wrong, line by line and column by column; nothing was written.
    case problems([AnswerLayout.ImportProblem])
    /// A draft takes no answers.
    case notOpen
    /// The questionnaire is closed (or was closed meanwhile): the whole file is refused.
    case closed
    case forbidden
}

/// A builder imports answers collected on paper (a CSV file laid out as the export): every line is
/// checked as an online answer would be, with its day, wave, channel and audience; either every
/// line is written or none.
enum ImportAnswers {
    static func run(
        _ table: [(line: Int, fields: [String])], questionnaire context: QContext, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> ImportAnswersOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        guard context.record.status != .draft else { return .notOpen }
        guard context.record.status != .closed else { return .closed }
        let waves = try await QuestionnaireStore.waves(of: context.id, on: env.db)
        let now = env.now, today = DateText.isoDay(now)
        let read = AnswerLayout.read(table, definition: context.definition, waves: waves, today: today)
        var problems = read.problems
        var accepted: [NewResponse] = []
        for row in read.rows {
            let checked = AnswerCheck.check(row.typed, context: context, lang: .fr, audienceOverride: row.audience)
            for item in checked.errors.items {
                let column =
                    item.field == "_public" ? "public" : AnswerLayout.columnName(of: item.field, in: context.definition)
                problems.append(AnswerLayout.ImportProblem(line: row.line, column: column, message: item.message))
            }
            if checked.errors.isEmpty, let audience = checked.audience {
                accepted.append(
                    NewResponse(
                        questionnaireID: context.id, versionID: context.record.current_version_id, waveID: row.wave,
                        channel: row.channel, audience: audience,
                        commune: AnswerCheck.commune(of: checked.answers, definition: context.definition),
                        answers: checked.answers, enteredByID: actor.personID,
                        at: row.day == today ? now : Waves.noon(row.day) ?? now))
            }
        }
        if read.rows.isEmpty && problems.isEmpty {
            problems.append(
                AnswerLayout.ImportProblem(
                    line: 2, column: "", message: "Le fichier ne contient aucune réponse sous la ligne des colonnes."))
        }
        guard problems.isEmpty else { return .problems(problems.sorted { $0.line < $1.line }) }
        let batch = accepted
        do {
            try await env.db.transaction { db in
                // Each row only while the questionnaire is still open: closed meanwhile, the whole file is refused.
                for response in batch { try await QuestionnaireStore.insert(response, onlyIfOpen: true, on: db) }
                try await Editing.audit(
                    "import", context, subject: "\(batch.count) answers", actor: actor, on: db)
            }
        } catch is QuestionnaireClosed {
            return .closed
        }
        return .imported(count: batch.count)
    }
}

/// What became of an export of the raw answers.
enum ExportAnswersOutcome: Sendable, Equatable {
    /// The CSV text.
    case file(String)
    /// Raw answers are for the territory's builders only.
    case forbidden
}

/// A builder exports every complete answer: one row per answer, one column per question (layout in
/// `AnswerLayout`), free text made inert for spreadsheets; `;` and a byte-order mark for a French
/// spreadsheet (with decimal commas). Every export is in the audit trail, with its count.
enum ExportAnswers {
    static func run(
        questionnaire context: QContext, delimiter: Character, actor: Actor, env: UseCaseEnvironment
    ) async throws -> ExportAnswersOutcome {
        guard QuestionnairesPolicy.allows(actor, .build, on: context.record) else { return .forbidden }
        let merged = try await mergedDefinition(context, on: env.db)
        let versions = try await QuestionnaireStore.versions(of: context.id, on: env.db)
        let waves = Dictionary(
            uniqueKeysWithValues: try await QuestionnaireStore.waves(of: context.id, on: env.db).map {
                ($0.id, $0.name)
            })
        let rows = try await QuestionnaireStore.responses(of: context.id, after: 0, on: env.db)
        let columns = AnswerLayout.columns(merged)
        var body = delimiter == ";" ? "\u{FEFF}" : ""
        body += CSV.line(AnswerLayout.meta + columns.map(\.name), delimiter: delimiter) + "\r\n"
        let textual = Set(merged.questions.filter { $0.kind.isText }.map(\.key))
        for row in rows {
            guard let version = versions[row.version_id] else { continue }
            let answers = AnswerCodec.decode(row.answers, definition: version.definition)
            var cells = AnswerLayout.cells(answers, columns: columns, decimalComma: delimiter == ";")
            for (i, column) in columns.enumerated() where textual.contains(column.question.key) {
                cells[i] = CSV.inert(cells[i])
            }
            let meta = [
                String(row.id), String(version.number), row.wave_id.flatMap { waves[$0] } ?? "", row.channel,
                row.audience, String(DateText.isoDay(row.submitted_at)),
            ]
            body += CSV.line(meta.map(CSV.inert) + cells, delimiter: delimiter) + "\r\n"
        }
        try await Editing.audit("export", context, subject: "\(rows.count) answers", actor: actor, on: env.db)
        return .file(body)
    }

    /// The current version, followed by the questions only older versions asked (their answers
    /// are exported too), in a last section.
    static func mergedDefinition(_ context: QContext, on db: any Database) async throws -> Definition {
        var merged = context.definition
        let versions = try await QuestionnaireStore.versions(of: context.id, on: db)
        var older: [Question] = []
        for (_, version) in versions.sorted(by: { $0.value.number > $1.value.number }) {
            for q in version.definition.questions
            where merged.question(q.key) == nil && !older.contains(where: { $0.key == q.key }) { older.append(q) }
        }
        if !older.isEmpty {
            merged.sections.append(
                Section(key: "anciennes", title: "Questions des versions précédentes", questions: older))
        }
        return merged
    }
}

/// What the building use cases share: the audit entry, and saving the outline.
enum Editing {
    /// `questionnaire.<action>` on `questionnaire <id>[ <subject>]`.
    static func audit(
        _ action: String, _ context: QContext, subject: String? = nil, actor: Actor, on db: any Database
    ) async throws {
        try await AuditEntry.record(
            actor: actor.personID, territory: context.territory.id, action: "questionnaire.\(action)",
            subject: "questionnaire \(context.id)" + (subject.map { " \($0)" } ?? ""), on: db)
    }

    /// Saves the outline (a new version when answers were received under the current one), audited.
    static func save(
        _ definition: Definition, _ context: QContext, action: String, subject: String? = nil, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> Bool {
        try await env.db.transaction { db in
            let versioned = try await QuestionnaireStore.saveDefinition(context.record, definition, on: db)
            try await audit(action, context, subject: subject, actor: actor, on: db)
            return versioned
        }
    }
}

/// A builder reads the free-text answers of a questionnaire (raw answers, possibly identifying):
/// each reading is in the audit trail, with the question read.
enum ReadFreeTexts {
    static func run(_ context: QContext, question: String?, actor: Actor, env: UseCaseEnvironment) async throws {
        let key =
            question.flatMap { context.definition.question($0)?.key }
            ?? context.definition.questions.first { $0.kind.isText }?.key
        try await Editing.audit("read-texts", context, subject: key, actor: actor, on: env.db)
    }
}
