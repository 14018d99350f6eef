import Core
import Fluent
import Foundation

/// Reading what was typed into a questionnaire: the answers and the respondent's group, or the
/// errors of each field (the group is asked on "tous" questionnaires). With `pageFields` (the
/// form's own fields), a field for a question this version does not have refuses the whole answer.
enum AnswerCheck {
    static func check(
        _ typed: TypedAnswers, context: QContext, lang: Lang, audienceOverride: QAudience? = nil,
        pageFields: Set<String>? = nil
    ) -> (answers: Answers, audience: QAudience?, errors: FormErrors) {
        let validator = AnswerValidator(definition: context.definition, communes: context.communeNames, lang: lang)
        var errors = FormErrors()
        if let pageFields {
            let unknown = validator.unknownFields(typed, extra: pageFields)
            if !unknown.isEmpty { errors.add("_formulaire", validator.unknownMessage(unknown)) }
        }
        var (answers, answerErrors) = validator.validate(typed)
        for item in answerErrors.items { errors.add(item.field, item.message) }
        var audience: QAudience? = context.record.audience == .all ? nil : context.record.audience
        if audience == nil {
            if let given = audienceOverride ?? QAudience(rawValue: typed.field("_public")), given != .all {
                audience = given
            } else {
                errors.add(
                    "_public",
                    lang == .fr
                        ? "Dites si vous répondez comme usager ou comme professionnel."
                        : "Say whether you answer as a user or as a professional.")
            }
        }
        if !errors.isEmpty { answers = [:] }
        return (answers, audience, errors)
    }

    /// The commune of the respondent: the answer to the first commune profile question.
    static func commune(of answers: Answers, definition: Definition) -> String? {
        let question =
            definition.questions.first { $0.kind == .commune && $0.profile }
            ?? definition.questions.first { $0.kind == .commune }
        guard let key = question?.key, case .choice(let code)? = answers[key] else { return nil }
        return code
    }
}

/// What became of an answer.
enum SubmitAnswerOutcome: Sendable, Equatable {
    case saved(id: Int)
    /// Something typed is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// The questionnaire is not taking answers (closed meanwhile).
    case closed
}

/// Answering a published questionnaire online: anonymous unless it links accounts and the person
/// asked for it; the wave of the day; written through group commit (the busiest write), checking
/// that the questionnaire is still open, and the draft it came from is dropped.
enum SubmitAnswer {
    static let pageFields: Set<String> = ["_public", "_lier", "_reprise", "_evenement"]

    static func run(
        _ typed: TypedAnswers, questionnaire context: QContext, waves: [WaveRecord], resumeToken: String?,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> SubmitAnswerOutcome {
        guard QuestionnairesPolicy.allows(actor, .answer, on: context.record) else { return .closed }
        let checked = AnswerCheck.check(typed, context: context, lang: actor.lang, pageFields: pageFields)
        guard checked.errors.isEmpty, let audience = checked.audience else { return .invalid(checked.errors) }
        let personID = context.record.link_accounts && typed.fields["_lier"] == "on" ? actor.personID : nil
        let response = NewResponse(
            questionnaireID: context.id, versionID: context.record.current_version_id,
            waveID: Waves.running(on: DateText.isoDay(env.now), in: waves)?.id, channel: .online, audience: audience,
            commune: AnswerCheck.commune(of: checked.answers, definition: context.definition),
            answers: checked.answers, personID: personID, at: env.now,
            eventID: PathID.parse(typed.fields["_evenement"]))
        do {
            let id = try await AnswerWriter(commit: env.writes).save(
                response, droppingDraft: resumeToken.map(Tokens.sha256Hex), on: env.db)
            return .saved(id: id)
        } catch is QuestionnaireClosed {
            return .closed
        }
    }
}

/// What became of answers kept for later.
enum SaveAnswerDraftOutcome: Sendable, Equatable {
    /// Kept under this token (the one given, or a new one): the link of the resume page.
    case kept(token: String)
    case closed
}

/// "Finish later": what was typed is kept, whatever it holds, under a token whose link resumes it.
enum SaveAnswerDraft {
    static func run(
        _ typed: TypedAnswers, questionnaire context: QContext, resumeToken: String?, actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> SaveAnswerDraftOutcome {
        guard QuestionnairesPolicy.allows(actor, .answer, on: context.record) else { return .closed }
        let token = resumeToken ?? Tokens.random(bytes: 18)
        var kept = typed
        kept.fields.removeValue(forKey: "_plus_tard")
        kept.fields.removeValue(forKey: "_reprise")
        try await QuestionnaireStore.saveDraft(
            questionnaireID: context.id, versionID: context.record.current_version_id, typed: kept,
            tokenHash: Tokens.sha256Hex(token), replacing: resumeToken.map(Tokens.sha256Hex), on: env.db)
        return .kept(token: token)
    }
}

/// What became of an answer typed in by a partner or a coordinator.
enum AssistedAnswerOutcome: Sendable, Equatable {
    case saved(id: Int, channel: Channel, waveID: Int?)
    case invalid(FormErrors)
    /// The questionnaire is closed: no more answers.
    case closed
    /// Only partners and the staff type answers in.
    case forbidden
}

/// Typing an answer collected on paper, by phone or in person: the channel and the wave said,
/// anonymous, with the audit entry in the same transaction; the insert checks that the
/// questionnaire is still open.
enum EnterAssistedAnswer {
    static let pageFields: Set<String> = ["_canal", "_vague", "_public", "_evenement"]

    static func run(
        _ typed: TypedAnswers, questionnaire context: QContext, waves: [WaveRecord], actor: Actor,
        env: UseCaseEnvironment
    ) async throws -> AssistedAnswerOutcome {
        guard QuestionnairesPolicy.allows(actor, .assist, on: context.record) else { return .forbidden }
        if context.record.status == .closed { return .closed }
        var checked = AnswerCheck.check(typed, context: context, lang: actor.lang, pageFields: pageFields)
        let channel = Channel(rawValue: typed.field("_canal"))
        if channel == nil { checked.errors.add("_canal", actor.t(Text("Choisissez le canal.", "Choose the channel."))) }
        let waveText = typed.field("_vague")
        let wave = waves.first { String($0.id) == waveText }
        if !waveText.isEmpty && wave == nil {
            checked.errors.add("_vague", actor.t(Text("Cette vague n'existe pas.", "This wave does not exist.")))
        }
        guard checked.errors.isEmpty, let audience = checked.audience, let channel else {
            return .invalid(checked.errors)
        }
        let response = NewResponse(
            questionnaireID: context.id, versionID: context.record.current_version_id, waveID: wave?.id,
            channel: channel, audience: audience,
            commune: AnswerCheck.commune(of: checked.answers, definition: context.definition),
            answers: checked.answers, enteredByID: actor.personID, at: env.now,
            eventID: PathID.parse(typed.fields["_evenement"]))
        let territoryID = context.territory.id, questionnaireID = context.id
        do {
            let id = try await env.db.transaction { db in
                let id = try await QuestionnaireStore.insert(response, onlyIfOpen: true, on: db)
                try await AuditEntry.record(
                    actor: actor.personID, territory: territoryID, action: "questionnaire.answer.assisted",
                    subject: "questionnaire \(questionnaireID) answer \(id)", on: db)
                return id
            }
            return .saved(id: id, channel: channel, waveID: wave?.id)
        } catch is QuestionnaireClosed {
            return .closed
        }
    }
}
