import Core
import Fluent
import Foundation

/// What was typed into a submission's form when the session had expired: kept for 7 days for the
/// browser that typed it, recovered once, after logging in, and saved only by the author's own
/// "save" (issue #16, attack 1: a link made by someone else never writes anything).
struct RescuedText: Codable, Sendable, Equatable {
    var fields: [String: String]
    var multi: [String: [String]]
    /// The submission being edited (its author's right to edit is checked when recovered).
    var submission: Int?
    /// SHA-256 of the key of the browser that typed it (its `agora_reprise` cookie).
    var browser: String?
}

/// Keeping the text of a form sent without a session.
enum KeepForLater {
    static let lifetime: TimeInterval = 7 * 24 * 3600

    /// The one-time token of the rescue link.
    static func run(
        _ text: RescuedText, browserKey: String, call: CallRecord, env: UseCaseEnvironment
    ) async throws -> String {
        let token = Tokens.random()
        var kept = text
        kept.browser = Tokens.sha256Hex(browserKey)
        let json = String(decoding: try JSONEncoder().encode(kept), as: UTF8.self)
        try await ExperienceStore.insertRescue(
            tokenHash: Tokens.sha256Hex(token), callID: call.id, payload: json,
            expiresAt: env.now.addingTimeInterval(lifetime), on: env.db)
        return token
    }
}

/// What a rescue link gives back.
enum RecoverTextOutcome: Sendable {
    /// The text, and the submission it will replace once the author saves it (nil: a new one).
    case recovered(RescuedText, replacing: SubmissionContext?, proof: String)
    /// No such text for this call and this browser, or no longer (used, or older than 7 days).
    case missing
}

/// Recovering a kept text: only in the browser that typed it, for the call it was typed for,
/// once. Nothing is saved: the form opens filled in, and the author saves it (which, for a
/// submission already saved, replaces its text — said on the form). `proof` lets that save
/// keep a late text as a draft, as the rescue promises, for two hours.
enum RecoverText {
    static let proofLifetime: TimeInterval = 2 * 3600

    /// Whether the kept text may be shown to this browser (nothing is taken out).
    static func exists(
        token: String, browserKey: String?, call: CallContext, env: UseCaseEnvironment
    ) async throws
        -> Bool
    {
        guard let row = try await ExperienceStore.rescue(tokenHash: Tokens.sha256Hex(token), on: env.db) else {
            return false
        }
        return usable(row, browserKey: browserKey, call: call, now: env.now) != nil
    }

    static func run(
        token: String, browserKey: String?, call: CallContext, env: UseCaseEnvironment
    ) async throws -> RecoverTextOutcome {
        let hash = Tokens.sha256Hex(token)
        guard let peek = try await ExperienceStore.rescue(tokenHash: hash, on: env.db),
            usable(peek, browserKey: browserKey, call: call, now: env.now) != nil,
            // Taken out at once: of two tabs, one gets it.
            let row = try await ExperienceStore.claimRescue(tokenHash: hash, on: env.db),
            let text = usable(row, browserKey: browserKey, call: call, now: env.now)
        else { return .missing }
        var replacing: SubmissionContext?
        if let id = text.submission, let context = try await SubmissionContext.load(id, in: call, on: env.db),
            context.allows(.edit), context.status.authorsMayEdit
        {
            replacing = context
        }
        return .recovered(
            text, replacing: replacing, proof: proof(call: call.call.id, now: env.now, signer: env.signer))
    }

    /// The text of a row, if it is this call's, not expired, and typed in this browser.
    static func usable(
        _ row: ExperienceStore.RescueRow, browserKey: String?, call: CallContext, now: Date
    ) -> RescuedText? {
        guard row.call_id == call.call.id, row.expires_at > now, let browserKey,
            let text = try? JSONDecoder().decode(RescuedText.self, from: Data(row.payload.utf8)),
            let browser = text.browser, Tokens.constantTimeEquals(browser, Tokens.sha256Hex(browserKey))
        else { return nil }
        return text
    }

    /// A signed "this form holds a recovered text of call N" until two hours from now.
    static func proof(call: Int, now: Date, signer: Signer) -> String {
        signer.seal("\(call)/\(Int(now.timeIntervalSince1970 + proofLifetime))", purpose: "experience-rescue")
    }

    /// Whether `proof` is a live one for this call.
    static func holds(_ proof: String?, call: Int, now: Date, signer: Signer) -> Bool {
        guard let proof, let value = signer.unseal(proof, purpose: "experience-rescue") else { return false }
        let parts = value.split(separator: "/")
        guard parts.count == 2, Int(parts[0]) == call, let until = Int(parts[1]) else { return false }
        return Double(until) > now.timeIntervalSince1970
    }
}
