import Core
import Fluent
import Foundation

/// The fields of a live activity's form (one per activity: several may be open on a page).
enum LiveFields {
    /// The field a contribution's message goes next to.
    static func key(_ activity: LiveStore.Activity) -> String {
        switch activity.kind {
        case .ideas: "idea-\(activity.id)"
        case .ranking: ranks(activity)[0]
        case .poll, .pollMultiple: "choice-\(activity.id)"
        }
    }

    static func ranks(_ activity: LiveStore.Activity) -> [String] {
        (1...LiveRules.rankSize).map { "rank-\(activity.id)-\($0)" }
    }
}

/// What became of asking to take part: a new participant cookie, or too many from this address.
public enum JoinLiveOutcome: Sendable, Equatable {
    /// The cookie to set (signed by the server) and the participant it names (the SHA-256 of its token).
    case issued(cookie: String, participant: String)
    /// This address was given `AGORA_LIVE_NEW_PARTICIPANT_LIMIT` participants in the last hour.
    case tooMany
}

/// A new live participant: a random token, signed by the server into the cookie, so that a cookie
/// the client invents is refused; an address gets a limited number of them an hour, so that a
/// script dropping its cookie cannot mint votes.
enum JoinLive {
    static func run(address: String, limit: Int, limiter: RateLimiter, env: UseCaseEnvironment) -> JoinLiveOutcome {
        let key = LiveRules.newParticipantKey(address)
        let now = env.now
        guard limiter.allows(key, limit: limit, window: LiveRules.newParticipantWindow, now: now) else {
            return .tooMany
        }
        limiter.record(key, now: now)
        let token = Tokens.random()
        return .issued(cookie: LiveRules.cookie(token: token, signer: env.signer), participant: Tokens.sha256Hex(token))
    }
}

/// What became of a live contribution.
public enum ContributionOutcome: Sendable, Equatable {
    public enum Saved: Sendable, Equatable {
        case idea(pending: Bool)
        case vote
        case ranking
        case answer
    }
    case saved(Saved)
    /// The event is over, cancelled or a draft (`LiveRules.closed`).
    case eventClosed(Text)
    /// The organiser closed this activity.
    case activityClosed
    /// This participant sends too much (`LiveRules.limit` a minute).
    case slowDown
    /// Too much comes from this address at once (`AGORA_LIVE_ADDRESS_LIMIT` a minute).
    case networkBusy
    /// One answer per participant and poll or ranking.
    case alreadyAnswered
    case invalid(FormErrors)
    /// A vote for an idea that is not on this wall (hidden, or another's).
    case unknownTarget
}

/// A participant's vote, idea or ranking in a live activity: the event and the activity must be
/// open, the participant and their network within their limits, one answer per poll or ranking
/// (checked first, and held by a unique index even when two arrive at the same instant). Written
/// through `GroupCommit` — a room voting at once shares transactions on SQLite — with the
/// event's live version bumped so the projector refreshes.
enum Contribute {
    struct Input: Sendable {
        var fields: [String: String]
        var lists: [String: [String]]
        /// The SHA-256 of the participant's cookie.
        var participant: String
        var address: String
        var addressLimit: Int
        var lang: Lang
    }

    static let alreadyAnswered = Text(
        "Vous avez déjà répondu : une seule réponse par personne.", "You already answered: one answer per person.")

    static func run(
        _ input: Input, activity: LiveStore.Activity, data: LiveStore.LiveData, event: EventRecord,
        limiter: RateLimiter, env: UseCaseEnvironment
    ) async throws -> ContributionOutcome {
        let now = env.now
        guard activity.event_id == event.id else { return .unknownTarget }
        if let closed = LiveRules.closed(status: event.status, endsAt: event.ends_at, now: now) {
            return .eventClosed(closed.message)
        }
        guard activity.open else { return .activityClosed }
        let participantKey = LiveRules.limiterKey(participant: input.participant)
        let addressKey = LiveRules.addressKey(input.address)
        guard limiter.allows(participantKey, limit: LiveRules.limit, window: LiveRules.window, now: now) else {
            return .slowDown
        }
        guard limiter.allows(addressKey, limit: input.addressLimit, window: LiveRules.window, now: now) else {
            return .networkBusy
        }
        if activity.isAnswer,
            try await LiveStore.hasBallot(activityID: activity.id, participant: input.participant, on: env.db)
        {
            return .alreadyAnswered
        }
        let contribution: LiveContribution
        switch LiveContribution.parse(input, activity: activity, data: data) {
        case .contribution(let parsed): contribution = parsed
        case .invalid(let errors): return .invalid(errors)
        case .unknownTarget: return .unknownTarget
        }
        limiter.record(participantKey, now: now)
        limiter.record(addressKey, now: now)
        let participant = input.participant
        let saved: Bool = try await env.writes.perform(on: env.db) { db in
            if activity.isAnswer {
                guard
                    try await LiveStore.insertBallot(
                        activityID: activity.id, participant: participant, now: now, on: db)
                else { return false }
            }
            switch contribution {
            case .idea(let body, let author):
                try await LiveStore.insertIdea(
                    activityID: activity.id, participant: participant, author: author, body: body,
                    pending: activity.moderated, now: now, on: db)
            case .votes(let votes):
                for vote in votes {
                    try await LiveStore.insertVote(
                        activityID: activity.id, participant: participant, target: vote.target, rank: vote.rank,
                        now: now, on: db)
                }
            }
            try await LiveStore.bumpVersion(eventID: event.id, on: db)
            return true
        }
        guard saved else { return .alreadyAnswered }
        switch (contribution, activity.kind) {
        case (.idea, _): return .saved(.idea(pending: activity.moderated))
        case (.votes, .ideas): return .saved(.vote)
        case (.votes, .ranking): return .saved(.ranking)
        case (.votes, _): return .saved(.answer)
        }
    }
}

/// What a participant sends to an activity, read from its form: votes (target, rank — 0 outside
/// a ranking) or a new idea with an optional name.
enum LiveContribution: Sendable, Equatable {
    case votes([Vote])
    case idea(body: String, author: String?)

    struct Vote: Sendable, Equatable {
        let target: Int
        let rank: Int
    }

    enum Parsed: Sendable, Equatable {
        case contribution(LiveContribution)
        case invalid(FormErrors)
        case unknownTarget
    }

    static func parse(
        _ input: Contribute.Input, activity: LiveStore.Activity, data: LiveStore.LiveData
    ) -> Parsed {
        let fields = input.fields, lang = input.lang
        let key = LiveFields.key(activity)
        var errors = FormErrors()
        switch activity.kind {
        case .ideas:
            if let vote = fields["vote"].flatMap(Int.init) {
                guard data.ideas.contains(where: { $0.id == vote && $0.activity_id == activity.id && !$0.hidden })
                else { return .unknownTarget }
                return .contribution(.votes([Vote(target: vote, rank: 0)]))
            }
            var body = ""
            switch LiveRules.idea(fields["idea"] ?? "", lang: lang, field: key) {
            case .success(let text): body = text
            case .failure(let box): errors = box.errors
            }
            let name = (fields["author"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if name.count > 40 {
                errors.add("author-\(activity.id)", Text("40 caractères au plus.", "40 characters at most.").in(lang))
            }
            guard errors.isEmpty else { return .invalid(errors) }
            return .contribution(.idea(body: body, author: name.isEmpty ? nil : name))
        case .ranking:
            let picks = (1...LiveRules.rankSize).map { fields["rank_\($0)"] }
            switch LiveRules.ranking(
                picks, valid: data.options(of: activity).map(\.id), fields: LiveFields.ranks(activity), lang: lang)
            {
            case .success(let ids):
                return .contribution(.votes(ids.enumerated().map { Vote(target: $1, rank: $0 + 1) }))
            case .failure(let box): return .invalid(box.errors)
            }
        case .poll, .pollMultiple:
            let valid = Set(data.options(of: activity).map(\.id))
            let chosen =
                activity.kind == .pollMultiple
                ? (input.lists["choice-\(activity.id)"] ?? []).compactMap(Int.init)
                : [fields["choice"].flatMap(Int.init)].compactMap { $0 }
            var targets: [Int] = []
            for target in chosen where valid.contains(target) && !targets.contains(target) { targets.append(target) }
            if targets.isEmpty {
                errors.add(key, Text("Choisissez une réponse.", "Choose an answer.").in(lang))
                return .invalid(errors)
            }
            if activity.kind == .poll, targets.count > 1 { targets = [targets[0]] }
            return .contribution(.votes(targets.map { Vote(target: $0, rank: 0) }))
        }
    }
}
