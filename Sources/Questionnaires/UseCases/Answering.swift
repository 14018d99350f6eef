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
    /// A signed-in person's answer of this wave, changed: the figures still count one.
    case replaced(id: Int)
    /// Something typed is wrong, said next to its field; nothing was written.
    case invalid(FormErrors)
    /// The questionnaire is not taking answers (closed meanwhile).
    case closed
    /// The form's token is missing, forged or expired: nothing written (the typed answers are kept).
    case badToken(FormToken.Problem)
    /// This form was already sent: an answer counts once.
    case tokenUsed
    /// The signed-in person already answered this wave (and did not open their answer to change it).
    case alreadyAnswered
    /// Too many answers from this address in the last hour (`AGORA_ANSWER_ADDRESS_LIMIT`).
    case tooMany
    /// A professionals' questionnaire, and the person is not a professional of the territory.
    case professionalsOnly
}

/// What protects an online answer from being counted many times (issue #15): the form's signed
/// single-use token, the client address and its limit per hour, and the limiter that counts it.
struct AnswerSafeguards: Sendable {
    var formToken: String?
    var address: String
    var addressLimit: Int
    var limiter: RateLimiter
    /// The person opened their own answer to change it (`_modifier`).
    var replacing: Bool = false
    /// The browser's draft key (`agora_brouillon`), whose draft the answer drops too.
    var browserKey: String? = nil

    static let window: TimeInterval = 3600
    static func addressKey(_ address: String) -> String { "answer-ip:" + address }
}

/// Answering a published questionnaire online: anonymous unless it links accounts and the person
/// asked for it; the wave of the day; written through group commit (the busiest write), checking
/// that the questionnaire is still open, and the draft it came from is dropped. It counts once:
/// the form's token is consumed with the answer, a signed-in person has one answer per wave
/// (found again by a keyed hash, `RespondentKey`), and an address sends a limited number an hour.
enum SubmitAnswer {
    static let pageFields: Set<String> = ["_public", "_lier", "_reprise", "_evenement", FormToken.field, "_modifier"]

    static func run(
        _ typed: TypedAnswers, questionnaire context: QContext, waves: [WaveRecord], resumeToken: String?,
        safeguards: AnswerSafeguards, actor: Actor, env: UseCaseEnvironment
    ) async throws -> SubmitAnswerOutcome {
        guard QuestionnairesPolicy.allows(actor, .answer, on: context.record) else { return .closed }
        guard AnswerAudience.mayAnswerOnline(context.record.audience, roles: actor.roles) else {
            return .professionalsOnly
        }
        let now = env.now
        let nonce: String
        switch FormToken.check(safeguards.formToken, questionnaireID: context.id, now: now, signer: env.signer) {
        case .success(let value): nonce = value
        case .failure(let problem): return .badToken(problem)
        }
        let checked = AnswerCheck.check(typed, context: context, lang: actor.lang, pageFields: pageFields)
        guard checked.errors.isEmpty, let audience = checked.audience else { return .invalid(checked.errors) }
        let addressKey = AnswerSafeguards.addressKey(safeguards.address)
        guard
            safeguards.limiter.allows(
                addressKey, limit: safeguards.addressLimit, window: AnswerSafeguards.window, now: now)
        else { return .tooMany }
        let personID = context.record.link_accounts && typed.fields["_lier"] == "on" ? actor.personID : nil
        let waveID = Waves.running(on: DateText.isoDay(now), in: waves)?.id
        var response = NewResponse(
            questionnaireID: context.id, versionID: context.record.current_version_id,
            waveID: waveID, channel: .online, audience: audience,
            commune: AnswerCheck.commune(of: checked.answers, definition: context.definition),
            answers: checked.answers, personID: personID, at: now,
            eventID: PathID.parse(typed.fields["_evenement"]))
        response.respondentHash = actor.personID.map {
            RespondentKey.answer(personID: $0, questionnaireID: context.id, waveID: waveID, signer: env.signer)
        }
        let owners = RespondentKey.draftOwners(
            personID: actor.personID, browserKey: safeguards.browserKey, signer: env.signer)
        do {
            let written = try await AnswerWriter(commit: env.writes).submit(
                response, nonceHash: FormToken.stored(nonce), replacing: safeguards.replacing,
                droppingDraft: resumeToken.map(Tokens.sha256Hex), draftOwners: owners, on: env.db)
            switch written {
            case .tokenUsed: return .tokenUsed
            case .alreadyAnswered: return .alreadyAnswered
            case .saved(let id, let replaced):
                safeguards.limiter.record(addressKey, now: now)
                return replaced ? .replaced(id: id) : .saved(id: id)
            }
        } catch is QuestionnaireClosed {
            return .closed
        }
    }
}

/// A signed-in person's own answer to the wave of the day, as the form shows it again (nil when
/// they have not answered it, or nobody is signed in).
enum OwnAnswer {
    static func find(
        questionnaire context: QContext, waves: [WaveRecord], actor: Actor, env: UseCaseEnvironment
    ) async throws -> TypedAnswers? {
        guard let personID = actor.personID else { return nil }
        let waveID = Waves.running(on: DateText.isoDay(env.now), in: waves)?.id
        let hash = RespondentKey.answer(
            personID: personID, questionnaireID: context.id, waveID: waveID, signer: env.signer)
        guard let row = try await QuestionnaireStore.ownAnswer(respondentHash: hash, on: env.db) else { return nil }
        let answers = AnswerCodec.decode(row.answers, definition: context.definition)
        var typed = TypedAnswers.from(answers, definition: context.definition)
        if context.record.audience == .all { typed.fields["_public"] = row.audience }
        return typed
    }
}

/// What became of answers kept for later.
enum SaveAnswerDraftOutcome: Sendable, Equatable {
    /// Kept under this token (the one given, or a new one): the link of the resume page.
    case kept(token: String)
    case closed
}

/// "Finish later": what was typed is kept, whatever it holds, under a token whose link resumes it;
/// for a signed-in person also under their keyed hash, else under the browser's draft key, so
/// that the questionnaire's page offers "Reprendre mon questionnaire" (one draft per owner).
enum SaveAnswerDraft {
    static func run(
        _ typed: TypedAnswers, questionnaire context: QContext, resumeToken: String?, browserKey: String? = nil,
        actor: Actor, env: UseCaseEnvironment
    ) async throws -> SaveAnswerDraftOutcome {
        guard QuestionnairesPolicy.allows(actor, .answer, on: context.record) else { return .closed }
        let token = resumeToken ?? Tokens.random(bytes: 18)
        var kept = typed
        for field in ["_plus_tard", "_reprise", FormToken.field, "_csrf"] { kept.fields.removeValue(forKey: field) }
        let owner = RespondentKey.draftOwners(personID: actor.personID, browserKey: browserKey, signer: env.signer)
            .first
        let typedNow = kept
        try await env.db.transaction { db in
            try await QuestionnaireStore.saveDraft(
                questionnaireID: context.id, versionID: context.record.current_version_id, typed: typedNow,
                tokenHash: Tokens.sha256Hex(token), replacing: resumeToken.map(Tokens.sha256Hex), owner: owner,
                at: env.now, on: db)
        }
        return .kept(token: token)
    }
}

/// The draft of this questionnaire that a visit finds again: the signed-in person's, else the
/// one kept on this browser.
enum FindOwnDraft {
    static func run(
        questionnaire context: QContext, browserKey: String?, actor: Actor, env: UseCaseEnvironment
    ) async throws -> TypedAnswers? {
        let owners = RespondentKey.draftOwners(personID: actor.personID, browserKey: browserKey, signer: env.signer)
        return try await QuestionnaireStore.ownedDraft(questionnaireID: context.id, owners: owners, on: env.db)
    }
}

/// "My drafts": every draft a signed-in person kept, on questionnaires still open (for the
/// person's space, issue #17). Empty for nobody signed in.
public enum PersonDrafts {
    public static func run(actor: Actor, env: UseCaseEnvironment) async throws -> [QuestionnaireStore.OwnedDraft] {
        guard let personID = actor.personID else { return [] }
        return try await QuestionnaireStore.drafts(
            owner: RespondentKey.drafts(personID: personID, signer: env.signer), on: env.db)
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
